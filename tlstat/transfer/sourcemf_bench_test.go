package transfer

import (
	"strings"
	"testing"

	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// BenchmarkMatrixFreeSweep times the matrix-free transfer pipeline on the
// MNIST pair of the benchmarks at P_s = 1000, P_t = 200, N = 1000, 300 test
// images and four couplings (no refinement): the source fit, one block
// solve of A⁻¹K_st per coupling and the test points' solves. The
// preconditioner's rank is 100, a third of the default, so that the solves
// take as many iterations as at P_s = 2000 with the default rank. It
// reports the passes over the source kernel (sweeps/op: the fit's and the
// solves', each a conjugate-gradient iteration or a residual check) and the
// CG iterations of the slowest solve (maxiter/op).
func BenchmarkMatrixFreeSweep(b *testing.B) {
	p, test := mnistSized(b, 1000, 200, 300, 1000)
	var solves []string // the solves' log lines (iterations, residual, time) of the last run
	set := &Settings{RefineTol: -1, MatrixFree: &rkgp.MatrixFreeSettings{Rank: 100, Log: func(msg string) {
		if strings.HasPrefix(msg, "source solve") {
			solves = append(solves, msg)
		}
	}}}
	b.ResetTimer()
	var st MatrixFreeSource
	for i := 0; i < b.N; i++ {
		solves = solves[:0]
		sv, err := NewSolver(p, set)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := sv.Sweep(mfGammas, test); err != nil {
			b.Fatal(err)
		}
		st, _ = sv.MatrixFree()
	}
	for _, l := range solves {
		b.Log(l)
	}
	b.ReportMetric(float64(st.Sweeps), "sweeps/op")
	b.ReportMetric(float64(st.MaxIterations), "maxiter/op")
	b.ReportMetric(float64(st.Solves), "solves/op")
}
