package source

import "testing"

// What the tests of package source_test (which may import sourcetest, an
// importer of source) use of this package's test helpers.

// ReadAllText opens path, decodes every unit and returns the rows as text
// (see valueString), their lines, the rejected rows, the units and the
// file's SHA-256.
func ReadAllText(t testing.TB, path string, opts Options) (rows [][]string, lines []int64, rejected []Rejected, units int, sha string, err error) {
	res, err := readAll(t, path, opts)
	return res.rows, res.lines, res.rejected, res.units, res.sha, err
}

// WriteTestParquet writes n generated rows, groups rows per row group, into a
// new temporary folder and returns the path.
func WriteTestParquet(t testing.TB, n int, group int64) string {
	return writeParquet(t, pqRecords(n), group)
}

// Gzipped compresses data.
func Gzipped(t testing.TB, data string) []byte { return gzipped(t, data) }
