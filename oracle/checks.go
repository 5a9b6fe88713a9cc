package oracle

import (
	"slices"
	"strings"

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
	part  string // the part of the rule the request breaks (a parameter and how), for signatures
}

type check struct {
	kind     checkKind
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

// when returns v if cond holds, else a miss.
func (v verdict) when(cond bool) verdict {
	if cond {
		return v
	}
	return miss
}

// absence says how a parameter is missing: left out, or sent empty
// (decision empty-is-absent), two defects a target may have apart.
func absence(r *Request, name string) string {
	if _, sent := r.Params[name]; sent {
		return "empty"
	}
	return "absent"
}

// repeatName is a parameter name with its list indexes written N
// (Tag.3.Key → Tag.N.Key), so that one unsupported list is one defect.
func repeatName(name string) string {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		if i > 0 && p != "" && strings.Trim(p, "0123456789") == "" {
			parts[i] = "N"
		}
	}
	return strings.Join(parts, ".")
}

// checkKind names a condition. Checks are dispatched by a switch rather
// than through function values: an indirect call would move every eval to
// the heap, and that was a third of a prediction's cost.
type checkKind uint8

const (
	cTooLarge checkKind = iota + 1
	cMethod
	cSignatureIncomplete
	cMissingCommon
	cAction
	cVersion
	cSignatureMethod
	cAccessKey
	cAccessKeyInactive
	cTimestampFormat
	cTimestampExpired
	cSignature
	cNonce
	cAccountExpired
	cRAMAction
	cRAMPermission
	cUnsupported
	cMissing
	cFormat
	cRegion
	cToken
	cVSwitch
	cSecurityGroup
	cSGClassic
	cVPCMismatch
	cENI
	cQuota
	cCapacity
	cIPInCIDR
	cIPReserved
	cIPFree
	cPool
	cNoneOf
	cExclusive
	cDistinct
	cCount
	cEqual
	cOnlyWith
	cResourceGroup
	cGroupLimit
	cTagQuota
	cIPv6Enabled
	cEnterprise
	cENIIPLimit
	cIPHeld
	cIPPrimary
)

// checks maps a rule's Check name (spec data) to its condition. Stateful
// conditions read the lane's mutable state.
var checks = map[string]check{
	"too-large": {kind: cTooLarge}, "method": {kind: cMethod}, "signature-incomplete": {kind: cSignatureIncomplete},
	"missing-common": {kind: cMissingCommon}, "action": {kind: cAction}, "version": {kind: cVersion},
	"signature-method": {kind: cSignatureMethod}, "access-key": {kind: cAccessKey},
	"access-key-inactive": {kind: cAccessKeyInactive}, "timestamp-format": {kind: cTimestampFormat},
	"timestamp-expired": {kind: cTimestampExpired}, "signature": {kind: cSignature}, "nonce": {kind: cNonce},
	"account-expired": {kind: cAccountExpired}, "ram-action": {kind: cRAMAction}, "ram-permission": {kind: cRAMPermission},
	"unsupported": {kind: cUnsupported}, "missing": {kind: cMissing}, "format": {kind: cFormat}, "region": {kind: cRegion},
	"token-mismatch": {kind: cToken, stateful: true}, "vswitch": {kind: cVSwitch}, "security-group": {kind: cSecurityGroup},
	"sg-classic": {kind: cSGClassic}, "vpc-mismatch": {kind: cVPCMismatch}, "eni": {kind: cENI, stateful: true},
	"eni-quota": {kind: cQuota, stateful: true}, "sg-capacity": {kind: cCapacity, stateful: true},
	"ip-in-cidr": {kind: cIPInCIDR}, "ip-reserved": {kind: cIPReserved}, "ip-free": {kind: cIPFree, stateful: true},
	"pool": {kind: cPool, stateful: true},
	// the generic kinds (kinds.go): their parameters come from the data
	"none-of": {kind: cNoneOf}, "exclusive": {kind: cExclusive}, "distinct": {kind: cDistinct}, "count": {kind: cCount},
	"equal": {kind: cEqual}, "only-with": {kind: cOnlyWith},
	// the current profile's world-dependent kinds (resources.go)
	"resource-group": {kind: cResourceGroup}, "sg-limit": {kind: cGroupLimit}, "tag-quota": {kind: cTagQuota},
	"ipv6-enabled": {kind: cIPv6Enabled}, "enterprise-capacity": {kind: cEnterprise, stateful: true},
	// what the ENI an action names holds (targeted.go)
	"eni-ip-limit": {kind: cENIIPLimit, stateful: true}, "ip-held": {kind: cIPHeld, stateful: true},
	"ip-primary": {kind: cIPPrimary, stateful: true},
}

