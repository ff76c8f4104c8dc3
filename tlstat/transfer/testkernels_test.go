package transfer

import (
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// TestSharedTestKernels checks that a grid point builds the target-side test
// kernels of each batch once for its model and both baselines (the baselines
// find every batch in the point's testShare), and that the shared kernels
// give exactly the numbers each model gives when it builds its own
// (tolerance 0: the same kernels from the same inputs), with the test set
// split into batches so that the share is looked up per batch. A share of
// another test matrix or another coupling must be ignored.
func TestSharedTestKernels(t *testing.T) {
	const batch = 64
	p, test := teacherProblem(t, 5, 0.8, rkgp.Network{N: 100, T: 0.05, Lambda0: 1, Lambda1: 1}, 120, 60)
	s, err := NewSolver(p, &Settings{Batch: batch})
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Fit(3)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := test.X.Dims()
	batches := (rows + batch - 1) / batch
	if batches < 2 {
		t.Fatalf("test set of %d rows is one batch of %d", rows, batch)
	}

	sh := newTestShare(m.c, test.X)
	shared, err := s.pointShared(m, test, true, nil, sh)
	if err != nil {
		t.Fatal(err)
	}
	// The model builds every batch; the two baselines find them all.
	if sh.built != batches || len(sh.batch) != batches || sh.used != 2*batches {
		t.Errorf("share built %d batches (%d kept) and answered %d lookups, want %d, %d and %d",
			sh.built, len(sh.batch), sh.used, batches, batches, 2*batches)
	}
	pt, err := s.point(m, test, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	unshared, err := s.pointShared(m, test, true, nil, nil)
	if err != nil {
		t.Fatal(err)
	}

	nn, err := m.c.at(Order{T: 1}, false)
	if err != nil {
		t.Fatal(err)
	}
	inf, err := nn.Risk(test)
	if err != nil {
		t.Fatal(err)
	}
	ro, err := s.regularizationOnly(m.c)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := ro.Risk(test)
	if err != nil {
		t.Fatal(err)
	}
	own, err := m.Risk(test)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want rkgp.Risk
	}{
		{"model, share", shared.Risk, own},
		{"infinite width, share", shared.InfiniteWidth, inf},
		{"regularization-only, share", shared.RegularizationOnly, reg},
		{"model, point", pt.Risk, own},
		{"infinite width, point", pt.InfiniteWidth, inf},
		{"regularization-only, point", pt.RegularizationOnly, reg},
		{"model, no share", unshared.Risk, own},
		{"infinite width, no share", unshared.InfiniteWidth, inf},
		{"regularization-only, no share", unshared.RegularizationOnly, reg},
	} {
		if c.got != c.want {
			t.Errorf("%s gives %+v, own kernels %+v", c.name, c.got, c.want)
		}
	}

	other, err := s.Couple(m.Gamma + 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		sh   *testShare
	}{
		{"another test matrix", newTestShare(m.c, mat.DenseCopyOf(test.X))},
		{"another coupling", newTestShare(other, test.X)},
	} {
		got, err := m.risk(test, c.sh)
		if err != nil {
			t.Fatal(err)
		}
		if got != own || c.sh.built != 0 || c.sh.used != 0 || len(c.sh.batch) != 0 {
			t.Errorf("%s: risk %+v (own kernels %+v), share built %d and answered %d lookups, want it unused",
				c.name, got, own, c.sh.built, c.sh.used)
		}
	}
}
