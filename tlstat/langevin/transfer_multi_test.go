package langevin

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/transfer"
)

// asMulti returns d with its labels as a one-column matrix.
func asMulti(d *data.Dataset) *data.MultiDataset {
	return &data.MultiDataset{X: d.X, Y: mat.NewDense(d.Len(), 1, append([]float64(nil), d.Y...))}
}

// TestTransferMultiOneOutput: with one output TransferMulti is Transfer
// with the HMC sampler, draw for draw (the same generators in the same
// order), so the source and target estimates are identical; the overlap,
// which TransferMulti does not measure, is NaN.
func TestTransferMultiOneOutput(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 31))
	src, tgt := randomData(14, 6, rng), randomData(8, 6, rng)
	srcTest, tgtTest := randomData(10, 6, rng), randomData(10, 6, rng)
	net := Network{N: 10, T: 0.2, Lambda0: 1, Lambda1: 1}
	smp := func() *Sampler { return &Sampler{Src: rand.NewPCG(32, 32), Chains: 4, BurnIn: 40, Steps: 40} }
	gammas := []float64{0, 3}
	a, err := smp().Transfer(net, TransferProblem{Source: src, Target: tgt, SourceTest: srcTest, TargetTest: tgtTest, Gammas: gammas, Snapshots: 2})
	if err != nil {
		t.Fatal(err)
	}
	b, err := smp().TransferMulti(net, MultiTransferProblem{Source: asMulti(src), Target: asMulti(tgt), SourceTest: asMulti(srcTest),
		TargetTest: asMulti(tgtTest), Gammas: gammas, Snapshots: 2})
	if err != nil {
		t.Fatal(err)
	}
	if a.Source.TestError.Mean != b.Source.TestError.Mean || a.Source.VNorm.Mean != b.Source.VNorm.Mean {
		t.Errorf("source: Transfer %v, TransferMulti %v", a.Source.TestError, b.Source.TestError)
	}
	for i := range gammas {
		x, y := a.Targets[i], b.Targets[i]
		if x.TestError.Mean != y.TestError.Mean || x.TestError.Err != y.TestError.Err || x.TrainError.Mean != y.TrainError.Mean ||
			x.VNorm.Mean != y.VNorm.Mean || x.TestError.RHat != y.TestError.RHat {
			t.Errorf("gamma %v: Transfer %+v %+v, TransferMulti %+v %+v", gammas[i], x.TestError, x.VNorm, y.TestError, y.VNorm)
		}
		if !math.IsNaN(y.Overlap.Mean) {
			t.Errorf("gamma %v: overlap %v, want NaN", gammas[i], y.Overlap.Mean)
		}
	}
	if _, err := (&Sampler{Method: MALA}).TransferMulti(net, MultiTransferProblem{Source: asMulti(src), Target: asMulti(tgt), Gammas: gammas}); err == nil {
		t.Error("TransferMulti accepted MALA")
	}
}

// TestTransferMultiLinear checks the D-output transfer chains on a case
// with an exact answer: at γ = 0 the target chains sample the D-output
// target posterior whatever the source snapshot, so their test error and
// |v|²/N must equal those of RunMulti on the target (linear activation,
// D = 2) within 4 combined standard errors, with every estimate converged.
// At γ > 0 it logs the comparison with the multi-output transfer theory,
// which is exact only in the proportional limit.
func TestTransferMultiLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("long: transfer chains")
	}
	rng := rand.New(rand.NewPCG(41, 41))
	mk := func(p int) *data.MultiDataset {
		x := mat.NewDense(p, 6, nil)
		y := mat.NewDense(p, 2, nil)
		for i := range p {
			for j := range 6 {
				x.Set(i, j, rng.NormFloat64())
			}
			y.Set(i, 0, math.Copysign(0.5, x.At(i, 0)+x.At(i, 1)))
			y.Set(i, 1, -y.At(i, 0))
			if x.At(i, 2) > 0.5 {
				y.Set(i, 1, 0.5)
			}
		}
		return &data.MultiDataset{X: x, Y: y}
	}
	src, tgt, test := mk(12), mk(8), mk(40)
	net := Network{N: 16, T: 0.1, Lambda0: 1, Lambda1: 1, Act: kernel.Linear}
	gammas := []float64{0, 4}
	res, err := (&Sampler{Src: rand.NewPCG(42, 42), Chains: 4}).TransferMulti(net,
		MultiTransferProblem{Source: src, Target: tgt, TargetTest: test, Gammas: gammas, Snapshots: 2})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := (&Sampler{Src: rand.NewPCG(43, 43), Chains: 4}).RunMulti(net, tgt, test)
	if err != nil {
		t.Fatal(err)
	}
	if !ref.Converged {
		t.Fatalf("reference RunMulti not converged (%s)", ref.Stop)
	}
	g0 := res.Targets[0]
	if !g0.Converged {
		t.Fatalf("gamma 0: not converged (%s)", g0.Stop)
	}
	for _, c := range []struct {
		name      string
		got, want Estimate
	}{{"test error", g0.TestError, ref.TestError}, {"|v|²/N", g0.VNorm, ref.VNorm}} {
		d, e := c.got.Mean-c.want.Mean, math.Hypot(c.got.Err, c.want.Err)
		t.Logf("gamma 0 %s: transfer %.4f ± %.4f, RunMulti %.4f ± %.4f", c.name, c.got.Mean, c.got.Err, c.want.Mean, c.want.Err)
		if math.Abs(d) > 4*e { // 4σ
			t.Errorf("gamma 0 %s differs from RunMulti by %.4f (> 4 × %.4f)", c.name, d, e)
		}
	}
	// The readouts' second-moment matrix likewise, entry by entry.
	if g0.ReadoutMoment == nil || ref.ReadoutMoment == nil {
		t.Fatalf("readout moment not recorded: transfer %v, RunMulti %v", g0.ReadoutMoment, ref.ReadoutMoment)
	}
	for a := range 2 {
		for b := 0; b <= a; b++ {
			got, want := g0.ReadoutMoment.At(a, b), ref.ReadoutMoment.At(a, b)
			if d, e := got.Mean-want.Mean, math.Hypot(got.Err, want.Err); math.Abs(d) > 4*e { // 4σ
				t.Errorf("gamma 0 v_%d·v_%d/N: transfer %.4f ± %.4f, RunMulti %.4f ± %.4f", a, b, got.Mean, got.Err, want.Mean, want.Err)
			}
		}
	}
	sv, err := transfer.NewMultiSolver(transfer.MultiProblem{Source: src, Target: tgt, Net: rkgp.Network(net)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range gammas {
		m, err := sv.Fit(g)
		if err != nil {
			t.Fatal(err)
		}
		risk, err := m.Risk(test)
		if err != nil {
			t.Fatal(err)
		}
		tr := res.Targets[i]
		t.Logf("gamma %v: test error %.4f ± %.4f (R̂ %.3f, ESS %.0f, converged %v) theory %.4f; |v|²/N %.4f ± %.4f theory %.4f",
			g, tr.TestError.Mean, tr.TestError.Err, tr.TestError.RHat, tr.TestError.ESS, tr.Converged, risk.Total,
			tr.VNorm.Mean, tr.VNorm.Err, m.ReadoutNorm())
	}
}
