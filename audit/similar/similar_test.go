package similar

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"

	"dataready/audit/norm"
)

func TestSimilarity(t *testing.T) {
	tests := []struct {
		name     string
		a, b     string
		maxRunes int
		want     float64
	}{
		{"identical", "abcdef", "abcdef", 0, 1},
		// {abcde, bcdef} and {abcde, bcdeg}: 1 shared of 3.
		{"last letter", "abcdef", "abcdeg", 0, 1.0 / 3},
		{"short equal", "abc", "abc", 0, 1},
		{"short different", "abc", "abd", 0, 0},
		// {abcd} is one shingle, the whole text; {abcde} shares nothing.
		{"four and five runes", "abcd", "abcde", 0, 0},
		// Repeated shingles count once: {aaaaa} both.
		{"repeats", "aaaaaaa", "aaaaa", 0, 1},
		// 7 shingles, the second has one more (orld!): 7 of 8.
		{"one more shingle", "hello world", "hello world!", 0, 7.0 / 8},
		// 8 runes, 4 shingles; the last rune changes the last one: 3 of 5.
		{"runes not bytes", "日本語のテキスト", "日本語のテキスツ", 0, 3.0 / 5},
		// 8 shingles each; é changes the 4 that hold it: 4 shared of 12.
		{"accent", "café au lait", "cafe au lait", 0, 4.0 / 12},
		{"empty texts", "", "", 0, 1},
		{"empty and not", "", "a", 0, 0},
		// Only "abcdef" counts in both.
		{"bounded", "abcdefgh", "abcdefxy", 6, 1},
		// "abcdef" and "abcdeg": the bound keeps the difference.
		{"bounded after the difference", "abcdefgh", "abcdeggh", 6, 1.0 / 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Similarity(tt.a, tt.b, tt.maxRunes); got != tt.want {
				t.Errorf("Similarity(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
			if got := Similarity(tt.b, tt.a, tt.maxRunes); got != tt.want {
				t.Errorf("Similarity(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.want)
			}
		})
	}
}

// TestIndexSimilarity checks that Pairs reports the hand-computed similarity
// of each pair at or above the threshold, and nothing else.
func TestIndexSimilarity(t *testing.T) {
	texts := []string{
		"hello world",  // 0
		"hello world!", // 1: 7/8 with 0
		"aaaaaaa",      // 2
		"aaaaa",        // 3: 1 with 2 (same shingle set, other key)
		"abcdef",       // 4
		"abcdeg",       // 5: 1/3 with 4, below 0.5
		"日本語のテキスト",     // 6
		"日本語のテキスツ",     // 7: 3/5 with 6
	}
	ix := newIndex(t, Options{Threshold: 0.5, Dir: t.TempDir()})
	for i, s := range texts {
		if err := ix.AddString(Entry{Key: norm.TextKey(s), Pos: uint64(i)}, s); err != nil {
			t.Fatal(err)
		}
	}
	pairs, _, err := ix.Pairs(0.5, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		a, b uint64
		sim  float64
	}{{0, 1, 7.0 / 8}, {2, 3, 1}, {6, 7, 3.0 / 5}}
	var got []struct {
		a, b uint64
		sim  float64
	}
	for _, p := range pairs {
		got = append(got, struct {
			a, b uint64
			sim  float64
		}{p.A.Pos, p.B.Pos, p.Similarity})
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pairs = %v, want %v", got, want)
	}
}

func TestBandsFor(t *testing.T) {
	tests := []struct {
		threshold   float64
		bands, rows int
	}{
		// 0.8^7 = 0.2097: ⌈ln 0.01 / ln 0.7903⌉ = ⌈19.57⌉ = 20 bands; 8 rows
		// would need ⌈25.08⌉ = 26.
		{0.8, 20, 7},
		// 0.5^2 = 0.25: ⌈16.01⌉ = 17; 3 rows would need 35.
		{0.5, 17, 2},
		// 0.9^11 = 0.3138: ⌈12.23⌉ = 13; 12 rows would need 14 bands, 168
		// values, above 160.
		{0.9, 13, 11},
		// Rows stop at 32: 0.99^32 = 0.7250, ⌈3.58⌉ = 4.
		{0.99, 4, 32},
	}
	for _, tt := range tests {
		b, r := BandsFor(tt.threshold)
		if b != tt.bands || r != tt.rows {
			t.Errorf("BandsFor(%v) = %d bands × %d rows, want %d × %d", tt.threshold, b, r, tt.bands, tt.rows)
		}
	}
	for th := 0.5; th <= 0.99; th += 0.01 {
		b, r := BandsFor(th)
		if rc := Recall(th, b, r); rc < 0.99 || b > maxBands || r > maxRows || b*r > maxValues {
			t.Errorf("BandsFor(%.2f) = %d × %d: recall %.4f at the threshold", th, b, r, rc)
		}
	}
}

// randomPair returns two sets of random hashes with union u and similarity
// as close to j as u allows, and that exact similarity.
func randomPair(r *rand.Rand, u int, j float64) (a, b []uint64, sim float64) {
	inter := int(math.Round(j * float64(u)))
	for range inter {
		x := r.Uint64()
		a = append(a, x)
		b = append(b, x)
	}
	onlyA := (u - inter) / 2
	for range onlyA {
		a = append(a, r.Uint64())
	}
	for range u - inter - onlyA {
		b = append(b, r.Uint64())
	}
	return a, b, float64(inter) / float64(u)
}

// TestSCurve measures, on random sets, how often pairs of similarity t
// become candidates (share a band) and how often the fingerprint wrongly
// rules them out: one permutation hashing must stay close to the
// independent-values curve the parameters were chosen on (0.99 at the
// threshold; measured 0.989 to 0.993 at 0.8 over 10,000 pairs, so ≥ 0.98
// over 2,000), and the fingerprint must lose fewer than 3 pairs in 1,000.
func TestSCurve(t *testing.T) {
	const trials = 2000
	r := rand.New(rand.NewPCG(1, 2))
	for _, th := range []float64{0.5, 0.8, 0.9, 0.95} {
		bands, rows := BandsFor(th)
		s := newSketcher(bands, rows)
		filters := bandFilters(bands, rows)
		sa, sb := make([]uint32, bands), make([]uint32, bands)
		for _, u := range []int{20, 30, 100, 300} {
			hit, rejected := 0, 0
			var sim float64
			for range trials {
				a, b, j := randomPair(r, u, th)
				sim = j
				fa := s.sketchHashes(sa, a)
				fb := s.sketchHashes(sb, b)
				if k := firstSharedBand(sa, sb); k >= 0 {
					hit++
					if rejects(&filters[k], th, &fa, &fb, shortSets(a, b)) {
						rejected++
					}
				}
			}
			got := float64(hit) / trials
			t.Logf("t=%.2f union %3d (J=%.3f): candidates %.4f (independent values: %.4f), fingerprint rejects %.4f of them",
				th, u, sim, got, Recall(sim, bands, rows), float64(rejected)/float64(hit))
			if sim >= th && got < 0.98 {
				t.Errorf("t=%.2f union %d: candidate rate %.4f, want ≥ 0.98", th, u, got)
			}
			// Simulated over 20,000 pairs at t = 0.5, 0.8 and 0.9: at most
			// 0.11% rejected for 20 shingles and 0.02% for 100 (short
			// texts, 5 deviations), 0.06% for 300 (4 deviations).
			if limit := 10; sim >= th && rejected > limit {
				t.Errorf("t=%.2f union %d: fingerprint rejected %d of %d candidate pairs at the threshold, want ≤ %d", th, u, rejected, hit, limit)
			}
		}
	}
}

// firstSharedBand returns the first band two band signatures share, or -1:
// the band whose bucket forms the pair in a scan.
func firstSharedBand(a, b []uint32) int {
	for k := range a {
		if a[k] == b[k] {
			return k
		}
	}
	return -1
}

// rejects is the scan's fingerprint test of a pair first formed in the
// band of filter f; short says whether either text is shorter than
// shortText.
func rejects(f *bandFilter, t float64, a, b *fingerprint, short bool) bool {
	sigmas := float64(rejectSigmas)
	if short {
		sigmas = rejectSigmasShort
	}
	return float64(f.matching(a, b)) < rejectBelow(t, f.bins, sigmas)
}

// shortSets says whether a text of the smaller of two shingle sets would
// be shorter than shortText: an ASCII text of n shingles has n + 4 bytes.
func shortSets(a, b []uint64) bool {
	return min(len(a), len(b))+ShingleRunes-1 < shortText
}

// TestFingerprintRejects checks that the fingerprint does its job: most
// candidate pairs well below the threshold are ruled out without reading
// them, and next to none above it.
func TestFingerprintRejects(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	bands, rows := BandsFor(0.8)
	s := newSketcher(bands, rows)
	filters := bandFilters(bands, rows)
	sa, sb := make([]uint32, bands), make([]uint32, bands)
	tests := []struct {
		j        float64
		atLeast  float64
		atMost   float64
		describe string
	}{
		// Simulated over 5,000 candidate pairs of 120 shingles: 0.963
		// rejected at 0.5, 0.617 at 0.6, 0.101 at 0.7.
		{0.5, 0.93, 1, "similarity 0.5"},
		{0.6, 0.55, 0.7, "similarity 0.6"},
		{0.7, 0.05, 0.16, "similarity 0.7"},
		{0.9, 0, 0.002, "similarity 0.9"},
	}
	for _, tt := range tests {
		const candidates = 2000
		rejected := 0
		for n := 0; n < candidates; {
			a, b, _ := randomPair(r, 120, tt.j)
			fa := s.sketchHashes(sa, a)
			fb := s.sketchHashes(sb, b)
			k := firstSharedBand(sa, sb)
			if k < 0 {
				continue // not a candidate: never tested
			}
			n++
			if rejects(&filters[k], 0.8, &fa, &fb, false) { // the cut for long texts
				rejected++
			}
		}
		got := float64(rejected) / candidates
		if got < tt.atLeast || got > tt.atMost {
			t.Errorf("%s: fingerprint rejects %.4f of candidate pairs, want within [%v, %v]", tt.describe, got, tt.atLeast, tt.atMost)
		}
	}
}

// TestDensify checks that both ways of finding a bin's donor agree.
func TestDensify(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, k := range []int{128, 140, 600} {
		s := newSketcher(1, k)
		for trial := range 200 {
			filled := 1 + trial%40
			bins := make([]uint64, s.k)
			for i := range bins {
				bins[i] = empty
			}
			for range filled {
				bins[r.IntN(s.k)] = r.Uint64() >> 1
			}
			var got [2][]uint64
			for p, walk := range []bool{true, false} {
				copy(s.bins, bins)
				s.densifyBy(walk)
				got[p] = append([]uint64(nil), s.bins...)
			}
			if !reflect.DeepEqual(got[0], got[1]) {
				t.Fatalf("K=%d, %d filled: walking and ranking disagree", k, filled)
			}
			for j, v := range got[0] {
				if v == empty {
					t.Fatalf("K=%d: bin %d still empty", k, j)
				}
				if bins[j] != empty && v != bins[j] {
					t.Fatalf("K=%d: filled bin %d changed", k, j)
				}
			}
		}
	}
}

func TestOptionsErrors(t *testing.T) {
	tests := []struct {
		name string
		opt  Options
	}{
		{"threshold too low", Options{Threshold: 0.3}},
		{"threshold too high", Options{Threshold: 1.5}},
		{"threshold NaN", Options{Threshold: math.NaN()}},
		{"max runes", Options{MaxRunes: 3}},
		{"bucket cap", Options{BucketCap: 1}},
		{"workers", Options{Workers: -1}},
	}
	for _, tt := range tests {
		if _, err := New(tt.opt); err == nil {
			t.Errorf("%s: New(%+v) succeeded", tt.name, tt.opt)
		}
	}
	ix := newIndex(t, Options{Dir: t.TempDir()})
	if _, _, err := ix.Pairs(0.7, nil); err == nil {
		t.Error("Pairs below the index's threshold succeeded")
	}
	other := newIndex(t, Options{Threshold: 0.9, Dir: t.TempDir()})
	if err := ix.Merge(other); err == nil {
		t.Error("merging indexes of thresholds 0.8 and 0.9 succeeded")
	}
}

// newIndex returns an index closed at the end of the test.
func newIndex(t testing.TB, opt Options) *Index {
	t.Helper()
	ix, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := ix.Close(); err != nil {
			t.Error(err)
		}
	})
	return ix
}

