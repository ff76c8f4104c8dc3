package kernel

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkGramKernel times the whole kernel build of a training set, the
// Gram matrix followed by the erf kernel matrix, at the sizes of the Go
// benchmark table (docs/benchmarks.md).
func BenchmarkGramKernel(b *testing.B) {
	for _, p := range benchSizes {
		x := randomInputs(p, benchN0, rand.New(rand.NewPCG(1, 1)))
		b.Run(fmt.Sprintf("P=%d", p), func(b *testing.B) {
			for b.Loop() {
				Matrix(Erf, Gram(x), 1, 1)
			}
		})
	}
}

// BenchmarkCrossKernel times the source–target cross kernel (CrossGram then
// Cross) for P_s × P_t blocks of the speed table.
func BenchmarkCrossKernel(b *testing.B) {
	for _, sz := range [][2]int{{1000, 200}, {2000, 500}, {4000, 500}} {
		rnd := rand.New(rand.NewPCG(1, 1))
		x1 := randomInputs(sz[0], benchN0, rnd)
		x2 := randomInputs(sz[1], benchN0, rnd)
		d1, d2 := SqNorms(x1), SqNorms(x2)
		b.Run(fmt.Sprintf("Ps=%d/Pt=%d", sz[0], sz[1]), func(b *testing.B) {
			for b.Loop() {
				g, err := CrossGram(x1, x2)
				if err != nil {
					b.Fatal(err)
				}
				Cross(Erf, g, d1, d2, 1, 0.9, 1)
			}
		})
	}
}
