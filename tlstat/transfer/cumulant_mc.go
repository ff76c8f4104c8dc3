package transfer

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// cumulantSum holds the sums over a set of prior draws that the cumulant
// variant's estimate needs. A draw is one source unit's weights w_s and
// cumulantReplicas target replicas' weights w_a coupled to it; F_s, F_a and
// F_0a are their features at the source inputs, the target inputs and the
// test inputs. Every sum is averaged over the replicas: a over all of them
// where one replica is involved, (a, a^1) over the pairs (0,1), (2,3), …
// both ways where two are. The k fields sum products of features; the e
// fields sum the same products weighted by the tilt: τ_s for the source
// block, τ_a with replica a distinguished, τ_{a,a^1} with the pair.
type cumulantSum struct {
	n, ts, t1, t12 float64
	kss, ess       *mat.Dense // Σ F_s F_sᵀ, Σ τ_s F_s F_sᵀ
	kst, est       *mat.Dense // Σ F_s F_aᵀ, Σ τ_a F_s F_aᵀ
	kt, et         *mat.Dense // Σ F_a F_aᵀ, Σ τ_a F_a F_aᵀ
	ktp, etp       *mat.Dense // Σ F_a F_{a^1}ᵀ, Σ τ_{a,a^1} F_a F_{a^1}ᵀ
	ks0, es0       *mat.Dense // Σ F_s F_0aᵀ, Σ τ_a F_s F_0aᵀ
	kt0, et0       *mat.Dense // Σ F_a F_0aᵀ, Σ τ_a F_a F_0aᵀ
	ktt0, ett0     *mat.Dense // Σ F_{a^1} F_0aᵀ, Σ τ_{a,a^1} F_{a^1} F_0aᵀ
	k00, e00       []float64  // Σ F_0a², Σ τ_a F_0a²
}

func newCumulantSum(ps, pt, b int) *cumulantSum {
	d := func(r, c int) *mat.Dense { return mat.NewDense(r, c, nil) }
	return &cumulantSum{
		kss: d(ps, ps), ess: d(ps, ps), kst: d(ps, pt), est: d(ps, pt),
		kt: d(pt, pt), et: d(pt, pt), ktp: d(pt, pt), etp: d(pt, pt),
		ks0: d(ps, b), es0: d(ps, b), kt0: d(pt, b), et0: d(pt, b), ktt0: d(pt, b), ett0: d(pt, b),
		k00: make([]float64, b), e00: make([]float64, b),
	}
}

func (s *cumulantSum) mats() []*mat.Dense {
	return []*mat.Dense{s.kss, s.ess, s.kst, s.est, s.kt, s.et, s.ktp, s.etp, s.ks0, s.es0, s.kt0, s.et0, s.ktt0, s.ett0}
}

func (s *cumulantSum) clone() *cumulantSum {
	out := &cumulantSum{n: s.n, ts: s.ts, t1: s.t1, t12: s.t12,
		k00: append([]float64(nil), s.k00...), e00: append([]float64(nil), s.e00...)}
	ms := s.mats()
	out.kss, out.ess, out.kst, out.est = mat.DenseCopyOf(ms[0]), mat.DenseCopyOf(ms[1]), mat.DenseCopyOf(ms[2]), mat.DenseCopyOf(ms[3])
	out.kt, out.et, out.ktp, out.etp = mat.DenseCopyOf(ms[4]), mat.DenseCopyOf(ms[5]), mat.DenseCopyOf(ms[6]), mat.DenseCopyOf(ms[7])
	out.ks0, out.es0, out.kt0, out.et0 = mat.DenseCopyOf(ms[8]), mat.DenseCopyOf(ms[9]), mat.DenseCopyOf(ms[10]), mat.DenseCopyOf(ms[11])
	out.ktt0, out.ett0 = mat.DenseCopyOf(ms[12]), mat.DenseCopyOf(ms[13])
	return out
}

// add sets s to s + f o.
func (s *cumulantSum) add(o *cumulantSum, f float64) {
	s.n, s.ts, s.t1, s.t12 = s.n+f*o.n, s.ts+f*o.ts, s.t1+f*o.t1, s.t12+f*o.t12
	om := o.mats()
	for i, m := range s.mats() {
		m.Add(m, scaledCopy(f, om[i]))
	}
	for i := range s.k00 {
		s.k00[i] += f * o.k00[i]
		s.e00[i] += f * o.e00[i]
	}
}

