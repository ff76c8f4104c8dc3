package lab

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/transfer"
)

// teacherCurve solves a small synthetic pair (erf teachers with overlap 0.8).
func teacherCurve(t *testing.T, gammas []float64) *Curve {
	t.Helper()
	src, _, tgt, test, err := data.TeacherTransfer{N0: 20, Rho: 0.8, PS: 40, PT: 20, PTest: 50}.Sample(rand.NewPCG(1, 2))
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCurve("teachers", transfer.Problem{Source: src, Target: tgt,
		Net: rkgp.Network{N: 30, T: 0.05, Lambda0: 1, Lambda1: 1}}, test, gammas)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestGammaGrids(t *testing.T) {
	g := LogGammas(-2, 3, 6)
	want := []float64{0, 1e-2, 1e-1, 1, 10, 100, 1000}
	if len(g) != len(want) {
		t.Fatalf("LogGammas = %v, want %v", g, want)
	}
	for i := range g {
		if math.Abs(g[i]-want[i]) > 1e-12*want[i] { // powers of ten computed by math.Pow: exact to rounding
			t.Errorf("LogGammas[%d] = %g, want %g", i, g[i], want[i])
		}
	}
	for _, c := range []struct {
		k    int
		want float64
	}{{0, 1e-2}, {25, math.Pow(10, 0.5)}, {50, 1e3}} {
		if got := SliderGamma(c.k, 50, -2, 3); math.Abs(got-c.want) > 1e-12*c.want {
			t.Errorf("SliderGamma(%d) = %g, want %g", c.k, got, c.want)
		}
	}
}

// At solves each coupling afresh; the sweep reached the same saddles by
// continuation. Both stop at |∇S| ~ 1e-10, so the errors agree to ~1e-9.
func TestCurveAtMatchesSweep(t *testing.T) {
	c := teacherCurve(t, LogGammas(-1, 2, 4))
	for _, p := range c.Sweep.Points {
		tr, inf, err := c.At(p.Gamma)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(tr.Total-p.Risk.Total) > 1e-8*p.Risk.Total {
			t.Errorf("γ = %g: At gives %.12f, sweep %.12f", p.Gamma, tr.Total, p.Risk.Total)
		}
		if math.Abs(inf.Total-p.InfiniteWidth.Total) > 1e-8*p.InfiniteWidth.Total {
			t.Errorf("γ = %g: infinite width %.12f, sweep %.12f", p.Gamma, inf.Total, p.InfiniteWidth.Total)
		}
	}
}

func TestGammaFigure(t *testing.T) {
	c := teacherCurve(t, LogGammas(-1, 2, 4))
	f, err := GammaFigure("title", 3, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Lines) != 2 || !f.Lines[1].Style.Dashed || len(f.Lines[0].X) != 4 {
		t.Errorf("lines %+v: want the transfer line and the dashed infinite-width line at the 4 positive couplings", f.Lines)
	}
	tr, _, err := c.At(3)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Points) != 1 || f.Points[0].Y[0] != tr.Total || !strings.Contains(f.Points[0].Name, "γ = 3,") {
		t.Errorf("mark %+v: want one point at γ = 3 with the error %g", f.Points, tr.Total)
	}
	if len(f.HLines) != 1 || f.HLines[0].Y != c.Sweep.Scratch.Risk.Total {
		t.Errorf("baselines %+v: want the scratch error %g", f.HLines, c.Sweep.Scratch.Risk.Total)
	}
}
