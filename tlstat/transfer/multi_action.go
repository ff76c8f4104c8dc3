package transfer

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// MultiOrder holds the target order parameters of the multi-output transfer
// theory, D×D matrices.
type MultiOrder struct {
	// T is Q_t (<v_t,d·v_t,e>/N = (Q_t)_de/lambda1), symmetric.
	T *mat.SymDense
	// ST is Q_st (<v_s,d·v_t,e>/N = (Q_st)_de/lambda1), rows the source
	// outputs, columns the target outputs; not symmetric in general.
	ST *mat.Dense
	// TT is Q_tt, the overlap of two target replicas, symmetric.
	TT *mat.SymDense
}

// multiState is S_1 and its ingredients at one point.
type multiState struct {
	q    MultiOrder
	chol mat.Cholesky  // D
	dinv *mat.SymDense // D⁻¹
	f    *mat.SymDense // F = E − BᵀA⁻¹B
	r    []float64     // vec(Y_t) − BᵀA⁻¹ vec(Y_s), output-major
	rho  []float64     // D⁻¹ r
	w    *mat.Dense    // D×D: column k is w_k = Q_stᵀ v_k
	s1   float64
	// wm is W = D⁻¹FD⁻¹ (with the gradient), for the Jacobian.
	wm *mat.Dense
	// gt, gtt and gst are the gradients: dS_1 = tr(gt dQ_t) + tr(gtt dQ_tt)
	// + Σ_de gst_de (dQ_st)_de.
	gt, gtt *mat.SymDense
	gst     *mat.Dense
}

// nvars returns the number of independent entries of (Q_t, Q_st, Q_tt).
func nvars(d int) int { return d*(d+1) + d*d }

// flatten returns the independent entries (upper triangle of Q_t, Q_st row
// by row, upper triangle of Q_tt).
func (q MultiOrder) flatten() []float64 {
	d := q.T.SymmetricDim()
	x := make([]float64, 0, nvars(d))
	for r := range d {
		for c := r; c < d; c++ {
			x = append(x, q.T.At(r, c))
		}
	}
	for r := range d {
		for c := range d {
			x = append(x, q.ST.At(r, c))
		}
	}
	for r := range d {
		for c := r; c < d; c++ {
			x = append(x, q.TT.At(r, c))
		}
	}
	return x
}

// unflatten is the inverse of flatten.
func unflatten(x []float64, d int) MultiOrder {
	q := MultiOrder{T: mat.NewSymDense(d, nil), ST: mat.NewDense(d, d, nil), TT: mat.NewSymDense(d, nil)}
	k := 0
	for r := range d {
		for c := r; c < d; c++ {
			q.T.SetSym(r, c, x[k])
			k++
		}
	}
	for r := range d {
		for c := range d {
			q.ST.Set(r, c, x[k])
			k++
		}
	}
	for r := range d {
		for c := r; c < d; c++ {
			q.TT.SetSym(r, c, x[k])
			k++
		}
	}
	return q
}

// flatGrad returns the partial derivatives of S_1 with respect to the
// entries of flatten (an off-diagonal entry of a symmetric matrix counts
// twice).
func (st *multiState) flatGrad() []float64 {
	d := st.gt.SymmetricDim()
	g := make([]float64, 0, nvars(d))
	sym := func(a *mat.SymDense) {
		for r := range d {
			for c := r; c < d; c++ {
				v := a.At(r, c)
				if r != c {
					v *= 2
				}
				g = append(g, v)
			}
		}
	}
	sym(st.gt)
	for r := range d {
		for c := range d {
			g = append(g, st.gst.At(r, c))
		}
	}
	sym(st.gtt)
	return g
}

