package harness

import (
	"math"
	"strconv"
	"time"
)

// latencies is a histogram of request latencies in buckets that grow by a
// tenth, from 10 µs to over 100 s: a fixed size however many requests a run
// sends, and percentiles within 10 %.
type latencies struct {
	counts [latencyBuckets]int64
	n      int64
	max    time.Duration
}

const (
	latencyBuckets = 180
	latencyFloor   = 10 * time.Microsecond
	latencyGrowth  = 1.1
)

func (l *latencies) add(d time.Duration) {
	i := 0
	if d > latencyFloor {
		i = min(int(math.Log(float64(d)/float64(latencyFloor))/math.Log(latencyGrowth))+1, latencyBuckets-1)
	}
	l.counts[i]++
	l.n++
	l.max = max(l.max, d)
}

// quantile returns the upper bound of the bucket that holds quantile q.
func (l *latencies) quantile(q float64) time.Duration {
	if l.n == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(l.n)))
	var seen int64
	for i, c := range l.counts {
		if seen += c; seen >= rank {
			return min(time.Duration(float64(latencyFloor)*math.Pow(latencyGrowth, float64(i))), l.max)
		}
	}
	return l.max
}

// Latency is the target's latency in summary.json, in milliseconds.
type Latency struct {
	Requests int64   `json:"requests"`
	P50      float64 `json:"p50"`
	P90      float64 `json:"p90"`
	P99      float64 `json:"p99"`
	Max      float64 `json:"max"`
}

func (l *latencies) summary() Latency {
	ms := func(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }
	return Latency{Requests: l.n, P50: ms(l.quantile(0.5)), P90: ms(l.quantile(0.9)), P99: ms(l.quantile(0.99)), Max: ms(l.max)}
}

// statusKey names an HTTP status in the status mix; "none" is no answer.
func statusKey(status int) string {
	if status == 0 {
		return "none"
	}
	return strconv.Itoa(status)
}
