package norm

import (
	"html"
	"regexp"
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
	if o.HTML {
		s = html.UnescapeString(tagPattern.ReplaceAllString(s, " "))
	}
	if !o.Punctuation && isPlain(s) {
		return s
	}
	if !isASCII(s) {
		s = norm.NFKC.String(s)
	}
	s = strings.ToLower(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case o.Punctuation && unicode.IsPunct(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
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
