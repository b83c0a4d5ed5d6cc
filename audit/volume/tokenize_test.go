package volume

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"dataready/audit/norm"
	"dataready/audit/valueclass"
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
			var tk tokens
			if tk.tokenize(tc.text); !reflect.DeepEqual(tk.list, tc.want) {
				t.Errorf("tokenize = %v, want %v", tk.list, tc.want)
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

// TestTokenizeMatchesReference compares tokenize (its ASCII table, its
// decoded runes, its set of tokens as it grows past 32 and shrinks back
// for the next text) with refTokens on random normalized texts, one tokens
// reused for all of them, and checks the hashes.
func TestTokenizeMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"a", "ab", "refund", "Refund", "2024", "x1", "1x", "top-up", "don't", "über", "né", "中文", "٣٤", "e\u0301", "_id", "abc.def",
		"r2d2", strings.Repeat("y", 30), strings.Repeat("z", 31), "IV", "ⅳ", "\xff", "ab\xc3", "\ufffd"}
	seps := []string{" ", "  ", ",", ". ", "\t", "!?", "/", "—", "\u00a0", ""}
	var tk tokens
	for n := range 3000 {
		var b strings.Builder
		// Up to 300 words from a small vocabulary with unique words mixed
		// in, so that texts pass 32 and 128 distinct tokens and repeat
		// some.
		for range rng.IntN([]int{20, 120, 300}[rng.IntN(3)]) {
			if rng.IntN(4) == 0 {
				b.WriteString("w" + strings.Repeat("q", rng.IntN(5)) + string(rune('a'+rng.IntN(26))) + string(rune('a'+rng.IntN(26))))
			} else {
				b.WriteString(words[rng.IntN(len(words))])
			}
			b.WriteString(seps[rng.IntN(len(seps))])
		}
		s := b.String()
		if rng.IntN(2) == 0 {
			s = norm.String(s)
		}
		tk.tokenize(s)
		if want := refTokens(s); !reflect.DeepEqual(tk.list, want) && !(len(tk.list) == 0 && len(want) == 0) {
			t.Fatalf("text %d %q:\ntokenize %q\nreference %q", n, s, tk.list, want)
		}
		if len(tk.hashes) != len(tk.list) {
			t.Fatalf("text %d: %d hashes for %d tokens", n, len(tk.hashes), len(tk.list))
		}
		for i, tok := range tk.list {
			if tk.hashes[i] != valueclass.KeyHash(tok) {
				t.Fatalf("text %d: hash of %q is not its KeyHash", n, tok)
			}
		}
	}
}

// TestTokenizeReuses: a reused tokens forgets the previous text, repeats
// are judged within the text only.
func TestTokenizeReuses(t *testing.T) {
	var tk tokens
	tk.tokenize("ab keep ab")
	tk.tokenize("ab cd ab")
	if want := []string{"ab", "cd"}; !reflect.DeepEqual(tk.list, want) || len(tk.hashes) != 2 {
		t.Errorf("tokenize = %q (%d hashes), want %q", tk.list, len(tk.hashes), want)
	}
	// After a text of 1000 tokens, the next short ones clear a small set.
	var long strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&long, "w%d ", i)
	}
	tk.tokenize(long.String())
	if len(tk.list) != 1000 || len(tk.set) < 2000 {
		t.Fatalf("long text: %d tokens in a set of %d, want 1000 in at least 2000", len(tk.list), len(tk.set))
	}
	tk.tokenize("ab cd")
	tk.tokenize("ab cd ef")
	if want := []string{"ab", "cd", "ef"}; !reflect.DeepEqual(tk.list, want) || len(tk.set) != 64 {
		t.Errorf("after a long text: tokenize = %q in a set of %d, want %q in 64", tk.list, len(tk.set), want)
	}
}
