package rkgp

import (
	"fmt"
	"testing"
)

// BenchmarkPredictSizes measures Predict on 1000 test points for fits at the
// training-set sizes of the Go benchmark table (docs/benchmarks.md).
func BenchmarkPredictSizes(b *testing.B) {
	test := gaussianTask(1000, 196, 2)
	for _, p := range []int{1000, 2000, 4000} {
		b.Run(fmt.Sprintf("P=%d", p), func(b *testing.B) {
			if testing.Short() && p > 1000 {
				b.Skip("large P skipped under -short")
			}
			m, err := FitFixed(gaussianTask(p, 196, 1), Network{N: 400, T: 0.05, Lambda0: 1, Lambda1: 1}, 1.5)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, _, err := m.Predict(test.X); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
