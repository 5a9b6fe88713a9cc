package wire

import (
	"slices"
	"time"

	"pgregory.net/rapid"

	"github.com/eniconform/eniconform/oracle"
)

// Generators shared by the properties.

// special holds the characters the SDKs treat specially when encoding.
var special = []rune("aZ09 *~+/=&%中文é'()!-_.:;?#[]@$,")

// paramValue draws parameter values: empty, special characters, any valid
// UTF-8 text, or raw bytes.
func paramValue() *rapid.Generator[string] {
	return rapid.OneOf(
		rapid.Just(""),
		rapid.StringOf(rapid.RuneFrom(special)),
		rapid.String(),
		rapid.Map(rapid.SliceOf(rapid.Byte()), func(b []byte) string { return string(b) }),
	)
}

// wireNames are real CreateNetworkInterface wire names.
var wireNames = []string{"RegionId", "VSwitchId", "SecurityGroupId", "SecurityGroupIds.1", "SecurityGroupIds.2",
	"PrimaryIpAddress", "NetworkInterfaceName", "Description", "Tag.1.Key", "Tag.1.Value", "ClientToken",
	"NetworkInterfaceId.1", "SecurityToken", "SignatureType"}

// paramKey draws parameter names: real wire names, or names of unreserved
// characters (the Tea SDK does not encode ACS3 query keys, so only those are
// comparable there), or any text when anyKey.
func paramKey(anyKey bool) *rapid.Generator[string] {
	gens := []*rapid.Generator[string]{
		rapid.SampledFrom(wireNames),
		rapid.StringMatching(`[A-Za-z0-9._~-]{1,12}`),
	}
	if anyKey {
		gens = append(gens, rapid.StringOfN(rapid.RuneFrom(special), 1, 8, -1), rapid.StringN(1, 8, -1))
	}
	return rapid.OneOf(gens...).Filter(func(k string) bool { return k != "" && !slices.Contains(reserved, k) })
}

// params draws an API parameter map.
func params(anyKey bool) *rapid.Generator[map[string]string] {
	return rapid.MapOfN(paramKey(anyKey), paramValue(), 0, 12)
}

// headerText draws values an ACS3 header carries unchanged.
func headerText() *rapid.Generator[string] {
	return rapid.StringOf(rapid.RuneFrom([]rune("aZ09-_.:+/=*~中é "))).Filter(headerSafe)
}

// genCall draws a correct call of scheme (no breakage).
func genCall(t *rapid.T, scheme oracle.Scheme) *Call {
	c := &Call{Scheme: scheme, Secret: rapid.String().Draw(t, "Secret")}
	if scheme == oracle.V1 {
		c.Method = rapid.SampledFrom([]string{"GET", "POST"}).Draw(t, "Method")
		c.FormBody = c.Method == "POST" && rapid.Bool().Draw(t, "FormBody")
		c.Params = params(true).Draw(t, "Params")
		c.Action, c.Version = paramValue().Draw(t, "Action"), paramValue().Draw(t, "Version")
		c.AccessKeyID, c.Nonce = paramValue().Draw(t, "AccessKeyID"), paramValue().Draw(t, "Nonce")
		c.Accept = rapid.SampledFrom([]string{"", "application/json", "application/xml"}).Draw(t, "Accept")
	} else {
		c.Method = rapid.SampledFrom([]string{"", "GET", "POST"}).Draw(t, "Method")
		c.Params = params(false).Draw(t, "Params")
		c.Action, c.Version = headerText().Draw(t, "Action"), headerText().Draw(t, "Version")
		c.AccessKeyID = rapid.StringMatching(`[A-Za-z0-9]{0,24}`).Draw(t, "AccessKeyID")
		c.Nonce = headerText().Draw(t, "Nonce")
		c.Accept = rapid.SampledFrom([]string{"", "application/json", "application/xml"}).Draw(t, "Accept")
	}
	c.Format = rapid.SampledFrom([]string{"", "JSON", "json", "XML"}).Draw(t, "Format")
	c.Time = time.Unix(rapid.Int64Range(0, 4102444800).Draw(t, "Time"), 0)
	return c
}
