package rkgp

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
)

// CumulantSettings controls the Monte Carlo estimate of the cumulant
// variant's correction. The zero value selects the defaults.
type CumulantSettings struct {
	// Samples is the number of first-layer weight vectors drawn from the
	// prior. Default 32768.
	Samples int
	// Groups is the number of disjoint groups of samples whose separate
	// estimates give the Monte Carlo standard error (VariantRiskErr).
	// Default 4; at least 2.
	Groups int
	// Src is the source of randomness. Default: a PCG source with a fixed
	// seed, so that a prediction is reproducible.
	Src rand.Source
}

// Defaults returns s with its zero fields set to the defaults documented
// above (a new fixed-seed source for a nil Src).
func (s CumulantSettings) Defaults() CumulantSettings {
	if s.Samples <= 0 {
		s.Samples = 32768
	}
	if s.Groups < 2 {
		s.Groups = 4
	}
	s.Samples = max(s.Samples, s.Groups)
	if s.Src == nil {
		s.Src = rand.NewPCG(0x5eed, 4)
	}
	return s
}

// cumulantChunk is the number of samples whose features are held at once
// (P×chunk and B×chunk float64 values).
const cumulantChunk = 512

// cumulantEstimate is the corrected training kernel of one set of samples
// (all of them, or one group): G_c = T I + Qb (K + D), its factor and
// alpha = G_c⁻¹y, and what the test points need, B = M K̂ and the mean
// weight t̄.
type cumulantEstimate struct {
	n     float64 // samples
	tbar  float64
	bm    *mat.Dense // M K̂ (P×P)
	ch    mat.Cholesky
	alpha *mat.VecDense
}

// cumulantState is the cumulant variant at the scalar saddle point: the
// prior samples (as the matrix Z of standard normal columns, N0×S, so that
// the test points' features come from the same weights), their weights
// t_s = σ_sᵀ M σ_s, and the estimates of all samples and of each group.
type cumulantState struct {
	t, qb  float64
	z      *mat.Dense // N0×S
	w      []float64  // t_s
	groups int
	all    *cumulantEstimate
	group  []*cumulantEstimate
	scalar *gFactor

	// The predictions of the last inputs predicted (a copy of them, compared
	// entry by entry), so that Risk and VariantRiskErr on one test set share
	// one pass.
	mu                sync.Mutex
	lastX             *mat.Dense
	lastMean, lastVar [][]float64
}

// cumulantCache holds a model's cumulantState, built on first use.
type cumulantCache struct {
	mu    sync.Mutex
	state *cumulantState
}

// features sets f (rows × c) to σ(x z / √(N0 λ0)) for the rows of x (the
// preactivations of prior weights w = z/√λ0 at the inputs x).
func (sp *spectrum) features(f *mat.Dense, x mat.Matrix, z mat.Matrix) {
	_, n0 := sp.x.Dims()
	f.Mul(x, z)
	scale := 1 / math.Sqrt(float64(n0)*sp.lambda0)
	raw := f.RawMatrix()
	r, c := f.Dims()
	for i := 0; i < r; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+c]
		for j, v := range row {
			row[j] = sp.act.Eval(scale * v)
		}
	}
}

// cumulantSums are the sums over a set of samples that an estimate needs:
// Σ σσᵀ, Σ t σσᵀ (P×P, training inputs), Σ t and the number of samples.
type cumulantSums struct {
	k, e    *mat.Dense
	tsum, n float64
}

// cumulantChunkSize is the number of samples processed at once for S
// samples in g groups (every group gets at least one chunk).
func cumulantChunkSize(s, g int) int { return max(1, min(cumulantChunk, (s+g-1)/g)) }

// eachCumulantChunk calls fn for the chunks [start, end) of s samples in
// order, with the group each chunk belongs to (chunks are dealt to the g
// groups in turn). The fit and the predictions both walk the samples
// through it, so that a sample is in the same group in both.
func eachCumulantChunk(s, g int, fn func(start, end, group int) error) error {
	chunk := cumulantChunkSize(s, g)
	for start, ci := 0, 0; start < s; start, ci = start+chunk, ci+1 {
		if err := fn(start, min(start+chunk, s), ci%g); err != nil {
			return err
		}
	}
	return nil
}

