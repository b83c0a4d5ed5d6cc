package labels

import (
	"encoding/json"
	"fmt"
	"strings"

	"dataready/audit"
)

// rowBits is a set of row positions, one bit per line, in pages of
// pageLines lines allocated only where a row is set. It lets a check flag
// rows whose reason the spilled row records cannot reconstruct (annotator
// values are not in audit.RowRecord). Total memory is at most one bit per
// input line, whatever the worker count, since each worker only touches the
// pages of the lines it read.
type rowBits map[bitPage]*[pageWords]uint64

type bitPage struct {
	file uint32
	page int64
}

const (
	pageWords = 64
	pageLines = 64 * pageWords
)

func (b rowBits) set(p audit.RowPos) {
	k := bitPage{p.File, p.Line / pageLines}
	w := b[k]
	if w == nil {
		w = new([pageWords]uint64)
		b[k] = w
	}
	off := p.Line % pageLines
	w[off/64] |= 1 << (off % 64)
}

func (b rowBits) has(p audit.RowPos) bool {
	w := b[bitPage{p.File, p.Line / pageLines}]
	if w == nil {
		return false
	}
	off := p.Line % pageLines
	return w[off/64]&(1<<(off%64)) != 0
}

func (b rowBits) merge(o rowBits) {
	for k, ow := range o {
		w := b[k]
		if w == nil {
			b[k] = ow
			continue
		}
		for i := range w {
			w[i] |= ow[i]
		}
	}
}

// splitRows turns per-split-index counts into {split name: rows}, leaving
// out splits without rows.
func splitRows(s *audit.Summary, counts []int64) map[string]any {
	out := map[string]any{}
	for i, n := range counts {
		if n > 0 {
			out[s.Splits.Name(uint8(i))] = n
		}
	}
	return out
}

// quoteList quotes up to five strings: `"a", "b" and 3 more`.
func quoteList(items []string) string {
	var b strings.Builder
	for i, s := range items {
		if i == 5 {
			fmt.Fprintf(&b, " and %d more", len(items)-5)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", s)
	}
	return b.String()
}

// yamlString writes s as a YAML double-quoted scalar. YAML 1.2 is a
// superset of JSON, so a JSON string (without HTML escaping) is one.
func yamlString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}
