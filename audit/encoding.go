package audit

import (
	"cmp"
	"encoding"

	"dataready/audit/keymap"
	"dataready/audit/norm"
	"dataready/audit/wire"
)

// Encodable is implemented by accumulators (and by the pipeline's shared
// state: KeyTable, similar.Index) that can be sent between processes: a
// distributed run encodes the partial accumulator of each part of the
// input, decodes them where they are merged, and merges them as the local
// pipeline merges its workers' accumulators.
//
// The contract:
//
//   - MarshalBinary encodes the state that Add and Merge build, nothing
//     else: not the run context the accumulator was made with (Env,
//     configuration, parameters, column indexes), and not what Revisit,
//     Result or Flag compute after the merge. The encoding starts with a
//     format version byte and a tag naming the check (package wire). The
//     same state gives the same bytes.
//   - UnmarshalBinary decodes into an accumulator freshly made by the same
//     Spec.New with an Env of the same run (same configuration, columns
//     and split table), which has seen no batch: fresh := spec.New(env);
//     err := fresh.(Encodable).UnmarshalBinary(data). The run context comes
//     from that construction. It replaces the accumulated state.
//   - Decoding corrupt or truncated data, or data of another version or
//     check, returns an error and never panics; the accumulator is then
//     unusable.
//   - Split indexes, row positions (file index, line) and class hashes are
//     encoded as they are: they mean the same only in a run with the same
//     inputs, in the same order, and the same split table (the split table
//     hands out indexes in order of first sight), as for Merge.
//
// Accumulators that hold temporary files (io.Closer) encode the files'
// contents; the decoded accumulator writes its own.
type Encodable interface {
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
}

// WriteKey writes a row key.
func WriteKey(w *wire.Writer, k norm.Key) {
	w.Fixed64(k.Hi)
	w.Fixed64(k.Lo)
}

// ReadKey reads a row key written by WriteKey.
func ReadKey(r *wire.Reader) norm.Key {
	hi := r.Fixed64()
	return norm.Key{Hi: hi, Lo: r.Fixed64()}
}

// CompareKeys orders row keys, for writing maps keyed by them.
func CompareKeys(a, b norm.Key) int {
	return cmp.Or(cmp.Compare(a.Hi, b.Hi), cmp.Compare(a.Lo, b.Lo))
}

// WriteRowPos writes a row position.
func WriteRowPos(w *wire.Writer, p RowPos) {
	w.Uvarint(uint64(p.File))
	w.Varint(p.Line)
}

// ReadRowPos reads a row position written by WriteRowPos.
func ReadRowPos(r *wire.Reader) RowPos {
	f := r.Uvarint()
	if f > 1<<32-1 {
		r.Fail("file index out of range")
	}
	return RowPos{File: uint32(f), Line: r.Varint()}
}

// ComparePos orders row positions like RowPos.Less.
func ComparePos(a, b RowPos) int {
	return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
}

// ReadSplit reads a split index written with Writer.Uint8 and checks it is
// below MaxSplits, so that decoded state never indexes past a per-split
// array.
func ReadSplit(r *wire.Reader) uint8 { return r.Uint8Below(MaxSplits) }

// WriteRowRef writes a row reference.
func WriteRowRef(w *wire.Writer, ref RowRef) {
	w.Str(ref.Split)
	w.Str(ref.File)
	w.Varint(ref.Line)
	w.Str(ref.ID)
	w.Str(ref.Label)
	w.Str(ref.Text)
}

// ReadRowRef reads a row reference written by WriteRowRef.
func ReadRowRef(r *wire.Reader) RowRef {
	var ref RowRef
	ref.Split = r.Str()
	ref.File = r.Str()
	ref.Line = r.Varint()
	ref.ID = r.Str()
	ref.Label = r.Str()
	ref.Text = r.Str()
	return ref
}