// cumulantSums draws set.Samples units (set with its defaults, Src
// included) from the prior of the coupled networks and returns the sums of each of set.Groups disjoint groups of
// draws (chunks of draws dealt to the groups in turn).
func (m *Model) cumulantSums(cm *cumulantMats, x0 mat.Matrix, set rkgp.CumulantSettings) ([]*cumulantSum, error) {
	c, s := m.c, m.c.s
	xs, xt := s.prob.Source.X, s.prob.Target.X
	ps, pt := len(s.ds), len(s.dt)
	b, _ := x0.Dims()
	n0 := s.n0
	rng := rand.New(set.Src)
	sums := make([]*cumulantSum, set.Groups)
	for g := range sums {
		sums[g] = newCumulantSum(ps, pt, b)
	}
	cov := c.cov
	// w_r = (c_st/c_ss) w_s + sqrt(c_tt − c_st²/c_ss) ξ_r: the covariances
	// c_st with the source and c_tt' = c_st²/c_ss between replicas.
	lead := cov.ST / cov.SS
	noise := math.Sqrt(math.Max(0, cov.TT-cov.ST*cov.ST/cov.SS))
	chunk := max(1, min(512, (set.Samples+set.Groups-1)/set.Groups))
	const nr = cumulantReplicas
	zs := mat.NewDense(n0, chunk, nil)
	wr, fr := make([]*mat.Dense, nr), make([]*mat.Dense, nr)
	for r := range wr {
		wr[r] = mat.NewDense(n0, chunk, nil)
		fr[r] = mat.NewDense(pt, chunk, nil)
	}
	fs := mat.NewDense(ps, chunk, nil)
	f0 := make([]*mat.Dense, nr)
	for a := range f0 {
		f0[a] = mat.NewDense(b, chunk, nil)
	}
	work := mat.NewDense(max(ps, pt), chunk, nil)
	scaled := mat.NewDense(max(ps, pt), chunk, nil)
	for start, ci := 0, 0; start < set.Samples; start, ci = start+chunk, ci+1 {
		cc := min(chunk, set.Samples-start)
		g := sums[ci%set.Groups]
		zc := zs.Slice(0, n0, 0, cc).(*mat.Dense)
		fill(rng, zc, math.Sqrt(cov.SS))
		fsc := fs.Slice(0, ps, 0, cc).(*mat.Dense)
		features(s.act, fsc, xs, zc, n0)
		frc := make([]*mat.Dense, nr)
		shared := scaledCopy(lead, zc) // the replicas' common part (c_st/c_ss) w_s
		for r := range fr {
			w := wr[r].Slice(0, n0, 0, cc).(*mat.Dense)
			fill(rng, w, noise)
			w.Add(w, shared)
			frc[r] = fr[r].Slice(0, pt, 0, cc).(*mat.Dense)
			features(s.act, frc[r], xt, w, n0)
		}
		f0c := make([]*mat.Dense, nr)
		for a := range f0c {
			f0c[a] = f0[a].Slice(0, b, 0, cc).(*mat.Dense)
			features(s.act, f0c[a], x0, wr[a].Slice(0, n0, 0, cc), n0)
		}
		tw := m.tiltWeights(cm, work, fsc, frc)
		g.n += float64(cc)
		for j := 0; j < cc; j++ {
			g.ts += tw.s[j]
			for a := 0; a < nr; a++ {
				g.t1 += tw.one[a][j] / nr
			}
			for p := 0; p < nr/2; p++ {
				g.t12 += tw.pair[p][j] / (nr / 2)
			}
		}

		sP := scaled.Slice(0, ps, 0, cc).(*mat.Dense)
		tP := scaled.Slice(0, pt, 0, cc).(*mat.Dense)
		gemmAdd(g.kss, 1, fsc, fsc)
		scaleCols(sP, fsc, tw.s)
		gemmAdd(g.ess, 1, sP, fsc)
		// Every block pools the same replicas (the test inputs' too), so
		// that the Monte Carlo errors of the training and test kernels are
		// those of one set of units and cancel in the predictions as they do
		// for a single network.
		for a := 0; a < nr; a++ {
			gemmAdd(g.kst, 1.0/nr, fsc, frc[a])
			gemmAdd(g.kt, 1.0/nr, frc[a], frc[a])
			gemmAdd(g.ktp, 1.0/nr, frc[a], frc[a^1]) // the pairs (0,1), (2,3), … both ways
			gemmAdd(g.ks0, 1.0/nr, fsc, f0c[a])
			gemmAdd(g.kt0, 1.0/nr, frc[a], f0c[a])
			gemmAdd(g.ktt0, 1.0/nr, frc[a^1], f0c[a])
			scaleCols(sP, fsc, tw.one[a])
			gemmAdd(g.est, 1.0/nr, sP, frc[a])
			gemmAdd(g.es0, 1.0/nr, sP, f0c[a])
			scaleCols(tP, frc[a], tw.one[a])
			gemmAdd(g.et, 1.0/nr, tP, frc[a])
			gemmAdd(g.et0, 1.0/nr, tP, f0c[a])
			scaleCols(tP, frc[a], tw.pair[a/2])
			gemmAdd(g.etp, 1.0/nr, tP, frc[a^1])
			gemmAdd(g.ett0, 1.0/nr, tP, f0c[a^1])
			for i := 0; i < b; i++ {
				row := f0c[a].RawRowView(i)[:cc]
				for j, v := range row {
					g.k00[i] += v * v / nr
					g.e00[i] += tw.one[a][j] * v * v / nr
				}
			}
		}
	}
	return sums, nil
}

