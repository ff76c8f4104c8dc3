package transfer

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

// TestMultiJacobian checks the analytic Jacobian of the gradient against
// central differences of the analytic gradient (itself checked against the
// action by TestMultiGradient) at random points of the domain, D = 1, 2, 3,
// several couplings. Central differences with step 1e-5 are accurate to
// about 1e-8 here; a wrong term of order 1/N = 0.05 would fail by far.
func TestMultiJacobian(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	eachRandomMultiPoint(t, rng, 30, []int{1, 2, 3}, []float64{0, 0.7, 6, math.Inf(1)}, func(d int, gamma float64, c *MultiCoupled, q MultiOrder) bool {
		st, err := c.eval(q, true)
		if err != nil {
			return false
		}
		jac, err := c.jacobian(st)
		if err != nil {
			t.Fatal(err)
		}
		x := q.flatten()
		const h = 1e-5
		for j := range x {
			xp := append([]float64(nil), x...)
			xm := append([]float64(nil), x...)
			xp[j] += h
			xm[j] -= h
			gp, err := c.Gradient(unflatten(xp, d))
			if err != nil {
				t.Fatal(err)
			}
			gm, err := c.Gradient(unflatten(xm, d))
			if err != nil {
				t.Fatal(err)
			}
			for i := range x {
				num := (gp[i] - gm[i]) / (2 * h)
				if !scalar.EqualWithinAbsOrRel(jac.At(i, j), num, 1e-6, 1e-6) {
					t.Errorf("D %d gamma %v: dg_%d/dx_%d analytic %.10g, central differences %.10g", d, gamma, i, j, jac.At(i, j), num)
				}
			}
		}
		return true
	})
}

// TestMultiJacobianSolveAgrees: Newton's method with the analytic Jacobian
// and with forward differences converge to the same saddle, D = 3 at three
// couplings and D = 10 (P_t = 8) at one, to 1e-8 in every entry (both stop
// at a gradient norm of 1e-11, over curvatures of order one).
func TestMultiJacobianSolveAgrees(t *testing.T) {
	for _, sz := range []struct {
		d, ps, pt int
		gammas    []float64
	}{{3, 30, 15, []float64{0.5, 3, math.Inf(1)}}, {10, 20, 8, []float64{3}}} {
		mp, _ := multiPair(uint64(40+sz.d), sz.d, sz.ps, sz.pt, 0.6, multiNet)
		ms, err := NewMultiSolver(mp, nil)
		if err != nil {
			t.Fatal(err)
		}
		prev := ms.Scratch().Q
		for _, gamma := range sz.gammas {
			c, err := ms.Couple(gamma)
			if err != nil {
				t.Fatal(err)
			}
			an, err := c.solve(prev, false)
			if err != nil {
				t.Fatalf("D %d gamma %v: analytic Jacobian: %v", sz.d, gamma, err)
			}
			fdm, err := c.solve(prev, true)
			if err != nil {
				t.Fatalf("D %d gamma %v: finite differences: %v", sz.d, gamma, err)
			}
			a, b := an.Q.flatten(), fdm.Q.flatten()
			for i := range a {
				if !scalar.EqualWithinAbs(a[i], b[i], 1e-8) {
					t.Errorf("D %d gamma %v: entry %d = %.12g (analytic Jacobian), %.12g (finite differences)", sz.d, gamma, i, a[i], b[i])
				}
			}
			if an.Iterations > fdm.Iterations+1 {
				t.Errorf("D %d gamma %v: %d Newton steps with the analytic Jacobian, %d with finite differences", sz.d, gamma, an.Iterations, fdm.Iterations)
			}
			prev = an.Q
		}
	}
}