// run evaluates one rule's condition.
func (e *eval) run(r *boundRule) verdict {
	switch r.kind {
	case cTooLarge:
		return when(e.r.TooLarge)
	case cMethod:
		return when(!slices.Contains(e.m.Spec.Gateway.Methods, e.r.Method))
	case cSignatureIncomplete:
		return when(e.r.Sig == SigMalformed)
	case cMissingCommon:
		return checkMissingCommon(e)
	case cAction:
		a, ok := e.param("Action")
		return when(ok && e.m.Spec.Action(a) == nil)
	case cVersion:
		v, ok := e.param("Version")
		return when(ok && v != e.m.Spec.Version)
	case cSignatureMethod:
		return checkSignatureMethod(e)
	case cAccessKey:
		_, ok := e.param("AccessKeyId")
		return when(ok && e.account == nil)
	case cAccessKeyInactive:
		return when(e.account != nil && e.account.Disabled)
	case cAccountExpired:
		return when(e.account != nil && e.account.Expired)
	}
	return e.runRequest(r)
}

// runRequest evaluates the conditions past the access key.
func (e *eval) runRequest(r *boundRule) verdict {
	switch r.kind {
	case cTimestampFormat:
		_, ok := e.param("Timestamp")
		return when(ok && !e.tsOK)
	case cTimestampExpired:
		return checkTimestampExpired(e)
	case cSignature:
		_, ok := e.param("Signature")
		// an unread body cannot be verified: that is the size rule's business
		return when(ok && e.account != nil && !e.r.TooLarge && e.r.Sig != SigValid && e.r.Sig != SigMalformed)
	case cNonce:
		return checkNonce(e)
	case cRAMAction:
		return checkRAMAction(e)
	case cRAMPermission:
		return checkRAMPermission(e)
	case cUnsupported:
		return verdict{hit: yes, param: e.unsupported, part: repeatName(e.unsupported)}.when(e.unsupported != "")
	case cMissing:
		return checkMissing(e, r)
	case cFormat:
		return checkFormat(e, r)
	case cRegion:
		_, ok := e.param("RegionId")
		return verdict{hit: yes, part: "RegionId unknown"}.when(e.action != nil && ok && e.region == nil)
	case cToken:
		return checkToken(e)
	}
	return e.runKinds(r)
}

// runKinds evaluates the generic kinds and the current profile's
// world-dependent ones.
func (e *eval) runKinds(r *boundRule) verdict {
	switch r.kind {
	case cNoneOf:
		return checkNoneOf(e, r)
	case cExclusive:
		return checkExclusive(e, r)
	case cDistinct:
		return checkDistinct(e, r)
	case cCount:
		return checkCount(e, r)
	case cEqual:
		return checkEqual(e, r)
	case cOnlyWith:
		return checkOnlyWith(e, r)
	case cResourceGroup:
		return checkResourceGroup(e)
	case cGroupLimit:
		return checkGroupLimit(e)
	case cTagQuota:
		return checkTagQuota(e)
	case cIPv6Enabled:
		return checkIPv6Enabled(e, r)
	case cEnterprise:
		return checkGroupCapacity(e, true)
	case cENIIPLimit:
		return checkENIIPLimit(e, r)
	case cIPHeld:
		return checkIPHeld(e, r)
	case cIPPrimary:
		return checkIPPrimary(e, r)
	}
	return e.runResources(r)
}

// runResources evaluates the conditions on the resources a request names.
// A replay skips them all (they read e.fresh), so for a create whose token
// may be another's record (Request.TokenUnknown) one that fires may not.
func (e *eval) runResources(r *boundRule) verdict {
	v := e.resources(r)
	if v.hit == yes && e.foreign {
		v.hit = maybe
	}
	return v
}

