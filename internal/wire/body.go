package wire

import "encoding/xml"

// The response bodies. Field names and nesting follow what the official
// SDKs unmarshal: ecs-20140526/v7 client/*_response_body_model.go and
// alibaba-cloud-sdk-go services/ecs (sdk_test.go decodes our bodies with
// both). The same types serve Render and ParseResponse, so the two sides
// cannot disagree.

// errorBody is the error envelope; XML root <Error>.
type errorBody struct {
	XMLName   xml.Name `json:"-" xml:"Error"`
	RequestID string   `json:"RequestId" xml:"RequestId"`
	HostID    string   `json:"HostId" xml:"HostId"`
	Code      string   `json:"Code" xml:"Code"`
	Message   string   `json:"Message" xml:"Message"`
	Recommend string   `json:"Recommend" xml:"Recommend"`
}

// eniBody is one ENI as newer Create responses and Describe show it.
type eniBody struct {
	NetworkInterfaceID   string        `json:"NetworkInterfaceId" xml:"NetworkInterfaceId"`
	Status               string        `json:"Status" xml:"Status"`
	Type                 string        `json:"Type" xml:"Type"`
	VpcID                string        `json:"VpcId" xml:"VpcId"`
	VSwitchID            string        `json:"VSwitchId" xml:"VSwitchId"`
	ZoneID               string        `json:"ZoneId" xml:"ZoneId"`
	PrivateIPAddress     string        `json:"PrivateIpAddress" xml:"PrivateIpAddress"`
	MACAddress           string        `json:"MacAddress" xml:"MacAddress"`
	NetworkInterfaceName string        `json:"NetworkInterfaceName" xml:"NetworkInterfaceName"`
	Description          string        `json:"Description" xml:"Description"`
	SecurityGroupIDs     groupIDs      `json:"SecurityGroupIds" xml:"SecurityGroupIds"`
	PrivateIPSets        privateIPSets `json:"PrivateIpSets" xml:"PrivateIpSets"`
}

type groupIDs struct {
	SecurityGroupID []string `json:"SecurityGroupId" xml:"SecurityGroupId"`
}

type privateIPSets struct {
	PrivateIPSet []privateIP `json:"PrivateIpSet" xml:"PrivateIpSet"`
}

type privateIP struct {
	PrivateIPAddress string `json:"PrivateIpAddress" xml:"PrivateIpAddress"`
	Primary          bool   `json:"Primary" xml:"Primary"`
}

// plainBody is a success body with RequestId and, for the 2018 Create
// response, NetworkInterfaceId; Delete uses it without the ID.
type plainBody struct {
	XMLName            xml.Name `json:"-"`
	RequestID          string   `json:"RequestId" xml:"RequestId"`
	NetworkInterfaceID string   `json:"NetworkInterfaceId,omitempty" xml:"NetworkInterfaceId,omitempty"`
}

// createBody is the newer Create response (API-FACTS §3a).
type createBody struct {
	XMLName   xml.Name `json:"-"`
	RequestID string   `json:"RequestId" xml:"RequestId"`
	eniBody
}

// describeBody is the DescribeNetworkInterfaces response.
type describeBody struct {
	XMLName              xml.Name `json:"-"`
	RequestID            string   `json:"RequestId" xml:"RequestId"`
	TotalCount           int      `json:"TotalCount" xml:"TotalCount"`
	PageNumber           int      `json:"PageNumber" xml:"PageNumber"`
	PageSize             int      `json:"PageSize" xml:"PageSize"`
	NetworkInterfaceSets eniSets  `json:"NetworkInterfaceSets" xml:"NetworkInterfaceSets"`
}

type eniSets struct {
	NetworkInterfaceSet []eniBody `json:"NetworkInterfaceSet" xml:"NetworkInterfaceSet"`
}

// anyBody decodes every body ParseResponse meets: the error envelope and the
// success bodies of all three actions. The root element name is not checked.
type anyBody struct {
	RequestID            string  `json:"RequestId" xml:"RequestId"`
	HostID               string  `json:"HostId" xml:"HostId"`
	Code                 string  `json:"Code" xml:"Code"`
	Message              string  `json:"Message" xml:"Message"`
	Recommend            string  `json:"Recommend" xml:"Recommend"`
	TotalCount           int     `json:"TotalCount" xml:"TotalCount"`
	PageNumber           int     `json:"PageNumber" xml:"PageNumber"`
	PageSize             int     `json:"PageSize" xml:"PageSize"`
	NetworkInterfaceSets eniSets `json:"NetworkInterfaceSets" xml:"NetworkInterfaceSets"`
	eniBody
}
