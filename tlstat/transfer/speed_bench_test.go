package transfer

import (
	"fmt"
	"testing"
)

// speedSizes are the (P_s, P_t) sizes of the Go benchmark table
// (docs/benchmarks.md).
var speedSizes = [][2]int{{1000, 200}, {1000, 500}, {2000, 200}, {2000, 500}, {4000, 200}, {4000, 500}}

// BenchmarkPredictSizes times the target predictions (mean and variance) on
// 1000 test points at gamma = 10 for every size of the benchmark table. The
// source saddle is not solved (q_s fixed at 2, close to the MNIST value
// 1.96): the cost of a prediction does not depend on q_s.
func BenchmarkPredictSizes(b *testing.B) {
	for _, sz := range speedSizes {
		b.Run(fmt.Sprintf("Ps=%d/Pt=%d", sz[0], sz[1]), func(b *testing.B) {
			if testing.Short() && sz[0] > 1000 {
				b.Skip("large sizes skipped under -short")
			}
			p, test := benchProblem(b, sz[0], sz[1])
			s, err := NewSolver(p, &Settings{SourceQ: 2})
			if err != nil {
				b.Fatal(err)
			}
			m, err := s.Fit(10)
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

// BenchmarkCouple times building the gamma-dependent kernels and the
// source-projected blocks (L⁻¹K_st, K_stᵀA⁻¹K_st) of one coupling, done once
// per continuation step of a sweep.
func BenchmarkCouple(b *testing.B) {
	for _, sz := range speedSizes {
		b.Run(fmt.Sprintf("Ps=%d/Pt=%d", sz[0], sz[1]), func(b *testing.B) {
			if testing.Short() && sz[0] > 1000 {
				b.Skip("large sizes skipped under -short")
			}
			p, _ := benchProblem(b, sz[0], sz[1])
			s, err := NewSolver(p, &Settings{SourceQ: 2})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := s.Couple(10); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPredictBatch times the predictions of BenchmarkPredictSizes at
// P_s = 2000, P_t = 500 in batches of 256 test points (the former default)
// and 1024 (the default: all 1000 points in one triangular solve with the
// source factor).
func BenchmarkPredictBatch(b *testing.B) {
	for _, batch := range []int{256, 1024} {
		b.Run(fmt.Sprintf("Batch=%d", batch), func(b *testing.B) {
			if testing.Short() {
				b.Skip("large size skipped under -short")
			}
			p, test := benchProblem(b, 2000, 500)
			s, err := NewSolver(p, &Settings{SourceQ: 2, Batch: batch})
			if err != nil {
				b.Fatal(err)
			}
			m, err := s.Fit(10)
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

// BenchmarkPoint times one grid point of a sweep at gamma = 10 (P_s = 2000,
// P_t = 500, 1000 test points): the model's predictions and its
// infinite-width and regularization-only baselines, which share the
// coupling's target-side test kernels.
func BenchmarkPoint(b *testing.B) {
	if testing.Short() {
		b.Skip("large size skipped under -short")
	}
	p, test := benchProblem(b, 2000, 500)
	s, err := NewSolver(p, &Settings{SourceQ: 2})
	if err != nil {
		b.Fatal(err)
	}
	m, err := s.Fit(10)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.point(m, test, true, nil); err != nil {
			b.Fatal(err)
		}
	}
}
