package oracle

import (
	"slices"

	"github.com/eniconform/eniconform/spec"
)

// This file is where each rule's condition lives. A rule in the spec data
// names its check; the check reads the request and state, and the rule's
// data (parameters, constraints, windows) through the spec. To change a code,
// status or precedence, edit the data; to change what a check means, edit
// its function here.

type tri uint8

const (
	no tri = iota
	yes
	maybe // depends on an outcome that was never observed
)

type verdict struct {
	hit   tri
	param string // the parameter concerned, for the message
}

type check struct {
	fn       func(e *eval, r *spec.Rule) verdict
	stateful bool // reads the lane's mutable state
}

var (
	hit  = verdict{hit: yes}
	miss = verdict{}
)

func when(cond bool) verdict {
	if cond {
		return hit
	}
	return miss
}

func whenParam(cond bool, param string) verdict {
	if cond {
		return verdict{hit: yes, param: param}
	}
	return miss
}

// checks maps a rule's Check name to its condition.
var checks = map[string]check{
	"too-large":            {fn: func(e *eval, _ *spec.Rule) verdict { return when(e.r.TooLarge) }},
	"method":               {fn: checkMethod},
	"signature-incomplete": {fn: func(e *eval, _ *spec.Rule) verdict { return when(e.r.Sig == SigMalformed) }},
	"missing-common":       {fn: checkMissingCommon},
	"action":               {fn: checkAction},
	"version":              {fn: checkVersion},
	"signature-method":     {fn: checkSignatureMethod},
	"access-key":           {fn: checkAccessKey},
	"access-key-inactive":  {fn: func(e *eval, _ *spec.Rule) verdict { return when(e.account != nil && e.account.Disabled) }},
	"timestamp-format":     {fn: checkTimestampFormat},
	"timestamp-expired":    {fn: checkTimestampExpired},
	"signature":            {fn: checkSignature},
	"nonce":                {fn: checkNonce},
	"account-expired":      {fn: func(e *eval, _ *spec.Rule) verdict { return when(e.account != nil && e.account.Expired) }},
	"ram-action":           {fn: checkRAMAction},
	"ram-permission":       {fn: checkRAMPermission},
	"unsupported":          {fn: checkUnsupported},
	"missing":              {fn: checkMissing},
	"format":               {fn: checkFormat},
	"region":               {fn: checkRegion},
	"token-mismatch":       {fn: checkToken, stateful: true},
	"vswitch":              {fn: checkVSwitch},
	"security-group":       {fn: checkSecurityGroup},
	"sg-classic":           {fn: func(e *eval, _ *spec.Rule) verdict { return when(e.fresh() && e.sg != nil && e.sg.VPC == "") }},
	"vpc-mismatch":         {fn: checkVPCMismatch},
	"eni":                  {fn: checkENI, stateful: true},
	"eni-quota":            {fn: checkQuota, stateful: true},
	"sg-capacity":          {fn: checkCapacity, stateful: true},
	"ip-in-cidr": {fn: func(e *eval, _ *spec.Rule) verdict {
		return when(e.fresh() && e.ipChecked() && !e.vsw.net.Contains(e.ip))
	}},
	"ip-reserved": {fn: checkReserved},
	"ip-free":     {fn: checkIPFree, stateful: true},
	"pool":        {fn: checkPool, stateful: true},
}

// fresh reports whether the request is checked against resources, i.e. is
// not an idempotent replay answered from the token's record.
func (e *eval) fresh() bool { return e.replay == nil && e.pending == nil }

// ipChecked reports whether a PrimaryIpAddress was given, parses, and its
// vSwitch is known, so the address can be checked against it.
func (e *eval) ipChecked() bool { return e.ip.IsValid() && e.vsw != nil }

func checkMethod(e *eval, _ *spec.Rule) verdict {
	return when(!slices.Contains(e.m.Spec.Gateway.Methods, e.r.Method))
}

func checkMissingCommon(e *eval, _ *spec.Rule) verdict {
	for _, c := range e.m.Spec.Gateway.Common {
		req := c.V1
		if e.r.Scheme == V3 {
			req = c.V3
		}
		if _, ok := e.r.Param(c.Name); req == "required" && !ok {
			return verdict{hit: yes, param: c.Name}
		}
	}
	return miss
}

