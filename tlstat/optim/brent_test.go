package optim

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

func TestBrentKnownRoots(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		f    func(float64) float64
		a, b float64
		want float64
	}{
		// x² - 2 has the root sqrt(2).
		{"sqrt2", func(x float64) float64 { return x*x - 2 }, 0, 2, math.Sqrt2},
		// cos x = x: the Dottie number 0.7390851332151607 (OEIS A003957).
		{"dottie", func(x float64) float64 { return math.Cos(x) - x }, 0, 1, 0.7390851332151607},
		// exp(x) = 10 at x = ln 10.
		{"exp", func(x float64) float64 { return math.Exp(x) - 10 }, -5, 5, math.Ln10},
		// A cubic with a triple root at 1 (slow for Newton, fine for Brent's bisection safeguard).
		{"triple", func(x float64) float64 { return (x - 1) * (x - 1) * (x - 1) }, -3, 4, 1},
		// sin has its root at pi in [3, 4].
		{"sin", math.Sin, 3, 4, math.Pi},
		// A step function: the "root" is the discontinuity at 0.3; Brent must still bracket it.
		{"step", func(x float64) float64 {
			if x < 0.3 {
				return -1
			}
			return 1
		}, 0, 1, 0.3},
		// Decreasing function: 1/x - 4 has its root at 0.25.
		{"decreasing", func(x float64) float64 { return 1/x - 4 }, 0.01, 10, 0.25},
	} {
		res, err := Brent(tc.f, tc.a, tc.b, nil)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		// 1e-14: the default XTol is 1e-15 plus 2 eps |x|, a few ulps for roots of order one;
		// the triple root is only located to about cbrt(eps) in function value but the sign change is exact.
		tol := 1e-14
		if tc.name == "triple" {
			tol = 1e-5 // |f| < eps near x=1 within ~cbrt(1e-16) = 5e-6 of the root
		}
		if !scalar.EqualWithinAbsOrRel(res.X, tc.want, tol, tol) {
			t.Errorf("%s: root %.17g, want %.17g (|f| = %g, %d iterations)", tc.name, res.X, tc.want, res.F, res.Iterations)
		}
		if !res.Converged {
			t.Errorf("%s: not converged", tc.name)
		}
	}
}

func TestBrentErrors(t *testing.T) {
	t.Parallel()
	_, err := Brent(func(x float64) float64 { return x*x + 1 }, -1, 1, nil)
	if !errors.Is(err, ErrNotBracketed) {
		t.Errorf("unbracketed: err = %v, want ErrNotBracketed", err)
	}
	_, err = Brent(func(float64) float64 { return math.NaN() }, -1, 1, nil)
	if err == nil {
		t.Error("NaN function: no error")
	}
	_, err = Brent(math.Sin, math.NaN(), 1, nil)
	if err == nil {
		t.Error("NaN bracket: no error")
	}
	// Two iterations cannot locate sqrt(2) to 1e-15 starting from [0, 100].
	res, err := Brent(func(x float64) float64 { return x*x - 2 }, 0, 100, &Settings{MaxIter: 2})
	if err == nil || res.Converged {
		t.Errorf("budget of 2 iterations: err = %v, converged = %v", err, res.Converged)
	}
	// A zero at an end is returned exactly.
	res, err = Brent(math.Sin, 0, 1, nil)
	if err != nil || res.X != 0 {
		t.Errorf("root at end: %v, %v", res.X, err)
	}
}

func TestSignChanges(t *testing.T) {
	t.Parallel()
	// (x-1)(x-2)(x-3) has roots 1, 2, 3; slopes +, -, + (a minimum of the antiderivative at 1 and 3).
	f := func(x float64) float64 { return (x - 1) * (x - 2) * (x - 3) }
	xs := make([]float64, 41)
	for i := range xs {
		xs[i] = 0.05 + 0.1*float64(i) // grid avoiding the roots exactly
	}
	br, err := SignChanges(f, xs)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		root   float64
		rising bool
	}{{1, true}, {2, false}, {3, true}}
	if len(br) != len(want) {
		t.Fatalf("got %d brackets, want %d", len(br), len(want))
	}
	for i, b := range br {
		if b.Rising() != want[i].rising {
			t.Errorf("bracket %d: rising = %v", i, b.Rising())
		}
		r, err := Brent(f, b.A, b.B, nil)
		if err != nil {
			t.Fatal(err)
		}
		// 1e-14: Brent's default tolerance on roots of order one.
		if !scalar.EqualWithinAbsOrRel(r.X, want[i].root, 1e-14, 1e-14) {
			t.Errorf("root %d = %v, want %v", i, r.X, want[i].root)
		}
	}
	if _, err := SignChanges(func(float64) float64 { return math.NaN() }, xs); err == nil {
		t.Error("NaN: no error")
	}
	g := LogGrid(1e-3, 1e3, 7)
	// log(1e-3) and log(1e3) are the grid ends, spaced by log(10).
	if !scalar.EqualWithinAbsOrRel(g[0], math.Log(1e-3), 1e-15, 1e-15) || g[6] != math.Log(1e3) ||
		!scalar.EqualWithinAbsOrRel(g[1]-g[0], math.Ln10, 1e-14, 1e-14) {
		t.Errorf("LogGrid = %v", g)
	}
}

func BenchmarkBrent(b *testing.B) {
	f := func(x float64) float64 { return math.Cos(x) - x }
	for b.Loop() {
		_, _ = Brent(f, 0, 1, nil)
	}
}
