package transfer

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats/scalar"
)

// teacherProblem is a synthetic related pair (erf teachers with overlap rho)
// with a target test set.
func teacherProblem(t testing.TB, seed uint64, rho float64, net rkgp.Network, ps, pt int) (Problem, *data.Dataset) {
	t.Helper()
	tt := data.TeacherTransfer{N0: 40, Rho: rho, PS: ps, PT: pt, PTest: 200}
	src, _, tgt, test, err := tt.Sample(rand.NewPCG(seed, 1))
	if err != nil {
		t.Fatal(err)
	}
	return Problem{Source: src, Target: tgt, Net: net}, test
}

// TestGradientFiniteDifferences compares the analytic gradient of S_1 with
// central differences of the action, for the odd theory (erf; in
// (q_t, q_st, q_tt)) and the mean-mode theory (ReLU; in (q, ĉ)), at random
// points of the domain.
func TestGradientFiniteDifferences(t *testing.T) {
	for _, tc := range []struct {
		name   string
		act    kernel.Activation
		gammas []float64
		// draw returns a random point in the action's variables.
		draw     func(rng *rand.Rand) []float64
		action   func(c *Coupled, x []float64) (float64, error)
		gradient func(c *Coupled, x []float64) ([]float64, error)
	}{
		{
			name: "erf", act: nil, gammas: []float64{0.3, 4, math.Inf(1)},
			draw: func(rng *rand.Rand) []float64 {
				q := Order{T: 0.5 + rng.Float64(), ST: rng.Float64() - 0.5, TT: 0.4 * rng.Float64()}
				return []float64{q.T, q.ST, q.TT}
			},
			action: func(c *Coupled, x []float64) (float64, error) { return c.Action(Order{T: x[0], ST: x[1], TT: x[2]}) },
			gradient: func(c *Coupled, x []float64) ([]float64, error) {
				g, err := c.Gradient(Order{T: x[0], ST: x[1], TT: x[2]})
				return g[:], err
			},
		},
		{
			name: "relu", act: kernel.ReLU, gammas: []float64{0, 0.3, 4, math.Inf(1)},
			draw: func(rng *rand.Rand) []float64 {
				q := Order{T: 0.5 + rng.Float64(), ST: rng.Float64() - 0.5, TT: 0.4 * rng.Float64()}
				cm := MeanOrder{T: 0.5 + rng.Float64(), ST: 0.6 * (rng.Float64() - 0.5), TT: 0.3 * rng.Float64()}
				return []float64{q.T, q.ST, q.TT, cm.T, cm.ST, cm.TT}
			},
			action: func(c *Coupled, x []float64) (float64, error) {
				return c.ActionMean(Order{T: x[0], ST: x[1], TT: x[2]}, MeanOrder{T: x[3], ST: x[4], TT: x[5]})
			},
			gradient: func(c *Coupled, x []float64) ([]float64, error) {
				g, err := c.GradientMean(Order{T: x[0], ST: x[1], TT: x[2]}, MeanOrder{T: x[3], ST: x[4], TT: x[5]})
				return g[:], err
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := referenceProblem()
			p.Net.Act = tc.act
			p.SourceT = 0.1 // exercise T_s != T_t
			s, err := NewSolver(p, nil)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 1))
			// Central differences with gonum's default step (~6e-6) are accurate to
			// about h² |S'''| + eps|S|/h ≈ 1e-10; 1e-7 leaves a wide margin while a
			// wrong term (O(1/N) = 0.04) would fail by far.
			const tol = 1e-7
			for _, gamma := range tc.gammas {
				c, err := s.Couple(gamma)
				if err != nil {
					t.Fatal(err)
				}
				for trial := 0; trial < 4; trial++ {
					x := tc.draw(rng)
					if _, err := tc.action(c, x); err != nil {
						continue // outside the domain
					}
					grad, err := tc.gradient(c, x)
					if err != nil {
						t.Fatal(err)
					}
					num := fd.Gradient(nil, func(x []float64) float64 {
						v, err := tc.action(c, x)
						if err != nil {
							t.Fatal(err)
						}
						return v
					}, x, &fd.Settings{Formula: fd.Central})
					for i := range num {
						if !scalar.EqualWithinAbsOrRel(grad[i], num[i], tol, tol) {
							t.Errorf("gamma %v at %v: component %d analytic %.12g finite differences %.12g", gamma, x, i, grad[i], num[i])
						}
					}
				}
			}
		})
	}
}

