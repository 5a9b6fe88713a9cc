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
	NetworkInterfaceID   string `json:"NetworkInterfaceId" xml:"NetworkInterfaceId"`
	Status               string `json:"Status" xml:"Status"`
	Type                 string `json:"Type" xml:"Type"`
	VpcID                string `json:"VpcId" xml:"VpcId"`
	VSwitchID            string `json:"VSwitchId" xml:"VSwitchId"`
	ZoneID               string `json:"ZoneId" xml:"ZoneId"`
	PrivateIPAddress     string `json:"PrivateIpAddress" xml:"PrivateIpAddress"`
	MACAddress           string `json:"MacAddress" xml:"MacAddress"`
	NetworkInterfaceName string `json:"NetworkInterfaceName" xml:"NetworkInterfaceName"`
	Description          string `json:"Description" xml:"Description"`
	OwnerID              string `json:"OwnerId" xml:"OwnerId"`
	ResourceGroupID      string `json:"ResourceGroupId" xml:"ResourceGroupId"`
	ServiceID            int64  `json:"ServiceID" xml:"ServiceID"`
	ServiceManaged       bool   `json:"ServiceManaged" xml:"ServiceManaged"`
	SourceDestCheck      bool   `json:"SourceDestCheck" xml:"SourceDestCheck"`
	// The fields below only a Describe entry has (the Create body does not,
	// API-FACTS §3a): nil in a Create body.
	DeleteOnRelease  *bool          `json:"DeleteOnRelease,omitempty" xml:"DeleteOnRelease,omitempty"`
	TrafficMode      *string        `json:"NetworkInterfaceTrafficMode,omitempty" xml:"NetworkInterfaceTrafficMode,omitempty"`
	QueueNumber      *int           `json:"QueueNumber,omitempty" xml:"QueueNumber,omitempty"`
	QueuePairNumber  *int           `json:"QueuePairNumber,omitempty" xml:"QueuePairNumber,omitempty"`
	SecurityGroupIDs *groupIDs      `json:"SecurityGroupIds" xml:"SecurityGroupIds"`
	PrivateIPSets    *privateIPSets `json:"PrivateIpSets" xml:"PrivateIpSets"`
	// The list maps below are always rendered, empty ones too: Terraform
	// type-asserts each (CLIENTS.md §9). Decoding leaves a missing one nil.
	Ipv6Sets       *ipv6Sets       `json:"Ipv6Sets" xml:"Ipv6Sets"`
	Ipv4PrefixSets *ipv4PrefixSets `json:"Ipv4PrefixSets" xml:"Ipv4PrefixSets"`
	Ipv6PrefixSets *ipv6PrefixSets `json:"Ipv6PrefixSets" xml:"Ipv6PrefixSets"`
	Tags           *tagSet         `json:"Tags" xml:"Tags"`
}

type groupIDs struct {
	SecurityGroupID []string `json:"SecurityGroupId" xml:"SecurityGroupId"`
}

type privateIPSets struct {
	PrivateIPSet []privateIP `json:"PrivateIpSet" xml:"PrivateIpSet"`
}

type ipv6Sets struct {
	Ipv6Set []ipv6Entry `json:"Ipv6Set" xml:"Ipv6Set"`
}

type ipv6Entry struct {
	Ipv6Address string `json:"Ipv6Address" xml:"Ipv6Address"`
}

type ipv4PrefixSets struct {
	Ipv4PrefixSet []ipv4Prefix `json:"Ipv4PrefixSet" xml:"Ipv4PrefixSet"`
}

type ipv4Prefix struct {
	Ipv4Prefix string `json:"Ipv4Prefix" xml:"Ipv4Prefix"`
}

type ipv6PrefixSets struct {
	Ipv6PrefixSet []ipv6Prefix `json:"Ipv6PrefixSet" xml:"Ipv6PrefixSet"`
}

type ipv6Prefix struct {
	Ipv6Prefix string `json:"Ipv6Prefix" xml:"Ipv6Prefix"`
}

type tagSet struct {
	Tag []tagEntry `json:"Tag" xml:"Tag"`
}

type tagEntry struct {
	TagKey   string `json:"TagKey" xml:"TagKey"`
	TagValue string `json:"TagValue" xml:"TagValue"`
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

// assignBody is the AssignPrivateIpAddresses response.
type assignBody struct {
	XMLName                       xml.Name    `json:"-"`
	RequestID                     string      `json:"RequestId" xml:"RequestId"`
	AssignedPrivateIPAddressesSet assignedSet `json:"AssignedPrivateIpAddressesSet" xml:"AssignedPrivateIpAddressesSet"`
}

type assignedSet struct {
	NetworkInterfaceID string       `json:"NetworkInterfaceId" xml:"NetworkInterfaceId"`
	PrivateIPSet       addressList  `json:"PrivateIpSet" xml:"PrivateIpSet"`
	Ipv4PrefixSet      prefixesList `json:"Ipv4PrefixSet" xml:"Ipv4PrefixSet"`
}

type addressList struct {
	PrivateIPAddress []string `json:"PrivateIpAddress" xml:"PrivateIpAddress"`
}

type prefixesList struct {
	Ipv4Prefixes []string `json:"Ipv4Prefixes" xml:"Ipv4Prefixes"`
}

// listTagsBody is the ListTagResources response; TagResources.TagResource
// is always rendered, an empty list too (Terraform reads it, CLIENTS.md §9).
type listTagsBody struct {
	XMLName      xml.Name     `json:"-"`
	RequestID    string       `json:"RequestId" xml:"RequestId"`
	NextToken    string       `json:"NextToken" xml:"NextToken"`
	TagResources tagResources `json:"TagResources" xml:"TagResources"`
}

type tagResources struct {
	TagResource []tagResource `json:"TagResource" xml:"TagResource"`
}

type tagResource struct {
	ResourceID   string `json:"ResourceId" xml:"ResourceId"`
	ResourceType string `json:"ResourceType" xml:"ResourceType"`
	TagKey       string `json:"TagKey" xml:"TagKey"`
	TagValue     string `json:"TagValue" xml:"TagValue"`
}

// anyBody decodes every body ParseResponse meets: the error envelope and the
// success bodies of every action. The root element name is not checked.
type anyBody struct {
	RequestID                     string       `json:"RequestId" xml:"RequestId"`
	HostID                        string       `json:"HostId" xml:"HostId"`
	Code                          string       `json:"Code" xml:"Code"`
	Message                       string       `json:"Message" xml:"Message"`
	Recommend                     string       `json:"Recommend" xml:"Recommend"`
	TotalCount                    int          `json:"TotalCount" xml:"TotalCount"`
	PageNumber                    int          `json:"PageNumber" xml:"PageNumber"`
	PageSize                      int          `json:"PageSize" xml:"PageSize"`
	NetworkInterfaceSets          eniSets      `json:"NetworkInterfaceSets" xml:"NetworkInterfaceSets"`
	AssignedPrivateIPAddressesSet assignedSet  `json:"AssignedPrivateIpAddressesSet" xml:"AssignedPrivateIpAddressesSet"`
	NextToken                     string       `json:"NextToken" xml:"NextToken"`
	TagResources                  tagResources `json:"TagResources" xml:"TagResources"`
	eniBody
}
