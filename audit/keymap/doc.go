// Package keymap is a compact hash map keyed by norm.Key, for the per-key
// state that grows with the distinct row keys of a run (the key table,
// above all).
//
// A Go map holds its values in groups that are between 7/16 and 7/8 full,
// so a map of 56-byte entries costs 65 to 130 bytes per key depending on
// where the key count falls between two growths. Map stores its entries
// densely, in fixed-size chunks that are never copied, and finds them
// through a table of 4-byte entry numbers that is at most 3/4 full: with a
// 40-byte value, 56 bytes per entry plus 5 to 11 bytes of table per key.
// Keys are 128-bit hashes already, so the table only mixes them.
//
// Iteration follows insertion order. Pointers returned by Upsert stay
// valid as long as the Map, since entries never move.
//
// A Map is not safe for concurrent use. It does not depend on Arrow memory.
package keymap