// WriteSplitCounts writes per-split-index counts (a [MaxSplits]int64 or a
// shorter slice), leaving out trailing zeros.
func WriteSplitCounts(w *wire.Writer, counts []int64) {
	n := len(counts)
	for n > 0 && counts[n-1] == 0 {
		n--
	}
	w.Int(n)
	for _, c := range counts[:n] {
		w.Varint(c)
	}
}

// ReadSplitCounts reads counts written by WriteSplitCounts into dst, which
// must be long enough for MaxSplits counts or nil; it returns dst, or a new
// slice of the counts read when dst is nil.
func ReadSplitCounts(r *wire.Reader, dst []int64) []int64 {
	n := r.Count(1)
	if n > MaxSplits || dst != nil && n > len(dst) {
		r.Fail("more split counts than splits")
		return dst
	}
	if dst == nil && n > 0 {
		dst = make([]int64, n)
	}
	for i := range n {
		dst[i] = r.Varint()
	}
	return dst
}

// Encode writes the kept rows of s.
func (s *RowSample) Encode(w *wire.Writer) { s.first.Encode(w, WriteRowRef) }

// Decode offers the rows written by Encode to s, which is usually empty,
// made by NewRowSample with the capacity of the encoded sample.
func (s *RowSample) Decode(r *wire.Reader) { s.first.Decode(r, ReadRowRef) }

// Encode writes the kept items of s in row order, each with enc.
func (s *FirstRows[T]) Encode(w *wire.Writer, enc func(*wire.Writer, T)) {
	w.Int(len(s.items))
	for _, it := range s.items {
		WriteRowPos(w, it.pos)
		enc(w, it.v)
	}
}

// Decode offers the items written by Encode to s, each read with dec.
func (s *FirstRows[T]) Decode(r *wire.Reader, dec func(*wire.Reader) T) {
	n := r.Count(2)
	for range n {
		pos := ReadRowPos(r)
		v := dec(r)
		if r.Err() != nil {
			return
		}
		s.Offer(pos, v)
	}
}

// keyTableVersion is the format version of KeyTable's encoding.
const keyTableVersion = 1

// MarshalBinary encodes the table, keys in ascending order.
func (t *KeyTable) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter("audit.KeyTable", keyTableVersion)
	keys := t.keys.SortedKeys()
	w.Int(len(keys))
	for _, k := range keys {
		s, _ := t.Get(k)
		WriteKey(w, k)
		w.Fixed64(s.Class)
		w.Fixed64(s.Splits)
		WriteRowPos(w, s.First)
		w.Uvarint(uint64(s.Labeled))
		w.Uint8(s.FirstSplit)
		w.Bool(s.Conflict)
	}
	return w.Bytes(), nil
}

// UnmarshalBinary decodes into an empty table made by NewKeyTable.
func (t *KeyTable) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, "audit.KeyTable", keyTableVersion)
	n := r.Count(36)
	var keys keymap.Map[KeyStats]
	for range n {
		k := ReadKey(r)
		var s KeyStats
		s.Class = r.Fixed64()
		s.Splits = r.Fixed64()
		s.First = ReadRowPos(r)
		labeled := r.Uvarint()
		if labeled > 1<<32-1 {
			r.Fail("labeled count out of range")
		}
		s.Labeled = uint32(labeled)
		s.FirstSplit = ReadSplit(r)
		s.Conflict = r.Bool()
		p, dup := keys.Upsert(k)
		if dup {
			r.Fail("key twice")
		}
		*p = s
	}
	if err := r.Finish(); err != nil {
		return err
	}
	t.keys = keys
	return nil
}

// runStatsVersion is the format version of runStats' encoding.
const runStatsVersion = 1

