package oracle

// ObsKind classifies what came back from a target.
type ObsKind uint8

// Kinds of observation.
const (
	// Answered: a 2xx or 4xx response whose body parsed as JSON or XML.
	Answered ObsKind = iota + 1
	// Unknown: no usable answer (timeout, connection reset, refused, or a
	// 5xx). The request may or may not have taken effect.
	Unknown
	// Garbled: a 2xx or 4xx response whose body could not be parsed (empty,
	// HTML, truncated JSON, …). The request may or may not have taken effect.
	Garbled
)

func (k ObsKind) String() string {
	switch k {
	case Answered:
		return "answered"
	case Unknown:
		return "unknown"
	case Garbled:
		return "garbled"
	}
	return "invalid"
}

// Observation is a target's answer to one request, as parsed by the client
// (package wire produces it). Fields the body did not carry are empty.
type Observation struct {
	Kind        ObsKind
	Status      int    // HTTP status; 0 when there was no response
	ContentType string // as sent
	Format      string // "JSON" or "XML": what the body parsed as; "" if neither
	Problem     string // for Unknown and Garbled: what went wrong, in words

	RequestID string
	HostID    string
	Code      string // error code; "" on success
	Message   string
	Recommend string

	// CreateNetworkInterface. Created holds the fields newer responses add
	// (Status, VpcId, PrivateIpAddress, MacAddress, …); nil when the body had
	// only RequestId and NetworkInterfaceId.
	NetworkInterfaceID string
	Created            *ENIView

	// DescribeNetworkInterfaces.
	ENIs       []ENIView
	TotalCount int
	PageNumber int
	PageSize   int

	// AssignPrivateIpAddresses: AssignedPrivateIpAddressesSet.
	AssignedENI string   // its NetworkInterfaceId
	Assigned    []string // its PrivateIpSet.PrivateIpAddress

	// ListTagResources: TagResources.TagResource, and NextToken ("" on
	// the last page).
	TagResources []TagResource
	NextToken    string

	Body []byte // the raw body, for reports
}

// Failed reports whether the observation is an error answer.
func (o *Observation) Failed() bool { return o.Kind == Answered && o.Code != "" }

// TagResource is one entry of a ListTagResources answer: a tag of a
// resource.
type TagResource struct {
	ResourceID   string
	ResourceType string
	Key          string
	Value        string
}

// ENIView is one ENI as DescribeNetworkInterfaces (and newer Create
// responses) show it.
type ENIView struct {
	NetworkInterfaceID   string
	Status               string
	VpcID                string
	VSwitchID            string
	ZoneID               string
	PrivateIPAddress     string
	MACAddress           string
	SecurityGroupIDs     []string
	NetworkInterfaceName string
	Description          string

	// The fields of the newest bodies (API-FACTS §3a).
	Type            string   // Secondary or Trunk
	SecondaryIPs    []string // the PrivateIpSets entries that are not Primary
	IPv6s           []string // Ipv6Sets
	Tags            []Tag
	ResourceGroupID string
	OwnerID         string
	TrafficMode     string // NetworkInterfaceTrafficMode
	QueueNumber     int
	QueuePairNumber int
	SourceDestCheck bool
	DeleteOnRelease bool
	// Missing lists the list maps (spec Responses.ENILists) the body left
	// out, empty ones included: clients such as Terraform need each.
	Missing []string
}
