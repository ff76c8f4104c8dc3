package transfer

import (
	"fmt"
	"math"

	"github.com/tlstat/tlstat/tlstat/data"
	"gonum.org/v1/gonum/mat"
)

// sourceSaddle returns the source order parameter q_s: the single-network
// saddle (theory.md §2.2) on the source data at temperature ts.
func sourceSaddle(src *data.Dataset, ks *mat.SymDense, net Network, ts float64) (float64, error) {
	return singleSaddle(ks, src.Y, float64(net.N), ts, net.Lambda1)
}

// scratchSaddle returns the single-network saddle of a target kernel k (for
// the regularization-only baseline K_t is built with c_tt(gamma), i.e.
// lambda0_eff = 1/c_tt).
func scratchSaddle(k *mat.SymDense, y []float64, net Network) (float64, error) {
	return singleSaddle(k, y, float64(net.N), net.T, net.Lambda1)
}

// singleSaddle returns the global minimizer over Q > 0 of the single-network
// action S(Q) = Q − log Q + (1/N) Σ_i [log g_i + ỹ_i²/g_i], g_i = T + Q k_i/λ1,
// in the eigenbasis of k: all sign changes of S'(Q) on a log grid
// 1e-8..1e8 are bisected to machine precision in log Q and the root with the
// smallest S is returned.
func singleSaddle(k *mat.SymDense, y []float64, n, t, l1 float64) (float64, error) {
	var eig mat.EigenSym
	if !eig.Factorize(k, true) {
		return 0, fmt.Errorf("eigendecomposition of the kernel failed")
	}
	kap := eig.Values(nil)
	var u mat.Dense
	eig.VectorsTo(&u)
	yt := mat.NewVecDense(len(y), nil)
	yt.MulVec(u.T(), mat.NewVecDense(len(y), y))
	for i := range kap {
		kap[i] = math.Max(kap[i], 0) / l1
	}
	y2 := make([]float64, len(kap))
	for i := range y2 {
		y2[i] = yt.AtVec(i) * yt.AtVec(i)
	}
	action := func(q float64) float64 {
		s := q - math.Log(q)
		var sum float64
		for i, ki := range kap {
			g := t + q*ki
			sum += math.Log(g) + y2[i]/g
		}
		return s + sum/n
	}
	grad := func(lq float64) float64 {
		q := math.Exp(lq)
		var sum float64
		for i, ki := range kap {
			g := t + q*ki
			sum += ki/g - y2[i]*ki/(g*g)
		}
		return 1 - 1/q + sum/n
	}
	const (
		lo, hi = -8 * math.Ln10, 8 * math.Ln10
		points = 400
	)
	best, bestS := math.NaN(), math.Inf(1)
	prevX, prevG := lo, grad(lo)
	for i := 1; i <= points; i++ {
		x := lo + (hi-lo)*float64(i)/points
		g := grad(x)
		if g == 0 || (prevG < 0) != (g < 0) {
			a, b, ga := prevX, x, prevG
			for it := 0; it < 200 && b-a > 1e-16*math.Max(1, math.Abs(a)); it++ {
				m := 0.5 * (a + b)
				gm := grad(m)
				if (gm < 0) == (ga < 0) {
					a, ga = m, gm
				} else {
					b = m
				}
			}
			q := math.Exp(0.5 * (a + b))
			if s := action(q); s < bestS {
				best, bestS = q, s
			}
		}
		prevX, prevG = x, g
	}
	if math.IsNaN(best) {
		return 0, fmt.Errorf("no stationary point of S(Q) in [1e-8, 1e8]")
	}
	return best, nil
}