// TestRecall compares Pairs with a brute-force reference on a corpus with
// planted near duplicates: every reported pair must be a reference pair with
// the same similarity (precision 1), and at least 95% of the reference pairs
// must be reported.
func TestRecall(t *testing.T) {
	rows := corpus(3000, 1)
	texts := distinct(rows)
	ix := newIndex(t, Options{Dir: t.TempDir()})
	for i, rw := range rows {
		s := norm.String(rw.raw)
		if err := ix.AddString(Entry{Key: norm.TextKey(s), Pos: uint64(i)}, s); err != nil {
			t.Fatal(err)
		}
	}
	if ix.Len() != len(texts) {
		t.Fatalf("Len = %d, want %d distinct texts", ix.Len(), len(texts))
	}
	pairs, st, err := ix.Pairs(DefaultThreshold, nil)
	if err != nil {
		t.Fatal(err)
	}
	ref := bruteForce(t, texts, DefaultThreshold)
	firstRow := map[uint64]int{} // first row of a text -> text
	for i, tx := range texts {
		firstRow[uint64(tx.rows[0])] = i
	}
	want := map[[2]int]float64{}
	for _, p := range ref {
		want[[2]int{p.a, p.b}] = p.sim
	}
	for _, p := range pairs {
		a, b := firstRow[p.A.Pos], firstRow[p.B.Pos]
		sim, ok := want[[2]int{a, b}]
		switch {
		case !ok:
			t.Errorf("reported pair %q / %q (%.4f) is not a reference pair", texts[a].norm, texts[b].norm, p.Similarity)
		case sim != p.Similarity:
			t.Errorf("pair %q / %q: similarity %v, reference %v", texts[a].norm, texts[b].norm, p.Similarity, sim)
		}
	}
	// Recall, in total and by the kind of edit that made the later text.
	var found, total [numKinds]int
	var near, nearFound int // pairs just above the threshold
	got := map[[2]int]bool{}
	for _, p := range pairs {
		got[[2]int{firstRow[p.A.Pos], firstRow[p.B.Pos]}] = true
	}
	for _, p := range ref {
		k := rows[texts[p.b].rows[0]].kind
		total[k]++
		if got[[2]int{p.a, p.b}] {
			found[k]++
		}
		if p.sim < 0.85 {
			near++
			if got[[2]int{p.a, p.b}] {
				nearFound++
			}
		}
	}
	sumFound, sumTotal := 0, 0
	for k := range numKinds {
		sumFound += found[k]
		sumTotal += total[k]
		if total[k] > 0 {
			t.Logf("%-9s %4d of %4d reference pairs", kindNames[k], found[k], total[k])
		}
	}
	t.Logf("similarity in [0.8, 0.85): %d of %d reference pairs", nearFound, near)
	t.Logf("stats: %+v", st)
	if sumTotal < 300 {
		t.Fatalf("only %d reference pairs: the corpus does not exercise the index", sumTotal)
	}
	if recall := float64(sumFound) / float64(sumTotal); recall < 0.95 {
		t.Errorf("recall %.4f (%d of %d), want ≥ 0.95", recall, sumFound, sumTotal)
	}
	// Case and spacing edits are exact duplicates after norm: one key,
	// indexed once.
	keyOf := map[int]norm.Key{}
	for _, tx := range texts {
		for _, i := range tx.rows {
			keyOf[i] = tx.key
		}
	}
	for i, rw := range rows {
		if rw.kind == kindCase && keyOf[i] != keyOf[rw.from] {
			t.Errorf("row %d, a case and spacing edit of row %d, has another key", i, rw.from)
		}
	}
}

