// Package snapshot compares audits of successive data snapshots from their
// report.json files alone, never re-reading data: Read loads a report (any
// schema version up to audit.SchemaVersion, refusing newer ones with a
// *VersionError), Compare computes the audit.Comparison between a baseline
// and a current report (status and metric changes, regressions past a
// relative tolerance, class-share drift, segment values that appeared or
// vanished, volume change), and Collect gathers every report.json under
// folders into a History of key metrics over snapshot time.
//
// It owns the metric directions (which way is better for each metric,
// directions.go) and the reading of version 1 reports, whose class and
// segment counts come from the check metrics instead of the dataset
// section. Rendering lives in package reports, the commands in package cli.
//
// Nothing here holds state between calls: every function may run
// concurrently with any other. No Arrow memory is involved.
package snapshot
