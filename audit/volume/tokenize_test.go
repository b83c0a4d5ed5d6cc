package volume

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"dataready/audit/norm"
)

// TestTokenizeCutsAtMaxRunes: only the first maxTextRunes runes (not
// bytes) are tokenized.
func TestTokenizeCutsAtMaxRunes(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		// 4994 + 1 + 2 + 1 + 2 = 5000 runes: everything is read.
		{"exactly the limit", strings.Repeat("x", 4994) + " éé cd", []string{"éé", "cd"}},
		// 5001 runes: the last rune is cut, "cd" becomes "c", too short.
		{"one rune past", strings.Repeat("x", 4995) + " éé cd", []string{"éé"}},
		// Two-byte runes: 2600 of them are 5200 bytes but 2600 runes.
		{"bytes are not runes", strings.Repeat("é", 2600) + " cd", []string{"cd"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tokenize(nil, tc.text); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("tokenize = %v, want %v", got, tc.want)
			}
		})
	}
}

// refTokens is the definition, written the plain way: split on runes that
// are neither letters nor numbers, keep runs of 2 to 30 bytes with a
// letter, once each, in order.
func refTokens(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }) {
		if len(f) < 2 || len(f) > 30 || seen[f] || strings.IndexFunc(f, unicode.IsLetter) < 0 {
			continue
		}
		seen[f] = true
		out = append(out, f)
	}
	return out
}

// TestTokenizeMatchesReference compares tokenize (its ASCII byte loop, its
// rune path, its switch from a scan to a set past 32 tokens) with
// refTokens on random normalized texts.
func TestTokenizeMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"a", "ab", "refund", "Refund", "2024", "x1", "1x", "top-up", "don't", "über", "né", "中文", "٣٤", "e\u0301", "_id", "abc.def",
		"r2d2", strings.Repeat("y", 30), strings.Repeat("z", 31), "IV", "ⅳ"}
	seps := []string{" ", "  ", ",", ". ", "\t", "!?", "/", "—", "\u00a0"}
	for n := range 3000 {
		var b strings.Builder
		// Up to 120 words from a small vocabulary with unique words mixed
		// in, so that texts pass 32 distinct tokens and repeat some.
		for range rng.IntN(120) {
			if rng.IntN(4) == 0 {
				b.WriteString("w" + strings.Repeat("q", rng.IntN(5)) + string(rune('a'+rng.IntN(26))) + string(rune('a'+rng.IntN(26))))
			} else {
				b.WriteString(words[rng.IntN(len(words))])
			}
			b.WriteString(seps[rng.IntN(len(seps))])
		}
		s := norm.String(b.String())
		if got, want := tokenize(nil, s), refTokens(s); !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("text %d %q:\ntokenize %q\nreference %q", n, s, got, want)
		}
	}
}

// TestTokenizeAppends: tokens go after what dst holds, and repeats are
// judged within the text only.
func TestTokenizeAppends(t *testing.T) {
	got := tokenize([]string{"ab", "keep"}, "ab cd ab")
	if want := []string{"ab", "keep", "ab", "cd"}; !reflect.DeepEqual(got, want) {
		t.Errorf("tokenize = %q, want %q", got, want)
	}
}
