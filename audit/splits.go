package audit

import (
	"fmt"
	"sort"
	"sync"
)

// MaxSplits bounds the distinct split values (a split mask is 64 bits).
const MaxSplits = 64

// SplitTable names the splits of a run. Indexes are handed out in order of
// first sight, which varies with scheduling: results must therefore be
// reported by name (SplitTable.Sorted), never by index. Safe for concurrent use.
type SplitTable struct {
	mu    sync.RWMutex
	names []string
	index map[string]uint8
	cfg   *Config
}

// NewSplitTable returns an empty table; cfg decides which name is train.
func NewSplitTable(cfg *Config) *SplitTable {
	return &SplitTable{index: map[string]uint8{}, cfg: cfg}
}

// Index returns the index of a split name, adding it when new.
func (t *SplitTable) Index(name string) (uint8, error) {
	t.mu.RLock()
	i, ok := t.index[name]
	t.mu.RUnlock()
	if ok {
		return i, nil
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