// cumulantState returns the cumulant variant's state, building it on first
// use: O(S·P·(N0 + P)) time for S samples, memory O(N0·S) for the samples
// and 4(Groups+1) P×P matrices while it is built, 2(Groups+1) after.
func (m *Model) cumulantState() (*cumulantState, error) {
	qb, _ := m.scales()
	t := m.Net.T
	cache := m.cumulant
	if cache == nil {
		cache = &cumulantCache{}
	}
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if st := cache.state; st != nil && st.t == t && st.qb == qb {
		return st, nil
	}
	sf, err := m.factor()
	if err != nil {
		return nil, err
	}
	set := m.settings.Cumulant.Defaults()
	sp := m.sp
	p, n0 := sp.x.Dims()
	s := set.Samples
	rng := rand.New(set.Src)
	st := &cumulantState{t: t, qb: qb, z: mat.NewDense(n0, s, nil), w: make([]float64, s), groups: set.Groups, scalar: sf}
	for i := range st.z.RawMatrix().Data {
		st.z.RawMatrix().Data[i] = rng.NormFloat64()
	}
	gs := make([]cumulantSums, set.Groups)
	for g := range gs {
		gs[g] = cumulantSums{k: mat.NewDense(p, p, nil), e: mat.NewDense(p, p, nil)}
	}
	chunk := cumulantChunkSize(s, set.Groups)
	f := mat.NewDense(p, chunk, nil)
	ainvf := mat.NewDense(p, chunk, nil)
	fw := mat.NewDense(p, chunk, nil)
	err = eachCumulantChunk(s, set.Groups, func(start, end, group int) error {
		c := end - start
		fc, ac, wc := f.Slice(0, p, 0, c).(*mat.Dense), ainvf.Slice(0, p, 0, c).(*mat.Dense), fw.Slice(0, p, 0, c).(*mat.Dense)
		sp.features(fc, sp.x, st.z.Slice(0, n0, start, end))
		if err := sf.ch.SolveTo(ac, fc); err != nil {
			if _, ok := err.(mat.Condition); !ok {
				return fmt.Errorf("rkgp: cumulant variant: solving A x = σ: %w", err)
			}
		}
		g := &gs[group]
		for j := 0; j < c; j++ {
			// t = σᵀ M σ = (aᵀσ)² − σᵀA⁻¹σ with a = A⁻¹y.
			col := fc.ColView(j)
			ay := mat.Dot(col, sf.alpha)
			wt := ay*ay - mat.Dot(col, ac.ColView(j))
			st.w[start+j] = wt
			g.tsum += wt
		}
		scaleColumns(wc, fc, st.w[start:end])
		g.n += float64(c)
		gemmAdd(g.k, fc, fc)
		gemmAdd(g.e, wc, fc)
		return nil
	})
	if err != nil {
		return nil, err
	}
	tot := cumulantSums{k: mat.NewDense(p, p, nil), e: mat.NewDense(p, p, nil)}
	for _, g := range gs {
		tot.k.Add(tot.k, g.k)
		tot.e.Add(tot.e, g.e)
		tot.tsum += g.tsum
		tot.n += g.n
	}
	if st.all, err = m.cumulantEstimate(sf, tot); err != nil {
		return nil, err
	}
	for _, g := range gs {
		e, err := m.cumulantEstimate(sf, g)
		if err != nil {
			return nil, err
		}
		st.group = append(st.group, e)
	}
	cache.state = st
	return st, nil
}

// scaleColumns sets column j of dst to w[j] times column j of src.
func scaleColumns(dst, src *mat.Dense, w []float64) {
	r, _ := src.Dims()
	for i := 0; i < r; i++ {
		d, s := dst.RawRowView(i), src.RawRowView(i)
		for j, wt := range w {
			d[j] = wt * s[j]
		}
	}
}

// gemmAdd sets dst += a bᵀ.
func gemmAdd(dst, a, b *mat.Dense) {
	blas64.Gemm(blas.NoTrans, blas.Trans, 1, a.RawMatrix(), b.RawMatrix(), 1, dst.RawMatrix())
}

