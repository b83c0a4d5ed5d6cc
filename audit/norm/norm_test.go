package norm

import (
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestString(t *testing.T) {
	tests := []struct {
		name string
		in   string
		opts Options
		want string
	}{
		{"plain stays", "refund please", Options{}, "refund please"},
		{"empty", "", Options{}, ""},
		{"lower case", "REFUND", Options{}, "refund"},
		{"trailing space", "refund ", Options{}, "refund"},
		{"leading space", " refund", Options{}, "refund"},
		{"runs of white space", "a \t\n  b", Options{}, "a b"},
		{"only space", "   ", Options{}, ""},
		{"NFKC full width", "ＲＥＦＵＮＤ", Options{}, "refund"},
		{"NFKC ligature", "ﬁle", Options{}, "file"},
		{"non-breaking space", "a\u00a0b", Options{}, "a b"},
		{"punctuation kept by default", "top-up!", Options{}, "top-up!"},
		{"punctuation removed", "top-up, now!", Options{Punctuation: true}, "topup now"},
		{"symbols are not punctuation", ">50K.", Options{Punctuation: true}, ">50k"},
		{"html tags and entities", "Great<br />movie &amp; cast", Options{HTML: true}, "great movie & cast"},
		{"html off keeps tags", "a<br />b", Options{}, "a<br />b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.opts.String(tc.in); got != tc.want {
				t.Errorf("norm(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// reference is norm written the obvious way, to check the fast paths.
func reference(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(norm.NFKC.String(s))), " ")
}

func TestStringMatchesReference(t *testing.T) {
	inputs := []string{"a", "a b", "a  b", " a", "a ", "A", "a\tb", "abc def ghi", "é", "É  x", "x y z", "", "\u2003a\u2003", "Straße", "ǅ"}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("aB \t\nzé\u00a0ｆ.-")
	for range 2000 {
		r := make([]rune, rng.IntN(8))
		for i := range r {
			r[i] = alphabet[rng.IntN(len(alphabet))]
		}
		inputs = append(inputs, string(r))
	}
	// Every ASCII byte, control characters included, and a non-ASCII
	// byte late in the string (the fast path gives up there).
	for n := range 2000 {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = byte(rng.IntN(128))
		}
		if n%7 == 0 {
			b = append(b, "Ü x"...)
		}
		inputs = append(inputs, string(b))
	}
	for _, s := range inputs {
		if got, want := String(s), reference(s); got != want {
			t.Errorf("norm(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestTupleHasherSeparatesValues(t *testing.T) {
	key := func(vals ...*string) Key {
		var h TupleHasher
		h.Reset()
		for _, v := range vals {
			if v == nil {
				h.Null()
			} else {
				h.Value(*v)
			}
		}
		return h.Sum()
	}
	s := func(v string) *string { return &v }
	pairs := []struct {
		name string
		a, b Key
	}{
		{"split point", key(s("ab"), s("c")), key(s("a"), s("bc"))},
		{"null vs empty", key(nil), key(s(""))},
		{"order", key(s("a"), s("b")), key(s("b"), s("a"))},
		{"arity", key(s("a")), key(s("a"), s(""))},
	}
	for _, p := range pairs {
		if p.a == p.b {
			t.Errorf("%s: keys collide: %v", p.name, p.a)
		}
	}
	// The same tuple, hashed by a fresh hasher, gives the same key.
	first, again := key(s("x"), nil), key(s("x"), nil)
	if first != again {
		t.Error("same tuple gives different keys")
	}
	abc := "abc"
	if TextKey(abc) == TextKey("abd") || TextKey(abc) != TextKey(strings.Clone(abc)) {
		t.Error("TextKey is not a function of its text")
	}
}

func TestKeysAgree(t *testing.T) {
	for _, s := range []string{"Refund  please", "ＲＥＦＵＮＤ", "", "a\tb"} {
		n := String(s)
		if TextKey(n) != BytesKey(Options{}.Append(nil, s)) {
			t.Errorf("TextKey(norm(%q)) != BytesKey(Append(%q))", s, s)
		}
	}
}

func BenchmarkNorm(b *testing.B) {
	s := "Hello, I was charged TWICE for order 12345 and  would like a refund please"
	var buf []byte
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		buf = Options{}.Append(buf[:0], s)
	}
}