// TestFirst compares First with the brute-force matches of each holdout
// text that has no train twin: every match is a train text at or above the
// threshold with the brute-force similarity, every holdout text matched
// has a reference match, and at least 95% of those with one are matched.
func TestFirst(t *testing.T) {
	rows := corpus(3000, 2)
	texts := distinct(rows)
	split := func(i int) uint8 { return uint8(min(i%5, 1)) } // 0 holdout, 1 train
	ix := newIndex(t, Options{Dir: t.TempDir()})
	for i, rw := range rows {
		s := norm.String(rw.raw)
		if err := ix.AddString(Entry{Key: norm.TextKey(s), Pos: uint64(i), Split: split(i)}, s); err != nil {
			t.Fatal(err)
		}
	}
	const holdout, train = 1 << 0, 1 << 1
	query := func(e Entry) bool { return e.Splits == holdout }
	target := func(e Entry) bool { return e.Splits&train != 0 }
	matches, _, err := ix.First(DefaultThreshold, query, target)
	if err != nil {
		t.Fatal(err)
	}
	splits := make([]uint64, len(texts))
	for i, tx := range texts {
		for _, r := range tx.rows {
			splits[i] |= 1 << split(r)
		}
	}
	// Reference: the holdout-only texts with a train text at or above the
	// threshold, and every pair's similarity.
	want := map[int]bool{}
	refSim := map[[2]int]float64{}
	for _, p := range bruteForce(t, texts, DefaultThreshold) {
		for _, qc := range [][2]int{{p.a, p.b}, {p.b, p.a}} {
			if splits[qc[0]] == holdout && splits[qc[1]]&train != 0 {
				want[qc[0]] = true
			}
			refSim[qc] = p.sim
		}
	}
	byPos := map[uint64]int{}
	for i, tx := range texts {
		byPos[uint64(tx.rows[0])] = i
	}
	found := 0
	for n, m := range matches {
		q, c := byPos[m.Query.Pos], byPos[m.Target.Pos]
		if n > 0 && matches[n-1].Query.Pos >= m.Query.Pos {
			t.Errorf("matches out of order at %d", n)
		}
		switch {
		case !want[q]:
			t.Errorf("holdout text %q matched %q, the reference has no match", texts[q].norm, texts[c].norm)
		case splits[c]&train == 0:
			t.Errorf("holdout text %q matched %q, not a train text", texts[q].norm, texts[c].norm)
		case m.Similarity != refSim[[2]int{q, c}] || m.Similarity < DefaultThreshold:
			t.Errorf("match %q / %q: similarity %v, reference %v", texts[q].norm, texts[c].norm, m.Similarity, refSim[[2]int{q, c}])
		default:
			found++
		}
	}
	t.Logf("%d holdout texts matched, %d of %d in the reference", len(matches), found, len(want))
	if len(want) < 50 {
		t.Fatalf("only %d reference matches", len(want))
	}
	if r := float64(found) / float64(len(want)); r < 0.95 {
		t.Errorf("a match found for %.4f of holdout texts that have one, want ≥ 0.95", r)
	}
}

