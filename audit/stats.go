package audit

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"dataready/source"
)

// runStats is the pipeline's own accumulator: rows per file and split,
// rejected rows, problems, and per-column null and type-mismatch counts.
type runStats struct {
	fileRows     []int64
	fileRejected []int64
	splitRows    map[string]int64
	nulls        []int64
	problems     map[problemKey]*Problem
}

type problemKey struct{ file, kind, column string }

func newRunStats(files, columns int) *runStats {
	return &runStats{
		fileRows:     make([]int64, files),
		fileRejected: make([]int64, files),
		splitRows:    map[string]int64{},
		nulls:        make([]int64, columns),
		problems:     map[problemKey]*Problem{},
	}
}

// problem records one occurrence of a problem at a line.
func (s *runStats) problem(kind, file, column string, line int64, message string) {
	k := problemKey{file, kind, column}
	p, ok := s.problems[k]
	if !ok {
		p = &Problem{Kind: kind, File: file, Column: column, Message: message}
		s.problems[k] = p
	}
	p.Count++
	if line > 0 {
		p.Lines = addLine(p.Lines, line)
	}
}

// addLine inserts line into the sorted list, keeping the first MaxProblemLines.
func addLine(lines []int64, line int64) []int64 {
	i, found := slices.BinarySearch(lines, line)
	if found || i >= MaxProblemLines {
		return lines
	}
	lines = slices.Insert(lines, i, line)
	if len(lines) > MaxProblemLines {
		lines = lines[:MaxProblemLines]
	}
	return lines
}

// add counts one prepared batch.
func (s *runStats) add(b *Batch, in *input, p *preparer) {
	s.fileRows[in.ref.Index] += int64(b.Rows)
	names := make([]string, b.Splits.Len())
	for i := range names {
		names[i] = b.Splits.Name(uint8(i))
	}
	for i := 0; i < b.Rows; i++ {
		name := names[b.Split[i]]
		s.splitRows[name]++
		if name == MissingSplit {
			s.problem("missing_split", in.ref.Path, p.cfg.Split, b.Lines[i],
				"rows with no split value; they belong to neither train nor the holdout")
		}
	}
	for c, arr := range b.Columns {
		vals := ValuesOf(arr)
		if vals.str == nil {
			// Typed (Parquet) columns: only true nulls, and no mismatches.
			s.nulls[c] += int64(arr.NullN())
			continue
		}
		typ := in.types[c]
		check := in.src.Format() == source.CSV && typ != source.TypeString
		for i := 0; i < b.Rows; i++ {
			v, ok := vals.Get(i)
			if !ok || p.isNull(v) {
				s.nulls[c]++
				continue
			}
			if check && !matchesType(typ, strings.TrimSpace(v)) {
				s.problem("type_mismatch", in.ref.Path, p.columns[c], b.Lines[i],
					"values that do not parse as "+typ+" (the type guessed from the first rows); they are kept as text")
			}
		}
	}
}

// reject counts the malformed rows and other problems of a decoded batch.
func (s *runStats) reject(in *input, sb *source.Batch) {
	s.fileRejected[in.ref.Index] += int64(len(sb.Rejected))
	for _, r := range sb.Rejected {
		s.problem(r.Kind, in.ref.Path, r.Column, r.Line, rejectMessage(r.Kind))
	}
	for _, pr := range sb.Problems {
		s.problem(pr.Kind, in.ref.Path, pr.Column, pr.Line, pr.Message)
	}
}

func rejectMessage(kind string) string {
	switch kind {
	case source.KindFieldCount:
		return "rows with the wrong number of fields; rejected (not audited)"
	case source.KindQuote:
		return "rows with broken quoting; rejected (not audited)"
	case source.KindInvalidUTF8:
		return "rows with invalid UTF-8; rejected (not audited)"
	}
	return "malformed rows; rejected (not audited)"
}

func (s *runStats) merge(o *runStats) {
	for i := range s.fileRows {
		s.fileRows[i] += o.fileRows[i]
		s.fileRejected[i] += o.fileRejected[i]
	}
	for k, v := range o.splitRows {
		s.splitRows[k] += v
	}
	for i := range s.nulls {
		s.nulls[i] += o.nulls[i]
	}
	for k, p := range o.problems {
		cur, ok := s.problems[k]
		if !ok {
			s.problems[k] = p
			continue
		}
		cur.Count += p.Count
		for _, l := range p.Lines {
			cur.Lines = addLine(cur.Lines, l)
		}
	}
}

// sortedProblems returns the problems ordered by file, kind and column.
func (s *runStats) sortedProblems() []Problem {
	out := make([]Problem, 0, len(s.problems))
	for _, p := range s.problems {
		q := *p
		if q.Lines == nil {
			q.Lines = []int64{}
		}
		out = append(out, q)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Column < b.Column
	})
	return out
}

// matchesType reports whether a CSV value parses as the guessed type.
func matchesType(typ, v string) bool {
	switch typ {
	case source.TypeInteger:
		_, err := strconv.ParseInt(v, 10, 64)
		return err == nil
	case source.TypeFloat:
		_, err := strconv.ParseFloat(v, 64)
		return err == nil
	case source.TypeBoolean:
		return strings.EqualFold(v, "true") || strings.EqualFold(v, "false")
	case source.TypeDate:
		_, err := time.Parse(time.DateOnly, v)
		return err == nil
	case source.TypeTimestamp:
		if _, err := time.Parse(time.RFC3339, v); err == nil {
			return true
		}
		_, err := time.Parse(time.DateTime, v)
		return err == nil
	}
	return true
}
