// Package reports renders an audit.Report: report.json (the contract other
// tools read) and the short summary printed on stdout. HTML, Markdown and
// JUnit renderers live here too. Every file is written to a temporary name
// and renamed, so an interrupted run never leaves a partial report.
//
// The HTML page is one file: html.go lays out the verdict, the checks and
// the generic rendering of metrics (nested maps as tables), family.go the
// visuals of particular checks (variant and conflict tables, the kappa heat
// map, segment shares, the segment × class heat map, Wilson intervals, the
// leakage bars and leaked pairs), and svg.go the geometry of the inline SVG
// charts, which templates/svg.tmpl draws. Every string from the data goes
// through html/template's escaping. Rendering holds no state: any number of
// reports may render concurrently.
package reports
