package transfer

import (
	"testing"

	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// TestSharedTestKernels checks that the baselines of a grid point, which
// predict with the target-side test kernels of the point's model
// (Coupled.shareTest), give exactly the numbers they give when they build
// their own (tolerance 0: the same kernels from the same inputs), with the
// test set split into batches so that the share is looked up per batch.
func TestSharedTestKernels(t *testing.T) {
	p, test := teacherProblem(t, 5, 0.8, rkgp.Network{N: 100, T: 0.05, Lambda0: 1, Lambda1: 1}, 120, 60)
	s, err := NewSolver(p, &Settings{Batch: 64})
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Fit(3)
	if err != nil {
		t.Fatal(err)
	}
	pt, err := s.point(m, test, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.c.share.Load() != nil {
		t.Error("the share outlived the point")
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
	}{{"model", pt.Risk, own}, {"infinite width", pt.InfiniteWidth, inf}, {"regularization-only", pt.RegularizationOnly, reg}} {
		if c.got != c.want {
			t.Errorf("%s: shared kernels give %+v, own kernels %+v", c.name, c.got, c.want)
		}
	}
}