func (e *eval) resources(r *boundRule) verdict {
	switch r.kind {
	case cVSwitch:
		return e.dangling(e.v[kVSwitchID], "VSwitchId", e.vsw != nil)
	case cSecurityGroup:
		return e.danglingGroup()
	case cSGClassic:
		return when(e.fresh() && e.anyGroup(func(g *SecurityGroup) bool { return g.VPC == "" }))
	case cVPCMismatch:
		return when(e.fresh() && e.vsw != nil && e.anyGroup(func(g *SecurityGroup) bool { return g.VPC != "" && g.VPC != e.vsw.VPC }))
	case cENI:
		return checkENI(e, r)
	case cQuota:
		return checkQuota(e)
	case cCapacity:
		return checkGroupCapacity(e, false)
	case cIPInCIDR:
		return checkIPInCIDR(e, r)
	case cIPReserved:
		return checkIPReserved(e, r)
	case cIPFree:
		return checkIPFree(e, r)
	case cPool:
		return checkPool(e)
	}
	panic("oracle: check kind without a case") // NewModel binds only kinds in the table
}

// fresh reports whether the request is checked against resources, i.e. is
// not an idempotent replay answered from the token's record.
func (e *eval) fresh() bool { return e.replay == nil && e.pending == nil }

func checkMissingCommon(e *eval) verdict {
	for _, c := range e.m.Spec.Gateway.Common {
		req := c.V1
		if e.r.Scheme == V3 {
			req = c.V3
		}
		if c.Authorization && e.r.Sig == SigMalformed {
			continue // present but unreadable: the incomplete-signature rule's business
		}
		if _, ok := e.param(c.Name); req == "required" && !ok {
			return verdict{hit: yes, param: c.Name, part: c.Name + " " + absence(e.r, c.Name)}
		}
	}
	return miss
}

func checkSignatureMethod(e *eval) verdict {
	if e.r.Scheme != V1 {
		return miss
	}
	g := &e.m.Spec.Gateway
	if v, ok := e.param("SignatureMethod"); ok && v != g.SignatureMethod {
		return verdict{hit: yes, param: "SignatureMethod", part: "SignatureMethod"}
	}
	v, ok := e.param("SignatureVersion")
	return verdict{hit: yes, param: "SignatureVersion", part: "SignatureVersion"}.when(ok && v != g.SignatureVersion)
}

func checkTimestampExpired(e *eval) verdict {
	if !e.tsOK {
		return miss
	}
	d, w := e.r.Now.Sub(e.ts), e.m.Spec.Gateway.TimestampWindow()
	if -d > w {
		return verdict{hit: yes, part: "in the future"}
	}
	return verdict{hit: yes, part: "in the past"}.when(d > w)
}

func checkNonce(e *eval) verdict {
	_, ok := e.param("SignatureNonce")
	until := e.r.NonceUntil
	return when(ok && !until.IsZero() && !e.r.Now.After(until))
}

func checkRAMAction(e *eval) verdict {
	if e.account == nil || e.account.Type != "ram" || e.action == nil {
		return miss
	}
	main := e.s.ix.mains[e.account.Main]
	return when(main != nil && slices.Contains(main.RAMUnsupported, e.action.Name))
}

func checkRAMPermission(e *eval) verdict {
	if e.account == nil || e.account.Type != "ram" || e.action == nil {
		return miss
	}
	p := e.account.Permissions
	return when(!slices.Contains(p, "*") && !slices.Contains(p, e.action.Name))
}

func checkMissing(e *eval, r *boundRule) verdict {
	for _, p := range r.params {
		if p.Required && p.List() && !e.given(p) {
			return verdict{hit: yes, param: p.Name, part: p.Name + " absent"}
		}
		if _, ok := e.param(p.Name); p.Required && !p.List() && !ok {
			return verdict{hit: yes, param: p.Name, part: p.Name + " " + absence(e.r, p.Name)}
		}
	}
	return miss
}

