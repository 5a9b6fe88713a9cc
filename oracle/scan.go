package oracle

import "github.com/eniconform/eniconform/spec"

// The checks read a dozen parameters again and again; map lookups were half
// the cost of a prediction. scan reads the request's parameters once into an
// array. It is only a cache: param falls back to the map for any other name,
// so the spec data stays the only list of parameters.

type key uint8

const (
	kAction key = iota
	kVersion
	kAccessKeyID
	kSignature
	kSignatureMethod
	kSignatureVersion
	kSignatureNonce
	kTimestamp
	kRegionID
	kVSwitchID
	kSecurityGroupID
	kPrimaryIP
	kClientToken
	kNetworkInterfaceID
	kFormat
	kSignatureType
	kSecurityToken
	nKeys
)

var keyNames = [nKeys]string{"Action", "Version", "AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion",
	"SignatureNonce", "Timestamp", "RegionId", "VSwitchId", "SecurityGroupId", "PrimaryIpAddress", "ClientToken",
	"NetworkInterfaceId", "Format", "SignatureType", "SecurityToken"}

func keyOf(name string) (key, bool) {
	switch name {
	case "Action":
		return kAction, true
	case "Version":
		return kVersion, true
	case "AccessKeyId":
		return kAccessKeyID, true
	case "Signature":
		return kSignature, true
	case "SignatureMethod":
		return kSignatureMethod, true
	case "SignatureVersion":
		return kSignatureVersion, true
	case "SignatureNonce":
		return kSignatureNonce, true
	case "Timestamp":
		return kTimestamp, true
	case "RegionId":
		return kRegionID, true
	case "VSwitchId":
		return kVSwitchID, true
	case "SecurityGroupId":
		return kSecurityGroupID, true
	case "PrimaryIpAddress":
		return kPrimaryIP, true
	case "ClientToken":
		return kClientToken, true
	case "NetworkInterfaceId":
		return kNetworkInterfaceID, true
	case "Format":
		return kFormat, true
	case "SignatureType":
		return kSignatureType, true
	case "SecurityToken":
		return kSecurityToken, true
	}
	return 0, false
}

// scan walks the parameters once: it caches the values the checks read and
// notes a parameter the action does not accept.
func (e *eval) scan() {
	accepts := e.m.accepts[e.action] // nil for an unknown action, which accepts nothing
	keyBits, bits := e.m.keyBits[e.action], e.m.bits[e.action]
	for name, v := range e.r.Params {
		k, ok := keyOf(name)
		if ok {
			e.v[k] = v
		}
		if e.action == nil {
			continue
		}
		var prm *spec.Param
		if !ok {
			prm = e.action.Param(name)
		}
		if v != "" {
			e.mark(ok, k, keyBits, prm, bits)
		}
		if prm != nil && prm.List() {
			if _, idx := e.action.Item(name); idx > 0 {
				if e.items == nil {
					e.items = make([]item, 0, min(len(e.r.Params), 16)) // one allocation for the usual lists
				}
				e.items = append(e.items, item{p: prm, index: idx, value: v})
			}
		}
		if (e.unsupported == "" || name < e.unsupported) && !(ok && accepts[k] || !ok && (prm != nil || e.action.Accepts(name))) {
			e.unsupported = name // the first by name, so that the message does not depend on map order
		}
	}
	if len(e.items) > 1 {
		e.sortItems()
	}
}

// keyBitsOf precomputes, for each cached name, the bit of the action's
// parameter of that name, or -1.
func keyBitsOf(a *spec.Action, bits map[*spec.Param]int) (out [nKeys]int) {
	for k, name := range keyNames {
		out[k] = -1
		if p := a.Param(name); p != nil {
			if i, ok := bits[p]; ok {
				out[k] = i
			}
		}
	}
	return out
}

// acceptsKeys precomputes, for each action, which cached names it accepts.
func acceptsKeys(a *spec.Action) (out [nKeys]bool) {
	for k, name := range keyNames {
		out[k] = a.Accepts(name)
	}
	return out
}

// mark sets the bit of a given parameter: a cached name's, or prm's.
func (e *eval) mark(cached bool, k key, keyBits *[nKeys]int, prm *spec.Param, bits map[*spec.Param]int) {
	if cached {
		if i := keyBits[k]; i >= 0 {
			e.present.set(i)
		}
		return
	}
	if i, ok := bits[prm]; ok && prm != nil {
		e.present.set(i)
	}
}

// param is Request.Param, through the cache.
func (e *eval) param(name string) (string, bool) {
	if k, ok := keyOf(name); ok {
		return e.v[k], e.v[k] != ""
	}
	return e.r.Param(name)
}