func checkAction(e *eval, _ *spec.Rule) verdict {
	a, ok := e.r.Param("Action")
	return when(ok && e.m.Spec.Action(a) == nil)
}

func checkVersion(e *eval, _ *spec.Rule) verdict {
	v, ok := e.r.Param("Version")
	return when(ok && v != e.m.Spec.Version)
}

func checkSignatureMethod(e *eval, _ *spec.Rule) verdict {
	if e.r.Scheme != V1 {
		return miss
	}
	g := &e.m.Spec.Gateway
	if v, ok := e.r.Param("SignatureMethod"); ok && v != g.SignatureMethod {
		return verdict{hit: yes, param: "SignatureMethod"}
	}
	v, ok := e.r.Param("SignatureVersion")
	return whenParam(ok && v != g.SignatureVersion, "SignatureVersion")
}

func checkAccessKey(e *eval, _ *spec.Rule) verdict {
	_, ok := e.r.Param("AccessKeyId")
	return when(ok && e.account == nil)
}

func checkTimestampFormat(e *eval, _ *spec.Rule) verdict {
	_, ok := e.r.Param("Timestamp")
	return when(ok && !e.tsOK)
}

func checkTimestampExpired(e *eval, _ *spec.Rule) verdict {
	if !e.tsOK {
		return miss
	}
	d := e.r.Now.Sub(e.ts)
	return when(d > e.m.Spec.Gateway.TimestampWindow() || -d > e.m.Spec.Gateway.TimestampWindow())
}

func checkSignature(e *eval, _ *spec.Rule) verdict {
	_, ok := e.r.Param("Signature")
	return when(ok && e.account != nil && e.r.Sig != SigValid && e.r.Sig != SigMalformed)
}

func checkNonce(e *eval, _ *spec.Rule) verdict {
	_, ok := e.r.Param("SignatureNonce")
	seen := e.r.NonceSeen
	return when(ok && !seen.IsZero() && e.r.Now.Sub(seen) < e.m.Spec.Gateway.NonceWindow())
}

func checkRAMAction(e *eval, _ *spec.Rule) verdict {
	if e.account == nil || e.account.Type != "ram" || e.action == nil {
		return miss
	}
	main := e.s.ix.mains[e.account.Main]
	return when(main != nil && slices.Contains(main.RAMUnsupported, e.action.Name))
}

func checkRAMPermission(e *eval, _ *spec.Rule) verdict {
	if e.account == nil || e.account.Type != "ram" || e.action == nil {
		return miss
	}
	p := e.account.Permissions
	return when(!slices.Contains(p, "*") && !slices.Contains(p, e.action.Name))
}

func checkUnsupported(e *eval, _ *spec.Rule) verdict {
	if e.action == nil {
		return miss
	}
	for name := range e.r.Params {
		if e.m.Spec.Common(name) == nil && e.action.Param(name) == nil {
			return verdict{hit: yes, param: name}
		}
	}
	return miss
}

func checkMissing(e *eval, r *spec.Rule) verdict {
	if e.action == nil {
		return miss
	}
	for _, name := range r.Params {
		p := e.action.Param(name)
		if _, ok := e.r.Param(name); p != nil && p.Required && !ok {
			return verdict{hit: yes, param: name}
		}
	}
	return miss
}

func checkFormat(e *eval, r *spec.Rule) verdict {
	if e.action == nil {
		return miss
	}
	for _, name := range r.Params {
		p := e.action.Param(name)
		if v, ok := e.r.Param(name); ok && p != nil && p.Constraints.Check(v) != "" {
			return verdict{hit: yes, param: name}
		}
	}
	return miss
}

func checkRegion(e *eval, _ *spec.Rule) verdict {
	_, ok := e.r.Param("RegionId")
	return when(e.action != nil && ok && e.region == nil)
}