// TestMergeDeterministic builds the index over one partition and over four,
// merged in several orders, and wants the same entries, pairs, matches and
// statistics.
func TestMergeDeterministic(t *testing.T) {
	base := corpus(2000, 3)
	// Repeat some rows, so keys recur across partitions with other
	// positions, classes and splits.
	type addRow struct {
		text  string
		class uint64
		split uint8
	}
	var rows []addRow
	r := rand.New(rand.NewPCG(9, 9))
	for i, rw := range base {
		rows = append(rows, addRow{rw.raw, uint64(i % 3), uint8(i % 4 / 3)})
		if i%7 == 0 {
			rows = append(rows, addRow{rw.raw, uint64(r.IntN(3)), uint8(r.IntN(2))})
		}
	}
	build := func(parts int, order []int, tree bool, workers int) *Index {
		idx := make([]*Index, parts)
		for p := range idx {
			idx[p] = newIndex(t, Options{Dir: t.TempDir(), Workers: workers})
		}
		for i, rw := range rows {
			s := norm.String(rw.text)
			p := int((norm.TextKey(s).Lo + uint64(i)) % uint64(parts)) // duplicates land anywhere
			if err := idx[p].AddString(Entry{Key: norm.TextKey(s), Pos: uint64(i), Class: rw.class, Split: rw.split}, s); err != nil {
				t.Fatal(err)
			}
		}
		merge := func(a, b int) {
			if err := idx[order[a]].Merge(idx[order[b]]); err != nil {
				t.Fatal(err)
			}
			if idx[order[b]].Len() != 0 {
				t.Fatal("merged index not empty")
			}
		}
		if tree {
			merge(0, 1)
			merge(2, 3)
			merge(0, 2)
		} else {
			for i := 1; i < parts; i++ {
				merge(0, i)
			}
		}
		return idx[order[0]]
	}
	type result struct {
		Pairs   []Pair
		Stats   Stats
		Matches []Match
		MStats  Stats
		Entries []Entry
	}
	run := func(ix *Index) result {
		pairs, st, err := ix.Pairs(DefaultThreshold, func(a, b *Entry) bool {
			return a.Class != 0 && b.Class != 0 && (a.Class != b.Class || a.Mixed || b.Mixed)
		})
		if err != nil {
			t.Fatal(err)
		}
		ms, mst, err := ix.First(DefaultThreshold, func(e Entry) bool { return e.Splits == 2 }, func(e Entry) bool { return e.Splits&1 != 0 })
		if err != nil {
			t.Fatal(err)
		}
		var entries []Entry
		for i := range ix.Len() {
			entries = append(entries, ix.st.rec(i).Entry)
		}
		return result{pairs, st, ms, mst, entries}
	}
	want := run(build(1, []int{0}, false, 1))
	if len(want.Pairs) == 0 || len(want.Matches) == 0 {
		t.Fatalf("no pairs (%d) or matches (%d): the test exercises nothing", len(want.Pairs), len(want.Matches))
	}
	// Entries: the smallest position represents a key, splits and rows add
	// up, the class is the smallest non-zero one (class 0 is none).
	byKey := map[norm.Key]Entry{}
	classes := map[norm.Key]map[uint64]bool{}
	for i, rw := range rows {
		k := norm.TextKey(norm.String(rw.text))
		e, ok := byKey[k]
		if !ok {
			e = Entry{Key: k, Pos: uint64(i), Split: rw.split}
			classes[k] = map[uint64]bool{}
		}
		e.Splits |= 1 << rw.split
		e.Rows++
		if rw.class != 0 {
			classes[k][rw.class] = true
			if e.Class == 0 || rw.class < e.Class {
				e.Class = rw.class
			}
		}
		e.Mixed = len(classes[k]) > 1
		byKey[k] = e
	}
	for _, e := range want.Entries {
		if byKey[e.Key] != e {
			t.Errorf("entry %+v, want %+v", e, byKey[e.Key])
		}
	}
	tests := []struct {
		name    string
		order   []int
		tree    bool
		workers int
	}{
		{"sequential", []int{0, 1, 2, 3}, false, 1},
		{"reversed", []int{3, 2, 1, 0}, false, 4},
		{"shuffled", []int{2, 0, 3, 1}, false, 2},
		{"tree", []int{1, 3, 0, 2}, true, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(build(4, tt.order, tt.tree, tt.workers))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("4 partitions merged %v (tree %v): result differs from one partition:\npairs %d vs %d, matches %d vs %d\nstats %+v\nwant  %+v",
					tt.order, tt.tree, len(got.Pairs), len(want.Pairs), len(got.Matches), len(want.Matches), got.Stats, want.Stats)
			}
		})
	}
}

