package similar

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"dataready/audit/norm"
)

// roundTrip encodes and decodes v into a new value, as a pipeline ships
// it between machines.
func roundTrip[T any, P interface {
	*T
	UnmarshalBinary([]byte) error
}](t *testing.T, v interface{ MarshalBinary() ([]byte, error) }) T {
	t.Helper()
	data, err := v.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var out T
	if err := P(&out).UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBandSearch runs a search the way a distributed pipeline does it
// (rows split over several indexes, texts folded by key, members grouped
// by band hash band after band, every value encoded and decoded between
// steps, groups and finds in shuffled order) and compares its answer with
// Search on one index of every row: pairs, matches and Stats must be
// equal, for every kind of query, with buckets over their cap, half the
// buckets searched whole (Bucket) and half streamed (NewBucket).
func TestBandSearch(t *testing.T) {
	rows := corpus(3000, 11)
	var raws []string
	for _, rw := range rows {
		raws = append(raws, rw.raw)
	}
	// A family of texts that share every shingle's band buckets: capped
	// buckets, so that a pair's first band depends on the caps.
	for i := range 12 {
		raws = append(raws, strings.Repeat("ab", 20+i))
	}
	// Rows repeated in other parts: their texts fold by key.
	for i := range 300 {
		raws = append(raws, raws[i*7])
	}
	r := rand.New(rand.NewPCG(3, 4))
	opt := Options{Threshold: 0.7, BucketCap: 5, Dir: t.TempDir()}
	whole := newIndex(t, opt)
	parts := []*Index{newIndex(t, opt), newIndex(t, opt), newIndex(t, opt)}
	for i, raw := range raws {
		s := norm.String(raw)
		e := Entry{Key: norm.TextKey(s), Pos: uint64(i), Split: uint8(min(i%4, 1)), Class: uint64(1 + i%3)}
		if err := whole.AddString(e, s); err != nil {
			t.Fatal(err)
		}
		if err := parts[r.IntN(len(parts))].AddString(e, s); err != nil {
			t.Fatal(err)
		}
	}
	holdout := func(e Entry) bool { return e.Splits == 1 }
	train := func(e Entry) bool { return e.Splits&2 != 0 }
	qs := []Query{
		{Threshold: 0.8, Keep: func(a, b *Entry) bool { return a.Class != b.Class || a.Mixed || b.Mixed }},
		{Threshold: 0.75, Differ: func(e Entry) uint64 { return e.Class % 3 }},
		{Threshold: 0.7, IsQuery: holdout, IsTarget: train},
		{Threshold: 0.9},
		{Threshold: 0.75, IsQuery: train, IsTarget: func(Entry) bool { return true }},
	}
	want, err := whole.Search(qs)
	if err != nil {
		t.Fatal(err)
	}

	bs, err := NewBandSearch(whole.Options(), qs)
	if err != nil {
		t.Fatal(err)
	}
	texts := map[norm.Key]*Text{}
	for _, p := range parts {
		err := p.Texts(func(x Text) error {
			d := roundTrip[Text](t, x)
			if old, ok := texts[d.Entry.Key]; ok {
				return old.Absorb(d)
			}
			texts[d.Entry.Key] = &d
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var members []Member
	for _, x := range texts { // map order: any order
		m := bs.Member(*x)
		members = append(members, roundTrip[Member](t, &m))
	}
	var finds []Found
	streamed := 0 // members a streamed bucket handed back beyond its cap
	for k := range bs.Bands() {
		groups := map[uint32][]Member{}
		for _, m := range members {
			groups[m.BandHash(k)] = append(groups[m.BandHash(k)], m)
		}
		members = members[:0]
		for h, g := range groups {
			r.Shuffle(len(g), func(i, j int) { g[i], g[j] = g[j], g[i] })
			if h%2 == 0 {
				f, err := bs.Bucket(k, g)
				if err != nil {
					t.Fatal(err)
				}
				finds = append(finds, roundTrip[Found](t, f))
				for i := range g {
					members = append(members, roundTrip[Member](t, &g[i]))
				}
				continue
			}
			// The other half streamed, holding at most the cap.
			b, err := bs.NewBucket(k)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range g {
				out, beyond, err := b.Add(m)
				if err != nil {
					t.Fatal(err)
				}
				if beyond {
					members = append(members, roundTrip[Member](t, &out))
				}
			}
			f, first, err := b.Finish()
			if err != nil {
				t.Fatal(err)
			}
			if len(first) != min(len(g), opt.BucketCap) {
				t.Fatalf("a streamed bucket of %d keeps %d members, want %d", len(g), len(first), min(len(g), opt.BucketCap))
			}
			streamed += len(g) - len(first)
			finds = append(finds, roundTrip[Found](t, f))
			for i := range first {
				members = append(members, roundTrip[Member](t, &first[i]))
			}
		}
	}
	r.Shuffle(len(finds), func(i, j int) { finds[i], finds[j] = finds[j], finds[i] })
	var all Found
	for _, f := range finds {
		if err := all.Merge(f); err != nil {
			t.Fatal(err)
		}
	}
	answer, err := bs.Answer(all)
	if err != nil {
		t.Fatal(err)
	}
	got, err := answer.Search(qs)
	if err != nil {
		t.Fatal(err)
	}
	var capped int64
	for q := range qs {
		capped += want[q].Stats.CappedBuckets
		if len(want[q].Pairs)+len(want[q].Matches) == 0 {
			t.Errorf("query %d: Search finds nothing, the test proves nothing", q)
		}
		if !reflect.DeepEqual(got[q], want[q]) {
			t.Errorf("query %d: band search gives %d pairs, %d matches, %+v; Search %d pairs, %d matches, %+v",
				q, len(got[q].Pairs), len(got[q].Matches), got[q].Stats, len(want[q].Pairs), len(want[q].Matches), want[q].Stats)
		}
		for _, p := range got[q].Pairs {
			for _, e := range []Entry{p.A, p.B} {
				a, _, _ := answer.Text(e.Key)
				w, _, _ := whole.Text(e.Key)
				if a != w {
					t.Fatalf("query %d: text of %v is %q, the index has %q", q, e.Key, a, w)
				}
			}
		}
	}
	if capped == 0 || streamed == 0 {
		t.Errorf("%d buckets over their cap, %d members streamed beyond it: the test does not exercise the caps", capped, streamed)
	}
	if _, err := answer.Search(qs[:2]); err == nil {
		t.Error("an answer asked other queries: no error")
	}
}

// TestBandSearchErrors checks that misuse is an error: members of two
// buckets in one call, a key twice, a band out of range.
func TestBandSearchErrors(t *testing.T) {
	bs, err := NewBandSearch(Options{}, []Query{{Threshold: 0.8}})
	if err != nil {
		t.Fatal(err)
	}
	a := bs.Member(Text{Entry: Entry{Key: norm.TextKey("one text here"), Pos: 1}, Text: []byte("one text here")})
	b := bs.Member(Text{Entry: Entry{Key: norm.TextKey("quite another"), Pos: 2}, Text: []byte("quite another")})
	if a.BandHash(0) == b.BandHash(0) {
		t.Fatal("two unrelated texts share band 0's bucket")
	}
	if _, err := bs.Bucket(0, []Member{a, b}); err == nil {
		t.Error("members of two buckets: no error")
	}
	if _, err := bs.Bucket(0, []Member{a, a}); err == nil {
		t.Error("a key twice: no error")
	}
	if _, err := bs.Bucket(bs.Bands(), []Member{a}); err == nil {
		t.Error("a band out of range: no error")
	}
	if _, err := NewBandSearch(Options{Threshold: 0.9}, []Query{{Threshold: 0.8}}); err == nil {
		t.Error("a query below the index's threshold: no error")
	}
	var m Member
	if err := m.UnmarshalBinary([]byte{1, 2, 3}); err == nil {
		t.Error("a damaged member decoded")
	}
}

// FuzzBandDecode feeds damaged encodings to the decoders of what a band
// search ships between machines: no panic, and a member that decodes is
// either refused by Bucket or searched like any other.
func FuzzBandDecode(f *testing.F) {
	bs, err := NewBandSearch(Options{}, []Query{{Threshold: 0.8}, {Threshold: 0.8, IsQuery: func(e Entry) bool { return e.Split == 1 }, IsTarget: func(e Entry) bool { return e.Split == 0 }}})
	if err != nil {
		f.Fatal(err)
	}
	text := "the parcel has not arrived after two weeks"
	near := text + " ok"
	a := bs.Member(Text{Entry: Entry{Key: norm.TextKey(text), Pos: 1, Rows: 1, Splits: 1}, Text: []byte(text)})
	b := bs.Member(Text{Entry: Entry{Key: norm.TextKey(near), Pos: 2, Rows: 1, Split: 1, Splits: 2}, Text: []byte(near)})
	b.sig = slices.Clone(a.sig) // one bucket, so that the pair is verified
	found, err := bs.Bucket(0, []Member{a, b})
	if err != nil {
		f.Fatal(err)
	}
	if len(found.Pairs[0]) != 1 {
		f.Fatalf("the seed bucket found %v, want the one pair", found.Pairs)
	}
	for _, v := range []interface{ MarshalBinary() ([]byte, error) }{&a, a.Text, found} {
		data, err := v.MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var x Text
		_ = x.UnmarshalBinary(data)
		var fd Found
		if fd.UnmarshalBinary(data) == nil {
			var all Found
			_ = all.Merge(fd)
			_, _ = bs.Answer(all)
		}
		var m Member
		if m.UnmarshalBinary(data) != nil {
			return
		}
		for k := range bs.Bands() {
			ms := []Member{m}
			if len(m.sig) == bs.Bands() && m.Entry.Key != a.Entry.Key {
				other := a
				other.sig = slices.Clone(m.sig) // the same bucket in every band
				ms = append(ms, other)
			}
			_, _ = bs.Bucket(k, ms)
		}
	})
}
