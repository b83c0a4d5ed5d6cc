// Package inspect guesses the roles of a dataset's columns from a sample of
// its rows (label, text, ids, time, split, segments) and writes a commented
// starting audit.yaml; it backs `audit init`. It reads through package
// source and releases every record batch it decodes before returning.
package inspect
