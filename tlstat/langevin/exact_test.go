package langevin

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
)

// moments accumulates, per chain, time averages of a vector x and of x xᵀ.
type moments struct {
	m   [][]float64 // per chain: sum of x
	mm  [][]float64 // per chain: sum of x_i x_j (row-major d×d)
	cnt []int
}

func newMoments(chains, d int) *moments {
	m := &moments{m: make([][]float64, chains), mm: make([][]float64, chains), cnt: make([]int, chains)}
	for c := range m.m {
		m.m[c] = make([]float64, d)
		m.mm[c] = make([]float64, d*d)
	}
	return m
}

// add is safe for concurrent use across different chains.
func (m *moments) add(c int, x []float64) {
	d := len(x)
	for i, a := range x {
		m.m[c][i] += a
		for j, b := range x {
			m.mm[c][i*d+j] += a * b
		}
	}
	m.cnt[c]++
}

// stat returns across-chain mean and standard error of f(chain averages).
func (m *moments) stat(f func(mean, second []float64) float64) Estimate {
	x := make([]float64, len(m.m))
	for c := range m.m {
		n := float64(m.cnt[c])
		mean := make([]float64, len(m.m[c]))
		sec := make([]float64, len(m.mm[c]))
		for i := range mean {
			mean[i] = m.m[c][i] / n
		}
		for i := range sec {
			sec[i] = m.mm[c][i] / n
		}
		x[c] = f(mean, sec)
	}
	return meanErr(x)
}

// within reports whether |got.Mean - want| <= k·got.Err, and that the error
// bar is finite.
func within(got Estimate, want, k float64) bool {
	return !math.IsNaN(got.Err) && math.Abs(got.Mean-want) <= k*got.Err
}

// TestPrior checks that without data the sampler returns the prior: MALA
// gives the variances 1/λ exactly; ULA gives its known biased variance
// 1/(λ(1 - ηTλ/2)) (an AR(1) process), which differs from 1/λ by much more
// than the error bar at the step size used.
func TestPrior(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	test := randomData(3, 5, rng) // three test inputs fix N0 = 5
	net := Network{N: 20, T: 0.7, Lambda0: 2, Lambda1: 0.5}
	for _, m := range []Method{MALA, ULA} {
		const chains = 8 // independent chains for the error bars
		sq := newMoments(chains, 2)
		s := &Sampler{Method: m, Chains: chains, Steps: 4000, Thin: 5, Src: rand.NewPCG(4, 4),
			BurnIn:     500, // 10 windows of MALA step-size tuning
			StepFactor: 0.6, // ε max(λ) = 0.6: fast mixing and a visible ULA bias
			Observe: func(st State) {
				w2 := 0.0
				for _, w := range st.W {
					w2 += w * w
				}
				v2 := 0.0
				for _, v := range st.V {
					v2 += v * v
				}
				sq.add(st.Chain, []float64{w2 / float64(len(st.W)), v2 / float64(len(st.V))})
			}}
		res, err := s.Run(net, nil, test)
		if err != nil {
			t.Fatal(err)
		}
		eps := res.Eta * net.T
		for k, lam := range []float64{net.Lambda0, net.Lambda1} {
			want := 1 / lam
			if m == ULA {
				want = 1 / (lam * (1 - eps*lam/2))
			}
			got := sq.stat(func(mean, _ []float64) float64 { return mean[k] })
			// 4σ: a false failure has probability below 1e-4.
			if !within(got, want, 4) {
				t.Errorf("%v: variance of layer %d = %.5f ± %.5f, want %.5f", m, k, got.Mean, got.Err, want)
			}
			if m == ULA && within(got, 1/lam, 4) {
				t.Errorf("ULA: variance %.5f ± %.5f does not resolve the step-size bias (1/λ = %.5f)", got.Mean, got.Err, 1/lam)
			}
			t.Logf("%v layer %d: variance %.5f ± %.5f, exact %.5f (1/λ = %.5f), acceptance %.3f",
				m, k, got.Mean, got.Err, want, 1/lam, res.Acceptance)
		}
	}
}

// TestPriorOutputCovariance checks that without data the covariance of the
// outputs f(x_a) on test inputs equals the NNGP kernel K_ab/λ1 with
// K = kernel.Matrix(σ, Gram, 1/λ0, 1/λ0) (exact at any width for the prior;
// a wide network is used as in the infinite-width limit).
func TestPriorOutputCovariance(t *testing.T) {
	if testing.Short() {
		t.Skip("long: wide network")
	}
	rng := rand.New(rand.NewPCG(5, 5))
	test := randomData(3, 10, rng)
	for _, a := range []kernel.Activation{kernel.Erf, kernel.ReLU} {
		net := Network{N: 200, T: 1, Lambda0: 1.5, Lambda1: 0.8, Act: a} // arbitrary non-unit priors
		const chains = 8
		mo := newMoments(chains, 3)
		s := &Sampler{Method: MALA, Chains: chains, Steps: 6000, Thin: 5, Src: rand.NewPCG(6, 6),
			BurnIn:  1000, // long enough for MALA's step-size tuning (20 windows)
			Observe: func(st State) { mo.add(st.Chain, st.TestOutput) }}
		res, err := s.Run(net, nil, test)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: acceptance %.3f, eta %.3g -> %.3g", a.Name(), res.Acceptance, res.Eta, res.Chains[0].Eta)
		k := kernel.Matrix(a, kernel.Gram(test.X), 1/net.Lambda0, 1/net.Lambda0)
		mean := 0.0
		if !a.Odd() {
			// E f = 0 still (v has zero mean), so the covariance is the second moment.
			mean = 0
		}
		for i := 0; i < 3; i++ {
			for j := i; j < 3; j++ {
				want := k.At(i, j)/net.Lambda1 - mean
				got := mo.stat(func(_, sec []float64) float64 { return sec[i*3+j] })
				if !within(got, want, 4) { // 4σ
					t.Errorf("%s: Cov f(x%d) f(x%d) = %.4f ± %.4f, NNGP %.4f", a.Name(), i, j, got.Mean, got.Err, want)
				}
				t.Logf("%s: Cov f(x%d) f(x%d) = %.4f ± %.4f, NNGP %.4f", a.Name(), i, j, got.Mean, got.Err, want)
			}
		}
	}
}