// MarshalBinary encodes the run statistics.
func (s *runStats) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter("audit.runStats", runStatsVersion)
	for _, list := range [][]int64{s.fileRows, s.fileRejected, s.nulls} {
		w.Int(len(list))
		for _, n := range list {
			w.Varint(n)
		}
	}
	w.Int(len(s.splitRows))
	for _, name := range wire.SortedKeys(s.splitRows) {
		w.Str(name)
		w.Varint(s.splitRows[name])
	}
	w.Int(len(s.problems))
	keys := wire.SortedKeysFunc(s.problems, func(a, b problemKey) int {
		return cmp.Or(cmp.Compare(a.file, b.file), cmp.Compare(a.kind, b.kind), cmp.Compare(a.column, b.column))
	})
	for _, k := range keys {
		p := s.problems[k]
		w.Str(k.file)
		w.Str(k.kind)
		w.Str(k.column)
		w.Str(p.Message)
		w.Varint(p.Count)
		w.Int(len(p.Lines))
		for _, l := range p.Lines {
			w.Varint(l)
		}
	}
	return w.Bytes(), nil
}

// UnmarshalBinary decodes into empty statistics made by newRunStats for
// the same files and columns.
func (s *runStats) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, "audit.runStats", runStatsVersion)
	for _, list := range [][]int64{s.fileRows, s.fileRejected, s.nulls} {
		if r.Count(1) != len(list) && r.Err() == nil {
			r.Fail("the run has another number of files or columns")
		}
		for i := range list {
			list[i] = r.Varint()
		}
	}
	for range r.Count(2) {
		name := r.Str()
		s.splitRows[name] = r.Varint()
	}
	for range r.Count(5) {
		k := problemKey{file: r.Str(), kind: r.Str(), column: r.Str()}
		p := &Problem{Kind: k.kind, File: k.file, Column: k.column, Message: r.Str(), Count: r.Varint()}
		for range r.Count(1) {
			p.Lines = append(p.Lines, r.Varint())
		}
		s.problems[k] = p
	}
	return r.Finish()
}

// profileVersion is the version of the profile's encoding.
const profileVersion = 1

// MarshalBinary encodes the dataset profile: labeled rows per class and
// split, class names by hash, and each segment column's rows per value and
// split (or its overflow).
func (p *profile) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter("audit.profile", profileVersion)
	w.Int(len(p.classes))
	for _, k := range wire.SortedKeysFunc(p.classes, func(a, b classSplit) int {
		return cmp.Or(cmp.Compare(a.class, b.class), cmp.Compare(a.split, b.split))
	}) {
		w.Str(k.class)
		w.Uint8(k.split)
		w.Varint(p.classes[k])
	}
	w.Int(len(p.classNames))
	for _, h := range wire.SortedKeys(p.classNames) {
		w.Fixed64(h)
		w.Str(p.classNames[h])
	}
	w.Int(len(p.segments))
	for _, t := range p.segments {
		w.Bool(t.overflow)
		w.Int(len(t.m))
		for _, v := range wire.SortedKeys(t.m) {
			w.Str(v)
			counts := t.m[v]
			w.Int(len(counts))
			for _, n := range counts {
				w.Varint(n)
			}
		}
	}
	return w.Bytes(), nil
}

// UnmarshalBinary decodes into an empty profile made by newProfile for the
// same segment columns.
func (p *profile) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data, "audit.profile", profileVersion)
	for range r.Count(3) {
		k := classSplit{class: r.Str(), split: ReadSplit(r)}
		p.classes[k] = r.Varint()
	}
	for range r.Count(9) {
		h := r.Fixed64()
		p.classNames[h] = r.Str()
	}
	if r.Count(2) != len(p.segments) && r.Err() == nil {
		r.Fail("the run has another number of segment columns")
	}
	for _, t := range p.segments {
		if r.Err() != nil {
			break
		}
		if t.overflow = r.Bool(); t.overflow {
			t.m = nil
		}
		for range r.Count(2) {
			v := r.Str()
			counts := make([]int64, r.Count(1))
			for s := range counts {
				counts[s] = r.Varint()
			}
			if t.m != nil {
				t.m[v] = counts
			}
		}
	}
	return r.Finish()
}
