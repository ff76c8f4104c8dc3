package kernel

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchN0 is the input dimension of 14×14 MNIST (pooling 2), the MNIST task of the tests.
const benchN0 = 196

// benchSizes are the training-set sizes of the benchmarks (docs/benchmarks.md).
var benchSizes = []int{1000, 2000, 4000}

func BenchmarkGram(b *testing.B) {
	for _, p := range benchSizes {
		x := randomInputs(p, benchN0, rand.New(rand.NewPCG(1, 1)))
		b.Run(fmt.Sprintf("P=%d", p), func(b *testing.B) {
			for b.Loop() {
				Gram(x)
			}
		})
	}
}

func BenchmarkMatrix(b *testing.B) {
	for _, p := range benchSizes {
		// Standardized-looking inputs: preactivation variances near 1.
		g := Gram(randomInputs(p, benchN0, rand.New(rand.NewPCG(1, 1))))
		b.Run(fmt.Sprintf("erf/P=%d", p), func(b *testing.B) {
			for b.Loop() {
				Matrix(Erf, g, 1, 1)
			}
		})
	}
	// Generic path (no raw storage) for comparison with the fast path.
	g := Gram(randomInputs(2000, benchN0, rand.New(rand.NewPCG(1, 1))))
	b.Run("erf-generic/P=2000", func(b *testing.B) {
		for b.Loop() {
			Matrix(Erf, symOnly{g}, 1, 1)
		}
	})
	b.Run("relu/P=2000", func(b *testing.B) {
		for b.Loop() {
			Matrix(ReLU, g, 1, 1)
		}
	})
}

func BenchmarkCross(b *testing.B) {
	rnd := rand.New(rand.NewPCG(1, 1))
	x1 := randomInputs(2000, benchN0, rnd)
	x2 := randomInputs(500, benchN0, rnd)
	g12, err := CrossGram(x1, x2)
	if err != nil {
		b.Fatal(err)
	}
	d1, d2 := SqNorms(x1), SqNorms(x2)
	b.Run("erf/2000x500", func(b *testing.B) {
		for b.Loop() {
			Cross(Erf, g12, d1, d2, 1, 0.5, 1)
		}
	})
	b.Run("crossgram/2000x500", func(b *testing.B) {
		for b.Loop() {
			if _, err := CrossGram(x1, x2); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkTanhMatrix(b *testing.B) {
	const p = 100 // quadrature costs ~10 µs per entry: keep P small
	g := Gram(randomInputs(p, benchN0, rand.New(rand.NewPCG(1, 1))))
	b.Run(fmt.Sprintf("P=%d", p), func(b *testing.B) {
		for b.Loop() {
			Matrix(Tanh, g, 1, 1)
		}
	})
}

func BenchmarkKfun(b *testing.B) {
	softsign := Custom("softsign", func(x float64) float64 { return x / (1 + max(x, -x)) }, nil, nil)
	for _, act := range []Activation{Erf, ReLU, Linear, Tanh, softsign} {
		b.Run(act.Name(), func(b *testing.B) {
			var s float64
			for b.Loop() {
				s += act.Kfun(0.9, 0.4, 1.1)
			}
			sink = s
		})
	}
}

var sink float64
