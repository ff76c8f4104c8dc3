package optim

import (
	"errors"
	"fmt"
	"math"
)

// Settings controls Brent. The zero value selects the documented defaults.
type Settings struct {
	// XTol is the absolute tolerance on the root location. The effective
	// tolerance at x is 2*eps*|x| + XTol/2 (Brent's criterion). Zero means 1e-15.
	XTol float64
	// MaxIter bounds the number of iterations. Zero means 200.
	MaxIter int
}

func (s *Settings) defaults() Settings {
	out := Settings{XTol: 1e-15, MaxIter: 200}
	if s == nil {
		return out
	}
	if s.XTol > 0 {
		out.XTol = s.XTol
	}
	if s.MaxIter > 0 {
		out.MaxIter = s.MaxIter
	}
	return out
}

// Result describes the outcome of a root search.
type Result struct {
	// X is the best approximation of the root and F the function value there.
	X, F float64
	// Iterations is the number of iterations and Evaluations the number of
	// calls of the function, including the two at the bracket ends.
	Iterations, Evaluations int
	// Converged reports whether the bracket shrank below the tolerance or an
	// exact zero was found.
	Converged bool
}

// ErrNotBracketed is returned (wrapped) by Brent when f(a) and f(b) have the
// same sign.
var ErrNotBracketed = errors.New("optim: root not bracketed")

// Brent finds a root of f in [a, b], where f(a) and f(b) must have opposite
// signs (or one of them be zero), using Brent's method (inverse quadratic
// interpolation and secant steps safeguarded by bisection). It returns an
// error if the interval is not a bracket, if f returns NaN, or if the
// iteration budget is exhausted; in the last case the Result still holds the
// best point found.
func Brent(f func(float64) float64, a, b float64, s *Settings) (Result, error) {
	set := s.defaults()
	if math.IsNaN(a) || math.IsNaN(b) || math.IsInf(a, 0) || math.IsInf(b, 0) {
		return Result{}, fmt.Errorf("optim: invalid bracket [%v, %v]", a, b)
	}
	fa, fb := f(a), f(b)
	res := Result{Evaluations: 2}
	if math.IsNaN(fa) || math.IsNaN(fb) {
		return res, fmt.Errorf("optim: function is NaN at a bracket end: f(%v) = %v, f(%v) = %v", a, fa, b, fb)
	}
	if fa == 0 {
		res.X, res.F, res.Converged = a, 0, true
		return res, nil
	}
	if fb == 0 {
		res.X, res.F, res.Converged = b, 0, true
		return res, nil
	}
	if (fa > 0) == (fb > 0) {
		return res, fmt.Errorf("%w: f(%v) = %v and f(%v) = %v have the same sign", ErrNotBracketed, a, fa, b, fb)
	}
	c, fc := a, fa
	d := b - a
	e := d
	for res.Iterations = 1; res.Iterations <= set.MaxIter; res.Iterations++ {
		if (fb > 0) == (fc > 0) {
			// Keep the root between b and c.
			c, fc = a, fa
			d = b - a
			e = d
		}
		if math.Abs(fc) < math.Abs(fb) {
			a, b, c = b, c, b
			fa, fb, fc = fb, fc, fb
		}
		tol := 2*epsilon*math.Abs(b) + 0.5*set.XTol
		m := 0.5 * (c - b)
		if math.Abs(m) <= tol || fb == 0 {
			res.X, res.F, res.Converged = b, fb, true
			return res, nil
		}
		if math.Abs(e) >= tol && math.Abs(fa) > math.Abs(fb) {
			// Try interpolation.
			var p, q float64
			sr := fb / fa
			if a == c {
				// Secant.
				p = 2 * m * sr
				q = 1 - sr
			} else {
				// Inverse quadratic interpolation.
				qa := fa / fc
				r := fb / fc
				p = sr * (2*m*qa*(qa-r) - (b-a)*(r-1))
				q = (qa - 1) * (r - 1) * (sr - 1)
			}
			if p > 0 {
				q = -q
			} else {
				p = -p
			}
			if 2*p < math.Min(3*m*q-math.Abs(tol*q), math.Abs(e*q)) {
				e = d
				d = p / q
			} else {
				d = m
				e = m
			}
		} else {
			d = m
			e = m
		}
		a, fa = b, fb
		if math.Abs(d) > tol {
			b += d
		} else if m > 0 {
			b += tol
		} else {
			b -= tol
		}
		fb = f(b)
		res.Evaluations++
		if math.IsNaN(fb) {
			res.X, res.F = a, fa
			return res, fmt.Errorf("optim: function is NaN at x = %v", b)
		}
	}
	res.Iterations = set.MaxIter
	res.X, res.F = b, fb
	return res, fmt.Errorf("optim: Brent did not converge in %d iterations (bracket width %g, |f| = %g)",
		set.MaxIter, math.Abs(c-b), math.Abs(fb))
}

const epsilon = 0x1p-52
