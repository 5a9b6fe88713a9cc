package emulator_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/internal/wire"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// The default world's account "small": a quota of 3 ENIs in cn-hangzhou.
const (
	smallOwner   = "1000000000000002"
	smallVSwitch = "vsw-bp1small"
	smallGroup   = "sg-bp1small"
	smallQuota   = 3
)

// 64 clients create and delete ENIs at once, half of them in the account
// "small" where the quota is contended. After every request the handler's
// state must have no two live ENIs with one address and no account over
// its quota; no ENI ID may be returned twice; every answer is well formed.
// Under -race this is also the data race test of the handler.
func TestConcurrentClients(t *testing.T) {
	const clients, rounds = 64, 150
	var handler atomic.Pointer[emulator.Handler]
	var broken atomic.Value // the first invariant violation seen after a request
	srv := start(t, emulator.Options{Log: func(emulator.Entry) {
		if h := handler.Load(); h != nil {
			if bad := invariants(h.State()); bad != "" {
				broken.CompareAndSwap(nil, bad)
			}
		}
	}})
	handler.Store(srv.Handler)
	run := &churn{target: srv.URL, deadline: time.Now().Add(3 * time.Second), quotaCode: code(t, "quota.eni-count")}
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			if err := run.client(i%2 == 0, rounds); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	srv.Close() // every request logged, so every state checked
	if bad := broken.Load(); bad != nil {
		t.Fatalf("after a request: %s", bad)
	}
	if n := run.created.Load(); n < clients {
		t.Errorf("only %d ENIs created", n)
	}
	t.Logf("%d ENIs created, %d refused for quota", run.created.Load(), run.refused.Load())
	s := srv.Handler.State()
	if left := len(s.ENIs(testOwner, region)) + len(s.ENIs(smallOwner, region)); left != 1 {
		t.Errorf("%d ENIs left, want only the world's own", left)
	}
}

// churn is the shared bookkeeping of the concurrent clients.
type churn struct {
	target           string
	deadline         time.Time
	quotaCode        string
	ids              sync.Map // every ENI ID returned → true
	created, refused atomic.Int64
}

// client creates and deletes ENIs for a number of rounds or until the
// deadline, holding at most two at a time, and deletes what it holds at
// the end. small picks the account "small".
func (c *churn) client(small bool, rounds int) error {
	var held []string
	for r := 0; r < rounds && time.Now().Before(c.deadline); r++ {
		id, err := c.create(small)
		if err != nil {
			return err
		}
		if id != "" {
			held = append(held, id)
		}
		if len(held) == 2 || small && len(held) == 1 && r%2 == 1 {
			if err := c.delete(small, held[0]); err != nil {
				return err
			}
			held = held[1:]
		}
	}
	for _, id := range held {
		if err := c.delete(small, id); err != nil {
			return err
		}
	}
	return nil
}

// create creates one ENI and returns its ID, or "" when the quota refused.
func (c *churn) create(small bool) (string, error) {
	call := create()
	if small {
		call = create("VSwitchId", smallVSwitch, "SecurityGroupId", smallGroup)
		call.AccessKeyID, call.Secret = "small", "small"
	}
	o := send(c.target, call)
	if bad := wellFormed(spec.Default(), &o); bad != "" {
		return "", fmt.Errorf("create: %s", bad)
	}
	switch {
	case o.Code == "" && !spec.Default().ENIIDValid(o.NetworkInterfaceID):
		return "", fmt.Errorf("create: ENI ID %q", o.NetworkInterfaceID)
	case o.Code == "":
		if _, dup := c.ids.LoadOrStore(o.NetworkInterfaceID, true); dup {
			return "", fmt.Errorf("ENI ID %s returned twice", o.NetworkInterfaceID)
		}
		c.created.Add(1)
		return o.NetworkInterfaceID, nil
	case o.Code == c.quotaCode && small:
		c.refused.Add(1)
		return "", nil
	}
	return "", fmt.Errorf("create: unexpected %s %s", o.Code, o.Message)
}

// delete deletes an ENI the client holds; it must succeed.
func (c *churn) delete(small bool, id string) error {
	call := call(wire.ActionDelete, "NetworkInterfaceId", id)
	if small {
		call.AccessKeyID, call.Secret = "small", "small"
	}
	o := send(c.target, call)
	if bad := wellFormed(spec.Default(), &o); bad != "" || o.Code != "" {
		return fmt.Errorf("delete %s: %s %s %s", id, bad, o.Code, o.Message)
	}
	return nil
}

// invariants says what is wrong with a state of the default world: an
// address held by two live ENIs, an ID listed twice, "small" over its
// quota.
func invariants(s oracle.State) string {
	byIP, byID := map[string]string{}, map[string]bool{}
	for _, owner := range []string{testOwner, smallOwner} {
		enis := s.ENIs(owner, region)
		if owner == smallOwner && len(enis) > smallQuota {
			return fmt.Sprintf("account small holds %d ENIs, quota %d", len(enis), smallQuota)
		}
		for _, e := range enis {
			key := e.VSwitch + " " + e.IP
			if other, ok := byIP[key]; ok || e.IP == "" {
				return fmt.Sprintf("ENIs %s and %q share the address %q", e.ID, other, key)
			}
			if byID[e.ID] {
				return fmt.Sprintf("ENI %s listed twice", e.ID)
			}
			byIP[key], byID[e.ID] = e.ID, true
		}
	}
	return ""
}
