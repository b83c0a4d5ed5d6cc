// Package keymap is a compact hash map keyed by norm.Key, for the per-key
// state that grows with the distinct row keys of a run (the key table,
// above all).
//
// A Go map holds its values in groups that are between 7/16 and 7/8 full,
// so a map of 56-byte entries costs 65 to 130 bytes per key depending on
// where the key count falls between two growths. Map stores its entries
// densely, in chunks of 4096 that are never copied once full, and finds them
// through a table of 4-byte entry numbers that is at most 3/4 full: with a
// 40-byte value, 56 bytes per entry plus 5 to 11 bytes of table per key.
// Keys are 128-bit hashes already, so the table only mixes them.
//
// A small map stays small: the first chunk starts with room for a few
// entries and the table with 8 slots, so that a map per segment value, say,
// costs about what a small Go map does.
//
// Iteration follows insertion order.
//
// A Map is not safe for concurrent use. It does not depend on Arrow memory.
package keymap
