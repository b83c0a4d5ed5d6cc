// Package reports renders an audit.Report: report.json (the contract other
// tools read) and the short summary printed on stdout. HTML, Markdown and
// JUnit renderers live here too. Every file is written to a temporary name
// and renamed, so an interrupted run never leaves a partial report.
package reports
