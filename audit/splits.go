package audit

import (
	"errors"
	"fmt"
	"sort"
	"sync"
)

// MaxSplits bounds the distinct split values (a split mask is 64 bits).
const MaxSplits = 64

// SplitTable names the splits of a run. Indexes are handed out in order of
// first sight, which varies with scheduling: results must therefore be
// reported by name (SplitTable.Sorted), never by index. A fixed table
// (NewFixedSplitTable) knows its names up front, for runs whose parts are
// consumed in several processes. Safe for concurrent use.
type SplitTable struct {
	mu    sync.RWMutex
	names []string
	index map[string]uint8
	cfg   *Config
	fixed bool
}

// ErrUnknownSplit is returned by a fixed table's Index for a name it was
// not made with.
var ErrUnknownSplit = errors.New("split value not among the split values fixed for this run")

// NewSplitTable returns an empty table; cfg decides which name is train.
func NewSplitTable(cfg *Config) *SplitTable {
	return &SplitTable{index: map[string]uint8{}, cfg: cfg}
}

// NewFixedSplitTable returns a table that holds names, in report order
// (train first, then alphabetically), whatever the order given, and
// refuses any other name: every process of a distributed run that makes it
// from the same names hands out the same indexes. Repeated names count
// once.
func NewFixedSplitTable(cfg *Config, names []string) (*SplitTable, error) {
	t := NewSplitTable(cfg)
	for _, n := range names {
		if _, err := t.Index(n); err != nil {
			return nil, err
		}
	}
	sorted := t.Sorted()
	t = NewSplitTable(cfg)
	for _, n := range sorted {
		if _, err := t.Index(n); err != nil {
			return nil, err
		}
	}
	t.fixed = true
	return t, nil
}

// Fixed reports whether the table was made by NewFixedSplitTable.
func (t *SplitTable) Fixed() bool { return t.fixed }

// Names returns the split names in index order.
func (t *SplitTable) Names() []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return append([]string(nil), t.names...)
}

// Index returns the index of a split name, adding it when new; a fixed
// table returns an error wrapping ErrUnknownSplit instead of adding it.
func (t *SplitTable) Index(name string) (uint8, error) {
	t.mu.RLock()
	i, ok := t.index[name]
	t.mu.RUnlock()
	if ok {
		return i, nil
	}
	if t.fixed {
		return 0, fmt.Errorf("%w: %q is not one of %q", ErrUnknownSplit, name, t.Names())
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if i, ok := t.index[name]; ok {
		return i, nil
	}
	if len(t.names) == MaxSplits {
		return 0, fmt.Errorf("more than %d distinct split values (%v, ...): is this really a split column?", MaxSplits, t.names[:5])
	}
	i = uint8(len(t.names))
	t.names = append(t.names, name)
	t.index[name] = i
	return i, nil
}

// Name returns the name of split index i.
func (t *SplitTable) Name(i uint8) string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.names[i]
}

// Len returns the number of splits seen.
func (t *SplitTable) Len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.names)
}

// Role returns the role of a split name: train (see Config.IsTrainSplit),
// unassigned for MissingSplit, all for "all", holdout for any other name.
func (t *SplitTable) Role(name string) string {
	switch {
	case t.cfg.IsTrainSplit(name):
		return RoleTrain
	case name == MissingSplit:
		return RoleUnassigned
	case name == RoleAll:
		return RoleAll
	}
	return RoleHoldout
}

// Sorted returns the split names in report order: train first, then the
// others alphabetically.
func (t *SplitTable) Sorted() []string {
	t.mu.RLock()
	names := append([]string(nil), t.names...)
	t.mu.RUnlock()
	sort.Slice(names, func(i, j int) bool {
		ti, tj := t.cfg.IsTrainSplit(names[i]), t.cfg.IsTrainSplit(names[j])
		if ti != tj {
			return ti
		}
		return names[i] < names[j]
	})
	return names
}
