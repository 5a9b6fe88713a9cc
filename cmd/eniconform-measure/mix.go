package main

import (
	"fmt"
	"time"

	"github.com/eniconform/eniconform/internal/wire"
	"github.com/eniconform/eniconform/oracle"
)

// The default world's public test key and what it owns (world/default.yaml):
// a vSwitch with 65,532 free addresses and a security group of its VPC.
const (
	loadKey    = "test"
	loadRegion = "cn-hangzhou"
	loadVSw    = "vsw-bp1wide"
	loadGroup  = "sg-bp1main"
)

// mixLength is the length of the cycle step draws from: two creates and
// their deletes, a describe of each scheme, two requests that fail (a wrong
// signature, an unknown vSwitch) and one replay of the fixed nonce.
const mixLength = 9

// step returns the n-th request of client id; held is the ENI the client
// created last and has not deleted ("" when none: the delete then names one
// that does not exist, and fails).
func (l *loader) step(id, n int, held string) wire.Call {
	c := wire.Call{Scheme: oracle.V1, Action: wire.ActionDescribe, Version: "2014-05-26", Format: "JSON",
		AccessKeyID: loadKey, Secret: loadKey, Params: map[string]string{"RegionId": loadRegion},
		Time: time.Now(), Nonce: fmt.Sprintf("%08x%08x%016x", l.run, id, n)}
	switch n % mixLength {
	case 0, 4:
		c.Action = wire.ActionCreate
		c.Params["VSwitchId"], c.Params["SecurityGroupId"] = loadVSw, loadGroup
		c.Params["ClientToken"] = fmt.Sprintf("load-%08x-%04x-%012x", l.run, id, n)
	case 1:
		c.Params["PageSize"] = "10"
	case 2, 6:
		c.Action = wire.ActionDelete
		c.Params["NetworkInterfaceId"] = or(held, "eni-notthere000000000000")
	case 3:
		c.Break.CorruptSignature = true
	case 7:
		c.Action = wire.ActionCreate
		c.Params["VSwitchId"], c.Params["SecurityGroupId"] = "vsw-notthere", loadGroup
	case 8:
		return l.replay
	}
	if n%mixLength >= 4 {
		c.Scheme, c.Format = oracle.V3, ""
	}
	return c
}

// fixedReplay is the request every replay step sends again: signed once,
// with one nonce and one timestamp, so that every copy after the first is
// refused with SignatureNonceUsed (and, after 15 minutes, with
// InvalidTimeStamp.Expired).
func (l *loader) fixedReplay() wire.Call {
	return wire.Call{Scheme: oracle.V1, Action: wire.ActionDescribe, Version: "2014-05-26", Format: "JSON",
		AccessKeyID: loadKey, Secret: loadKey, Params: map[string]string{"RegionId": loadRegion},
		Time: time.Now(), Nonce: fmt.Sprintf("%08xfixed-replay-nonce0000", l.run)}
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
