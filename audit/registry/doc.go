// Package registry is the one place that lists every check, in report
// order. There is no init-time registration: adding a check means adding
// it here.
package registry
