package transfer

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

// jointCovariance returns the (1+n)×(1+n) per-component covariance of
// (w_s, w_t1, ..., w_tn) for the replicated prior λ0/2 w_s² + Σ_a [λ0/2 w_ta²
// + γ/2 (w_ta − w_s)²]: the inverse of the precision matrix with P_ss = λ0 +
// nγ, P_sa = −γ, P_aa = λ0 + γ.
func jointCovariance(gamma, l0 float64, n int) *mat.SymDense {
	p := mat.NewSymDense(n+1, nil)
	p.SetSym(0, 0, l0+float64(n)*gamma)
	for a := 1; a <= n; a++ {
		p.SetSym(0, a, -gamma)
		p.SetSym(a, a, l0+gamma)
	}
	var chol mat.Cholesky
	if !chol.Factorize(p) {
		panic("precision matrix not positive definite")
	}
	c := mat.NewSymDense(n+1, nil)
	if err := chol.InverseTo(c); err != nil {
		panic(err)
	}
	return c
}

// covariancesN returns the covariances for n replicas in closed form (Schur
// complement of the precision matrix of jointCovariance, derived for this
// test): with a = λ0 + nγ, b = λ0 + γ, c_ss = 1/(a − nγ²/b), c_st = c_ss γ/b,
// c_tt' = c_ss γ²/b², c_tt = 1/b + c_tt'. It is analytic in n, and n = 0
// must give CouplingCovariances.
func covariancesN(gamma, l0, n float64) Covariances {
	a, b := l0+n*gamma, l0+gamma
	css := 1 / (a - n*gamma*gamma/b)
	ttp := css * gamma * gamma / (b * b)
	return Covariances{SS: css, ST: css * gamma / b, TT: 1/b + ttp, TTp: ttp}
}

func TestCouplingCovariances(t *testing.T) {
	// Closed forms agree with a Cholesky inverse to rounding: 1e-13 relative
	// (condition numbers of these 4×4 precision matrices are below 10).
	const tol = 1e-13
	for _, tc := range []struct{ gamma, l0 float64 }{
		{0.7, 1.3}, // the reference self-test's values
		{0, 1},
		{5, 0.5},
		{100, 2},
	} {
		for n := 1; n <= 3; n++ {
			c := jointCovariance(tc.gamma, tc.l0, n)
			got := covariancesN(tc.gamma, tc.l0, float64(n))
			want := []float64{c.At(0, 0), c.At(0, 1), c.At(1, 1)}
			if n > 1 {
				want = append(want, c.At(1, 2))
			} else {
				want = append(want, got.TTp)
			}
			for i, g := range []float64{got.SS, got.ST, got.TT, got.TTp} {
				if !scalar.EqualWithinAbsOrRel(g, want[i], tol, tol) {
					t.Errorf("gamma %v l0 %v n %d: covariance %d = %v, inverse %v", tc.gamma, tc.l0, n, i, g, want[i])
				}
			}
		}
		c0, err := CouplingCovariances(tc.gamma, tc.l0)
		if err != nil {
			t.Fatal(err)
		}
		if want := covariancesN(tc.gamma, tc.l0, 0); !equalCov(c0, want, tol) {
			t.Errorf("gamma %v: n->0 covariances %+v, closed form at n = 0 %+v", tc.gamma, c0, want)
		}
	}
	// gamma = 0: no coupling; gamma = +Inf and gamma = 1e12: all 1/λ0
	// (docs/theory.md §4 checks; 1e12 leaves corrections of order λ0/γ = 1e-12).
	l0 := 1.3
	c, _ := CouplingCovariances(0, l0)
	if !equalCov(c, Covariances{SS: 1 / l0, TT: 1 / l0}, 1e-15) {
		t.Errorf("gamma 0: %+v", c)
	}
	all := Covariances{SS: 1 / l0, ST: 1 / l0, TT: 1 / l0, TTp: 1 / l0}
	c, _ = CouplingCovariances(math.Inf(1), l0)
	if c != all {
		t.Errorf("gamma Inf: %+v", c)
	}
	c, _ = CouplingCovariances(1e12, l0)
	if !equalCov(c, all, 1e-11) {
		t.Errorf("gamma 1e12: %+v", c)
	}
}

func equalCov(a, b Covariances, tol float64) bool {
	return scalar.EqualWithinAbsOrRel(a.SS, b.SS, tol, tol) && scalar.EqualWithinAbsOrRel(a.ST, b.ST, tol, tol) &&
		scalar.EqualWithinAbsOrRel(a.TT, b.TT, tol, tol) && scalar.EqualWithinAbsOrRel(a.TTp, b.TTp, tol, tol)
}
