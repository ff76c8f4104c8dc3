package transfer

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// The Jacobian of the multi-output gradient (the Hessian of S_1), in closed
// form from one factorization of D (docs/theory.md §4, "Several outputs").
// The energetic part E = log det D + tr(D⁻¹F) + rᵀD⁻¹r has
//
//	∂_α∂_β E = −tr(D⁻¹A_β D⁻¹A_α) + tr(D⁻¹A_β D⁻¹A_α W) + tr(D⁻¹A_α D⁻¹A_β W)
//	           − tr(D⁻¹A_α D⁻¹F_β) − tr(D⁻¹A_β D⁻¹F_α) + tr(D⁻¹F_αβ)
//	           + 2 r_αᵀD⁻¹r_β − 2 r_αᵀD⁻¹A_β ρ − 2 r_βᵀD⁻¹A_α ρ + 2 ρᵀA_α D⁻¹A_β ρ,
//
// with A_α = ∂_α D, F_α = ∂_α F, r_α = ∂_α r, W = D⁻¹FD⁻¹ and ρ = D⁻¹r. For
// an entry (p, q) of Q_t or Q_tt, A_α = ±E_pq ⊗ K/lambda1 touches one block,
// so every term is a trace of two P_t×P_t blocks of D⁻¹(I ⊗ K), W(I ⊗ K) or
// D⁻¹ — all (2D²+D)² entries from a few (DP_t)³ products and D⁴ P_t² block
// contractions, against (2D²+D) evaluations of the gradient for finite
// differences. An entry (a, b) of Q_st enters F through
// F_ab = −[(e_b ⊗ I) L_a + L_aᵀ(e_bᵀ ⊗ I)]/lambda1², where L_a has blocks
// N_a,j = Σ_k (v_k)_a (w_k)_j M_k, and r through the block b = −V_st,·a/lambda1.

// jacobian returns the derivative of flatGrad at st, a state evaluated with
// its gradient: the energetic Hessian over the entries of the full D×D
// matrices, summed onto the independent entries, plus the entropic Hessian.
func (c *MultiCoupled) jacobian(st *multiState) (*mat.Dense, error) {
	d := c.s.nd
	jac, err := entropyHessian(st.q, c.s.qsInv)
	if err != nil {
		return nil, err
	}
	hf := c.energyHessian(st)
	groups := flatGroups(d)
	for i, gi := range groups {
		for j, gj := range groups {
			var v float64
			for _, u := range gi {
				for _, w := range gj {
					v += hf.At(u, w)
				}
			}
			jac.Set(i, j, jac.At(i, j)+v)
		}
	}
	return jac, nil
}

// flatGroups returns, for each independent entry of flatten, the entries
// of the full matrices (Q_t, Q_st, Q_tt), indexed p·D+q, D²+a·D+b and
// 2D²+p·D+q, that it sets.
func flatGroups(d int) [][]int {
	var g [][]int
	sym := func(base int) {
		for r := range d {
			for c := r; c < d; c++ {
				if r == c {
					g = append(g, []int{base + r*d + c})
				} else {
					g = append(g, []int{base + r*d + c, base + c*d + r})
				}
			}
		}
	}
	sym(0)
	for a := range d {
		for b := range d {
			g = append(g, []int{d*d + a*d + b})
		}
	}
	sym(2 * d * d)
	return g
}

