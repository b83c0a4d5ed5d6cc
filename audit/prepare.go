package audit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"dataready/audit/norm"
	"dataready/audit/similar"
	"dataready/source"
)

// input is one opened input file with its column mapping.
type input struct {
	ref FileRef
	src source.File
	// colMap maps a canonical column index to the file's column index.
	colMap []int
	// types are the file's column types, in canonical order.
	types []string
	// opts are the reader options the file was opened with.
	opts source.Options
}

// layout is the resolved column roles of a run, as canonical indexes.
type layout struct {
	label    int
	split    int   // -1 when none
	text     int   // -1 when none
	id       int   // first id column, -1 when none
	ids      []int // every id column
	segments []int // segment columns, in Roles.Segments order
	features []int
}

// labelInfo is the cached outcome of reading one raw label.
type labelInfo struct {
	missing int16
	class   string
	hash    uint64
}

// preparer computes a Batch's shared per-row values. Each worker owns one,
// so its caches need no lock.
type preparer struct {
	cfg     *Config
	columns []string
	lay     layout
	splits  *SplitTable
	norm    norm.Options
	tokens  map[string]int16
	// tokenLens has bit n set when a null token is n bytes long (bit 63:
	// 63 or more), so that most values skip the map.
	tokenLens uint64
	labelMap  map[string]string // norm(key) -> value; exact keys are checked first
	labels    map[string]labelInfo
	splitIdx  map[string]uint8
	hasher    norm.TupleHasher
	buf       []byte // reused for normalized values
	arena     []byte // a batch's normalized texts, end to end
	// index, when set, receives every row's normalized text for the
	// near-duplicate checks.
	index *similar.Index
}

// maxLabelCache bounds the per-worker cache of raw labels (a numeric target
// may have a distinct value per row).
const maxLabelCache = 1 << 16

// missingTokens returns the names of the missing-label reasons for cfg and
// the index of each null token.
func missingTokens(cfg *Config) ([]string, map[string]int16) {
	names := []string{"(null)", "(empty)"}
	idx := map[string]int16{}
	for _, t := range cfg.NullValues {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if _, dup := idx[t]; dup {
			continue
		}
		idx[t] = int16(len(names))
		names = append(names, t)
	}
	return names, idx
}

