//go:build race

package registry_test

// raceEnabled is set when the tests run with the race detector, which
// makes the distributed simulations (sequential code) several times
// slower: TestDistributed then runs its richest modes only.
const raceEnabled = true
