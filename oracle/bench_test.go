package oracle_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// BenchmarkPredict measures predictions of a valid create in a state that
// already holds 50 ENIs (goal: ≥ 500,000 predictions/s on one core), on
// each profile (the current one within 2× the 2018 one): the same request,
// and on the current profile a request as Terraform sends it (both
// security-group forms' list, two tags, two secondary addresses chosen).
func BenchmarkPredict(b *testing.B) {
	base := []string{"ClientToken", "tok-bench", "NetworkInterfaceName", "eni-bench", "PrimaryIpAddress", "172.16.0.77"}
	terraform := append(slices.Clone(base), "SecurityGroupId", "<del>", "SecurityGroupIds.1", "sg-bp1main",
		"Tag.1.Key", "team", "Tag.1.Value", "net", "Tag.2.Key", "env", "Tag.2.Value", "prod", "SecondaryPrivateIpAddressCount", "2")
	for _, bc := range []struct {
		name, profile string
		kv            []string
	}{{"2018-doc", spec.BaseProfile, base}, {"current", spec.CurrentProfile, base}, {"current-terraform", spec.CurrentProfile, terraform}} {
		b.Run(bc.name, func(b *testing.B) {
			m, err := oracle.NewModel(spec.Must(bc.profile))
			if err != nil {
				b.Fatal(err)
			}
			s := fill(b, m, state(b), 50, "VSwitchId", "vsw-bp1wide")
			r := with(create(), bc.kv...)
			b.ReportAllocs()
			for b.Loop() {
				p := m.Predict(&s, r)
				if !p.Success() {
					b.Fatal(p.Winner.ID)
				}
			}
		})
	}
}

// BenchmarkStep measures a whole step: predict, answer, check and next.
func BenchmarkStep(b *testing.B) {
	m := model(b)
	s0 := state(b)
	r := with(create(), "VSwitchId", "vsw-bp1wide")
	b.ReportAllocs()
	s, i := s0, 0
	for b.Loop() {
		if i%90 == 0 {
			s = s0
		}
		p := m.Predict(&s, r)
		o := m.Answer(&s, &p, oracle.Choice{RequestID: "0E3F1F4C-0000-4000-8000-000000000000", ENIID: fmt.Sprintf("eni-bench%015d", i), IPOffset: uint64(i), MAC: "00:16:3e:00:00:01"})
		if d := m.Check(&s, &p, &o); len(d) > 0 {
			b.Fatal(d)
		}
		s = m.Next(s, &p, &o)
		i++
	}
}
