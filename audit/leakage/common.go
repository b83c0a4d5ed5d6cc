package leakage

import (
	"fmt"
	"strings"

	"github.com/zeebo/xxh3"

	"dataready/audit"
	"dataready/audit/norm"
)

// family is the family of every check here.
const family = "leakage"

// Split roles as small numbers, resolved once per split index.
const (
	roleUnknown uint8 = iota
	roleTrain
	roleHoldout
	roleOther // "all" and "(missing)": neither train nor holdout
)

// roleOf returns the role of a split index.
func roleOf(t *audit.SplitTable, split uint8) uint8 {
	switch t.Role(t.Name(split)) {
	case audit.RoleTrain:
		return roleTrain
	case audit.RoleHoldout:
		return roleHoldout
	}
	return roleOther
}

// roleCache remembers the role of each split index an accumulator has
// seen, so that Add does not take the split table's lock per row. A split's
// role depends only on its name, so the cache never goes stale.
type roleCache [audit.MaxSplits]uint8

func (c *roleCache) of(t *audit.SplitTable, split uint8) uint8 {
	r := c[split]
	if r == roleUnknown {
		r = roleOf(t, split)
		c[split] = r
	}
	return r
}

// splitRoles returns the role of every split of a run, by index.
func splitRoles(t *audit.SplitTable) []uint8 {
	roles := make([]uint8, t.Len())
	for i := range roles {
		roles[i] = roleOf(t, uint8(i))
	}
	return roles
}

// splitIndex returns the index of a split name, or false.
func splitIndex(t *audit.SplitTable, name string) (uint8, bool) {
	for i := 0; i < t.Len(); i++ {
		if t.Name(uint8(i)) == name {
			return uint8(i), true
		}
	}
	return 0, false
}

// Row positions packed into 64 bits (to keep per-row and per-key state
// small): 23 bits of input file index, 40 bits of line. Packed positions
// order like audit.RowPos. A run would need 8 million input files or a file
// of a trillion lines to overflow; the top bit is free for a flag.
const (
	lineBits = 40
	fileBits = 23
	posFlag  = uint64(1) << 63
)

func pack(p audit.RowPos) uint64 {
	return uint64(p.File)<<lineBits | uint64(p.Line)&(1<<lineBits-1)
}

func unpack(v uint64) audit.RowPos {
	return audit.RowPos{File: uint32(v>>lineBits) & (1<<fileBits - 1), Line: int64(v & (1<<lineBits - 1))}
}

// nullTokens tells a missing value the way the pipeline does: null, empty
// after trimming, or one of null_values (compared after trimming).
type nullTokens map[string]bool

func newNullTokens(cfg *audit.Config) nullTokens {
	n := nullTokens{}
	for _, t := range cfg.NullValues {
		if t = strings.TrimSpace(t); t != "" {
			n[t] = true
		}
	}
	return n
}

func (n nullTokens) isNull(s string) bool {
	t := strings.TrimSpace(s)
	return t == "" || n[t]
}

// valueHash is norm.Hash64(norm.String(v)) computed in buf, so that the hot
// path allocates nothing; it returns buf for reuse.
func valueHash(buf []byte, v string) (uint64, []byte) {
	buf = norm.Options{}.Append(buf[:0], v)
	return xxh3.Hash(buf), buf
}

// recordRef locates a revisited row, like audit.Batch.Ref: the first id
// column's value and the raw label, copied.
func recordRef(s *audit.Summary, r *audit.RowRecord) audit.RowRef {
	ref := s.RefAt(r.Pos, r.Split)
	ref.Label = string(r.Label)
	if len(r.IDs) > 0 {
		ref.ID = string(r.IDs[0])
	}
	return ref
}

// maxClasses bounds the class names an accumulator remembers; a label with
// more distinct values is not a classification label.
const maxClasses = 1000

// classNames maps class hashes to class names (audit.Batch.Class), for
// examples and tie-breaks. It stops growing past maxClasses+1 names, so
// len > maxClasses means "too many classes" whatever the worker count.
type classNames map[uint64]string

func (c classNames) add(b *audit.Batch, i int) {
	h := b.ClassHash[i]
	if _, ok := c[h]; !ok && len(c) <= maxClasses {
		c[h] = strings.Clone(b.Class[i])
	}
}

func (c classNames) merge(o classNames) {
	for h, n := range o {
		if len(c) > maxClasses {
			return
		}
		c[h] = n
	}
}

// name returns a class's name, "" for no class.
func (c classNames) name(h uint64) string {
	if h == 0 {
		return ""
	}
	return c[h]
}

// where formats a row location for a findings reason: file:line.
func where(s *audit.Summary, p audit.RowPos) string {
	return fmt.Sprintf("%s:%d", s.Files[p.File].Path, p.Line)
}

// percent formats a rate for a summary sentence.
func percent(r float64) string { return fmt.Sprintf("%.1f%%", 100*r) }

// skip is the result of a check that does not apply, with the reason.
func skip(reason string) audit.CheckResult {
	return audit.CheckResult{Status: audit.Skip, Summary: reason}
}

// needHoldout returns the train split and the holdout splits, or the
// summary of a skip when the run lacks either.
func needHoldout(s *audit.Summary) (train string, holdouts []string, why string) {
	train, ok := s.Train()
	holdouts = s.Holdouts()
	switch {
	case !ok && len(holdouts) == 0:
		return "", nil, "Skipped: there is no train split and no holdout split to compare (give a split column or train/holdout inputs)."
	case !ok:
		return "", nil, "Skipped: there is no train split to compare the holdout with (train_split names it)."
	case len(holdouts) == 0:
		return "", nil, "Skipped: there is no holdout split to compare with train."
	}
	return train, holdouts, ""
}
