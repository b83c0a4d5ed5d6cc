package keymap

import (
	"cmp"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"dataready/audit/norm"
)

// keysOf returns n keys of one shape, with repeats.
func keysOf(rng *rand.Rand, shape string, n int) []norm.Key {
	keys := make([]norm.Key, n)
	for i := range keys {
		j := uint64(rng.IntN(n/2 + 1)) // about two uses per key
		switch shape {
		case "hashes":
			keys[i] = norm.TextKey(string(rune(j)) + "x" + string(rune(j>>16)))
		case "small": // caller-made keys: small integers, the zero key among them
			keys[i] = norm.Key{Lo: j}
		case "high":
			keys[i] = norm.Key{Hi: j << 40}
		case "equal halves":
			keys[i] = norm.Key{Hi: j, Lo: j}
		}
	}
	return keys
}

// TestMapMatchesGoMap adds random keys to a Map and to a Go map and
// compares every lookup, the length and the iteration, at sizes around
// the table's growths and the chunk length.
func TestMapMatchesGoMap(t *testing.T) {
	for _, shape := range []string{"hashes", "small", "high", "equal halves"} {
		for _, n := range []int{0, 1, 700, 769, chunkLen, chunkLen + 1, 50_000} {
			rng := rand.New(rand.NewPCG(uint64(n), 7))
			var m Map[uint64]
			want := map[norm.Key]uint64{}
			for i, k := range keysOf(rng, shape, n) {
				p, ok := m.Upsert(k)
				if _, wok := want[k]; ok != wok {
					t.Fatalf("%s/%d: Upsert(%v) found = %v, want %v", shape, n, k, ok, wok)
				}
				*p += uint64(i) + 1
				want[k] += uint64(i) + 1
			}
			if m.Len() != len(want) {
				t.Fatalf("%s/%d: Len = %d, want %d", shape, n, m.Len(), len(want))
			}
			for k, v := range want {
				if got, ok := m.Get(k); !ok || got != v {
					t.Fatalf("%s/%d: Get(%v) = %d, %v; want %d, true", shape, n, k, got, ok, v)
				}
			}
			for range 1000 {
				k := norm.Key{Hi: rng.Uint64(), Lo: rng.Uint64()}
				if _, ok := m.Get(k); ok != (want[k] != 0) {
					t.Fatalf("%s/%d: Get(%v) found = %v for an absent key", shape, n, k, ok)
				}
			}
			if got := maps.Collect(m.All()); !maps.Equal(got, want) {
				t.Fatalf("%s/%d: All yields %d keys unlike the Go map's %d", shape, n, len(got), len(want))
			}
			keys := m.SortedKeys()
			if len(keys) != len(want) || !slices.IsSortedFunc(keys, func(a, b norm.Key) int {
				return cmp.Or(cmp.Compare(a.Hi, b.Hi), cmp.Compare(a.Lo, b.Lo))
			}) {
				t.Fatalf("%s/%d: SortedKeys gives %d keys, not in order or not %d", shape, n, len(keys), len(want))
			}
			if got := maps.Collect(m.Drain()); !maps.Equal(got, want) {
				t.Fatalf("%s/%d: Drain yields %d keys unlike the Go map's %d", shape, n, len(got), len(want))
			}
			if m.Len() != 0 || m.Bytes() != 0 {
				t.Fatalf("%s/%d: after Drain, Len = %d and Bytes = %d, want 0", shape, n, m.Len(), m.Bytes())
			}
		}
	}
}

// TestAllOrder checks that All yields keys in insertion order.
func TestAllOrder(t *testing.T) {
	var m Map[int]
	var order []norm.Key
	for i := range 3 * chunkLen {
		k := norm.Key{Hi: uint64(i * 7919 % 1000), Lo: uint64(i % 13)}
		if _, ok := m.Upsert(k); !ok {
			order = append(order, k)
		}
	}
	i := 0
	for k := range m.All() {
		if k != order[i] {
			t.Fatalf("key %d is %v, want %v", i, k, order[i])
		}
		i++
	}
	if i != len(order) {
		t.Fatalf("All yields %d keys, want %d", i, len(order))
	}
}

// TestSmallMap checks that a map of a few keys holds little memory, and
// that the first chunk's growth keeps every value.
func TestSmallMap(t *testing.T) {
	var m Map[uint64]
	for i := range 3 {
		p, _ := m.Upsert(norm.Key{Hi: uint64(i)})
		*p = uint64(i) + 10
	}
	if m.Bytes() > 128 {
		t.Errorf("3 keys hold %d bytes, want at most 128", m.Bytes())
	}
	for i := 3; i < chunkLen+10; i++ {
		p, _ := m.Upsert(norm.Key{Hi: uint64(i)})
		*p = uint64(i) + 10
	}
	for i := range chunkLen + 10 {
		if v, ok := m.Get(norm.Key{Hi: uint64(i)}); !ok || v != uint64(i)+10 {
			t.Fatalf("Get(%d) = %d, %v; want %d, true", i, v, ok, i+10)
		}
	}
}

// TestBytesPerKey checks the memory a map of 1M key-table-sized entries
// holds: well under a Go map's.
func TestBytesPerKey(t *testing.T) {
	var m Map[[5]uint64] // 40 bytes, as audit.KeyStats
	const n = 1_000_000
	for i := range n {
		m.Upsert(norm.Key{Hi: uint64(i)})
	}
	if per := float64(m.Bytes()) / n; per > 70 {
		t.Errorf("%.1f bytes per key, want at most 70", per)
	}
}

// TestCut checks that Cut puts every key, with its value, in shard
// Lo % n, keeps the insertion order within a shard, and empties the map.
func TestCut(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, shape := range []string{"hashes", "small", "high"} {
		for _, n := range []int{1, 3, 8} {
			var m Map[int]
			var order []norm.Key
			for i, k := range keysOf(rng, shape, 20_000) {
				v, ok := m.Upsert(k)
				if !ok {
					order = append(order, k)
				}
				*v = i
			}
			want := maps.Collect(m.All())
			shards := Cut(&m, n)
			if left := len(maps.Collect(m.All())); m.Len() != 0 || left != 0 {
				t.Fatalf("%s, n=%d: the map holds %d keys after Cut", shape, n, m.Len())
			}
			total := 0
			for i := range shards {
				var got []norm.Key
				for k, v := range shards[i].All() {
					if k.Lo%uint64(n) != uint64(i) || want[k] != v {
						t.Fatalf("%s, n=%d: key %v value %d in shard %d; want value %d in shard %d", shape, n, k, v, i, want[k], k.Lo%uint64(n))
					}
					got = append(got, k)
				}
				var wantOrder []norm.Key
				for _, k := range order {
					if k.Lo%uint64(n) == uint64(i) {
						wantOrder = append(wantOrder, k)
					}
				}
				if !slices.Equal(got, wantOrder) {
					t.Fatalf("%s, n=%d: shard %d is not in insertion order", shape, n, i)
				}
				total += shards[i].Len()
			}
			if total != len(want) {
				t.Fatalf("%s, n=%d: %d keys in the shards, %d before", shape, n, total, len(want))
			}
		}
	}
}