// cumulantEstimate forms the corrected training kernel of the sums s,
//
//	D = (Qb/2N) (Ê − K̂ t̄ − 2 K̂ M K̂),  K̂ = Σσσᵀ/n, Ê = Σ t σσᵀ/n, t̄ = Σt/n,
//
// and factors G_c = T I + Qb (K + D), with K the exact NNGP kernel. It
// overwrites s.k with M K̂ (kept for the test points).
func (m *Model) cumulantEstimate(sf *gFactor, s cumulantSums) (*cumulantEstimate, error) {
	sp := m.sp
	p := len(sp.y)
	qb, _ := m.scales()
	t := m.Net.T
	est := &cumulantEstimate{n: s.n, tbar: s.tsum / s.n}
	khat := s.k
	khat.Scale(1/s.n, khat)
	// M K̂ = a (aᵀK̂) − A⁻¹K̂.
	bm := mat.NewDense(p, p, nil)
	if err := sf.ch.SolveTo(bm, khat); err != nil {
		if _, ok := err.(mat.Condition); !ok {
			return nil, fmt.Errorf("rkgp: cumulant variant: solving A x = K̂: %w", err)
		}
	}
	ak := mat.NewVecDense(p, nil)
	ak.MulVec(khat, sf.alpha) // K̂ a = (aᵀK̂)ᵀ
	bm.Scale(-1, bm)
	bm.RankOne(bm, 1, sf.alpha, ak)
	// K̂ M K̂ = K̂ᵀ (M K̂).
	kmk := mat.NewDense(p, p, nil)
	kmk.Mul(khat.T(), bm)
	scale := qb / (2 * float64(m.Net.N))
	g := mat.NewSymDense(p, nil)
	rb := sp.b.RawSymmetric()
	d := func(a, b int) float64 {
		return s.e.At(a, b)/s.n - khat.At(a, b)*est.tbar - 2*kmk.At(a, b)
	}
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			dij := scale * 0.5 * (d(i, j) + d(j, i))
			g.SetSym(i, j, qb*(rb.Data[i*rb.Stride+j]+dij))
		}
		g.SetSym(i, i, g.At(i, i)+t)
	}
	if !est.ch.Factorize(g) {
		return nil, fmt.Errorf("rkgp: %w", &CumulantRangeError{Matrix: "T I + Qb (K + D)", P: p, N: m.Net.N, T: t})
	}
	est.alpha = mat.NewVecDense(p, nil)
	if err := est.ch.SolveVecTo(est.alpha, mat.NewVecDense(p, sp.y)); err != nil {
		if _, ok := err.(mat.Condition); !ok {
			return nil, fmt.Errorf("rkgp: cumulant variant: solving G_c α = y: %w", err)
		}
	}
	est.bm = bm
	return est, nil
}

// cumulantPredict predicts the rows of x0 with every estimate of st: the
// estimate of all samples first, then one per group. Per chunk of samples
// it recomputes the training inputs' features from the stored weights
// (O(P·N0) per sample) and accumulates the cross sums K̂_0 = Σ σ σ_0ᵀ and
// Ê_0 = Σ t σ σ_0ᵀ (P×B) of each group.
func (m *Model) cumulantPredict(st *cumulantState, x0 mat.Matrix) (means, variances [][]float64, err error) {
	sp := m.sp
	p, n0 := sp.x.Dims()
	b, _ := x0.Dims()
	s := len(st.w)
	cs := 1 / sp.lambda0
	k0, d0, err := sp.crossKernel(x0)
	if err != nil {
		return nil, nil, err
	}
	type test struct {
		k0, e0   *mat.Dense
		k00, e00 []float64
	}
	ts := make([]test, st.groups)
	for g := range ts {
		ts[g] = test{k0: mat.NewDense(p, b, nil), e0: mat.NewDense(p, b, nil), k00: make([]float64, b), e00: make([]float64, b)}
	}
	chunk := cumulantChunkSize(s, st.groups)
	f := mat.NewDense(p, chunk, nil)
	fw := mat.NewDense(p, chunk, nil)
	f0 := mat.NewDense(b, chunk, nil)
	_ = eachCumulantChunk(s, st.groups, func(start, end, group int) error {
		c := end - start
		zc := st.z.Slice(0, n0, start, end)
		fc, wc, f0c := f.Slice(0, p, 0, c).(*mat.Dense), fw.Slice(0, p, 0, c).(*mat.Dense), f0.Slice(0, b, 0, c).(*mat.Dense)
		sp.features(fc, sp.x, zc)
		sp.features(f0c, x0, zc)
		g := &ts[group]
		scaleColumns(wc, fc, st.w[start:end])
		for j := 0; j < c; j++ {
			wt := st.w[start+j]
			for i := 0; i < b; i++ {
				v := f0c.At(i, j)
				g.k00[i] += v * v
				g.e00[i] += wt * v * v
			}
		}
		gemmAdd(g.k0, fc, f0c)
		gemmAdd(g.e0, wc, f0c)
		return nil
	})
	all := test{k0: mat.NewDense(p, b, nil), e0: mat.NewDense(p, b, nil), k00: make([]float64, b), e00: make([]float64, b)}
	for _, g := range ts {
		all.k0.Add(all.k0, g.k0)
		all.e0.Add(all.e0, g.e0)
		for i := range all.k00 {
			all.k00[i] += g.k00[i]
			all.e00[i] += g.e00[i]
		}
	}
	kappa := make([]float64, b)
	for j, d := range d0 {
		kappa[j] = sp.act.Kfun(cs*d, cs*d, cs*d)
	}
	qb := st.qb
	scale := qb / (2 * float64(m.Net.N))
	predict := func(est *cumulantEstimate, tt test) ([]float64, []float64, error) {
		n := est.n
		k0hat := mat.NewDense(p, b, nil)
		k0hat.Scale(1/n, tt.k0)
		// K̂ M K̂_0 = (M K̂)ᵀ K̂_0, and the diagonal of K̂_0ᵀ M K̂_0 from
		// (aᵀK̂_0)² − K̂_0ᵀA⁻¹K̂_0.
		kmk0 := mat.NewDense(p, b, nil)
		kmk0.Mul(est.bm.T(), k0hat)
		ak0 := mat.NewVecDense(b, nil)
		ak0.MulVec(k0hat.T(), st.scalar.alpha)
		ainv := mat.NewDense(p, b, nil)
		if err := st.scalar.ch.SolveTo(ainv, k0hat); err != nil {
			if _, ok := err.(mat.Condition); !ok {
				return nil, nil, fmt.Errorf("rkgp: cumulant variant: solving A x = K̂_0: %w", err)
			}
		}
		kc := mat.NewDense(p, b, nil)
		mean, variance := make([]float64, b), make([]float64, b)
		for j := 0; j < b; j++ {
			quad := ak0.AtVec(j)*ak0.AtVec(j) - mat.Dot(k0hat.ColView(j), ainv.ColView(j))
			d00 := tt.e00[j]/n - tt.k00[j]/n*est.tbar - 2*quad
			variance[j] = qb * (kappa[j] + scale*d00)
			for i := 0; i < p; i++ {
				d0 := tt.e0.At(i, j)/n - k0hat.At(i, j)*est.tbar - 2*kmk0.At(i, j)
				kc.Set(i, j, qb*(k0.At(i, j)+scale*d0))
			}
		}
		if err := gpPosterior(&est.ch, est.alpha, kc, mean, variance, "cumulant variant"); err != nil {
			return nil, nil, err
		}
		return mean, variance, nil
	}
	mn, vr, err := predict(st.all, all)
	if err != nil {
		return nil, nil, err
	}
	means, variances = [][]float64{mn}, [][]float64{vr}
	for g, est := range st.group {
		mn, vr, err := predict(est, ts[g])
		if err != nil {
			return nil, nil, err
		}
		means, variances = append(means, mn), append(variances, vr)
	}
	return means, variances, nil
}