// energyHessian returns the Hessian of E/N over the entries of the full
// matrices Q_t, Q_st and Q_tt (3D² × 3D², indices as flatGroups).
func (c *MultiCoupled) energyHessian(st *multiState) *mat.Dense {
	s := c.s
	d, pt := s.nd, len(s.dt)
	l1 := s.prob.Net.Lambda1
	d2 := d * d
	hf := mat.NewDense(3*d2, 3*d2, nil)
	dinv := mat.DenseCopyOf(st.dinv)
	blk := func(x *mat.Dense, r, c int) mat.Matrix {
		return x.Slice(r*pt, (r+1)*pt, c*pt, (c+1)*pt)
	}
	rhoM := mat.NewDense(pt, d, nil)
	for e := range d {
		for i := range pt {
			rhoM.Set(i, e, st.rho[e*pt+i])
		}
	}
	// Q_t (index 0) and Q_tt (index 1): A = c E ⊗ K, F' = f E ⊗ K.
	kern := [2]*mat.SymDense{c.kt, c.ktp}
	cf := [2]float64{1 / l1, -1 / l1}
	ff := [2]float64{0, 1 / l1}
	base := [2]int{0, 2 * d2}
	var gFlat, gFlatT, wgFlat, wgFlatT [2]*mat.Dense
	var u [2]mat.Dense // P_t×D, column q is K ρ_q
	for a := range 2 {
		g := blockRight(dinv, kern[a], d, pt)
		wg := blockRight(st.wm, kern[a], d, pt)
		gFlat[a], gFlatT[a] = flatBlocks(g, d, pt, false), flatBlocks(g, d, pt, true)
		wgFlat[a], wgFlatT[a] = flatBlocks(wg, d, pt, false), flatBlocks(wg, d, pt, true)
		u[a].Mul(kern[a], rhoM)
	}
	var t, y mat.Dense
	for al := range 2 {
		for be := range 2 {
			c1 := -cf[al]*cf[be] - cf[al]*ff[be] - ff[al]*cf[be]
			cc := cf[al] * cf[be]
			// x[(q,r),(s,p)] = c1 tr(G_β[q,r] G_α[s,p]) + cc tr(G_β[q,r] WG_α[s,p])
			// + cc tr(WG_β[q,r] G_α[s,p]).
			var mix, x, x2 mat.Dense
			mix.Scale(c1, gFlatT[al])
			mix.Add(&mix, scaled(cc, wgFlatT[al]))
			x.Mul(gFlat[be], mix.T())
			x2.Mul(wgFlat[be], gFlatT[al].T())
			x2.Scale(cc, &x2)
			x.Add(&x, &x2)
			for p := range d {
				for q := range d {
					for r := range d {
						for s2 := range d {
							i, j := base[al]+p*d+q, base[be]+r*d+s2
							hf.Set(i, j, hf.At(i, j)+x.At(q*d+r, s2*d+p))
						}
					}
				}
			}
			// 2 cc u^α_pᵀ D⁻¹[q,r] u^β_s.
			for q := range d {
				for r := range d {
					t.Mul(blk(dinv, q, r), &u[be])
					y.Mul(u[al].T(), &t)
					for p := range d {
						for s2 := range d {
							i, j := base[al]+p*d+q, base[be]+r*d+s2
							hf.Set(i, j, hf.At(i, j)+2*cc*y.At(p, s2))
						}
					}
				}
			}
		}
	}
	// Q_st: Z = L D⁻¹ with L's row block a holding N_a,j in column block j.
	mStack := mat.NewDense(d, pt*pt, nil)
	for k, mk := range c.mk {
		for i := range pt {
			for j := range pt {
				mStack.Set(k, i*pt+j, mk.At(i, j))
			}
		}
	}
	coef := mat.NewDense(d2, d, nil)
	for a := range d {
		for j := range d {
			for k := range d {
				coef.Set(a*d+j, k, s.vs.At(a, k)*st.w.At(j, k))
			}
		}
	}
	var nFlat mat.Dense
	nFlat.Mul(coef, mStack)
	m := d * pt
	lm := mat.NewDense(m, m, nil)
	for a := range d {
		for j := range d {
			row := nFlat.RawRowView(a*d + j)
			for i := range pt {
				copy(lm.RawRowView(a*pt + i)[j*pt:(j+1)*pt], row[i*pt:(i+1)*pt])
			}
		}
	}
	var z mat.Dense
	z.Mul(lm, dinv)
	zFlat := flatBlocks(&z, d, pt, false)
	sBase := d2
	l12 := l1 * l1
	for al := range 2 {
		var cgz mat.Dense
		cgz.Mul(gFlat[al], zFlat.T()) // [(b,q),(a,p)] = <G_α[b,q], Z_a[p]>
		for b := range d {
			for p := range d {
				t.Mul(blk(dinv, b, p), &u[al])
				y.Mul(c.vst.T(), &t) // (a,q): V_aᵀ D⁻¹[b,p] u^α_q
				for q := range d {
					for a := range d {
						i, j := base[al]+p*d+q, sBase+a*d+b
						v := hf.At(i, j) + cf[al]/l12*cgz.At(b*d+q, a*d+p) + 2*cf[al]/l1*y.At(a, q)
						// The term symmetric in p and q of the trace.
						v += cf[al] / l12 * cgz.At(b*d+p, a*d+q)
						hf.Set(i, j, v)
						hf.Set(j, i, v)
					}
				}
			}
		}
	}
	// Q_st, Q_st: −(2/lambda1²) Σ_k (v_k)_a (v_k)_a' tr(D⁻¹[b,b'] M_k)
	// + (2/lambda1²) V_aᵀ D⁻¹[b,b'] V_a'.
	var tau mat.Dense
	tau.Mul(flatBlocks(dinv, d, pt, false), mStack.T())
	for b := range d {
		for b2 := range d {
			t.Mul(blk(dinv, b, b2), c.vst)
			y.Mul(c.vst.T(), &t)
			for a := range d {
				for a2 := range d {
					var v float64
					for k := range d {
						v -= s.vs.At(a, k) * s.vs.At(a2, k) * tau.At(b*d+b2, k)
					}
					v = 2 / l12 * (v + y.At(a, a2))
					i, j := sBase+a*d+b, sBase+a2*d+b2
					hf.Set(i, j, hf.At(i, j)+v)
				}
			}
		}
	}
	hf.Scale(1/s.n, hf)
	return hf
}

