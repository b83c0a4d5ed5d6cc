package volume

import (
	"strings"

	"dataready/audit"
)

// classNames gathers the name of every class seen, by hash: the key table
// knows classes only by hash.
type classNames map[uint64]string

func (c classNames) add(b *audit.Batch) {
	for i := 0; i < b.Rows; i++ {
		if b.Missing[i] < 0 {
			if _, ok := c[b.ClassHash[i]]; !ok {
				c[b.ClassHash[i]] = strings.Clone(b.Class[i])
			}
		}
	}
}

func (c classNames) merge(o classNames) {
	for h, n := range o {
		c[h] = n
	}
}

// usable counts usable examples (non-conflicting keys) per class: in each
// split (a key counts in every split holding one of its labeled rows), in
// train, and in the holdout splits together (a key counts once).
type usable struct {
	bySplit map[string]map[string]int64
	train   map[string]int64
	holdout map[string]int64
	// holdoutTotal counts usable keys with a labeled holdout row.
	holdoutTotal int64
	hasTrain     bool
	hasHoldout   bool
}

func countUsable(s *audit.Summary, names classNames) usable {
	u := usable{bySplit: map[string]map[string]int64{}, train: map[string]int64{}, holdout: map[string]int64{}}
	n := s.Splits.Len()
	splitNames := make([]string, n)
	var trainMask, holdoutMask uint64
	for i := range n {
		name := s.Splits.Name(uint8(i))
		splitNames[i] = name
		u.bySplit[name] = map[string]int64{}
		switch s.Splits.Role(name) {
		case audit.RoleTrain:
			trainMask |= 1 << i
		case audit.RoleHoldout:
			holdoutMask |= 1 << i
		}
	}
	u.hasTrain, u.hasHoldout = trainMask != 0, holdoutMask != 0 && trainMask != 0
	for _, k := range s.Keys.All() {
		if k.Conflict {
			continue
		}
		class := names[k.Class]
		for m, i := k.Splits, 0; m != 0; m, i = m>>1, i+1 {
			if m&1 != 0 {
				u.bySplit[splitNames[i]][class]++
			}
		}
		if k.Splits&trainMask != 0 {
			u.train[class]++
		}
		if k.Splits&holdoutMask != 0 {
			u.holdout[class]++
			u.holdoutTotal++
		}
	}
	return u
}