// cumulantReplicas is the number of target replicas drawn with each source
// unit. Averaging the estimates over which replicas play the distinguished
// ones lowers their variance; the n → 0 weights need at least four.
const cumulantReplicas = 4

// tiltDraws are the tilt weights of a chunk of draws: τ_s, τ_1 with each
// replica a distinguished (one[a]) and τ_12 with the pair (2p, 2p+1)
// distinguished (pair[p]), the "other" replicas' terms averaged over all the
// rest.
type tiltDraws struct {
	s         []float64
	one, pair [][]float64
}

// tiltWeights computes the quadratic forms of the tilt for the draws whose
// features are fs (source) and fr (replicas), and from them the weights of
// tiltTerms: a replica sum Σ_c f(c) becomes, at n → 0, f at each
// distinguished replica minus their number times the mean of f over the
// others, and likewise for ordered pairs of distinct replicas.
func (m *Model) tiltWeights(cm *cumulantMats, work, fs *mat.Dense, fr []*mat.Dense) tiltDraws {
	l1 := m.c.s.prob.Net.Lambda1
	q, qs := m.Q, m.QSource
	ps, c := fs.Dims()
	pt, _ := fr[0].Dims()
	nr := len(fr)
	wsP := work.Slice(0, ps, 0, c).(*mat.Dense)
	wtP := work.Slice(0, pt, 0, c).(*mat.Dense)
	uss := quadForms(wsP, cm.ms, fs, fs)
	us, ua := make([][]float64, nr), make([][]float64, nr)
	u := make([][][]float64, nr) // u[r][o] = F_rᵀ Mab F_o, r < o
	for r := range fr {
		us[r] = quadForms(wsP, cm.mst, fr[r], fs)
		ua[r] = quadForms(wtP, cm.maa, fr[r], fr[r])
		u[r] = make([][]float64, nr)
		wtP.Mul(cm.mab, fr[r])
		for o := r + 1; o < nr; o++ {
			u[r][o] = colDots(wtP, fr[o])
		}
	}
	pairU := func(r, o, j int) float64 {
		if r > o {
			r, o = o, r
		}
		return u[r][o][j]
	}
	out := tiltDraws{s: make([]float64, c), one: make([][]float64, nr), pair: make([][]float64, nr/2)}
	for a := range out.one {
		out.one[a] = make([]float64, c)
	}
	for p := range out.pair {
		out.pair[p] = make([]float64, c)
	}
	k := float64(nr)
	row := make([]float64, nr)
	for j := 0; j < c; j++ {
		var sumS, sumA, sumP float64
		for r := 0; r < nr; r++ {
			sumS += us[r][j]
			sumA += ua[r][j]
			row[r] = 0
		}
		for r := 0; r < nr; r++ {
			for o := r + 1; o < nr; o++ {
				v := u[r][o][j]
				row[r] += v
				row[o] += v
				sumP += 2 * v
			}
		}
		src := qs * uss[j]
		out.s[j] = src / l1
		for a := 0; a < nr; a++ {
			oS := (sumS - us[a][j]) / (k - 1)
			oA := (sumA - ua[a][j]) / (k - 1)
			oP := row[a] / (k - 1)
			oo := (sumP - 2*row[a]) / ((k - 1) * (k - 2))
			out.one[a][j] = (src + 2*q.ST*(us[a][j]-oS) + q.T*(ua[a][j]-oA) + q.TT*(-2*oP+2*oo)) / l1
		}
		for p := 0; p < nr/2; p++ {
			a, b := 2*p, 2*p+1
			uab := pairU(a, b, j)
			oS := (sumS - us[a][j] - us[b][j]) / (k - 2)
			oA := (sumA - ua[a][j] - ua[b][j]) / (k - 2)
			oPa := (row[a] - uab) / (k - 2)
			oPb := (row[b] - uab) / (k - 2)
			oo := (sumP - 2*row[a] - 2*row[b] + 2*uab) / ((k - 2) * (k - 3))
			out.pair[p][j] = (src + 2*q.ST*(us[a][j]+us[b][j]-2*oS) + q.T*(ua[a][j]+ua[b][j]-2*oA) +
				q.TT*(2*uab-4*oPa-4*oPb+6*oo)) / l1
		}
	}
	return out
}