// scaled returns f·a.
func scaled(f float64, a *mat.Dense) *mat.Dense {
	var out mat.Dense
	out.Scale(f, a)
	return &out
}

// blockRight returns X(I ⊗ K): every P×P block of X times K on the right.
func blockRight(x mat.Matrix, k *mat.SymDense, d, pt int) *mat.Dense {
	m := d * pt
	xd, ok := x.(*mat.Dense)
	if !ok {
		xd = mat.DenseCopyOf(x)
	}
	out := mat.NewDense(m, m, nil)
	for y := range d {
		out.Slice(0, m, y*pt, (y+1)*pt).(*mat.Dense).Mul(xd.Slice(0, m, y*pt, (y+1)*pt), k)
	}
	return out
}

// flatBlocks returns the D² P×P blocks of the DP×DP matrix x as the rows of
// a D²×P² matrix: row x·D+y is block (x, y) (transposed if trans) read row
// by row, so that tr(X_qr Y_sp) is a row of flatBlocks(X) times a row of
// flatBlocks(Y, trans).
func flatBlocks(x *mat.Dense, d, pt int, trans bool) *mat.Dense {
	out := mat.NewDense(d*d, pt*pt, nil)
	for bx := range d {
		for by := range d {
			row := out.RawRowView(bx*d + by)
			for i := range pt {
				src := x.RawRowView(bx*pt + i)[by*pt : (by+1)*pt]
				if !trans {
					copy(row[i*pt:(i+1)*pt], src)
					continue
				}
				for j, v := range src {
					row[j*pt+i] = v
				}
			}
		}
	}
	return out
}

// entropyHessian returns the Hessian of the entropic part
// tr Q_t − log det Δ − tr(Δ⁻¹C'), Δ = Q_t − Q_tt, C' = Q_tt − Q_stᵀQ_s⁻¹Q_st,
// over the independent entries of flatten: with X = Δ⁻¹, A = X dΔ,
// B = X dC' and d²C' = −dQ_stᵀQ_s⁻¹dQ_st' − dQ_st'ᵀQ_s⁻¹dQ_st,
//
//	d²S = tr(A A') − tr(A' A X C') − tr(A A' X C') + tr(A B') + tr(A' B) − tr(X d²C').
func entropyHessian(q MultiOrder, qsInv *mat.SymDense) (*mat.Dense, error) {
	d := q.T.SymmetricDim()
	nv := nvars(d)
	delta := mat.NewSymDense(d, nil)
	for r := range d {
		for c := r; c < d; c++ {
			delta.SetSym(r, c, q.T.At(r, c)-q.TT.At(r, c))
		}
	}
	x, err := symInverse(delta)
	if err != nil {
		return nil, errDomain{fmt.Sprintf("transfer: Q_t − Q_tt: %v", err)}
	}
	var qiS, sqs, cp mat.Dense
	qiS.Mul(qsInv, q.ST)
	sqs.Mul(q.ST.T(), &qiS)
	cp.Sub(q.TT, &sqs)
	var xc mat.Dense
	xc.Mul(x, &cp) // X C'
	type dir struct{ a, b, cc, ds, yt mat.Dense }
	dirs := make([]dir, nv)
	e := make([]float64, nv)
	for i := range nv {
		e[i] = 1
		dq := unflatten(e, d)
		e[i] = 0
		di := &dirs[i]
		var dd, dc, t1 mat.Dense
		dd.Sub(dq.T, dq.TT)
		di.a.Mul(x, &dd)
		t1.Mul(dq.ST.T(), &qiS)
		dc.Sub(dq.TT, &t1)
		dc.Sub(&dc, t1.T())
		di.b.Mul(x, &dc)
		di.cc.Mul(&di.a, &xc)
		di.ds.CloneFrom(dq.ST)
		t1.Mul(qsInv, dq.ST)
		di.yt.Mul(x.T(), t1.T()) // (Q_s⁻¹ dQ_st X)ᵀ, so that tr(dQ_stᵀ Q_s⁻¹ dQ_st' X) = tr(dQ_st yt')
	}
	tr := func(p, r *mat.Dense) float64 { // tr(P R)
		var v float64
		for u := range d {
			for w := range d {
				v += p.At(u, w) * r.At(w, u)
			}
		}
		return v
	}
	h := mat.NewDense(nv, nv, nil)
	for i := range nv {
		di := &dirs[i]
		for j := i; j < nv; j++ {
			dj := &dirs[j]
			v := tr(&di.a, &dj.a) - tr(&dj.a, &di.cc) - tr(&di.a, &dj.cc) + tr(&di.a, &dj.b) + tr(&dj.a, &di.b) +
				2*tr(&di.ds, &dj.yt)
			h.Set(i, j, v)
			h.Set(j, i, v)
		}
	}
	return h, nil
}
