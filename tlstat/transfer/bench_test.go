package transfer

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// benchGammas is the gamma list of the Python reference's benchmark (its
// bench.py, docs/benchmarks.md): 10 couplings including 0.
var benchGammas = []float64{0, 0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000}

// benchProblem draws random Gaussian inputs (N0 = 196, the pooled MNIST
// dimension) labelled by erf teachers with overlap 0.8, N = 1000, T = 0.05.
func benchProblem(b *testing.B, ps, pt int) (Problem, *data.Dataset) {
	tt := data.TeacherTransfer{N0: 196, Rho: 0.8, PS: ps, PT: pt, PTest: 1000}
	src, _, tgt, test, err := tt.Sample(rand.NewPCG(1, 1))
	if err != nil {
		b.Fatal(err)
	}
	return Problem{Source: src, Target: tgt, Net: rkgp.Network{N: 1000, T: 0.05, Lambda0: 1, Lambda1: 1}}, test
}

// BenchmarkSweep times the whole pipeline as bench.py does: source kernel and
// saddle, factorization, scratch saddle, then the 10-gamma sweep with
// continuation, baselines (infinite width, regularization-only, frozen) and
// 1000 test predictions per gamma. No golden-section refinement.
// The largest sizes take minutes: run with -benchtime=1x.
func BenchmarkSweep(b *testing.B) {
	for _, sz := range [][2]int{{1000, 200}, {1000, 500}, {2000, 200}, {2000, 500}, {4000, 200}, {4000, 500}} {
		b.Run(fmt.Sprintf("Ps=%d/Pt=%d", sz[0], sz[1]), func(b *testing.B) {
			if testing.Short() && sz[0] > 1000 {
				b.Skip("large sweep")
			}
			p, test := benchProblem(b, sz[0], sz[1])
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s, err := NewSolver(p, &Settings{RefineTol: -1})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.Sweep(benchGammas, test); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPredict times Predict on 1000 test points at gamma = 10.
func BenchmarkPredict(b *testing.B) {
	for _, sz := range [][2]int{{1000, 200}, {2000, 500}} {
		b.Run(fmt.Sprintf("Ps=%d/Pt=%d", sz[0], sz[1]), func(b *testing.B) {
			p, test := benchProblem(b, sz[0], sz[1])
			s, err := NewSolver(p, nil)
			if err != nil {
				b.Fatal(err)
			}
			m, err := s.Fit(10)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, _, err := m.Predict(test.X); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGradient times one evaluation of S_1 and its gradient (the unit
// of work of the Newton iterations).
func BenchmarkGradient(b *testing.B) {
	for _, pt := range []int{200, 500} {
		b.Run(fmt.Sprintf("Pt=%d", pt), func(b *testing.B) {
			p, _ := benchProblem(b, 1000, pt)
			s, err := NewSolver(p, nil)
			if err != nil {
				b.Fatal(err)
			}
			m, err := s.Fit(10)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := m.c.Gradient(m.Q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSweepOnly times Sweep alone (10 gammas, baselines, 1000 test
// predictions per gamma) with the solver built outside the timer and q_s
// given (Settings.SourceQ = 1.2), to separate the transfer solver from the
// source saddle's eigendecomposition (rkgp.Fit), which dominates
// BenchmarkSweep at large P_s.
func BenchmarkSweepOnly(b *testing.B) {
	for _, sz := range [][2]int{{1000, 200}, {2000, 500}, {4000, 200}, {4000, 500}} {
		b.Run(fmt.Sprintf("Ps=%d/Pt=%d", sz[0], sz[1]), func(b *testing.B) {
			if testing.Short() && sz[0] > 1000 {
				b.Skip("large sweep")
			}
			p, test := benchProblem(b, sz[0], sz[1])
			s, err := NewSolver(p, &Settings{RefineTol: -1, SourceQ: 1.2})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := s.Sweep(benchGammas, test); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