func TestResidualAtSolutions(t *testing.T) {
	p, test := referenceProblem()
	s, err := NewSolver(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	sw, err := s.Sweep([]float64{0, 0.01, 0.1, 1, 10, 100, 1000}, test)
	if err != nil {
		t.Fatal(err)
	}
	for _, pt := range append(sw.Points, sw.Frozen) {
		// |grad S_1| < 1e-9 (the default Settings.FloorTol) at every solution.
		if !pt.Converged || pt.Residual > 1e-9 {
			t.Errorf("gamma %v: converged %v residual %g", pt.Gamma, pt.Converged, pt.Residual)
		}
		c, _ := s.Couple(pt.Gamma)
		g, err := c.Gradient(pt.Q)
		if err != nil {
			t.Fatal(err)
		}
		if r := norm3(g); r > 1e-9 {
			t.Errorf("gamma %v: recomputed residual %g", pt.Gamma, r)
		}
	}
}

func TestScratchLimit(t *testing.T) {
	// gamma = 0 with odd activations: q_st = q_tt = 0 exactly and the target
	// theory is the single-network theory (rkgp, eigenbasis solve) to 1e-10.
	const tol = 1e-10
	for _, tc := range []struct {
		name string
		net  rkgp.Network
	}{
		{"erf", rkgp.Network{N: 50, T: 0.05, Lambda0: 1, Lambda1: 1}},
		{"linear", rkgp.Network{N: 30, T: 0.2, Lambda0: 1.5, Lambda1: 0.7, Act: kernelLinear()}},
	} {
		p, test := teacherProblem(t, 3, 0.8, tc.net, 60, 30)
		s, err := NewSolver(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		m := s.Scratch()
		fit, err := rkgp.Fit(p.Target, tc.net, nil)
		if err != nil {
			t.Fatal(err)
		}
		want, err := fit.Risk(test)
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.Risk(test)
		if err != nil {
			t.Fatal(err)
		}
		if m.Q.ST != 0 || m.Q.TT != 0 {
			t.Errorf("%s: q_st = %v, q_tt = %v, want 0", tc.name, m.Q.ST, m.Q.TT)
		}
		for _, c := range []struct {
			what      string
			got, want float64
		}{{"q_t", m.Q.T, fit.Q}, {"error", got.Total, want.Total}, {"bias2", got.Bias2, want.Bias2}, {"variance", got.Variance, want.Variance}} {
			if !scalar.EqualWithinAbsOrRel(c.got, c.want, tol, tol) {
				t.Errorf("%s: %s transfer %.15g single network %.15g", tc.name, c.what, c.got, c.want)
			}
		}
		mean, _, _ := m.Predict(test.X)
		fm, _, _ := fit.Predict(test.X)
		for i := range mean {
			if !scalar.EqualWithinAbsOrRel(mean[i], fm[i], tol, tol) {
				t.Errorf("%s: prediction %d: %v vs %v", tc.name, i, mean[i], fm[i])
				break
			}
		}
	}
}

// limitCases are the activations of the infinite-width and frozen limit
// tests: the default odd one (erf, the odd theory) and ReLU (the mean-mode theory).
var limitCases = []struct {
	name string
	act  kernel.Activation
	mean bool // the mean-mode theory: ĉ is checked too
}{
	{"erf", nil, false}, // nil: kernel.Erf, the Network default
	{"relu", kernel.ReLU, true},
}

func TestInfiniteWidthLimit(t *testing.T) {
	for _, tc := range limitCases {
		t.Run(tc.name, func(t *testing.T) {
			net := rkgp.Network{N: 1e9, T: 0.05, Lambda0: 1, Lambda1: 1, Act: tc.act}
			p, test := teacherProblem(t, 5, 0.8, net, 60, 30)
			s, err := NewSolver(p, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, gamma := range []float64{0.5, 5} {
				m, err := s.Fit(gamma)
				if err != nil {
					t.Fatal(err)
				}
				// Finite-width corrections are O(P/N) = 1e-7 (P ≈ 100, N = 1e9).
				const tol = 1e-6
				if math.Abs(m.Q.T-1) > tol || math.Abs(m.Q.ST) > tol || math.Abs(m.Q.TT) > tol {
					t.Errorf("gamma %v: q = %+v, want (1, 0, 0)", gamma, m.Q)
				}
				if tc.mean && (math.Abs(m.Mean.T-1) > tol || math.Abs(m.Mean.ST) > tol || math.Abs(m.Mean.TT) > tol) {
					t.Errorf("gamma %v: ĉ = %+v, want (1, 0, 0)", gamma, m.Mean)
				}
				got, _ := m.Risk(test)
				nn, err := s.InfiniteWidth(gamma)
				if err != nil {
					t.Fatal(err)
				}
				want, _ := nn.Risk(test)
				if !scalar.EqualWithinAbsOrRel(got.Total, want.Total, tol, tol) {
					t.Errorf("gamma %v: N = 1e9 error %v, infinite-width %v", gamma, got.Total, want.Total)
				}
				// The infinite-width baseline is the target NNGP with lambda0_eff =
				// 1/c_tt(gamma): compare with rkgp's independent eigenbasis GP to 1e-10.
				net0 := net
				net0.Lambda0 = 1 / nn.Cov.TT
				ref, err := rkgp.InfiniteWidth(p.Target, net0)
				if err != nil {
					t.Fatal(err)
				}
				rr, _ := ref.Risk(test)
				if !scalar.EqualWithinAbsOrRel(want.Total, rr.Total, 1e-10, 1e-10) {
					t.Errorf("gamma %v: infinite-width baseline %.15g, rkgp NNGP %.15g", gamma, want.Total, rr.Total)
				}
			}
		})
	}
}

func TestFrozenLimit(t *testing.T) {
	for _, tc := range limitCases {
		t.Run(tc.name, func(t *testing.T) {
			net := rkgp.Network{N: 50, T: 0.05, Lambda0: 1, Lambda1: 1, Act: tc.act}
			p, test := teacherProblem(t, 7, 0.8, net, 60, 30)
			s, err := NewSolver(p, nil)
			if err != nil {
				t.Fatal(err)
			}
			fz, err := s.Frozen()
			if err != nil {
				t.Fatal(err)
			}
			ef, _ := fz.Risk(test)
			prev := math.Inf(1)
			for _, gamma := range []float64{1e2, 1e4, 1e6} {
				m, err := s.Fit(gamma)
				if err != nil {
					t.Fatal(err)
				}
				e, _ := m.Risk(test)
				d := math.Abs(e.Total - ef.Total)
				t.Logf("gamma %g: error %.10g, frozen %.10g, q %+v ĉ %+v vs %+v %+v", gamma, e.Total, ef.Total, m.Q, m.Mean, fz.Q, fz.Mean)
				if d >= prev {
					t.Errorf("gamma %g: distance to the frozen limit %g did not shrink (previous %g)", gamma, d, prev)
				}
				prev = d
			}
			// Covariances approach 1/lambda0 with corrections O(lambda0/gamma) = 1e-6
			// at gamma = 1e6; allow 1e-5 on the error.
			if prev > 1e-5 {
				t.Errorf("gamma 1e6: error differs from the frozen limit by %g", prev)
			}
		})
	}
}
