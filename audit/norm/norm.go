package norm

import (
	"html"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Options are the optional extras of normalization (config key `normalize`).
type Options struct {
	// Punctuation removes every Unicode punctuation character (category P)
	// before white space is collapsed. Default false.
	Punctuation bool
	// HTML removes tags and unescapes entities first. Default false.
	HTML bool
}

// String returns norm(s) with default options: Unicode NFKC, lower case,
// every run of white space replaced by one space, trimmed.
func String(s string) string { return Options{}.String(s) }

var tagPattern = regexp.MustCompile(`<[^>]*>`)

// String returns norm(s): optionally HTML stripped, then Unicode NFKC, then
// lower case, then (optionally) punctuation removed, then every run of white
// space replaced by one space, then trimmed.
func (o Options) String(s string) string {
	if !o.Punctuation && !o.HTML && isPlain(s) {
		return s
	}
	return string(o.Append(nil, s))
}

// Append appends norm(s) to dst and returns the extended slice. Hashing
// callers reuse dst across rows, so the common ASCII case allocates nothing.
func (o Options) Append(dst []byte, s string) []byte {
	if o.HTML {
		s = html.UnescapeString(tagPattern.ReplaceAllString(s, " "))
	}
	if !o.Punctuation {
		if out, ok := appendASCII(dst, s); ok {
			return out
		}
	}
	if !isASCII(s) {
		s = norm.NFKC.String(s)
	}
	s = strings.ToLower(s)
	start := len(dst)
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case o.Punctuation && unicode.IsPunct(r):
			continue
		}
		if space && len(dst) > start {
			dst = append(dst, ' ')
		}
		space = false
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

// asciiFold maps each byte for appendASCII: an ASCII byte to itself in
// lower case, ASCII white space to foldSpace, any other byte to
// foldOther.
var asciiFold = func() (t [256]byte) {
	for c := range t {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = foldOther
		case c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r':
			t[c] = foldSpace
		case 'A' <= c && c <= 'Z':
			t[c] = byte(c) + 'a' - 'A'
		default:
			t[c] = byte(c)
		}
	}
	return t
}()

// Marks of asciiFold, above every ASCII byte.
const (
	foldSpace = 0x80
	foldOther = 0x81
)

// appendASCII is norm for ASCII text: lower case and white space collapsed
// in one pass over the bytes (NFKC leaves ASCII unchanged), written into
// dst grown once. It reports false, and appends nothing, when s has a byte
// that is not ASCII.
func appendASCII(dst []byte, s string) ([]byte, bool) {
	start := len(dst)
	dst = slices.Grow(dst, len(s))
	// Each byte writes at most one, but the one after white space, which
	// writes two for at least two: the output fits in len(s).
	out := dst[start : start+len(s)]
	n := 0
	space := false
	for i := 0; i < len(s); i++ {
		switch c := asciiFold[s[i]]; c {
		case foldSpace:
			space = true
		case foldOther:
			return dst[:start], false
		default:
			if space && n > 0 {
				out[n] = ' '
				n++
			}
			space = false
			out[n] = c
			n++
		}
	}
	return dst[:start+n], true
}

// isPlain reports whether s is already normalized and needs no work: ASCII,
// no upper case letters, no white space other than single inner spaces.
// It is the fast path that keeps normalization off the profile for the
// common case.
func isPlain(s string) bool {
	prevSpace := true // a leading space is not plain
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			return false
		case 'A' <= c && c <= 'Z':
			return false
		case c == ' ':
			if prevSpace {
				return false
			}
			prevSpace = true
			continue
		case c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r':
			return false
		}
		prevSpace = false
	}
	return !prevSpace || len(s) == 0
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