func checkToken(e *eval, _ *spec.Rule) verdict {
	if e.hash == "" || e.owner == "" || e.action.Param("ClientToken").Constraints.Check(e.token) != "" {
		return miss
	}
	rec, ok := e.s.tokens.Get(tokenKey(e.owner, e.token))
	switch {
	case !ok:
		return miss
	case rec.Hash == e.hash && placeholder(rec.ID):
		e.pending = &rec // the first create's outcome is unknown: success, ID unknown
		return miss
	case rec.Hash == e.hash:
		e.replay = &rec
		return miss
	case placeholder(rec.ID):
		return verdict{hit: maybe} // only if the unobserved create happened
	}
	return hit
}

// dangling reports whether a reference parameter is present but names
// nothing this owner has in this region (decision ownership).
func (e *eval) dangling(param string, found bool) bool {
	_, ok := e.r.Param(param)
	return e.fresh() && ok && e.region != nil && e.owner != "" && !found
}

func checkVSwitch(e *eval, _ *spec.Rule) verdict {
	return when(e.dangling("VSwitchId", e.vsw != nil))
}

func checkSecurityGroup(e *eval, _ *spec.Rule) verdict {
	return when(e.dangling("SecurityGroupId", e.sg != nil))
}

func checkVPCMismatch(e *eval, _ *spec.Rule) verdict {
	return when(e.fresh() && e.vsw != nil && e.sg != nil && e.sg.VPC != "" && e.sg.VPC != e.vsw.VPC)
}

func checkENI(e *eval, _ *spec.Rule) verdict {
	id, ok := e.r.Param("NetworkInterfaceId")
	if !ok || e.region == nil || e.owner == "" {
		return miss
	}
	rec, found := e.s.enis.Get(id)
	switch {
	case found && rec.Owner == e.owner && rec.Region == e.region.ID:
		if rec.Maybe {
			return verdict{hit: maybe}
		}
		return miss
	case e.s.Uncertain(LaneOf(e.owner, e.region.ID)) && !e.s.Issued(id):
		return verdict{hit: maybe} // it may be an ENI whose create was never observed
	}
	return hit
}

// over compares a counter with a limit: certainly at or over it, maybe, or not.
func over(c span, limit int) tri {
	switch {
	case c.lo >= limit:
		return yes
	case c.hi >= limit:
		return maybe
	}
	return no
}

func checkQuota(e *eval, _ *spec.Rule) verdict {
	if !e.fresh() || e.region == nil || e.owner == "" {
		return miss
	}
	c, _ := e.s.counts.Get(quotaKey(e.owner, e.region.ID))
	return verdict{hit: over(c, e.s.quota(e.owner, e.region.ID))}
}

func checkCapacity(e *eval, _ *spec.Rule) verdict {
	if !e.fresh() || e.sg == nil {
		return miss
	}
	c, _ := e.s.counts.Get(sgKey(e.sg.ID))
	return verdict{hit: over(c, capacity(e.sg))}
}

func checkReserved(e *eval, _ *spec.Rule) verdict {
	return when(e.fresh() && e.ipChecked() && e.vsw.net.Contains(e.ip) && reserved(e.vsw.net, e.ip))
}

func checkIPFree(e *eval, _ *spec.Rule) verdict {
	if !e.fresh() || !e.ipChecked() || !e.vsw.net.Contains(e.ip) || reserved(e.vsw.net, e.ip) {
		return miss
	}
	holder, used := e.s.ips.Get(ipKey(e.vsw.ID, e.ip.String()))
	if used {
		if rec, ok := e.s.enis.Get(holder); ok && rec.Maybe {
			return verdict{hit: maybe}
		}
		return hit
	}
	if unk, _ := e.s.counts.Get(unknownIPKey(e.vsw.ID)); unk.hi > 0 {
		return verdict{hit: maybe} // an ENI whose address was never observed may hold it
	}
	return miss
}

func checkPool(e *eval, _ *spec.Rule) verdict {
	if _, given := e.r.Param("PrimaryIpAddress"); !e.fresh() || given || e.vsw == nil {
		return miss
	}
	c, _ := e.s.counts.Get(vswKey(e.vsw.ID))
	return verdict{hit: over(c, e.vsw.usable)}
}
