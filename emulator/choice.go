package emulator

import (
	"math/rand/v2"

	"github.com/eniconform/eniconform/oracle"
)

// choose draws the server's free values for one request; the caller holds
// h.mu. The ENI ID is the next of h.ids: it never repeats, and the handler
// keeps no memory of the IDs it gave.
func (h *Handler) choose() oracle.Choice {
	return oracle.Choice{RequestID: requestID(h.rand), MAC: mac(h.rand), IPOffset: h.rand.Uint64(), ENIID: h.ids.next()}
}

const (
	upperHex = "0123456789ABCDEF"
	lowerHex = "0123456789abcdef"
	base36   = "0123456789abcdefghijklmnopqrstuvwxyz"
)

// requestID returns a random RequestId in the layout of a version 4 UUID,
// upper case: XXXXXXXX-XXXX-4XXX-[89AB]XXX-XXXXXXXXXXXX.
func requestID(r *rand.Rand) string {
	var b [36]byte
	for i := range b {
		b[i] = upperHex[r.IntN(16)]
	}
	b[8], b[13], b[18], b[23] = '-', '-', '-', '-'
	b[14] = '4'
	b[19] = upperHex[8+r.IntN(4)]
	return string(b[:])
}

// mac returns a random address under Alibaba's OUI, 00:16:3e:xx:xx:xx,
// lower case.
func mac(r *rand.Rand) string {
	b := []byte("00:16:3e:00:00:00")
	for i := 9; i < len(b); i += 3 {
		n := r.IntN(256)
		b[i], b[i+1] = lowerHex[n>>4], lowerHex[n&15]
	}
	return string(b)
}
