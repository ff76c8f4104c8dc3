package transfer

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// MultiRisk is the per-output test risk and the accuracy of the argmax
// classifier; it is rkgp's type so that transfer and single-network results
// compare directly.
type MultiRisk = rkgp.MultiRisk

// Predict returns the target posterior mean Γ_t,e(x0) and variance
// σ²_t,e(x0) of every output (B×D each) at the rows of x (docs/theory.md
// §4, "Several outputs"): the scalar formulas with the test kernels of
// output e, b_e = (Q_st)_·e ⊗ K_s0/lambda1, k_t,e = (Q_t)_·e ⊗ K_t0/lambda1,
// k_tt,e = (Q_tt)_·e ⊗ K_tt'0/lambda1 and k00 = (Q_t)_ee κ00/lambda1.
func (m *MultiModel) Predict(x mat.Matrix) (mean, variance *mat.Dense, err error) {
	s := m.c.s
	if err := checkInputs(x, s.n0); err != nil {
		return nil, nil, err
	}
	r, _ := x.Dims()
	mean, variance = mat.NewDense(r, s.nd, nil), mat.NewDense(r, s.nd, nil)
	xd, ok := x.(*mat.Dense)
	if !ok {
		xd = mat.DenseCopyOf(x)
	}
	for start := 0; start < r; start += s.set.Batch {
		end := min(start+s.set.Batch, r)
		if err := m.predictBatch(xd.Slice(start, end, 0, s.n0).(*mat.Dense), mean.Slice(start, end, 0, s.nd).(*mat.Dense),
			variance.Slice(start, end, 0, s.nd).(*mat.Dense), start); err != nil {
			return nil, nil, err
		}
	}
	return mean, variance, nil
}

func (m *MultiModel) predictBatch(x0, mean, variance *mat.Dense, offset int) error {
	c, s := m.c, m.c.s
	l1 := s.prob.Net.Lambda1
	cov, q := c.cov, m.Q
	d, pt, ps := s.nd, len(s.dt), len(s.ds)
	nb, _ := x0.Dims()
	d0 := kernel.SqNorms(x0)
	gt0, err := kernel.CrossGram(s.prob.Target.X, x0)
	if err != nil {
		return fmt.Errorf("transfer: %w", err)
	}
	kt0 := kernel.Cross(s.act, gt0, s.dt, d0, cov.TT, cov.TT, cov.TT)
	ktt0 := kernel.Cross(s.act, gt0, s.dt, d0, cov.TT, cov.TTp, cov.TT)
	gs0, err := kernel.CrossGram(s.prob.Source.X, x0)
	if err != nil {
		return fmt.Errorf("transfer: %w", err)
	}
	ks0 := kernel.Cross(s.act, gs0, s.ds, d0, cov.SS, cov.ST, cov.TT)
	var z0 mat.Dense
	z0.Mul(s.u.T(), ks0) // P_s×B
	var za, ms mat.Dense
	za.Mul(z0.T(), s.alphaS)
	ms.Mul(&za, q.ST)
	ms.Scale(1/l1, &ms) // source part of the mean, B×D
	sk := mat.NewDense(d, nb, nil)
	gk := make([]*mat.Dense, d)
	zh := mat.NewDense(ps, nb, nil)
	for k := range d {
		for i := range ps {
			h := s.h.At(i, k)
			for j := range nb {
				v := z0.At(i, j)
				sk.Set(k, j, sk.At(k, j)+h*v*v)
				zh.Set(i, j, h*v)
			}
		}
		gk[k] = &mat.Dense{}
		gk[k].Mul(c.z.T(), zh) // Zᵀ diag(h_k) Z0, P_t×B
	}
	w := m.st.w
	mm := d * pt
	dk := mat.NewDense(mm, nb, nil)
	ktt := mat.NewDense(mm, nb, nil)
	bab := mat.NewDense(mm, nb, nil)
	var u, fu mat.Dense
	for e := range d {
		for e2 := range d {
			at, ap := q.T.At(e2, e)/l1, q.TT.At(e2, e)/l1
			for i := range pt {
				for j := range nb {
					kp := ap * ktt0.At(i, j)
					dk.Set(e2*pt+i, j, at*kt0.At(i, j)-kp)
					ktt.Set(e2*pt+i, j, kp)
					var b float64
					for k := range d {
						b += w.At(e2, k) * w.At(e, k) * gk[k].At(i, j)
					}
					bab.Set(e2*pt+i, j, b/(l1*l1))
				}
			}
		}
		if err := m.st.chol.SolveTo(&u, dk); err != nil {
			if _, ok := err.(mat.Condition); !ok {
				return fmt.Errorf("transfer: prediction: %w", err)
			}
		}
		fu.Mul(m.st.f, &u)
		for j := range nb {
			k00 := q.T.At(e, e) / l1 * s.act.Kfun(cov.TT*d0[j], cov.TT*d0[j], cov.TT*d0[j])
			var bAb float64
			for k := range d {
				bAb += w.At(e, k) * w.At(e, k) * sk.At(k, j)
			}
			bAb /= l1 * l1
			var mu, vb, vt, vd, vf float64
			for i := range mm {
				uv := u.At(i, j)
				mu += dk.At(i, j) * m.st.rho[i]
				vb += uv * bab.At(i, j)
				vt += uv * ktt.At(i, j)
				vd += uv * dk.At(i, j)
				vf += uv * fu.At(i, j)
			}
			mv := ms.At(j, e) + mu
			vv := k00 - bAb + 2*vb - 2*vt - vd + vf
			if math.IsNaN(mv) || math.IsNaN(vv) {
				return fmt.Errorf("transfer: multi-output prediction is NaN at test point %d, output %d", offset+j, e)
			}
			mean.Set(j, e, mv)
			variance.Set(j, e, vv)
		}
	}
	return nil
}

// Risk returns the per-output test risk, its mean over outputs and the
// accuracy of the argmax of the mean outputs (NaN without class indices).
func (m *MultiModel) Risk(test *data.MultiDataset) (MultiRisk, error) {
	if err := test.Validate(); err != nil {
		return MultiRisk{}, fmt.Errorf("transfer: test set: %w", err)
	}
	d := m.c.s.nd
	if test.Outputs() != d {
		return MultiRisk{}, fmt.Errorf("transfer: test set has %d outputs, the model %d", test.Outputs(), d)
	}
	mean, variance, err := m.Predict(test.X)
	if err != nil {
		return MultiRisk{}, err
	}
	return rkgp.MultiRiskOf(test, mean, variance), nil
}
