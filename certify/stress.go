package certify

import (
	"math/rand/v2"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// pieces are the fragments stressed values are made of, by class: each
// class is a way SDKs are known to encode or sign a value wrongly (form
// encoding's '+' for a space, '*' and '~' that RFC 3986 and
// url.QueryEscape treat apart, percent signs taken for escapes, separators,
// non-ASCII, astral and combining characters, control characters).
var pieces = [][]string{
	{"abc", "Eni-1", "x_y.z", "0"},
	{" ", "a b", "  two  "},
	{"*"}, {"~"}, {"+"}, {"%", "%20", "%2B", "%%41"}, {"&"}, {"="},
	{"/", "?", "#", ";", ",", ":", "@", "!", "'", "(", ")", "[", "]", "$", "\"", "<", ">"},
	{"ü", "中文", "é", "✓", "ａ", "网卡"},
	{"😀", "𠀀", "🇨🇳"},
	{"e\u0301", "a\u0308\u0304", "\u0301"},
	{"\n", "\t", "\r\n"},
}

// The features of a value, besides the classes of its characters.
const (
	featEmpty         = "empty"
	featLong          = "long"
	featList          = "list"
	featStructList    = "list of structs"
	featStruct        = "struct"
	featInteger       = "integer"
	featBoolean       = "boolean"
	longRunes         = 128 // a value longer than this is "long"
	stressLongMinimum = 300 // long stressed values are at least this long
)

// StressValues are fixed stressed values, one or more per class: the seed
// corpus of FuzzSDKEncoding and the first values a run sends.
var StressValues = []string{"ü 中文 ✓", "", "a b", "a+b", "*", "~", "%20", "100%", "&=?/#;,", "  two  spaces ",
	"line\nbreak\ttab", "😀𠀀", "e\u0301", "\u0301", strings.Repeat("long·", 80)}

// stressValue draws a stressed string: usually one to five pieces of random
// classes, sometimes empty, sometimes long.
func stressValue(rng *rand.Rand) string {
	switch n := rng.IntN(16); {
	case n == 0:
		return ""
	case n == 1:
		return StressValues[rng.IntN(len(StressValues))]
	case n == 2:
		var b strings.Builder
		for utf8.RuneCountInString(b.String()) < stressLongMinimum {
			b.WriteString(piece(rng))
		}
		return b.String()
	}
	var b strings.Builder
	for range 1 + rng.IntN(5) {
		b.WriteString(piece(rng))
	}
	return b.String()
}

// piece draws one fragment of a random class.
func piece(rng *rand.Rand) string {
	class := pieces[rng.IntN(len(pieces))]
	return class[rng.IntN(len(class))]
}

// charClass is the class of one character in findings: "alnum" for ASCII
// letters and digits, the character itself for the ones SDKs treat apart,
// else a named class.
func charClass(r rune) string {
	switch {
	case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
		return "alnum"
	case r == ' ':
		return "space"
	case strings.ContainsRune("*~+%&=-_.", r):
		return "'" + string(r) + "'"
	case r < 0x20 || r == 0x7f:
		return "control"
	case r < utf8.RuneSelf:
		return "separator"
	case unicode.Is(unicode.Mn, r):
		return "combining"
	case r > 0xFFFF:
		return "astral"
	}
	return "non-ASCII"
}

// valueFeatures returns the features of a string: its character classes
// (without alnum), empty, long.
func valueFeatures(v string) []string {
	var out []string
	switch {
	case v == "":
		out = append(out, featEmpty)
	case utf8.RuneCountInString(v) > longRunes:
		out = append(out, featLong)
	}
	for _, r := range v {
		if c := charClass(r); c != "alnum" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// paramFeatures returns the features of a typed parameter value: its
// shape and the features of every string in it.
func paramFeatures(v any) []string {
	var out []string
	add := func(fs ...string) {
		for _, f := range fs {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	switch v := v.(type) {
	case string:
		add(valueFeatures(v)...)
	case bool:
		add(featBoolean)
	case []any:
		add(featList)
		for _, e := range v {
			if _, isStruct := e.(map[string]any); isStruct {
				add(featStructList)
			}
			add(slices.DeleteFunc(paramFeatures(e), func(f string) bool { return f == featStruct })...)
		}
	case map[string]any:
		add(featStruct)
		for _, e := range v {
			add(paramFeatures(e)...)
		}
	default:
		add(featInteger)
	}
	return out
}

// caseFeatures returns the sorted features of a call's parameters.
func caseFeatures(params map[string]any) []string {
	var out []string
	for _, v := range params {
		for _, f := range paramFeatures(v) {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	slices.Sort(out)
	return out
}

// diffClass describes how a decoded value differs from the sent one by
// the classes of the characters lost and gained (as multisets), e.g.
// "'*' lost" or "'~' lost, gained '%' alnum".
func diffClass(sent, got string) string {
	count := map[rune]int{}
	for _, r := range sent {
		count[r]++
	}
	for _, r := range got {
		count[r]--
	}
	var lost, gained []string
	for r, n := range count {
		c := charClass(r)
		switch {
		case n > 0 && !slices.Contains(lost, c):
			lost = append(lost, c)
		case n < 0 && !slices.Contains(gained, c):
			gained = append(gained, c)
		}
	}
	slices.Sort(lost)
	slices.Sort(gained)
	var parts []string
	if len(lost) > 0 {
		parts = append(parts, strings.Join(lost, " ")+" lost")
	}
	if len(gained) > 0 {
		parts = append(parts, "gained "+strings.Join(gained, " "))
	}
	if len(parts) == 0 {
		return "characters reordered"
	}
	return strings.Join(parts, ", ")
}
