package langevin

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// TestMarginalSeveralOutputs checks the marginal potential of D = 3 outputs
// in both linear-algebra forms against the single-output potentials, which
// TestMarginalPotential checks against dense computations: every output has
// its own Gaussian readout given W, so U − prior is the sum over outputs of
// the single-output U − prior, the gradient likewise, and the observables
// are the means over outputs of the single-output ones. The gradient is also
// checked by central differences.
func TestMarginalSeveralOutputs(t *testing.T) {
	for k, c := range []struct {
		name     string
		n, p, n0 int
	}{{"N form", 4, 9, 5}, {"P form", 9, 4, 5}} {
		t.Run(c.name, func(t *testing.T) {
			pr, ts, rng := margTestProblem(t, kernel.Erf, c.n, c.p, 11, c.n0, 0, uint64(k+20))
			labels := func(m int) []float64 {
				y := make([]float64, m)
				for i := range y {
					y[i] = rng.NormFloat64()
				}
				return y
			}
			pr.yx = [][]float64{labels(c.p), labels(c.p)}
			ts.yx = [][]float64{labels(len(ts.y)), labels(len(ts.y))}
			pt := newMargPoint(pr)
			for i := range pt.w {
				pt.w[i] = rng.NormFloat64()
			}
			pr.margEvaluate(pt, true)
			if !pt.ok {
				t.Fatal("factorization failed")
			}
			buf := make([]float64, pr.margDim()*pr.margDim())
			vn, tr := pr.margVNormTrain(pt, pr.margTrGinv(pt, buf))
			te := margTE(pr, ts, pt)

			var wn float64
			for _, w := range pt.w {
				wn += w * w
			}
			prior := pr.lambda0 / 2 * wn
			wantU, wantVN, wantTr, wantTe := prior, 0.0, 0.0, 0.0
			wantG := make([]float64, len(pt.w))
			for i, w := range pt.w {
				wantG[i] = pr.lambda0 * w
			}
			ys := append([][]float64{pr.y}, pr.yx...)
			yts := append([][]float64{ts.y}, ts.yx...)
			for d := range ys {
				one := *pr
				one.y, one.yx = ys[d], nil
				ots := *ts
				ots.y, ots.yx, ots.fx = yts[d], nil, nil
				q := newMargPoint(&one)
				copy(q.w, pt.w)
				one.margEvaluate(q, true)
				wantU += q.u - prior
				for i, g := range q.gw {
					wantG[i] += g - pr.lambda0*pt.w[i]
				}
				v, r := one.margVNormTrain(q, one.margTrGinv(q, buf))
				wantVN += v / 3
				wantTr += r / 3
				wantTe += margTE(&one, &ots, q) / 3
			}
			// The same expressions summed in another order: rounding only.
			const tol = 1e-10
			for _, chk := range []struct {
				what      string
				got, want float64
			}{{"U", pt.u, wantU}, {"E|v|²/N", vn, wantVN}, {"train", tr, wantTr}, {"test", te, wantTe}} {
				if !scalar.EqualWithinAbsOrRel(chk.got, chk.want, tol, tol) {
					t.Errorf("%s = %.15g, from the single outputs %.15g", chk.what, chk.got, chk.want)
				}
			}
			for i, g := range pt.gw {
				if !scalar.EqualWithinAbsOrRel(g, wantG[i], tol, tol) {
					t.Errorf("∂U/∂W[%d] = %.12g, from the single outputs %.12g", i, g, wantG[i])
				}
			}
			// Central differences (h = 1e-5: error below 1e-7, as for one output).
			const h = 1e-5
			q := newMargPoint(pr)
			for i := range pt.w {
				copy(q.w, pt.w)
				q.w[i] += h
				pr.margEvaluate(q, false)
				up := q.u
				q.w[i] -= 2 * h
				pr.margEvaluate(q, false)
				if fd := (up - q.u) / (2 * h); !scalar.EqualWithinAbsOrRel(pt.gw[i], fd, 1e-6, 1e-6) {
					t.Errorf("∂U/∂W[%d] = %.10g, finite difference %.10g", i, pt.gw[i], fd)
				}
			}
		})
	}
}

// TestRunMultiOneOutput checks that RunMulti with one label column is Run,
// draw for draw.
func TestRunMultiOneOutput(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	mk := func(rows int) *data.Dataset {
		x := mat.NewDense(rows, 6, nil)
		y := make([]float64, rows)
		for i := range rows {
			for j := range 6 {
				x.Set(i, j, rng.NormFloat64())
			}
			y[i] = math.Copysign(1, x.At(i, 0))
		}
		return &data.Dataset{X: x, Y: y}
	}
	train, test := mk(20), mk(15)
	net := rkgp.Network{N: 10, T: 0.2, Lambda0: 1, Lambda1: 1}
	run := func(multi bool) *Result {
		s := &Sampler{Src: rand.NewPCG(1, 2), Chains: 4, BurnIn: 60, Steps: 60}
		var r *Result
		var err error
		if multi {
			y := mat.NewDense(train.Len(), 1, append([]float64(nil), train.Y...))
			yt := mat.NewDense(test.Len(), 1, append([]float64(nil), test.Y...))
			r, err = s.RunMulti(net, &data.MultiDataset{X: train.X, Y: y}, &data.MultiDataset{X: test.X, Y: yt})
		} else {
			r, err = s.Run(net, train, test)
		}
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b := run(false), run(true)
	if a.TestError.Mean != b.TestError.Mean || a.VNorm.Mean != b.VNorm.Mean || a.TrainError.Mean != b.TrainError.Mean {
		t.Errorf("Run %+v, RunMulti %+v", a.TestError, b.TestError)
	}
	if _, err := (&Sampler{Method: MALA}).RunMulti(net, &data.MultiDataset{X: train.X, Y: mat.NewDense(train.Len(), 1, train.Y)}, nil); err == nil {
		t.Error("RunMulti accepted MALA")
	}
}