func checkFormat(e *eval, r *boundRule) verdict {
	v := miss
	e.eachValue(r.params, func(p *spec.Param, val string) bool {
		if why := p.Constraints.Check(val); why != "" {
			v = verdict{hit: yes, param: p.Name, part: p.Name + ": " + string(why)}
		}
		return v.hit == no
	})
	return v
}

func checkToken(e *eval) verdict {
	if e.token == "" || e.owner == "" {
		return miss
	}
	e.readState = true
	e.tokOrd = e.s.book(e.owner).learned
	rec, ok := e.s.token(e.owner, e.token)
	if ok && e.s.tokensAfter(e.owner, rec) >= int64(e.m.Spec.Gateway.TokenRetention) {
		e.forgettable = true // a target may have forgotten it (decision token-retention)
		ok = e.remembered
	}
	switch {
	case !ok && e.r.TokenUnknown:
		e.foreign = true // recorded before the model began, or not: either answer
		return verdict{hit: maybe}
	case !ok:
		return miss // an invalid token is never recorded, so it never gets here
	case rec.Hash == e.requestHash() && placeholder(rec.ID):
		e.pending = &rec // the first create's outcome is unknown: success, ID unknown
		return miss
	case rec.Hash == e.requestHash():
		e.replay = &rec
		return miss
	case placeholder(rec.ID):
		return verdict{hit: maybe} // only if the unobserved create happened
	}
	return hit
}

// danglingGroup says whether a security group the create names, in either
// form, is not the owner's in the region, and how (see dangling).
func (e *eval) danglingGroup() verdict {
	v := miss
	e.eachGroup(func(id string, g *SecurityGroup) bool {
		if g == nil {
			v = e.dangling(id, "SecurityGroupId", false)
		}
		return g != nil
	})
	return v
}

// dangling says whether a reference parameter is present but names
// nothing this owner has in this region (decision ownership), and whether
// the ID is made up or another account's or region's.
func (e *eval) dangling(id, param string, found bool) verdict {
	if !e.fresh() || id == "" || e.region == nil || e.owner == "" || found {
		return miss
	}
	owner, region, exists := e.s.ix.ownerOf(id)
	switch {
	case !exists:
		return verdict{hit: yes, part: param + " unknown"}
	case owner != e.owner:
		return verdict{hit: yes, part: param + " of another account"}
	case region != e.region.ID:
		return verdict{hit: yes, part: param + " of another region"}
	}
	return verdict{hit: yes, part: param + " unknown"}
}

// checkENI: an ENI the request names (NetworkInterfaceId, or each item of
// the rule's parameters) is not the owner's in the region.
func checkENI(e *eval, r *boundRule) verdict {
	if e.region == nil || e.owner == "" {
		return miss
	}
	params := r.params
	if p := e.action.Param("NetworkInterfaceId"); len(params) == 0 && p != nil {
		params = []*spec.Param{p} // the 2018 rule names no parameter
	}
	e.readState = true
	worst := miss
	e.eachValue(params, func(_ *spec.Param, id string) bool {
		switch v := e.eniVerdict(id); v.hit {
		case yes:
			worst = v
		case maybe:
			worst.hit = maybe
		}
		return worst.hit != yes
	})
	return worst
}

// eniVerdict says whether an ENI ID names none of the owner's in the
// region, and how.
func (e *eval) eniVerdict(id string) verdict {
	rec, found := e.s.eni(id)
	switch {
	case found && rec.Owner == e.owner && rec.Region == e.region.ID:
		if rec.Maybe {
			return verdict{hit: maybe}
		}
		return miss
	case e.s.Uncertain(LaneOf(e.owner, e.region.ID)) && !e.s.Issued(id):
		return verdict{hit: maybe} // it may be an ENI whose create was never observed
	case found:
		return verdict{hit: yes, part: "an ENI of another account or region"}
	case e.s.Issued(id):
		return verdict{hit: yes, part: "a deleted ENI"}
	}
	return verdict{hit: yes, part: "an ENI that never existed"}
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

func checkQuota(e *eval) verdict {
	if !e.fresh() || e.region == nil || e.owner == "" {
		return miss
	}
	e.readState = true
	c, _ := e.s.counts.Lookup(quotaKey(e.owner, e.region.ID))
	return verdict{hit: over(c, e.s.quota(e.owner, e.region.ID))}
}
