package transfer_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/transfer"
)

// ExampleModel_CumulantRisk compares the scalar transfer theory with its
// cumulant variant, a Monte Carlo estimate with a standard error (fixed
// seed, so the output is reproducible).
func ExampleModel_CumulantRisk() {
	tt := data.TeacherTransfer{N0: 50, Rho: 0.9, PS: 100, PT: 40, PTest: 200}
	src, _, tgt, test, err := tt.Sample(rand.NewPCG(1, 1))
	if err != nil {
		log.Fatal(err)
	}
	net := rkgp.Network{N: 100, T: 0.05, Lambda0: 1, Lambda1: 1}
	s, err := transfer.NewSolver(transfer.Problem{Source: src, Target: tgt, Net: net}, nil)
	if err != nil {
		log.Fatal(err)
	}
	m, err := s.Fit(10)
	if err != nil {
		log.Fatal(err)
	}
	scalar, err := m.Risk(test)
	if err != nil {
		log.Fatal(err)
	}
	c, err := m.CumulantRisk(test, rkgp.CumulantSettings{Samples: 8192})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("scalar %.3f, cumulant %.3f ± %.3f (%d draws)\n", scalar.Total, c.Risk.Total, c.Err, c.Samples)
	// Output:
	// scalar 0.353, cumulant 0.352 ± 0.001 (8192 draws)
}
