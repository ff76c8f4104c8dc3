package transfer

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// TestSweepRobustness runs the continuation over seven decades of gamma for
// widths, temperatures (T_s = 2T), prior precisions and activations far
// from the defaults, including N = 20 with P_s = 4N at T = 1e-3, where
// q_t − q_tt ≈ 0.003 at large gamma and the gradient reaches its rounding
// floor near 1e-10 (accepted by Settings.FloorTol).
func TestSweepRobustness(t *testing.T) {
	if testing.Short() {
		t.Skip("16 sweeps")
	}
	grid := []float64{0, 1e-3, 0.01, 0.1, 1, 10, 100, 1e3, 1e4}
	for _, n := range []int{20, 1000} {
		for _, temp := range []float64{1e-3, 1} {
			for _, l0 := range []float64{0.5, 3} {
				for _, act := range []kernel.Activation{kernel.Erf, kernel.Linear} {
					name := fmt.Sprintf("N=%d/T=%g/lambda0=%g/%s", n, temp, l0, act.Name())
					tt := data.TeacherTransfer{N0: 30, Rho: 0.7, PS: 80, PT: 40, PTest: 20}
					src, _, tgt, test, err := tt.Sample(rand.NewPCG(uint64(n), 3))
					if err != nil {
						t.Fatal(err)
					}
					net := rkgp.Network{N: n, T: temp, Lambda0: l0, Lambda1: 1, Act: act}
					s, err := NewSolver(Problem{Source: src, Target: tgt, Net: net, SourceT: 2 * temp}, &Settings{RefineTol: -1})
					if err != nil {
						t.Errorf("%s: %v", name, err)
						continue
					}
					sw, err := s.Sweep(grid, test)
					if err != nil {
						t.Errorf("%s: %v", name, err)
						continue
					}
					for _, p := range append(sw.Points, sw.Frozen) {
						// The bound on the residual at a solution (default Settings.FloorTol).
						if !p.Converged || p.Residual > 1e-9 {
							t.Errorf("%s gamma %v: converged %v residual %g", name, p.Gamma, p.Converged, p.Residual)
						}
					}
				}
			}
		}
	}
}
