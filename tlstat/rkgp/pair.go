package rkgp

import (
	"fmt"
	"math"
)

// solvePair finds the saddle point dS = 0 of the two-parameter action
// (docs/theory.md §3) by damped Newton iterations in the variables
// z = (log Qbar, log(1+Q)), which keep Qbar > 0 and Q > -1. The gradient is
// analytic; its Jacobian is a central finite difference of the analytic
// gradient. Steps are halved until the gradient norm decreases. The
// iteration starts at the infinite-width point (1, 0), then, if that fails,
// at the odd-activation saddle of the full kernel.
func (m *Model) solvePair() error {
	starts := [][2]float64{{0, 0}}
	var err error
	for i := 0; i < 2; i++ {
		z := starts[0]
		if i == 1 {
			// Second start: Qbar = Q_odd of the uncentred kernel, Q = 1/Qbar - 1.
			q := m.oddStart()
			z = [2]float64{math.Log(q), -math.Log(q)}
		}
		err = m.newton(z)
		if err == nil {
			return nil
		}
	}
	return err
}

// oddStart returns a rough minimizer of the one-parameter action of the
// centered kernel on a coarse grid, used as a fallback starting point.
func (m *Model) oddStart() float64 {
	best, bq := math.Inf(1), 1.0
	for u := math.Log(m.settings.QMin); u <= math.Log(m.settings.QMax); u += 0.1 {
		q := math.Exp(u)
		if s := m.sp.actionOdd(m.Net, q); s < best {
			best, bq = s, q
		}
	}
	return bq
}

func (m *Model) pairGrad(z [2]float64) [2]float64 {
	a, b := m.sp.gradPair(m.Net, math.Exp(z[0]), math.Expm1(z[1]))
	return [2]float64{a, b}
}

func norm2(f [2]float64) float64 { return math.Hypot(f[0], f[1]) }

func (m *Model) newton(z [2]float64) error {
	set := m.settings
	lo, hi := math.Log(set.QMin), math.Log(set.QMax)
	inside := func(z [2]float64) bool {
		return z[0] >= lo && z[0] <= hi && z[1] >= lo && z[1] <= hi
	}
	f := m.pairGrad(z)
	if math.IsNaN(f[0]) || math.IsNaN(f[1]) {
		return fmt.Errorf("rkgp: gradient of S(Qbar, Q) is NaN at the starting point (%g, %g)", math.Exp(z[0]), math.Expm1(z[1]))
	}
	const h = 1e-6 // FD step in log variables: truncation ~h², rounding ~eps/h
	iter := 0
	for ; iter < set.MaxIter; iter++ {
		if math.Max(math.Abs(f[0]), math.Abs(f[1])) <= set.Tol*1e-3 {
			break
		}
		var jac [2][2]float64
		for j := 0; j < 2; j++ {
			zp, zm := z, z
			zp[j] += h
			zm[j] -= h
			fp, fm := m.pairGrad(zp), m.pairGrad(zm)
			for i := 0; i < 2; i++ {
				jac[i][j] = (fp[i] - fm[i]) / (2 * h)
			}
		}
		det := jac[0][0]*jac[1][1] - jac[0][1]*jac[1][0]
		if det == 0 || math.IsNaN(det) {
			break
		}
		dz := [2]float64{
			-(jac[1][1]*f[0] - jac[0][1]*f[1]) / det,
			-(-jac[1][0]*f[0] + jac[0][0]*f[1]) / det,
		}
		// Cap the step at a factor e^2 in either parameter.
		if s := math.Max(math.Abs(dz[0]), math.Abs(dz[1])); s > 2 {
			dz[0] *= 2 / s
			dz[1] *= 2 / s
		}
		n0 := norm2(f)
		accepted := false
		for alpha := 1.0; alpha > 1e-12; alpha /= 2 {
			zn := [2]float64{z[0] + alpha*dz[0], z[1] + alpha*dz[1]}
			if !inside(zn) {
				continue
			}
			fn := m.pairGrad(zn)
			if n := norm2(fn); n < (1-1e-4*alpha)*n0 || (alpha == 1 && n <= n0) {
				z, f, accepted = zn, fn, true
				break
			}
		}
		if !accepted {
			break // stagnation: rounding floor reached, or a bad start
		}
	}
	m.Iterations += iter
	m.Qbar, m.Q = math.Exp(z[0]), math.Expm1(z[1])
	m.Action = m.sp.actionPair(m.Net, m.Qbar, m.Q)
	a, b := m.sp.gradPair(m.Net, m.Qbar, m.Q)
	m.Residual = math.Max(math.Abs(a), math.Abs(b))
	m.Converged = m.Residual <= set.Tol
	if !m.Converged {
		return fmt.Errorf("rkgp: saddle point (Qbar, Q) not converged after %d Newton iterations: residual %g at (%.10g, %.10g) (tolerance %g)",
			iter, m.Residual, m.Qbar, m.Q, set.Tol)
	}
	return nil
}
