module github.com/eniconform/eniconform

go 1.26

require go.yaml.in/yaml/v3 v3.0.6

require (
	github.com/alibabacloud-go/darabonba-openapi/v2 v2.1.14 // indirect
	github.com/alibabacloud-go/ecs-20140526/v7 v7.7.0 // indirect
	github.com/aliyun/alibaba-cloud-sdk-go v1.63.107 // indirect
	github.com/google/go-cmp v0.7.0 // indirect
	pgregory.net/rapid v1.3.0 // indirect
)
