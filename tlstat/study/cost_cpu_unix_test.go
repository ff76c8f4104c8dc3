//go:build unix

package study

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/tlstat/tlstat/tlstat/fastblas"
	"github.com/tlstat/tlstat/tlstat/langevin"
)

var measureCPU = flag.Bool("measure-cpu", false, "rewrite "+costCPU+" by timing the sampler (about 4 minutes)")

// TestCostCPUMeasure times the sampler itself in CPU seconds, which the
// load of a shared machine barely changes, on shapes that separate
// CostModel's terms (N0 from 20 to 784, P from 50 to 800, N from 200 to
// 800; HMC, and MALA at two N0), and writes the stages to costCPU for
// TestCostModelFit. It runs only with -measure-cpu:
//
//	GOMAXPROCS=1 go test ./tlstat/study -run TestCostCPUMeasure -v -args -measure-cpu
//
// Each stage is the difference of two runs of one chain with a fixed
// burn-in (so that the set-up and the warm-up cancel), on Gaussian inputs
// with 1000 test inputs, twice over.
func TestCostCPUMeasure(t *testing.T) {
	if !*measureCPU {
		t.Skip("run with -args -measure-cpu")
	}
	rng := rand.New(rand.NewPCG(7, 7))
	cpu := func() float64 {
		var r syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &r); err != nil {
			t.Fatal(err)
		}
		return time.Duration(r.Utime.Nano() + r.Stime.Nano()).Seconds()
	}
	const q, leap = 1000, 10
	var samples []CostSample
	for rep := 1; rep <= 2; rep++ {
		for _, c := range []struct {
			method    langevin.Method
			n, p, n0  int
			its, base int // iterations of the two runs after the burn-in
		}{
			{langevin.HMC, 200, 400, 784, 14, 2}, {langevin.HMC, 200, 400, 196, 14, 2}, {langevin.HMC, 200, 400, 49, 14, 2},
			{langevin.HMC, 200, 400, 20, 14, 2}, {langevin.HMC, 200, 100, 196, 14, 2}, {langevin.HMC, 200, 800, 196, 14, 2},
			{langevin.HMC, 400, 400, 196, 14, 2}, {langevin.HMC, 800, 200, 196, 14, 2}, {langevin.HMC, 200, 50, 20, 14, 2},
			{langevin.MALA, 200, 400, 196, 150, 10}, {langevin.MALA, 200, 400, 784, 150, 10},
		} {
			train, test := firstAxisTask(rng, c.p, c.n0), firstAxisTask(rng, q, c.n0)
			net := langevin.Network{N: c.n, T: 0.05, Lambda0: 1, Lambda1: 1}
			run := func(steps int) float64 {
				s := &langevin.Sampler{Method: c.method, Chains: 1, BurnIn: 2, Steps: steps, Thin: 1, Leapfrog: leap, Warmup: 2,
					Eta: 1e-4, FixedStep: true, Workers: 1, Src: rand.NewPCG(3, 3)}
				start := cpu()
				if _, err := s.Run(net, train, test); err != nil {
					t.Fatal(err)
				}
				return cpu() - start
			}
			sec := run(c.its) - run(c.base)
			its := float64(c.its - c.base)
			grads := 1.0
			if c.method == langevin.HMC {
				grads = leap
			}
			s := CostSample{Label: fmt.Sprintf("%v N=%d P=%d N0=%d run %d", c.method, c.n, c.p, c.n0, rep), Method: c.method.String(),
				Chains: 1, Iterations: its, Measurements: its, Grads: grads, P: float64(c.p), Q: q, N: float64(c.n), N0: float64(c.n0), Seconds: sec}
			t.Logf("%s: %.4f CPU s per iteration", s.Label, sec/its)
			samples = append(samples, s)
		}
	}
	out := costCPUFile{Backend: fastblas.Backend(), Samples: samples}
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(costCPU, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
