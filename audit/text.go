package audit

import "fmt"

// Small text helpers shared by the checks' summaries and examples.

// Plural returns "1 row" or "3 rows".
func Plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Capitalize upper-cases a leading ASCII letter.
func Capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// CutRunes shortens s to at most n runes, marking the cut with an ellipsis.
func CutRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
