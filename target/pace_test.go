package target

import (
	"testing"
	"time"
)

// The pacer's arithmetic on a fake clock: requests that are all ready at
// once go 1/rate apart, so n of them take (n-1)/rate; a pause holds back
// every request until it ends; requests that come slower than the rate
// never wait.
func TestPacerSpacesRequestsAtTheRate(t *testing.T) {
	now := time.Unix(1000, 0)
	p := NewPacer(20, func() time.Time { return now })
	var last time.Duration
	for i := 0; i < 600; i++ {
		last = p.reserve(now)
	}
	if want := 599 * 50 * time.Millisecond; last != want {
		t.Fatalf("600 requests ready at once: the last waits %s, want %s (20/s)", last, want)
	}
	now = now.Add(time.Minute) // the burst is long over
	if d := p.reserve(now); d != 0 {
		t.Errorf("after a quiet minute a request waits %s", d)
	}
	if d := p.reserve(now.Add(time.Second)); d != 0 {
		t.Errorf("a request 1 s after the last waits %s", d)
	}
	p.Pause(3 * time.Second)
	if d := p.reserve(now); d != 3*time.Second {
		t.Errorf("after Pause(3s) a request waits %s", d)
	}
	if d := p.reserve(now); d != 3*time.Second+50*time.Millisecond {
		t.Errorf("the next waits %s, want 3.05s", d)
	}
	free := NewPacer(0, func() time.Time { return now })
	for i := 0; i < 10; i++ {
		if d := free.reserve(now); d != 0 {
			t.Fatalf("no rate: a request waits %s", d)
		}
	}
}

// Over a measured window the count of requests is the rate times the
// window, give or take one: the bucket is one deep.
func TestPacerCountOverAWindow(t *testing.T) {
	start := time.Unix(0, 0)
	p := NewPacer(20, nil)
	at := start
	n := 0
	for at.Before(start.Add(30 * time.Second)) {
		at = at.Add(p.reserve(at))
		n++
	}
	if n < 599 || n > 601 {
		t.Fatalf("%d requests in 30 s at 20/s", n)
	}
}