// colDots returns the dot products of the columns of a and b.
func colDots(a, b *mat.Dense) []float64 {
	r, c := a.Dims()
	out := make([]float64, c)
	for i := 0; i < r; i++ {
		ar, br := a.RawRowView(i)[:c], b.RawRowView(i)[:c]
		for j := range out {
			out[j] += ar[j] * br[j]
		}
	}
	return out
}

// fill sets the entries of a to independent normals of standard deviation sd.
func fill(rng *rand.Rand, a *mat.Dense, sd float64) {
	r, c := a.Dims()
	for i := 0; i < r; i++ {
		row := a.RawRowView(i)[:c]
		for j := range row {
			row[j] = sd * rng.NormFloat64()
		}
	}
}

// scaledCopy returns f a.
func scaledCopy(f float64, a *mat.Dense) *mat.Dense {
	var out mat.Dense
	out.Scale(f, a)
	return &out
}

// features sets f to σ(x w / √N0), the features of the units with weights
// the columns of w at the rows of x.
func features(act kernel.Activation, f *mat.Dense, x, w mat.Matrix, n0 int) {
	f.Mul(x, w)
	sc := 1 / math.Sqrt(float64(n0))
	r, c := f.Dims()
	for i := 0; i < r; i++ {
		row := f.RawRowView(i)[:c]
		for j, v := range row {
			row[j] = act.Eval(sc * v)
		}
	}
}

// quadForms returns u_j = b_jᵀ W a_j for the columns j of a (P_a × c) and
// b (P_b × c), W being P_b × P_a; work (P_b × c) is scratch.
func quadForms(work *mat.Dense, w mat.Matrix, a, b *mat.Dense) []float64 {
	work.Mul(w, a)
	return colDots(work, b)
}

// scaleCols sets column j of dst to w[j] times column j of src.
func scaleCols(dst, src *mat.Dense, w []float64) {
	r, _ := src.Dims()
	for i := 0; i < r; i++ {
		d, s := dst.RawRowView(i), src.RawRowView(i)
		for j, v := range w {
			d[j] = v * s[j]
		}
	}
}

// gemmAdd sets dst += f a bᵀ.
func gemmAdd(dst *mat.Dense, f float64, a, b *mat.Dense) {
	blas64.Gemm(blas.NoTrans, blas.Trans, f, a.RawMatrix(), b.RawMatrix(), 1, dst.RawMatrix())
}
