package audit

import (
	"dataready/audit/norm"
	"dataready/audit/similar"
)

// Summary is what every check's Result may read besides its own state: the
// configuration, the splits, row counts and the shared key table, all
// merged over every worker.
type Summary struct {
	Config *Config
	Roles  Roles
	// Files are the input files, by FileRef.Index.
	Files  []FileRef
	Splits *SplitTable
	// SplitRows counts audited rows per split name.
	SplitRows map[string]int64
	// RowsAudited counts every audited row.
	RowsAudited int64
	Keys        *KeyTable
	// Examples is the cap on examples per check.
	Examples int
	// MissingTokens names the reasons in Batch.Missing.
	MissingTokens []string
	// TextIndex answers questions to the near-duplicate index of the text
	// column, merged over every worker (or searched by a distributed run's
	// band search, see Partial.TakeTexts); nil unless a check uses it
	// (Spec.UsesTextIndex). Its entries carry PackPos positions, split
	// indexes and class hashes.
	TextIndex TextSearcher
	// NearTrain maps the row key of each holdout text that
	// leakage.near_duplicates found near a train text to that match. Its
	// Revisit sets it; Revisit runs check by check in registry order before
	// the rows are replayed, so checks registered after it
	// (leakage.entity_overlap) can read it in their own Revisit. nil when
	// that check did not run. Read only.
	NearTrain map[norm.Key]similar.Match
}

// TextSearcher answers the checks' questions to the near-duplicate index:
// the merged *similar.Index of a run, or the *similar.Answer of the band
// search of a distributed one.
type TextSearcher interface {
	// Search answers the queries in one search (similar.Index.Search).
	Search(qs []similar.Query) ([]similar.Result, error)
	// Text returns the stored normalized text of a key of the answers.
	Text(key norm.Key) (string, bool, error)
}

// RefAt returns the location of a row known by its position and split index.
func (s *Summary) RefAt(p RowPos, split uint8) RowRef {
	return RowRef{File: s.Files[p.File].Path, Line: p.Line, Split: s.Splits.Name(split)}
}

// Ratio returns a/b, or 0 when b is 0 (JSON has no NaN).
func Ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Train returns the name of the training split, if there is one.
func (s *Summary) Train() (string, bool) {
	for _, n := range s.Splits.Sorted() {
		if s.Splits.Role(n) == RoleTrain {
			return n, true
		}
	}
	return "", false
}

// Holdouts returns the names of the holdout splits in report order.
func (s *Summary) Holdouts() []string {
	var out []string
	for _, n := range s.Splits.Sorted() {
		if s.Splits.Role(n) == RoleHoldout {
			out = append(out, n)
		}
	}
	return out
}

// SplitMask returns the mask bit of a split name (0 when unknown).
func (s *Summary) SplitMask(name string) uint64 {
	for i := 0; i < s.Splits.Len(); i++ {
		if s.Splits.Name(uint8(i)) == name {
			return 1 << i
		}
	}
	return 0
}

// AddCounts adds src to dst element by element, growing dst with zeros to
// src's length first, and returns dst: the merge of per-split (or
// per-field) count vectors.
func AddCounts(dst, src []int64) []int64 {
	for len(dst) < len(src) {
		dst = append(dst, 0)
	}
	for i, n := range src {
		dst[i] += n
	}
	return dst
}
