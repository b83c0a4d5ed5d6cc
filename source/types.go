package source

import (
	"strconv"
	"strings"
	"time"
)

// typeGuess narrows down the type of a CSV column from sampled values.
// Every flag starts possible; a value that does not fit clears it.
type typeGuess struct {
	seen                                             bool
	notInt, notFloat, notBool, notDate, notTimestamp bool
}

// add notes one non-null value.
func (g *typeGuess) add(v string) {
	g.seen = true
	if !g.notInt {
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			g.notInt = true
		}
	}
	if !g.notFloat && !isFloat(v) {
		g.notFloat = true
	}
	if !g.notBool && !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
		g.notBool = true
	}
	date := isDate(v)
	if !date {
		g.notDate = true
	}
	if !g.notTimestamp && !date && !isTimestamp(v) {
		g.notTimestamp = true
	}
}

// typ returns the narrowest type that fits every value seen: integer, float,
// boolean, date, timestamp (dates and timestamps mixed), else string. A
// column without values is a string column.
func (g *typeGuess) typ() string {
	switch {
	case !g.seen:
		return TypeString
	case !g.notInt:
		return TypeInteger
	case !g.notFloat:
		return TypeFloat
	case !g.notBool:
		return TypeBoolean
	case !g.notDate:
		return TypeDate
	case !g.notTimestamp:
		return TypeTimestamp
	}
	return TypeString
}

// isFloat reports whether v is a decimal number. "NaN" and "Inf", which
// strconv accepts, are not: a column of names must not pass as floats.
func isFloat(v string) bool {
	if _, err := strconv.ParseFloat(v, 64); err != nil {
		return false
	}
	return strings.ContainsAny(v, "0123456789")
}

// isDate reports whether v is a date like 2006-01-02.
func isDate(v string) bool {
	if len(v) != len(time.DateOnly) {
		return false
	}
	_, err := time.Parse(time.DateOnly, v)
	return err == nil
}

// isTimestamp reports whether v is an RFC 3339 timestamp or one like
// "2006-01-02 15:04:05" (fractional seconds allowed in both).
func isTimestamp(v string) bool {
	if len(v) < len(time.DateTime) {
		return false
	}
	if _, err := time.Parse(time.RFC3339, v); err == nil {
		return true
	}
	_, err := time.Parse(time.DateTime, v)
	return err == nil
}
