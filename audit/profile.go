package audit

import (
	"sort"
	"strings"
)

// OtherValue is the value a segment column's least frequent values are
// folded into when it has more than MaxNamedValues distinct values.
const OtherValue = "(other)"

// Bounds on the distinct segment values of the dataset profile: the same
// as bias.segment_coverage's, so that both name the same values.
const (
	// MaxNamedValues is how many values of a segment column the profile
	// reports by name; the rest are folded into OtherValue by total rows.
	MaxNamedValues = 1000
	// MaxTrackedValues is how many distinct values of one segment column
	// are counted exactly. A column with more overflows: its counts are
	// dropped. Whether it does depends only on the whole data, never on the
	// worker count (a worker past the bound means the whole data is past it).
	MaxTrackedValues = 100_000
)

// profile is the pipeline's accumulator of the report's dataset profile:
// labeled rows per class and split, and rows per segment value and split.
// They are what a comparison with a later snapshot needs without reading
// the data again (Dataset.Labels, Dataset.Segments).
type profile struct {
	classes map[classSplit]int64
	// classNames maps the class hashes of the key table to class names.
	classNames map[uint64]string
	// segments has one table per segment column, in Roles.Segments order.
	segments []*valueTable
}

type classSplit struct {
	class string
	split uint8
}

// valueTable counts rows per value and split index of one segment column.
type valueTable struct {
	m        map[string][]int64
	overflow bool
}

func newProfile(segments int) *profile {
	p := &profile{classes: map[classSplit]int64{}, classNames: map[uint64]string{}}
	for range segments {
		p.segments = append(p.segments, &valueTable{m: map[string][]int64{}})
	}
	return p
}

func (p *profile) add(b *Batch) {
	for i := 0; i < b.Rows; i++ {
		if b.Missing[i] >= 0 {
			continue
		}
		k := classSplit{b.Class[i], b.Split[i]}
		if _, ok := p.classes[k]; !ok {
			k.class = strings.Clone(k.class)
			p.classNames[b.ClassHash[i]] = k.class
		}
		p.classes[k]++
	}
	for c, vals := range b.Segments {
		t := p.segments[c]
		if t.overflow {
			continue
		}
		for i, v := range vals {
			counts, ok := t.m[v]
			if !ok {
				if len(t.m) >= MaxTrackedValues {
					t.overflow, t.m = true, nil
					break
				}
				v = strings.Clone(v)
			}
			s := int(b.Split[i])
			for len(counts) <= s {
				counts = append(counts, 0)
			}
			counts[s]++
			t.m[v] = counts
		}
	}
}

func (p *profile) merge(o *profile) {
	for k, n := range o.classes {
		p.classes[k] += n
	}
	for h, name := range o.classNames {
		p.classNames[h] = name
	}
	for c, t := range p.segments {
		ot := o.segments[c]
		if t.overflow || ot.overflow {
			t.overflow, t.m = true, nil
			continue
		}
		for v, counts := range ot.m {
			t.m[v] = AddCounts(t.m[v], counts)
		}
		if len(t.m) > MaxTrackedValues {
			t.overflow, t.m = true, nil
		}
	}
}

// labels returns the class counts: labeled rows per class and split name,
// and usable examples per class from the key table (keys whose labeled rows
// all carry one class, counted once).
func (p *profile) labels(splits *SplitTable, keys *KeyTable) LabelCounts {
	out := LabelCounts{Classes: map[string]ClassCounts{}}
	for k, n := range p.classes {
		c, ok := out.Classes[k.class]
		if !ok {
			c.Rows = map[string]int64{}
		}
		c.Rows[splits.Name(k.split)] += n
		out.Classes[k.class] = c
		out.LabeledRows += n
	}
	for _, s := range keys.All() {
		if s.Conflict {
			continue
		}
		out.UsableExamples++
		name := p.classNames[s.Class]
		c := out.Classes[name]
		c.Usable++
		out.Classes[name] = c
	}
	return out
}

// segmentCounts returns the per-value counts of every segment column, with
// the values past MaxNamedValues folded into OtherValue.
func (p *profile) segmentCounts(names []string, splits *SplitTable) map[string]SegmentCounts {
	out := make(map[string]SegmentCounts, len(names))
	for c, name := range names {
		t := p.segments[c]
		sc := SegmentCounts{Values: map[string]map[string]int64{}, Overflow: t.overflow}
		if t.overflow {
			sc.DistinctValues = MaxTrackedValues + 1
			out[name] = sc
			continue
		}
		sc.DistinctValues = int64(len(t.m))
		total := func(counts []int64) (n int64) {
			for _, x := range counts {
				n += x
			}
			return n
		}
		values := make([]string, 0, len(t.m))
		for v := range t.m {
			values = append(values, v)
		}
		sort.Slice(values, func(i, j int) bool {
			ti, tj := total(t.m[values[i]]), total(t.m[values[j]])
			if ti != tj {
				return ti > tj
			}
			return values[i] < values[j]
		})
		for i, v := range values {
			name := v
			if i >= MaxNamedValues {
				name = OtherValue
				sc.FoldedValues++
			}
			rows := sc.Values[name]
			if rows == nil {
				rows = map[string]int64{}
				sc.Values[name] = rows
			}
			for s, n := range t.m[v] {
				if n > 0 {
					rows[splits.Name(uint8(s))] += n
				}
			}
		}
		out[name] = sc
	}
	return out
}
