// Package gcpace paces the Go collector by the live heap instead of by a
// fixed percentage: it lets the heap grow by a fixed number of bytes past
// what survived the last collection, within a range of percentages.
//
// The audit's heap is mostly per-key state that grows with the distinct
// row keys and never becomes garbage, in pointer-free arrays that a
// collection marks without scanning. A fixed GOGC lets the heap grow by a
// share of that state: at 3.4 GB of live state and GOGC=50, 1.7 GB more
// before each collection, and the process keeps what it reached. Pacing
// by bytes keeps that growth at a few hundred megabytes on a large run,
// where collections are cheap, while a small run, whose garbage is most of
// its heap, keeps the runtime's default.
//
// It owns nothing else: the command starts it unless GOGC is set.
package gcpace
