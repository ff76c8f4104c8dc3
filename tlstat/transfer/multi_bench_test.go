package transfer

import "testing"

// BenchmarkMultiSolve times one multi-output Newton solve, D = 10 outputs,
// P_s = 200, P_t = 100 (teacher data of multiPair), at gamma = 1 from the
// scratch saddle, with the analytic Jacobian and with the forward
// differences it replaced (2D² + D = 210 gradient evaluations a step).
// Run with -benchtime=1x: the finite-difference solve takes minutes.
func BenchmarkMultiSolve(b *testing.B) {
	mp, _ := multiPair(51, 10, 200, 100, 0.6, multiNet)
	ms, err := NewMultiSolver(mp, nil)
	if err != nil {
		b.Fatal(err)
	}
	c, err := ms.Couple(1)
	if err != nil {
		b.Fatal(err)
	}
	for _, fdJac := range []bool{false, true} {
		name := "analytic"
		if fdJac {
			name = "finite-differences"
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				m, err := c.solve(ms.Scratch().Q, fdJac)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(m.Iterations), "steps")
			}
		})
	}
	b.Run("eval", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := c.eval(ms.Scratch().Q, true); err != nil {
				b.Fatal(err)
			}
		}
	})
}
