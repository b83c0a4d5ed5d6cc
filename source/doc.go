// Package source reads the input files of an audit — CSV/TSV (optionally
// gzip-compressed) and Parquet — as Arrow record batches, in pieces that
// can be decoded in parallel.
//
// # What it owns
//
// Turning paths into files (Expand), opening a file and describing it (Open:
// format, columns and their types, header problems), cutting it into units
// (File.Units: CSV chunks of about Options.ChunkBytes ending at record
// boundaries, or Parquet row groups, cut into Options.UnitRows rows when
// their pages have an offset index) and decoding a unit into batches
// (Unit.Decode). MarshalUnit and UnmarshalUnit carry a unit to another
// process that opened the same file (a distributed run): a CSV unit with
// its records' bytes, a Parquet unit as its row group and rows. It also
// hashes each file (File.SHA256) while Units reads it, so a file is read
// once.
//
// # Files that are not local
//
// A path with a URL scheme ("gs://bucket/data/train.csv") is read through
// the FS registered for its scheme (RegisterFS): Stat, reads at any offset
// and listing by prefix, which is all Open, Units, Decode and Expand need.
// The main module registers none, so that it links no cloud client;
// audit-beam registers gs:// and s3://. Everything above (formats, units,
// digests, errors naming the file) is the same for a URL as for a path.
//
// Damage that should not stop an audit is data, not an error: a malformed
// CSV row is left out of the record and listed in Batch.Rejected with its
// line; a renamed header is a Problem. An error (*Error, with the file and,
// when known, the line and column) means the file cannot be read at all:
// missing, empty, header only, a truncated gzip stream, not Parquet, a
// nested Parquet column.
//
// CSV columns are Arrow strings holding the raw text (after TrimSpace when
// asked); Column.Type is a guess from the first rows. Parquet columns keep
// their type (see newParquetColumn for the mapping); only flat columns are
// read.
//
// # How a CSV file is read
//
// Units reads the decompressed stream once, in large blocks, and a small
// state machine that follows encoding/csv's quoting rules cuts it into
// chunks of about Options.ChunkBytes that end at record boundaries,
// counting lines as it goes (see chunker). Decode parses a chunk with
// encoding/csv (or, with Options.NoQuote, a plain splitter), so decoding
// runs on as many cores as the caller gives it. A record longer than 64 MiB
// (in practice a quote that is never closed) is not kept in memory: it is
// skipped and rejected as KindTooLong. Delimiters are single ASCII bytes.
//
// # Arrow memory
//
// Decode allocates every record from the allocator it is given and
// releases each record when the callback returns: a callback that keeps a
// record (or any of its columns) must Retain it and Release it later.
// Batch.Lines, Batch.Rejected and Batch.Problems are plain Go values the
// callback may keep.
//
// # Concurrency
//
// Open and File.Units run in one goroutine: Units emits units in file
// order from the goroutine that calls it (for Parquet, another goroutine
// of its own hashes the file meanwhile and is done when Units returns).
// Unit.Decode may run on any number of units at once, from any goroutines,
// while Units is still emitting; a unit should be decoded once. File
// methods other than Units and Close are safe to call concurrently. Close
// the file after every Decode has returned.
package source