func newPreparer(cfg *Config, columns []string, lay layout, splits *SplitTable) *preparer {
	_, tokens := missingTokens(cfg)
	// When two keys share a norm, the smallest key wins, whatever the map order.
	keys := make([]string, 0, len(cfg.LabelMap))
	for k := range cfg.LabelMap {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	lm := make(map[string]string, len(cfg.LabelMap))
	for i := len(keys) - 1; i >= 0; i-- {
		lm[norm.String(keys[i])] = cfg.LabelMap[keys[i]]
	}
	var lens uint64
	for t := range tokens {
		lens |= 1 << min(len(t), 63)
	}
	return &preparer{
		tokenLens: lens,
		cfg:       cfg,
		columns:   columns,
		lay:       lay,
		splits:    splits,
		norm:      norm.Options{Punctuation: cfg.Normalize.Punctuation, HTML: cfg.Normalize.HTML},
		tokens:    tokens,
		labelMap:  lm,
		labels:    map[string]labelInfo{},
		splitIdx:  map[string]uint8{},
	}
}

// label reads one raw label: missing or not, and its class.
func (p *preparer) label(raw string, valid bool) labelInfo {
	if !valid {
		return labelInfo{missing: MissingNull}
	}
	if li, ok := p.labels[raw]; ok {
		return li
	}
	li := p.readLabel(raw)
	if len(p.labels) < maxLabelCache {
		p.labels[strings.Clone(raw)] = li
	}
	return li
}

func (p *preparer) readLabel(raw string) labelInfo {
	trimmed := strings.TrimSpace(raw)
	if trimmed == "" {
		return labelInfo{missing: MissingEmpty}
	}
	if t, ok := p.tokens[trimmed]; ok {
		return labelInfo{missing: t}
	}
	mapped := raw
	if v, ok := p.cfg.LabelMap[raw]; ok {
		mapped = v
	} else if v, ok := p.labelMap[norm.String(raw)]; ok {
		mapped = v
	}
	// Clone: norm may return its argument, which shares the batch's memory.
	class := strings.Clone(norm.String(mapped))
	if class == "" {
		return labelInfo{missing: MissingEmpty}
	}
	return labelInfo{missing: -1, class: class, hash: norm.Hash64(class)}
}

// isNull reports whether a present value reads as missing: empty after
// trimming, or a null token.
func (p *preparer) isNull(s string) bool {
	t := strings.TrimSpace(s)
	if t == "" {
		return true
	}
	if p.tokenLens>>min(len(t), 63)&1 == 0 {
		return false
	}
	_, ok := p.tokens[t]
	return ok
}

// splitOf returns the split index of a split-column value.
func (p *preparer) splitOf(raw string, valid bool) (uint8, error) {
	name := MissingSplit
	if valid {
		if n := norm.String(raw); n != "" {
			name = n
		}
	}
	if i, ok := p.splitIdx[name]; ok {
		return i, nil
	}
	i, err := p.splits.Index(name)
	if err != nil {
		return 0, err
	}
	p.splitIdx[strings.Clone(name)] = i
	return i, nil
}

// prepare builds the Batch of one decoded record batch.
func (p *preparer) prepare(in *input, rec arrow.RecordBatch, lines []int64) (*Batch, error) {
	n := int(rec.NumRows())
	cols := make([]arrow.Array, len(in.colMap))
	for i, j := range in.colMap {
		cols[i] = rec.Column(j)
	}
	b := &Batch{
		File:      &in.ref,
		Columns:   cols,
		Rows:      n,
		Lines:     lines,
		Split:     make([]uint8, n),
		Splits:    p.splits,
		Label:     make([]string, n),
		Missing:   make([]int16, n),
		Class:     make([]string, n),
		ClassHash: make([]uint64, n),
		Key:       make([]norm.Key, n),
	}

	// Split.
	switch {
	case p.lay.split >= 0:
		vals := ValuesOf(cols[p.lay.split])
		for i := 0; i < n; i++ {
			s, ok := vals.Get(i)
			idx, err := p.splitOf(s, ok)
			if err != nil {
				return nil, &source.Error{File: in.ref.Path, Line: lines[i], Column: p.cfg.Split, Err: err}
			}
			b.Split[i] = idx
		}
	default:
		name := in.ref.Split
		if name == "" {
			name = RoleAll
		}
		idx, err := p.splitOf(name, true)
		if err != nil {
			return nil, err
		}
		for i := range b.Split {
			b.Split[i] = idx
		}
	}

	// Label.
	labels := ValuesOf(cols[p.lay.label])
	for i := 0; i < n; i++ {
		raw, ok := labels.Get(i)
		li := p.label(raw, ok)
		b.Label[i], b.Missing[i], b.Class[i], b.ClassHash[i] = raw, li.missing, li.class, li.hash
	}

	// Row key.
	if p.lay.text >= 0 {
		text := ValuesOf(cols[p.lay.text])
		// Normalized texts go end to end in p.arena, then into one string
		// that b.Text slices.
		ends := make([]int, n)
		p.arena = p.arena[:0]
		for i := 0; i < n; i++ {
			s, ok := text.Get(i)
			if !ok || p.isNull(s) {
				p.hasher.Reset()
				p.hasher.Null()
				b.Key[i] = p.hasher.Sum()
				ends[i] = len(p.arena)
				continue
			}
			start := len(p.arena)
			p.arena = p.norm.Append(p.arena, s)
			ends[i] = len(p.arena)
			normed := p.arena[start:]
			b.Key[i] = norm.BytesKey(normed)
			if p.index != nil {
				e := similar.Entry{Key: b.Key[i], Pos: PackPos(b.Pos(i)), Class: b.ClassHash[i], Split: b.Split[i]}
				if err := p.index.Add(e, normed); err != nil {
					return nil, err
				}
			}
		}
		all := string(p.arena)
		b.Text = make([]string, n)
		start := 0
		for i, end := range ends {
			b.Text[i] = all[start:end]
			start = end
		}
	} else {
		feats := make([]Values, len(p.lay.features))
		for j, c := range p.lay.features {
			feats[j] = ValuesOf(cols[c])
		}
		for i := 0; i < n; i++ {
			p.hasher.Reset()
			for _, f := range feats {
				if s, ok := f.Get(i); ok && !p.isNull(s) {
					p.buf = p.norm.Append(p.buf[:0], s)
					p.hasher.Bytes(p.buf)
				} else {
					p.hasher.Null()
				}
			}
			b.Key[i] = p.hasher.Sum()
		}
	}

	// Segment values.
	for _, c := range p.lay.segments {
		vals := ValuesOf(cols[c])
		seg := make([]string, n)
		for i := 0; i < n; i++ {
			s, ok := vals.Get(i)
			if !ok || p.isNull(s) {
				seg[i] = MissingValue
				continue
			}
			seg[i] = norm.String(s)
		}
		b.Segments = append(b.Segments, seg)
	}

	// First id column.
	if p.lay.id >= 0 {
		ids := ValuesOf(cols[p.lay.id])
		b.ID = make([]string, n)
		for i := 0; i < n; i++ {
			if s, ok := ids.Get(i); ok {
				b.ID[i] = s
			}
		}
	}
	return b, nil
}

// idValues returns the values of every id column of a batch (for the
// spill), reusing out's storage. The strings share the batch's memory.
func (p *preparer) idValues(b *Batch, out [][]string) [][]string {
	out = slices.Grow(out[:0], len(p.lay.ids))[:len(p.lay.ids)]
	for j, c := range p.lay.ids {
		vals := ValuesOf(b.Columns[c])
		out[j] = slices.Grow(out[j][:0], b.Rows)[:b.Rows]
		for i := range out[j] {
			out[j][i], _ = vals.Get(i)
		}
	}
	return out
}

// errColumn formats "no column X; columns are: ...".
func errColumn(name string, columns []string) error {
	return fmt.Errorf("no column %q; the columns are: %s", name, strings.Join(columns, ", "))
}
