// Package norm owns text normalization and row-key hashing, the derived
// values every check shares: norm(s) decides when two labels, texts or
// segment values are "the same", and Key identifies a row for duplicate,
// conflict and leakage detection.
//
// Everything here is pure and safe for concurrent use.
package norm
