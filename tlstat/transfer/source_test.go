package transfer

import (
	"math/rand/v2"
	"testing"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"gonum.org/v1/gonum/floats/scalar"
)

// TestSourceModel checks Solver.Source against an independent single-network
// fit of the source task, both when NewSolver solves q_s (at a source
// temperature different from the target's) and when Settings.SourceQ fixes
// it to the same value.
func TestSourceModel(t *testing.T) {
	net := rkgp.Network{N: 60, T: 0.05, Lambda0: 1, Lambda1: 1}
	src, srcTest, tgt, _, err := data.TeacherTransfer{N0: 40, Rho: 0.7, PS: 50, PT: 20, PTest: 200}.Sample(rand.NewPCG(3, 1))
	if err != nil {
		t.Fatal(err)
	}
	p := Problem{Source: src, Target: tgt, Net: net, SourceT: 0.2}
	srcNet := net
	srcNet.T = p.SourceT
	want, err := rkgp.Fit(p.Source, srcNet, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantRisk, err := want.Risk(srcTest)
	if err != nil {
		t.Fatal(err)
	}
	solved, err := NewSolver(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	fixed, err := NewSolver(p, &Settings{SourceQ: want.Q})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		s    *Solver
	}{{"solved", solved}, {"SourceQ", fixed}} {
		m, err := c.s.Source()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if m.Q != want.Q || m.Net.T != p.SourceT {
			t.Errorf("%s: q = %v at T = %v, want %v at T = %v", c.name, m.Q, m.Net.T, want.Q, p.SourceT)
		}
		r, err := m.Risk(srcTest)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !scalar.EqualWithinAbsOrRel(r.Total, wantRisk.Total, 1e-12, 1e-10) {
			t.Errorf("%s: source risk %v, independent fit %v", c.name, r.Total, wantRisk.Total)
		}
		if !scalar.EqualWithinAbsOrRel(m.ReadoutNorm(), want.ReadoutNorm(), 1e-12, 1e-10) {
			t.Errorf("%s: readout norm %v, independent fit %v", c.name, m.ReadoutNorm(), want.ReadoutNorm())
		}
	}
}
