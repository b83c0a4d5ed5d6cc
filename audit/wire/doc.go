// Package wire is the small binary format the accumulators of dataready
// encode themselves in (audit.Encodable): uvarints, zig-zag varints,
// fixed-width 64-bit values, float64 bits, length-prefixed strings and
// bytes. Every encoding starts with a header, a format version byte and a
// tag naming what is encoded (a check id such as "labels.missing"), so
// that a reader refuses data of another version or of another accumulator
// with a clear error instead of misreading it.
//
// Determinism: the same state must give the same bytes. Go maps iterate in
// random order, so encoders write maps in sorted key order (SortedKeys,
// SortedKeysFunc).
//
// Robustness: a Reader never panics on corrupt or truncated input. Its
// first error is sticky: later reads return zero values, and Finish (or
// Err) reports it. Counts read with Count are checked against the bytes
// left, so a corrupt length cannot make a decoder allocate more than the
// input could hold.
//
// Hand-written because encoding/gob is neither deterministic for maps nor
// stable across type changes, and a schema-based format (protobuf) would
// need generated types for every accumulator's private state.
//
// Concurrency: a Writer or Reader belongs to one goroutine.
package wire