// eval computes S_1 of the multi-output theory (docs/theory.md §4, "Several
// outputs") at q and, if withGrad, its gradient.
func (c *MultiCoupled) eval(q MultiOrder, withGrad bool) (*multiState, error) {
	s := c.s
	d, pt := s.nd, len(s.dt)
	for _, v := range q.flatten() {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("transfer: order parameters must be finite, got %v", v)
		}
	}
	l1, n, tt := s.prob.Net.Lambda1, s.n, s.prob.Net.T
	st := &multiState{q: q}
	// Entropic part: tr Q_t − log det Δ − tr(Δ⁻¹C'), Δ = Q_t − Q_tt,
	// C' = Q_tt − Q_stᵀ Q_s⁻¹ Q_st.
	delta := mat.NewSymDense(d, nil)
	for r := range d {
		for cl := r; cl < d; cl++ {
			delta.SetSym(r, cl, q.T.At(r, cl)-q.TT.At(r, cl))
		}
	}
	var cd mat.Cholesky
	if !cd.Factorize(delta) {
		return nil, errDomain{fmt.Sprintf("transfer: Q_t − Q_tt is not positive definite at gamma = %v", c.gamma)}
	}
	var dinvS mat.SymDense
	if err := cd.InverseTo(&dinvS); err != nil {
		return nil, errDomain{fmt.Sprintf("transfer: Q_t − Q_tt is singular at gamma = %v", c.gamma)}
	}
	var qq mat.Dense
	qq.Mul(s.qsInv, q.ST)
	var cc mat.Dense
	cc.Mul(q.ST.T(), &qq)
	cp := mat.NewDense(d, d, nil)
	cp.Sub(q.TT, &cc)
	var dc mat.Dense
	dc.Mul(&dinvS, cp)
	ent := mat.Trace(q.T) - cd.LogDet() - mat.Trace(&dc)

	// D and F, output-major blocks of P_t×P_t.
	m := d * pt
	dm := mat.NewSymDense(m, nil)
	st.f = mat.NewSymDense(m, nil)
	st.w = &mat.Dense{}
	st.w.Mul(q.ST.T(), s.vs)
	for e := range d {
		for e2 := e; e2 < d; e2++ {
			at, ap := q.T.At(e, e2)/l1, q.TT.At(e, e2)/l1
			var wk []float64
			for k := range d {
				wk = append(wk, st.w.At(e, k)*st.w.At(e2, k)/(l1*l1))
			}
			for i := range pt {
				j0 := 0
				if e == e2 {
					j0 = i
				}
				for j := j0; j < pt; j++ {
					kp := ap * c.ktp.At(i, j)
					dm.SetSym(e*pt+i, e2*pt+j, at*c.kt.At(i, j)-kp)
					fv := kp
					for k, wv := range wk {
						fv -= wv * c.mk[k].At(i, j)
					}
					st.f.SetSym(e*pt+i, e2*pt+j, fv)
				}
			}
		}
	}
	for i := range m {
		dm.SetSym(i, i, dm.At(i, i)+tt)
	}
	if !st.chol.Factorize(dm) {
		return nil, errDomain{fmt.Sprintf("transfer: D = T I + (Q_t ⊗ K_t − Q_tt ⊗ K_tt')/lambda1 is not positive definite at gamma = %v", c.gamma)}
	}
	var vq mat.Dense
	vq.Mul(c.vst, q.ST) // P_t×D
	st.r = make([]float64, m)
	for e := range d {
		for i := range pt {
			st.r[e*pt+i] = s.prob.Target.Y.At(i, e) - vq.At(i, e)/l1
		}
	}
	var err error
	if st.rho, st.dinv, err = solveInverse(&st.chol, st.r); err != nil {
		return nil, err
	}
	st.s1 = ent + (st.chol.LogDet()+sumProdSym(st.dinv, st.f)+dot(st.r, st.rho))/n
	if !withGrad {
		return st, nil
	}
	// Entropic gradients.
	var dcd mat.Dense
	dcd.Mul(&dc, &dinvS) // Δ⁻¹C'Δ⁻¹
	st.gt = mat.NewSymDense(d, nil)
	st.gtt = mat.NewSymDense(d, nil)
	for r := range d {
		for cl := r; cl < d; cl++ {
			v := 0.5 * (dcd.At(r, cl) + dcd.At(cl, r))
			st.gt.SetSym(r, cl, -dinvS.At(r, cl)+v)
			st.gtt.SetSym(r, cl, -v)
		}
		st.gt.SetSym(r, r, st.gt.At(r, r)+1)
	}
	st.gst = &mat.Dense{}
	st.gst.Mul(&qq, &dinvS)
	st.gst.Scale(2, st.gst)
	// Energetic gradients: W = D⁻¹FD⁻¹, X = D⁻¹ − W − ρρᵀ.
	var fd, df, wd mat.Dense
	fd.CloneFrom(st.f)
	df.Mul(st.dinv, &fd)
	wd.Mul(&df, st.dinv)
	st.wm = &wd
	nl := n * l1
	for e := range d {
		for e2 := e; e2 < d; e2++ {
			var xt, xtt float64
			for i := range pt {
				for j := range pt {
					a, b := e*pt+i, e2*pt+j
					wv := 0.5 * (wd.At(a, b) + wd.At(b, a))
					rr := st.rho[a] * st.rho[b]
					xt += (st.dinv.At(a, b) - wv - rr) * c.kt.At(i, j)
					xtt += (wv + rr) * c.ktp.At(i, j)
				}
			}
			st.gt.SetSym(e, e2, st.gt.At(e, e2)+xt/nl)
			st.gtt.SetSym(e, e2, st.gtt.At(e, e2)+xtt/nl)
		}
	}
	// Q_st: −(2/(N lambda1²)) Σ_k v_k (P_k w_k)ᵀ with P_k = [D⁻¹ : M_k],
	// and −(2/(N lambda1)) V_stᵀ R with R_νe = ρ_(e,ν).
	for k := range d {
		pk := mat.NewDense(d, d, nil)
		for e := range d {
			for e2 := range d {
				var v float64
				for i := range pt {
					for j := range pt {
						v += st.dinv.At(e*pt+i, e2*pt+j) * c.mk[k].At(i, j)
					}
				}
				pk.Set(e, e2, v)
			}
		}
		pw := mat.NewVecDense(d, nil)
		pw.MulVec(pk, st.w.ColView(k))
		for a := range d {
			for b := range d {
				st.gst.Set(a, b, st.gst.At(a, b)-2/(nl*l1)*s.vs.At(a, k)*pw.AtVec(b))
			}
		}
	}
	rm := mat.NewDense(pt, d, nil)
	for e := range d {
		for i := range pt {
			rm.Set(i, e, st.rho[e*pt+i])
		}
	}
	var vr mat.Dense
	vr.Mul(c.vst.T(), rm)
	vr.Scale(-2/nl, &vr)
	st.gst.Add(st.gst, &vr)
	return st, nil
}

// Action returns S_1 at q, or an error outside the domain (Q_t − Q_tt and D
// positive definite).
func (c *MultiCoupled) Action(q MultiOrder) (float64, error) {
	st, err := c.eval(q, false)
	if err != nil {
		return math.NaN(), err
	}
	return st.s1, nil
}

// Gradient returns the partial derivatives of S_1 with respect to the
// independent entries of q, in the order: the upper triangle of Q_t row by
// row, Q_st row by row, the upper triangle of Q_tt row by row.
func (c *MultiCoupled) Gradient(q MultiOrder) ([]float64, error) {
	st, err := c.eval(q, true)
	if err != nil {
		return nil, err
	}
	return st.flatGrad(), nil
}
