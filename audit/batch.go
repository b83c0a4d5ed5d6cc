package audit

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"dataready/audit/norm"
)

// FileRef identifies one input file of the run.
type FileRef struct {
	// Index is the file's position among the run's inputs; rows order by
	// (Index, Line), which makes "the first N rows" deterministic.
	Index int
	Path  string
	// Split is the split of a per-split input, "" when rows carry a split column.
	Split string
}

// Batch is one record batch with the per-row values every check shares,
// computed once in prepare. It is valid only during Accumulator.Add.
type Batch struct {
	File *FileRef
	// Columns are the batch's columns in Env.Columns order.
	Columns []arrow.Array
	// Rows is the number of rows.
	Rows int
	// Lines are the rows' 1-based lines (Parquet: row numbers).
	Lines []int64
	// Split is each row's split index; Splits names them.
	Split  []uint8
	Splits *SplitTable
	// Label is each row's raw label text ("" when null).
	Label []string
	// Missing is, per row, -1 when the label is present, otherwise an index
	// into MissingTokens saying why it is missing.
	Missing []int16
	// Class is each row's class: norm(label) after label_map, "" when missing.
	Class []string
	// ClassHash is norm.Hash64(Class[i]), 0 when missing.
	ClassHash []uint64
	// Key is each row's row key.
	Key []norm.Key
	// Text is, when a text column is set, each row's normalized text (the
	// one its row key hashes: norm with the run's options), "" for a null;
	// nil without a text column. The strings share one block per batch:
	// clone before keeping a piece.
	Text []string
	// ID is each row's first id column value, nil when no ids are set.
	ID []string
	// Segments holds, per segment column (Roles.Segments order), each row's
	// norm(value), or MissingValue when it is null or a null token. The
	// strings may share the batch's memory: clone before keeping.
	Segments [][]string
}

// MissingValue stands for a null segment value.
const MissingValue = "(missing)"

// Missing-label reasons, indexes into MissingTokens of a run: 0 is a true
// null, 1 is a value empty after trimming, then one per null token.
const (
	MissingNull  = 0
	MissingEmpty = 1
)

// Ref returns the location of row i. Its strings are copies, safe to keep.
func (b *Batch) Ref(i int) RowRef {
	r := RowRef{
		Split: b.Splits.Name(b.Split[i]),
		File:  b.File.Path,
		Line:  b.Lines[i],
		Label: strings.Clone(b.Label[i]),
	}
	if b.ID != nil {
		r.ID = strings.Clone(b.ID[i])
	}
	return r
}

// Pos returns the sort position of row i: rows order by file, then line.
func (b *Batch) Pos(i int) RowPos { return RowPos{File: uint32(b.File.Index), Line: b.Lines[i]} }

// PackPos packs a position into 64 bits (24 bits of file index, 40 of
// line), preserving order: for the near-duplicate index's Entry.Pos.
func PackPos(p RowPos) uint64 { return uint64(p.File)<<40 | uint64(p.Line)&(1<<40-1) }

// UnpackPos is the inverse of PackPos.
func UnpackPos(v uint64) RowPos { return RowPos{File: uint32(v >> 40), Line: int64(v & (1<<40 - 1))} }

// RowPos orders rows: by input file, then line.
type RowPos struct {
	File uint32
	Line int64
}

// Less reports whether p comes before q.
func (p RowPos) Less(q RowPos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	return p.Line < q.Line
}
