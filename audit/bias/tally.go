package bias

import "dataready/audit"

// classTally counts labeled rows per split and class, and keeps the first
// rows of each (class, split) for examples. class_balance and label_shift
// both read it.
type classTally struct {
	counts [audit.MaxSplits]map[string]int64
	// first keeps the first rows of each class in each split, for examples.
	first map[classSplit]*audit.RowSample
}

type classSplit struct {
	class string
	split uint8
}

func newClassTally() classTally {
	t := classTally{first: map[classSplit]*audit.RowSample{}}
	for i := range t.counts {
		t.counts[i] = map[string]int64{}
	}
	return t
}

func (t *classTally) add(b *audit.Batch) {
	for i := 0; i < b.Rows; i++ {
		if b.Missing[i] >= 0 {
			continue
		}
		c, s := b.Class[i], b.Split[i]
		t.counts[s][c]++
		k := classSplit{c, s}
		sample, ok := t.first[k]
		if !ok {
			if len(t.first) > maxSampled {
				continue
			}
			sample = audit.NewRowSample(examplesPerClass)
			t.first[k] = sample
		}
		if pos := b.Pos(i); !sample.Full(pos) {
			sample.Offer(pos, b.Ref(i))
		}
	}
}

func (t *classTally) merge(o *classTally) {
	for i := range t.counts {
		for c, n := range o.counts[i] {
			t.counts[i][c] += n
		}
	}
	for k, s := range o.first {
		if cur, ok := t.first[k]; ok {
			cur.Merge(s)
		} else {
			t.first[k] = s
		}
	}
}