// TestBucketCap puts 30 texts with the same shingle set (and so the same
// signature) in every band's bucket: only the first 10 by position form
// pairs, once each, and every bucket's other pairs are counted as skipped.
func TestBucketCap(t *testing.T) {
	const n, bucketCap = 30, 10
	ix := newIndex(t, Options{BucketCap: bucketCap, Dir: t.TempDir()})
	for i := range n {
		s := strings.Repeat("a", 5+i) // every one is the single shingle aaaaa
		// Positions run backwards: the cap keeps the 10 smallest.
		if err := ix.AddString(Entry{Key: norm.TextKey(s), Pos: uint64(1000 - i)}, s); err != nil {
			t.Fatal(err)
		}
	}
	pairs, st, err := ix.Pairs(DefaultThreshold, nil)
	if err != nil {
		t.Fatal(err)
	}
	bands, _ := BandsFor(DefaultThreshold)
	want := Stats{
		Texts: n, Bands: bands, Rows: 7,
		// Each band: the 45 pairs of the first 10, all wanted; only band 0
		// verifies them.
		BucketPairs: int64(bands) * 45, Kept: int64(bands) * 45, Verified: 45, Pairs: 45,
		CappedBuckets: int64(bands), SkippedPairs: int64(bands) * (n*(n-1)/2 - 45),
	}
	if st != want {
		t.Errorf("stats %+v, want %+v", st, want)
	}
	for _, p := range pairs {
		// Positions run from 1000-29 to 1000; the first 10 end at 1000-20.
		if p.B.Pos > 1000-n+bucketCap || p.Similarity != 1 {
			t.Errorf("pair %d / %d (%v) is not among the first %d", p.A.Pos, p.B.Pos, p.Similarity, bucketCap)
		}
	}
}

