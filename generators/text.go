package generators

import (
	"net/netip"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
	"pgregory.net/rapid"
)

// Values are drawn from the constraints in the spec, so a profile with other
// lengths or prefixes gets other values without a change here. Every
// generator shrinks towards short, plain ASCII values.

var (
	letters = []rune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
	digits  = []rune("0123456789")
	// a sample of CJK unified ideographs, from the BMP and extension B
	han = []rune("网卡弹性中文名称测试阿里云杭州北京交换机安全组𠀀𠀁𪚥")
	// characters that are neither letters, digits nor Han
	other = []rune(" .,/@#!?*+=&%$~'\"()[]{}<>|\\^`;ａあ한é😀\t")
)

// charSets memoises charsOf: generators are built once per list of classes.
var charSets sync.Map // string → *rapid.Generator[rune]

// charsOf is a rune generator over the classes of a constraint's list.
func charsOf(classes []string) *rapid.Generator[rune] {
	k := strings.Join(classes, "\x00")
	if g, ok := charSets.Load(k); ok {
		return g.(*rapid.Generator[rune])
	}
	g, _ := charSets.LoadOrStore(k, newCharsOf(classes))
	return g.(*rapid.Generator[rune])
}

func newCharsOf(classes []string) *rapid.Generator[rune] {
	var pool []rune
	for _, c := range classes {
		switch c {
		case "letter":
			pool = append(pool, letters...)
		case "digit":
			pool = append(pool, digits...)
		case "han":
			pool = append(pool, han...)
		default:
			pool = append(pool, []rune(c)...)
		}
	}
	return rapid.SampledFrom(pool)
}

// lengthIn draws a length in [lo, hi], often one of the boundaries.
func lengthIn(lo, hi int) *rapid.Generator[int] {
	return rapid.OneOf(rapid.IntRange(lo, min(hi, lo+8)), rapid.Just(hi), rapid.IntRange(lo, hi))
}

// validText draws a value that meets c: the length between the bounds, the
// first and other characters from their classes (any character when the
// constraint lists none), no forbidden prefix.
func validText(c *spec.Constraints, maxLen int) *rapid.Generator[string] {
	hi := c.MaxLen
	if hi == 0 {
		hi = maxLen
	}
	lo := max(c.MinLen, 1)
	return rapid.Custom(func(t *rapid.T) string {
		n := lengthIn(lo, hi).Draw(t, "length")
		return textOf(t, c, n)
	}).Filter(func(v string) bool { return c.Check(v) == "" })
}

// anyChar and asciiChar draw characters for values without classes.
var (
	anyChar   = rapid.OneOf(charsOf([]string{"letter"}), charsOf([]string{"digit", "han"}), rapid.SampledFrom(other))
	asciiChar = rapid.RuneFrom(nil, &rangeTable)
)

// textOf draws n characters that meet c's character classes.
func textOf(t *rapid.T, c *spec.Constraints, n int) string {
	anyChar := anyChar
	if c.ASCII {
		anyChar = asciiChar
	}
	var b strings.Builder
	for i := 0; i < n; i++ {
		g := anyChar
		switch {
		case i == 0 && len(c.First) > 0:
			g = charsOf(c.First)
		case len(c.Allowed) > 0:
			g = charsOf(c.Allowed)
		}
		b.WriteRune(g.Draw(t, "char"))
	}
	return b.String()
}

// invalidText draws a value that breaks c in one of the ways it can be
// broken: one character too short or too long (often exactly one, and
// beyond), a bad first or other character (also a first character allowed
// further on), a forbidden prefix in any case, a non-ASCII character.
func invalidText(c *spec.Constraints, maxLen int) *rapid.Generator[string] {
	var ways []*rapid.Generator[string]
	if c.MaxLen > 0 {
		ways = append(ways, rapid.Custom(func(t *rapid.T) string {
			return textOf(t, c, rapid.OneOf(rapid.Just(c.MaxLen+1), rapid.IntRange(c.MaxLen+1, c.MaxLen+40)).Draw(t, "length"))
		}))
	}
	if c.MinLen > 1 {
		ways = append(ways, rapid.Custom(func(t *rapid.T) string {
			return textOf(t, c, rapid.IntRange(1, c.MinLen-1).Draw(t, "length"))
		}))
	}
	if len(c.First) > 0 || len(c.Allowed) > 0 || c.ASCII {
		ways = append(ways, badChar(c, maxLen))
	}
	if firsts := badFirsts(c); len(firsts) > 0 {
		ways = append(ways, rapid.Custom(func(t *rapid.T) string {
			v := []rune(validText(c, maxLen).Draw(t, "valid"))
			v[0] = rapid.SampledFrom(firsts).Draw(t, "bad first")
			return string(v)
		}))
	}
	if len(c.ForbiddenPrefixes) > 0 {
		ways = append(ways, rapid.Custom(func(t *rapid.T) string {
			p := rapid.SampledFrom(c.ForbiddenPrefixes).Draw(t, "prefix")
			return randomCase(t, p) + validText(c, maxLen).Draw(t, "rest")
		}))
	}
	return rapid.OneOf(ways...).Filter(func(v string) bool { return c.Check(v) != "" })
}

