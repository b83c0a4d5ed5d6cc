package stats

import (
	"fmt"
	"math"
	"testing"
)

// TestDivergenceMapOrder computes JS divergence and PSI of the same shares
// many times: Go randomizes map iteration, and the results must not
// change in their last bit (reports are compared byte for byte).
func TestDivergenceMapOrder(t *testing.T) {
	p, q := map[string]float64{}, map[string]float64{}
	for i := range 40 {
		k := fmt.Sprintf("v%02d", i)
		p[k] = 1 / float64(i+3)
		q[k] = math.Sqrt(float64(i+1)) / 7
	}
	js, psi := JSDivergence(p, q), PSI(p, q)
	for range 50 {
		if got := JSDivergence(p, q); got != js {
			t.Fatalf("JSDivergence = %v, then %v: depends on map order", js, got)
		}
		if got := PSI(p, q); got != psi {
			t.Fatalf("PSI = %v, then %v: depends on map order", psi, got)
		}
	}
}
