package transfer

import (
	"math"
	"testing"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// fitTeacher solves the transfer saddle of a teacher pair at gamma.
func fitTeacher(t *testing.T, net rkgp.Network, gamma float64) (*Model, *Solver, *data.Dataset) {
	t.Helper()
	p, test := teacherProblem(t, 3, 0.9, net, 60, 20)
	return fitProblem(t, p, test, gamma)
}

// fitProblem solves the transfer saddle of p at gamma.
func fitProblem(t *testing.T, p Problem, test *data.Dataset, gamma float64) (*Model, *Solver, *data.Dataset) {
	t.Helper()
	s, err := NewSolver(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Fit(gamma)
	if err != nil {
		t.Fatal(err)
	}
	return m, s, test
}

// TestCumulantZeroCorrectionIsScalar checks the dense predictor of the
// cumulant variant: with every correction zero it is the scalar theory's
// test error (Model.Risk, computed through the source factor and the
// batched predictor) to rounding, at couplings 0, 2 and +Inf.
func TestCumulantZeroCorrectionIsScalar(t *testing.T) {
	for _, gamma := range []float64{0, 2, math.Inf(1)} {
		m, _, test := fitTeacher(t, rkgp.Network{N: 40, T: 0.1, Lambda0: 1, Lambda1: 1}, gamma)
		cm, err := m.cumulantMats()
		if err != nil {
			t.Fatal(err)
		}
		ct := m.cumulantTestKernels(test)
		got, err := m.riskWithKernels(cm.ks, cm.kst, cm.kt, cm.ktp, ct.ks0, ct.kt0, ct.ktt0, ct.k00, ct.y)
		if err != nil {
			t.Fatal(err)
		}
		want, err := m.Risk(test)
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(got.Total-want.Total) / want.Total; d > 1e-9 || math.Abs(got.Bias2-want.Bias2) > 1e-9*want.Total {
			t.Errorf("gamma = %v: dense %+v, scalar %+v (relative difference %.2g)", gamma, got, want, d)
		}
	}
}

// TestCumulantLinearTransfer checks that the linear activation, whose
// features are Gaussian, gets the scalar theory exactly, with no Monte
// Carlo error.
func TestCumulantLinearTransfer(t *testing.T) {
	m, _, test := fitTeacher(t, rkgp.Network{N: 40, T: 0.1, Lambda0: 1, Lambda1: 1, Act: kernel.Linear}, 2)
	got, err := m.CumulantRisk(test, rkgp.CumulantSettings{})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := m.Risk(test)
	if got.Risk != want || got.Err != 0 {
		t.Errorf("linear: %+v, scalar %+v", got, want)
	}
}

// TestCumulantScratchIsSingle checks the replica algebra at gamma = 0: the
// target replicas are then independent of the source and of each other,
// every term of the tilt but the target's own has no fourth cumulant with
// the target's features, and the target's corrected test error is the
// single-network cumulant variant's on the target data (rkgp.Cumulant,
// other draws), within three combined Monte Carlo standard errors. The
// single network gets as many units as the transfer estimate has target
// replicas, since the estimate's small-sample bias depends on their number.
func TestCumulantScratchIsSingle(t *testing.T) {
	if testing.Short() {
		t.Skip("MNIST P_t = 200 with 65536 single-network draws")
	}
	p, test := mnistSized(t, 100, 200, 300, 200)
	net := p.Net
	m, s, test := fitProblem(t, p, test, 0)
	const draws = 16384
	got, err := m.CumulantRisk(test, rkgp.CumulantSettings{Samples: draws})
	if err != nil {
		t.Fatal(err)
	}
	single, err := rkgp.Fit(s.prob.Target, net, &rkgp.Settings{Cumulant: rkgp.CumulantSettings{Samples: cumulantReplicas * draws}})
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := single.WithVariant(rkgp.Cumulant)
	want, err := sc.Risk(test)
	if err != nil {
		t.Fatal(err)
	}
	se, err := sc.VariantRiskErr(test)
	if err != nil {
		t.Fatal(err)
	}
	scalar, _ := m.Risk(test)
	t.Logf("gamma = 0: scalar %.5f, transfer cumulant %.5f ± %.5f, single cumulant %.5f ± %.5f", scalar.Total, got.Risk.Total, got.Err, want.Total, se)
	if math.Abs(want.Total-scalar.Total) < 5*se {
		t.Fatalf("the single-network correction %.5f − %.5f is within five standard errors %.5f of zero: the test cannot tell", want.Total, scalar.Total, se)
	}
	if d := math.Abs(got.Risk.Total - want.Total); d > 3*math.Hypot(got.Err, se) {
		t.Errorf("gamma = 0: transfer cumulant %.5f ± %.5f, single-network %.5f ± %.5f: %.1f standard errors apart", got.Risk.Total, got.Err, want.Total, se, d/math.Hypot(got.Err, se))
	}
}

// TestCumulantTransferWide checks that the correction vanishes as N → ∞ at
// fixed P (it is proportional to Q/N): at N = 10⁷ the corrected test error
// is the scalar theory's to 1e-5 relative, at a coupling where every block
// of the tilt is non-zero.
func TestCumulantTransferWide(t *testing.T) {
	m, _, test := fitTeacher(t, rkgp.Network{N: 10_000_000, T: 0.1, Lambda0: 1, Lambda1: 1}, 2)
	got, err := m.CumulantRisk(test, rkgp.CumulantSettings{Samples: 4096})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := m.Risk(test)
	if d := math.Abs(got.Risk.Total-want.Total) / want.Total; d > 1e-5 {
		t.Errorf("N = 1e7: cumulant %.8f, scalar %.8f (relative %.2g)", got.Risk.Total, want.Total, d)
	}
}