// predictCumulantBatch is predictBatch for the cumulant variant of the
// linear activation: the features are Gaussian, every fourth cumulant
// vanishes and the variant is the scalar theory exactly. (Other
// activations are predicted by predictCumulant, all inputs at once.)
func (m *Model) predictCumulantBatch(x0 mat.Matrix, mean, variance []float64) error {
	sc := *m
	sc.settings.Variant = Scalar
	return sc.predictBatch(x0, mean, variance)
}

// predictCumulant predicts the rows of x with the estimate of all samples,
// and keeps every estimate's predictions for cumulantRiskErr.
func (m *Model) predictCumulant(x *mat.Dense) (mean, variance []float64, err error) {
	means, variances, err := m.cumulantPredictions(x)
	if err != nil {
		return nil, nil, err
	}
	return append([]float64(nil), means[0]...), append([]float64(nil), variances[0]...), nil
}

// cumulantPredictions returns cumulantPredict's predictions of x, from
// the state's cache when x was the last inputs predicted.
func (m *Model) cumulantPredictions(x *mat.Dense) (means, variances [][]float64, err error) {
	st, err := m.cumulantState()
	if err != nil {
		return nil, nil, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.lastX != nil && mat.Equal(st.lastX, x) {
		return st.lastMean, st.lastVar, nil
	}
	means, variances, err = m.cumulantPredict(st, x)
	if err != nil {
		return nil, nil, err
	}
	st.lastX, st.lastMean, st.lastVar = mat.DenseCopyOf(x), means, variances
	return means, variances, nil
}

// cumulantRiskErr returns the Monte Carlo standard error of the cumulant
// variant's test error: the standard deviation of the groups' test errors
// over √groups (each group holds 1/groups of the samples; the estimate of
// all samples is, to first order, their mean). 0 for the linear activation.
func (m *Model) cumulantRiskErr(test *data.Dataset) (float64, error) {
	if m.sp.act.Name() == "linear" {
		return 0, nil
	}
	means, variances, err := m.cumulantPredictions(test.X)
	if err != nil {
		return 0, err
	}
	var errs []float64
	for g := 1; g < len(means); g++ {
		errs = append(errs, RiskOf(test.Y, means[g], variances[g]).Total)
	}
	mean := 0.0
	for _, e := range errs {
		mean += e
	}
	mean /= float64(len(errs))
	ss := 0.0
	for _, e := range errs {
		ss += (e - mean) * (e - mean)
	}
	return math.Sqrt(ss/float64(len(errs)-1)) / math.Sqrt(float64(len(errs))), nil
}