// badChar puts one character the constraint refuses somewhere in a valid value.
func badChar(c *spec.Constraints, maxLen int) *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		v := []rune(validText(c, maxLen).Draw(t, "valid"))
		if c.MaxLen > 0 && len(v) == c.MaxLen {
			v = v[:len(v)-1] // room for the bad character
		}
		bad := rapid.SampledFrom(append(append([]rune{}, other...), digits...)).Filter(func(r rune) bool {
			return c.Check(string(r)+"ab") != "" || c.Check("ab"+string(r)) != "" || c.ASCII && r >= utf8.RuneSelf
		}).Draw(t, "bad")
		at := rapid.IntRange(0, len(v)).Draw(t, "at")
		return string(v[:at]) + string(bad) + string(v[at:])
	})
}

// badFirsts lists the characters that may not start a value of c but may
// follow the first (a digit or '-' starting a name, say): the boundary of
// the first-character rule.
func badFirsts(c *spec.Constraints) []rune {
	if len(c.First) == 0 {
		return nil
	}
	var out []rune
	for _, r := range string(letters) + string(digits) + string(han) + string(other) + strings.Join(c.Allowed, "") {
		if c.Check(string(r)+"ab") == spec.BadFirst && c.Check("ab"+string(r)) == "" && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// randomCase changes the case of some letters of s.
func randomCase(t *rapid.T, s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] >= 'a' && b[i] <= 'z' && rapid.Bool().Draw(t, "upper") {
			b[i] -= 'a' - 'A'
		}
	}
	return string(b)
}

// printable ASCII, for tokens
var rangeTable = unicodeASCII()

// usableAddr draws a usable address of a home's vSwitch, free in the
// world, often the first or the last usable one.
func usableAddr(h Home) *rapid.Generator[string] {
	first, last := oracle.Usable(h.Net)
	usable := offset(first, last) + 1
	return rapid.Custom(func(t *rapid.T) string {
		off := rapid.OneOf(rapid.Just(0), rapid.Just(usable-1), rapid.IntRange(0, usable-1)).Draw(t, "offset")
		a := add(first, off)
		for i := 0; h.state.Holds(h.VSwitch.ID, a.String()) && i < usable; i++ {
			a = add(first, (off+i)%usable)
		}
		return a.String()
	})
}

// reservedAddr draws one of a vSwitch's reserved addresses.
func reservedAddr(h Home) *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		return rapid.SampledFrom(oracle.Reserved(h.Net)).Draw(t, "reserved").String()
	})
}

// outsideAddr draws an IPv4 address outside a vSwitch: next to it, in its
// VPC, or anywhere.
func outsideAddr(h Home) *rapid.Generator[string] {
	base := h.Net.Masked().Addr()
	size := 1 << (32 - h.Net.Bits())
	return rapid.Custom(func(t *rapid.T) string {
		switch rapid.IntRange(0, 2).Draw(t, "where") {
		case 0:
			return add(base, size+rapid.IntRange(0, 300).Draw(t, "after")).String()
		case 1:
			return add(base, -1-rapid.IntRange(0, 300).Draw(t, "before")).String()
		}
		var b [4]byte
		for i := range b {
			b[i] = byte(rapid.IntRange(1, 254).Draw(t, "octet"))
		}
		return netip.AddrFrom4(b).String()
	}).Filter(func(v string) bool { return !h.Net.Contains(netip.MustParseAddr(v)) })
}

// malformedAddr draws a PrimaryIpAddress that is not dotted-decimal IPv4.
func malformedAddr() *rapid.Generator[string] {
	return rapid.SampledFrom([]string{"256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "172.16.0.1/24", "::1",
		"fe80::1", "::ffff:172.16.0.5", "a.b.c.d", " 172.16.0.5", "172.16.0.5 ", "172,16,0,5", "1.2.3.-4", "0x7f.0.0.1"})
}

// offset is how many addresses b is after a.
func offset(a, b netip.Addr) int {
	x, y := a.As4(), b.As4()
	return int(uint32(y[0])<<24|uint32(y[1])<<16|uint32(y[2])<<8|uint32(y[3])) - int(uint32(x[0])<<24|uint32(x[1])<<16|uint32(x[2])<<8|uint32(x[3]))
}

func add(a netip.Addr, n int) netip.Addr {
	b := a.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v = uint32(int64(v) + int64(n))
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// unicodeASCII is the table of printable ASCII, U+0020 to U+007E.
func unicodeASCII() unicode.RangeTable {
	return unicode.RangeTable{R16: []unicode.Range16{{Lo: 0x20, Hi: 0x7e, Stride: 1}}, LatinOffset: 1}
}