// TestClose checks that Close removes every temporary file, merged ones
// included, and that a closed index refuses work.
func TestClose(t *testing.T) {
	dir := t.TempDir()
	a, err := New(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range []string{"first text here", "second text here", "third one"} {
		ix := a
		if i == 1 {
			ix = b
		}
		if err := ix.AddString(Entry{Key: norm.TextKey(s), Pos: uint64(i)}, s); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := os.ReadDir(dir)
	if len(files) != 2 {
		t.Fatalf("%d temporary files, want 2", len(files))
	}
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if files, _ := os.ReadDir(dir); len(files) != 2 {
		t.Fatalf("closing the merged-away index removed files: %d left", len(files))
	}
	if txt, ok, err := a.Text(norm.TextKey("second text here")); err != nil || !ok || txt != "second text here" {
		t.Fatalf("Text after merge = %q, %v, %v", txt, ok, err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Errorf("%d temporary files left after Close", len(files))
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := a.AddString(Entry{}, "x"); !errors.Is(err, ErrClosed) {
		t.Errorf("Add after Close: %v, want ErrClosed", err)
	}
	if _, _, err := a.Pairs(DefaultThreshold, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Pairs after Close: %v, want ErrClosed", err)
	}
}

// TestLongTexts checks the bound on long texts: only the first MaxRunes
// runes are kept and compared, cut on a rune boundary.
func TestLongTexts(t *testing.T) {
	const maxRunes = 1000
	head := strings.Repeat("für elise ", 100) // 1,000 runes, 1,100 bytes
	tests := []struct {
		name     string
		a, b     string
		wantSim  float64
		wantLong int64
	}{
		// Texts that differ only after the bound are the same text.
		{"differ after the bound", head + "one tail", head + "another tail entirely", 1, 2},
		// A 1 MB text costs what a 1,000-rune one does.
		{"huge", head + strings.Repeat("x", 1<<20), head, 1, 1},
		// 10 distinct shingles (für e … e für), and lise! in the second.
		{"short", "für elise für elise", "für elise für elise!", 10.0 / 11, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := newIndex(t, Options{MaxRunes: maxRunes, Dir: t.TempDir()})
			for i, s := range []string{tt.a, tt.b} {
				if err := ix.AddString(Entry{Key: norm.TextKey(s), Pos: uint64(i)}, s); err != nil {
					t.Fatal(err)
				}
			}
			pairs, st, err := ix.Pairs(DefaultThreshold, nil)
			if err != nil {
				t.Fatal(err)
			}
			if st.Truncated != tt.wantLong {
				t.Errorf("Truncated = %d, want %d", st.Truncated, tt.wantLong)
			}
			if len(pairs) != 1 || pairs[0].Similarity != tt.wantSim {
				t.Errorf("pairs %+v, want one of similarity %v", pairs, tt.wantSim)
			}
			txt, _, err := ix.Text(norm.TextKey(tt.a))
			if err != nil {
				t.Fatal(err)
			}
			if want := string([]rune(tt.a)[:min(maxRunes, len([]rune(tt.a)))]); txt != want {
				t.Errorf("stored text is %d bytes, want the first %d runes (%d bytes)", len(txt), maxRunes, len(want))
			}
		})
	}
}

// TestFootprint pins the per-text memory the package documentation states:
// a 64-byte record, 4 bytes per band, a 32-byte fingerprint.
func TestFootprint(t *testing.T) {
	if recordSize != 64 || fingerprintSize != 32 {
		t.Errorf("record %d bytes, fingerprint %d, want 64 and 32", recordSize, fingerprintSize)
	}
	bands, _ := BandsFor(DefaultThreshold)
	st := store{bands: bands}
	if got := st.bytesPerText(); got != 176 {
		t.Errorf("%d bytes per text at the default threshold besides the key table, want 176", got)
	}
}

// TestFamilies verifies buckets holding many texts of one template (dozens
// of variants with 1 to 3 typos each), where one bucket has hundreds of
// pairs to verify: every pair reported must be a brute-force pair with the
// same similarity, and few may be missed.
func TestFamilies(t *testing.T) {
	tests := []struct {
		name string
		base string
	}{
		{"ascii", "hello support team, my order number twelve arrived broken and the box was open, please send a replacement or refund me soon"},
		{"accents", "bonjour, ma commande numéro douze est arrivée cassée et la boîte était ouverte, merci de m'envoyer un remplacement très vite"},
		{"cjk", "注文した商品が壊れた状態で届きました。箱も開いていました。交換または返金をお願いします。至急ご対応ください。" +
			"先週も同じことがありましたので、梱包の方法を見直していただけますか。よろしくお願いいたします。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(7, 8))
			base := []rune(tt.base)
			var texts []text
			seen := map[norm.Key]bool{}
			for len(texts) < 80 {
				v := append([]rune(nil), base...)
				for range 1 + r.IntN(3) {
					v[r.IntN(len(v))] = base[r.IntN(len(base))]
				}
				s := string(v)
				k := norm.TextKey(s)
				if seen[k] {
					continue
				}
				seen[k] = true
				texts = append(texts, text{norm: s, key: k, rows: []int{len(texts)}})
			}
			ix := newIndex(t, Options{Dir: t.TempDir()})
			for i, tx := range texts {
				if err := ix.AddString(Entry{Key: tx.key, Pos: uint64(i)}, tx.norm); err != nil {
					t.Fatal(err)
				}
			}
			pairs, st, err := ix.Pairs(DefaultThreshold, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := map[[2]int]float64{}
			for _, p := range bruteForce(t, texts, DefaultThreshold) {
				want[[2]int{p.a, p.b}] = p.sim
			}
			for _, p := range pairs {
				k := [2]int{int(p.A.Pos), int(p.B.Pos)}
				if sim, ok := want[k]; !ok || sim != p.Similarity {
					t.Errorf("pair %v: similarity %v, reference %v (present %v)", k, p.Similarity, sim, ok)
				}
			}
			t.Logf("%d of %d reference pairs; %+v", len(pairs), len(want), st)
			if len(want) < 200 || float64(len(pairs)) < 0.95*float64(len(want)) {
				t.Errorf("%d pairs found of %d", len(pairs), len(want))
			}
		})
	}
}

// TestAddAfterPairs adds rows after a query: the next query sees them, the
// file's new part included, and an earlier row of a known key moves its
// entry's position.
func TestAddAfterPairs(t *testing.T) {
	ix := newIndex(t, Options{Dir: t.TempDir()})
	add := func(pos uint64, s string) {
		t.Helper()
		if err := ix.AddString(Entry{Key: norm.TextKey(s), Pos: pos}, s); err != nil {
			t.Fatal(err)
		}
	}
	const a, b = "the parcel arrived damaged and wet", "the parcel arrived damaged and wet!"
	add(10, a)
	add(20, "something else entirely, nothing alike")
	pairs, _, err := ix.Pairs(DefaultThreshold, nil)
	if err != nil || len(pairs) != 0 {
		t.Fatalf("first query: %v, %v", pairs, err)
	}
	add(30, b) // 30 of 31 shingles shared with a
	add(5, a)  // a's first row is now at 5
	pairs, _, err = ix.Pairs(DefaultThreshold, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 1 || pairs[0].A.Pos != 5 || pairs[0].B.Pos != 30 || pairs[0].A.Rows != 2 || pairs[0].Similarity != 30.0/31 {
		t.Errorf("second query: %+v, want a (at 5, 2 rows) and b (at 30) at 30/31", pairs)
	}
}

// TestSearch checks that one Search answers each of several queries (two
// first-match queries, pairs queries with keep, with Differ and with
// neither, at different thresholds) exactly as Pairs or First asked alone on the same index:
// the same pairs, matches and Stats.
func TestSearch(t *testing.T) {
	rows := corpus(4000, 5)
	ix := newIndex(t, Options{Threshold: 0.7, Dir: t.TempDir()})
	for i, rw := range rows {
		s := norm.String(rw.raw)
		e := Entry{Key: norm.TextKey(s), Pos: uint64(i), Split: uint8(min(i%4, 1)), Class: uint64(1 + i%3)}
		if err := ix.AddString(e, s); err != nil {
			t.Fatal(err)
		}
	}
	differ := func(a, b *Entry) bool { return a.Class != b.Class || a.Mixed || b.Mixed }
	holdout := func(e Entry) bool { return e.Splits == 1 }
	train := func(e Entry) bool { return e.Splits&2 != 0 }
	anyText := func(e Entry) bool { return true }
	byClass := func(e Entry) uint64 {
		if e.Class == 1 {
			return 0 // left out
		}
		return e.Class
	}
	qs := []Query{
		{Threshold: 0.8, Keep: differ},
		{Threshold: 0.75, Differ: byClass},
		{Threshold: 0.7, IsQuery: holdout, IsTarget: train},
		{Threshold: 0.9},
		{Threshold: 0.75, IsQuery: train, IsTarget: anyText},
	}
	got, err := ix.Search(qs)
	if err != nil {
		t.Fatal(err)
	}
	for n, q := range qs {
		var want Result
		switch {
		case q.IsQuery != nil:
			want.Matches, want.Stats, err = ix.First(q.Threshold, q.IsQuery, q.IsTarget)
		case q.Differ != nil:
			// Differ is Keep with the rule written out.
			want.Pairs, want.Stats, err = ix.Pairs(q.Threshold, func(a, b *Entry) bool {
				return byClass(*a) != 0 && byClass(*b) != 0 && byClass(*a) != byClass(*b)
			})
		default:
			want.Pairs, want.Stats, err = ix.Pairs(q.Threshold, q.Keep)
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(want.Pairs)+len(want.Matches) == 0 {
			t.Errorf("query %d: nothing found alone, the test proves nothing", n)
		}
		if !reflect.DeepEqual(got[n], want) {
			t.Errorf("query %d: Search gives %d pairs, %d matches, %+v; alone %d pairs, %d matches, %+v",
				n, len(got[n].Pairs), len(got[n].Matches), got[n].Stats, len(want.Pairs), len(want.Matches), want.Stats)
		}
	}
	if _, err := ix.Search([]Query{{Threshold: 0.8, Keep: differ, IsQuery: holdout, IsTarget: train}}); err == nil {
		t.Error("a query with both Keep and IsQuery: no error")
	}
	if _, err := ix.Search([]Query{{Threshold: 0.6}}); err == nil {
		t.Error("a threshold below the index's: no error")
	}
}

// TestAddAfterMerge adds texts to an index after merging another into
// it: each text, old or new, must read back as it was added (a text's
// location names its file by its place in the merged list).
func TestAddAfterMerge(t *testing.T) {
	a := newIndex(t, Options{Dir: t.TempDir()})
	b := newIndex(t, Options{Dir: t.TempDir()})
	texts := []string{"first text of a", "first text of b", "second text of a", "a text added after the merge", "and one more"}
	add := func(ix *Index, n int) {
		t.Helper()
		if err := ix.AddString(Entry{Key: norm.TextKey(texts[n]), Pos: uint64(n)}, texts[n]); err != nil {
			t.Fatal(err)
		}
	}
	add(a, 0)
	add(b, 1)
	add(a, 2)
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	add(a, 3)
	add(a, 4)
	for _, s := range texts {
		got, ok, err := a.Text(norm.TextKey(s))
		if err != nil || !ok || got != s {
			t.Errorf("Text(%q) = %q, %v, %v", s, got, ok, err)
		}
	}
}

// TestMappedTexts searches one index (texts in two files) with its texts
// mapped into memory and, past the map limit, read back with ReadAt: the
// results and Stats must be the same. A second search after more texts
// were added must see them, mapped or not.
func TestMappedTexts(t *testing.T) {
	rows := corpus(3000, 7)
	qs := []Query{
		{Threshold: 0.8, Keep: func(a, b *Entry) bool { return a.Class != b.Class }},
		{Threshold: 0.7, IsQuery: func(e Entry) bool { return e.Splits == 1 }, IsTarget: func(e Entry) bool { return e.Splits&2 != 0 }},
	}
	search := func(limit int64) (first, second []Result) {
		a := newIndex(t, Options{Threshold: 0.7, Dir: t.TempDir()})
		b := newIndex(t, Options{Threshold: 0.7, Dir: t.TempDir()})
		add := func(ix *Index, i int) {
			s := norm.String(rows[i].raw)
			e := Entry{Key: norm.TextKey(s), Pos: uint64(i), Split: uint8(min(i%4, 1)), Class: uint64(1 + i%3)}
			if err := ix.AddString(e, s); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 2000 {
			if i%3 == 0 {
				add(b, i)
			} else {
				add(a, i)
			}
		}
		if err := a.Merge(b); err != nil {
			t.Fatal(err)
		}
		a.mapLimit = limit
		var err error
		if first, err = a.Search(qs); err != nil {
			t.Fatal(err)
		}
		mapped := 0
		for _, f := range a.files {
			if f.mapped {
				mapped++
			}
		}
		if want := map[bool]int{true: 2, false: 0}[limit >= 0]; mapped != want {
			t.Errorf("map limit %d: %d files mapped, want %d", limit, mapped, want)
		}
		for i := 2000; i < len(rows); i++ {
			add(a, i)
		}
		if second, err = a.Search(qs); err != nil {
			t.Fatal(err)
		}
		return first, second
	}
	m1, m2 := search(0)
	r1, r2 := search(-1)
	for q := range qs {
		if len(m1[q].Pairs)+len(m1[q].Matches) == 0 || len(m2[q].Pairs)+len(m2[q].Matches) <= len(m1[q].Pairs)+len(m1[q].Matches) {
			t.Fatalf("query %d: %d then %d found: the test proves nothing", q, len(m1[q].Pairs)+len(m1[q].Matches), len(m2[q].Pairs)+len(m2[q].Matches))
		}
	}
	if !reflect.DeepEqual(m1, r1) || !reflect.DeepEqual(m2, r2) {
		t.Error("mapped texts give other results than texts read with ReadAt")
	}
}