// readoutPosterior returns the exact mean and covariance of v given W for
// the frozen-first-layer posterior: precision A = ΦᵀΦ/T + λ1 I,
// mean A⁻¹Φᵀy/T, with Φ = σ(X Wᵀ/√N0)/√N. With eps > 0 it returns instead
// the stationary covariance of ULA on this Gaussian, (A(I - εA/2))⁻¹ (the
// ULA mean is exact).
func readoutPosterior(net Network, train *data.Dataset, w *mat.Dense, eps float64) (*mat.VecDense, *mat.Dense) {
	p, n0 := train.X.Dims()
	var h mat.Dense
	h.Mul(train.X, w.T())
	h.Scale(1/math.Sqrt(float64(n0)), &h)
	phi := mat.NewDense(p, net.N, nil)
	a := act(net)
	phi.Apply(func(_, _ int, x float64) float64 { return a.Eval(x) / math.Sqrt(float64(net.N)) }, &h)
	var prec mat.Dense
	prec.Mul(phi.T(), phi)
	prec.Scale(1/net.T, &prec)
	for i := 0; i < net.N; i++ {
		prec.Set(i, i, prec.At(i, i)+net.Lambda1)
	}
	var cov mat.Dense
	if err := cov.Inverse(&prec); err != nil {
		panic(err)
	}
	var b, m mat.VecDense
	b.MulVec(phi.T(), mat.NewVecDense(p, train.Y))
	b.ScaleVec(1/net.T, &b)
	m.MulVec(&cov, &b)
	if eps > 0 {
		var u mat.Dense
		u.Scale(-eps/2, &prec)
		for i := 0; i < net.N; i++ {
			u.Set(i, i, u.At(i, i)+1)
		}
		var au mat.Dense
		au.Mul(&prec, &u)
		if err := cov.Inverse(&au); err != nil {
			panic(err)
		}
	}
	return &m, &cov
}

// TestFrozenFirstLayer compares the sampled mean and covariance of v with
// the closed-form Gaussian readout posterior (MALA: exact; ULA: its exact
// stationary law, same mean and covariance (A(I - εA/2))⁻¹).
func TestFrozenFirstLayer(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	const n, n0, p = 4, 3, 6 // small: 4 means and 10 covariances to check
	train := randomData(p, n0, rng)
	w := mat.NewDense(n, n0, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n0; j++ {
			w.Set(i, j, rng.NormFloat64())
		}
	}
	net := Network{N: n, T: 0.2, Lambda0: 1, Lambda1: 1}
	for _, m := range []Method{MALA, ULA} {
		const chains = 8
		mo := newMoments(chains, n)
		s := &Sampler{Method: m, Chains: chains, Steps: 20000, Thin: 2, BurnIn: 2000, Src: rand.NewPCG(8, 8),
			FreezeFirstLayer: true, StepFactor: 0.5, // εA_max ≈ 0.5: visible ULA bias, good MALA acceptance
			Init: func(_ int, ww, vv []float64) {
				copy(ww, w.RawMatrix().Data)
			},
			Observe: func(st State) { mo.add(st.Chain, st.V) }}
		res, err := s.Run(net, train, nil)
		if err != nil {
			t.Fatal(err)
		}
		eps := 0.0
		if m == ULA {
			eps = res.Eta * net.T
		}
		mean, cov := readoutPosterior(net, train, w, eps)
		for i := 0; i < n; i++ {
			got := mo.stat(func(mm, _ []float64) float64 { return mm[i] })
			if !within(got, mean.AtVec(i), 4) { // 4σ
				t.Errorf("%v: <v_%d> = %.4f ± %.4f, exact %.4f", m, i, got.Mean, got.Err, mean.AtVec(i))
			}
			for j := i; j < n; j++ {
				got := mo.stat(func(mm, sec []float64) float64 { return sec[i*n+j] - mm[i]*mm[j] })
				if !within(got, cov.At(i, j), 4) { // 4σ
					t.Errorf("%v: Cov(v_%d, v_%d) = %.4f ± %.4f, exact %.4f", m, i, j, got.Mean, got.Err, cov.At(i, j))
				}
			}
		}
		v00 := mo.stat(func(mm, sec []float64) float64 { return sec[0] - mm[0]*mm[0] })
		m0 := mo.stat(func(mm, _ []float64) float64 { return mm[0] })
		t.Logf("%v: acceptance %.3f, <v_0> = %.4f ± %.4f (exact %.4f), Var v_0 = %.4f ± %.4f (exact %.4f)", m, res.Acceptance,
			m0.Mean, m0.Err, mean.AtVec(0), v00.Mean, v00.Err, cov.At(0, 0))
	}
}
