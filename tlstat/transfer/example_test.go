package transfer_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/transfer"
)

// Example sweeps the coupling for a pair of related synthetic teachers and
// prints the transfer error against the baselines.
func Example() {
	tt := data.TeacherTransfer{N0: 50, Rho: 0.9, PS: 200, PT: 40, PTest: 500}
	src, _, tgt, test, err := tt.Sample(rand.NewPCG(1, 1))
	if err != nil {
		log.Fatal(err)
	}
	net := rkgp.Network{N: 100, T: 0.05, Lambda0: 1, Lambda1: 1}
	s, err := transfer.NewSolver(transfer.Problem{Source: src, Target: tgt, Net: net}, nil)
	if err != nil {
		log.Fatal(err)
	}
	sw, err := s.Sweep([]float64{0, 1, 10, 100}, test)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("q_s = %.4f\n", sw.QSource)
	for _, p := range sw.Points {
		fmt.Printf("gamma %5g: q_t %.4f q_st %.4f q_tt %.4f error %.4f (infinite width %.4f)\n",
			p.Gamma, p.Q.T, p.Q.ST, p.Q.TT, p.Risk.Total, p.InfiniteWidth.Total)
	}
	fmt.Printf("scratch %.4f, frozen %.4f, optimal gamma %.3g, gain %.4f\n",
		sw.Scratch.Risk.Total, sw.Frozen.Risk.Total, sw.Best.Gamma, sw.Best.Gain)
	// Output:
	// q_s = 0.8040
	// gamma     0: q_t 0.9435 q_st 0.0000 q_tt 0.0000 error 0.4195 (infinite width 0.4304)
	// gamma     1: q_t 0.9606 q_st 0.1365 q_tt 0.0852 error 0.3697 (infinite width 0.3969)
	// gamma    10: q_t 0.9415 q_st 0.2067 q_tt 0.2070 error 0.3554 (infinite width 0.4199)
	// gamma   100: q_t 0.9388 q_st 0.2154 q_tt 0.2383 error 0.3577 (infinite width 0.4291)
	// scratch 0.4195, frozen 0.3581, optimal gamma 5.34, gain 0.0647
}

// ExampleCouplingCovariances prints the first-layer covariances induced by
// the coupling at lambda0 = 1.
func ExampleCouplingCovariances() {
	for _, g := range []float64{0, 1, 1e6} {
		c, err := transfer.CouplingCovariances(g, 1)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("gamma %g: c_ss %.4f c_st %.4f c_tt %.4f c_tt' %.4f\n", g, c.SS, c.ST, c.TT, c.TTp)
	}
	// Output:
	// gamma 0: c_ss 1.0000 c_st 0.0000 c_tt 1.0000 c_tt' 0.0000
	// gamma 1: c_ss 1.0000 c_st 0.5000 c_tt 0.7500 c_tt' 0.2500
	// gamma 1e+06: c_ss 1.0000 c_st 1.0000 c_tt 1.0000 c_tt' 1.0000
}
