package reports_test

import "flag"

// update rewrites the golden files in testdata/ with the current output;
// the test then reads them back and compares, so an -update run passes.
// Shared by every golden test of the package: go test ./reports -update.
var update = flag.Bool("update", false, "rewrite the golden files in testdata/ with the current output")
