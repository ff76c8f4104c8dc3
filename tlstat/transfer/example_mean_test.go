package transfer_test

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/transfer"
)

// Example_relu solves the transfer theory of a ReLU network, whose units
// have a mean activation: besides (q_t, q_st, q_tt) the saddle has the
// mean-mode order parameters (ĉ_t, ĉ_st, ĉ_tt). At gamma = 0 the target is
// the single ReLU network (ĉ_st = ĉ_tt = 0; q_st and q_tt are O(1/N)).
func Example_relu() {
	tt := data.TeacherTransfer{N0: 50, Rho: 0.9, PS: 200, PT: 40, PTest: 500}
	src, _, tgt, test, err := tt.Sample(rand.NewPCG(1, 1))
	if err != nil {
		log.Fatal(err)
	}
	net := rkgp.Network{N: 100, T: 0.05, Lambda0: 1, Lambda1: 1, Act: kernel.ReLU}
	s, err := transfer.NewSolver(transfer.Problem{Source: src, Target: tgt, Net: net}, nil)
	if err != nil {
		log.Fatal(err)
	}
	// zero prints the rounding noise of an exact zero (ĉ_st, ĉ_tt at gamma = 0)
	// as 0 rather than -0.0000.
	zero := func(x float64) float64 {
		if math.Abs(x) < 1e-12 {
			return 0
		}
		return x
	}
	for _, gamma := range []float64{0, 1, 10} {
		m, err := s.Fit(gamma)
		if err != nil {
			log.Fatal(err)
		}
		r, err := m.Risk(test)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("gamma %2g: q_t %.4f q_st %.4f q_tt %.4f ĉ_t %.4f ĉ_st %.4f ĉ_tt %.4f error %.4f\n",
			gamma, m.Q.T, m.Q.ST, m.Q.TT, m.Mean.T, zero(m.Mean.ST), zero(m.Mean.TT), r.Total)
	}
	// Output:
	// gamma  0: q_t 0.9896 q_st -0.0001 q_tt 0.0000 ĉ_t 0.9990 ĉ_st 0.0000 ĉ_tt 0.0000 error 0.4742
	// gamma  1: q_t 1.0415 q_st 0.1579 q_tt 0.1050 ĉ_t 1.0514 ĉ_st 0.1595 ĉ_tt 0.1060 error 0.4024
	// gamma 10: q_t 1.0054 q_st 0.2204 q_tt 0.2574 ĉ_t 1.0150 ĉ_st 0.2226 ĉ_tt 0.2599 error 0.3944
}
