package similar

import (
	"cmp"
	"fmt"
	"slices"

	"dataready/audit/wire"
)

// indexVersion is the format version of Index's encoding.
const indexVersion = 1

// maxSplits bounds Entry.Split in decoded data (audit.MaxSplits; this
// package cannot import audit).
const maxSplits = 64

// MarshalBinary encodes the index as its entries, each with its text as
// stored (cut to MaxRunes runes), in (Pos, Key) order. Signatures,
// fingerprints and the hash table are not encoded: UnmarshalBinary
// recomputes them by adding the texts again, so the encoding does not
// depend on how the index stores them.
func (ix *Index) MarshalBinary() ([]byte, error) {
	if ix.closed {
		return nil, ErrClosed
	}
	if err := ix.flush(); err != nil {
		return nil, err
	}
	n := ix.st.len()
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		x, y := &ix.st.rec(a).Entry, &ix.st.rec(b).Entry
		return cmp.Or(cmp.Compare(x.Pos, y.Pos), cmp.Compare(x.Key.Hi, y.Key.Hi), cmp.Compare(x.Key.Lo, y.Key.Lo))
	})
	w := wire.NewWriter("similar.Index", indexVersion)
	w.Int(n)
	var buf []byte
	for _, i := range order {
		r := ix.st.rec(i)
		var err error
		if buf, err = ix.readText(r, buf); err != nil {
			return nil, err
		}
		Text{Entry: r.Entry, Text: buf, Long: r.long}.write(w)
	}
	return w.Bytes(), nil
}

// UnmarshalBinary decodes into an empty index made by New with the options
// of the encoded one (at least the same MaxRunes): it adds every entry's
// text through Add, then restores the entry as encoded.
func (ix *Index) UnmarshalBinary(data []byte) error {
	if ix.Len() > 0 {
		return fmt.Errorf("similar: decoding into an index that holds %d texts", ix.Len())
	}
	r := wire.NewReader(data, "similar.Index", indexVersion)
	n := r.Count(38)
	for range n {
		var t Text
		t.read(r)
		e, long, text := t.Entry, t.Long, t.Text
		if r.Err() != nil {
			break
		}
		if _, i := ix.find(e.Key); i >= 0 {
			r.Fail("key twice")
			break
		}
		if err := ix.Add(e, text); err != nil {
			return err
		}
		_, i := ix.find(e.Key)
		rec := ix.st.rec(i)
		if rec.long != long {
			// Cut by the encoding index: its text is already at most MaxRunes.
			if long {
				ix.long++
			} else {
				ix.long--
			}
		}
		rec.Entry, rec.long = e, long
	}
	return r.Finish()
}
