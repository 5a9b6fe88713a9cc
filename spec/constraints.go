package spec

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Constraints describe what a parameter value must look like. Every field is
// optional; a value is valid when it meets all that are set. Character
// classes in First and Allowed are "letter" (A-Z, a-z), "digit" (0-9), "han"
// (Unicode Unified_Ideograph) or a single literal character. Enum lists the
// only values allowed, compared exactly (an Integer's "30", not "030");
// ForbiddenSubstrings bans a text anywhere in the value, ignoring case.
type Constraints struct {
	MinLen            int      `json:"min_len,omitempty"` // in runes
	MaxLen            int      `json:"max_len,omitempty"` // in runes
	First             []string `json:"first,omitempty"`
	Allowed           []string `json:"allowed,omitempty"`
	ForbiddenPrefixes []string `json:"forbidden_prefixes,omitempty"` // compared ignoring case
	ASCII             bool     `json:"ascii,omitempty"`
	IPv4              bool     `json:"ipv4,omitempty"`
	IntMin            *int     `json:"int_min,omitempty"`
	IntMax            *int     `json:"int_max,omitempty"`
	Enum              []string `json:"enum,omitempty"`
	Boolean           bool     `json:"boolean,omitempty"`      // "true" or "false" (decision boolean-lowercase)
	PowerOfTwo        bool     `json:"power_of_two,omitempty"` // an integer that is a power of two
	IPv6              bool     `json:"ipv6,omitempty"`         // an IPv6 address (not IPv4, not IPv4-mapped, no zone)
	// ForbiddenSubstrings are compared ignoring case.
	ForbiddenSubstrings []string `json:"forbidden_substrings,omitempty"`

	first, allowed charSet
}

// charSet is a compiled set of character classes.
type charSet struct {
	letter, digit, han bool
	literal            string
}

func (c charSet) has(r rune) bool {
	switch {
	case r < utf8.RuneSelf && (r|0x20) >= 'a' && (r|0x20) <= 'z':
		return c.letter
	case r >= '0' && r <= '9':
		return c.digit
	case r >= 0x3400 && unicode.Is(unicode.Unified_Ideograph, r):
		return c.han
	}
	return strings.ContainsRune(c.literal, r)
}

func compileSet(classes []string) (charSet, error) {
	var c charSet
	for _, cl := range classes {
		switch {
		case cl == "letter":
			c.letter = true
		case cl == "digit":
			c.digit = true
		case cl == "han":
			c.han = true
		case utf8.RuneCountInString(cl) == 1:
			c.literal += cl
		default:
			return c, fmt.Errorf("character class %q is not letter, digit, han or one character", cl)
		}
	}
	return c, nil
}

func (c *Constraints) compile() (err error) {
	if c.first, err = compileSet(c.First); err != nil {
		return err
	}
	c.allowed, err = compileSet(c.Allowed)
	if c.MaxLen > 0 && c.MinLen > c.MaxLen {
		return fmt.Errorf("min_len %d exceeds max_len %d", c.MinLen, c.MaxLen)
	}
	return err
}

// Violation names the part of a constraint a value breaks.
type Violation string

// The ways a value can break its constraints.
const (
	TooShort        Violation = "too short"
	TooLong         Violation = "too long"
	BadFirst        Violation = "bad first character"
	BadChar         Violation = "character not allowed"
	ForbiddenPrefix Violation = "forbidden prefix"
	NotASCII        Violation = "not ASCII"
	NotIPv4         Violation = "not an IPv4 address"
	NotInteger      Violation = "not an integer"
	OutOfRange      Violation = "out of range"
	NotInEnum       Violation = "not one of the values"
	NotBoolean      Violation = "not true or false"
	NotPowerOfTwo   Violation = "not a power of two"
	NotIPv6         Violation = "not an IPv6 address"
	ForbiddenText   Violation = "forbidden text"
)

// Check returns the first way value breaks the constraints, or "" if it
// meets them all. A nil *Constraints accepts everything.
func (c *Constraints) Check(value string) Violation {
	if c == nil {
		return ""
	}
	if why := c.checkKind(value); why != "" {
		return why
	}
	if c.IntMin != nil || c.IntMax != nil || c.PowerOfTwo {
		n, err := strconv.Atoi(value)
		switch {
		case err != nil:
			return NotInteger
		case c.IntMin != nil && n < *c.IntMin, c.IntMax != nil && n > *c.IntMax:
			return OutOfRange
		case c.PowerOfTwo && (n <= 0 || n&(n-1) != 0):
			return NotPowerOfTwo
		}
	}
	return c.checkText(value)
}

// checkKind checks the constraints on what kind of value it is: an
// address, a boolean, one of an enumeration.
func (c *Constraints) checkKind(value string) Violation {
	switch {
	case c.IPv4:
		if a, err := netip.ParseAddr(value); err != nil || !a.Is4() {
			return NotIPv4
		}
	case c.IPv6:
		if a, err := netip.ParseAddr(value); err != nil || !a.Is6() || a.Is4In6() || a.Zone() != "" {
			return NotIPv6
		}
	case c.Boolean:
		if value != "true" && value != "false" {
			return NotBoolean
		}
	}
	if len(c.Enum) > 0 && !slices.Contains(c.Enum, value) {
		return NotInEnum
	}
	return ""
}

func (c *Constraints) checkText(value string) Violation {
	n := utf8.RuneCountInString(value)
	switch {
	case c.MinLen > 0 && n < c.MinLen:
		return TooShort
	case c.MaxLen > 0 && n > c.MaxLen:
		return TooLong
	}
	for _, p := range c.ForbiddenPrefixes {
		if len(value) >= len(p) && strings.EqualFold(value[:len(p)], p) {
			return ForbiddenPrefix
		}
	}
	for _, sub := range c.ForbiddenSubstrings {
		if containsFold(value, sub) {
			return ForbiddenText
		}
	}
	for i, r := range value {
		switch {
		case c.ASCII && r >= utf8.RuneSelf:
			return NotASCII
		case i == 0 && len(c.First) > 0 && !c.first.has(r):
			return BadFirst
		case len(c.Allowed) > 0 && !c.allowed.has(r):
			return BadChar
		}
	}
	return ""
}

// containsFold reports whether sub occurs in s, ignoring ASCII case.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}
