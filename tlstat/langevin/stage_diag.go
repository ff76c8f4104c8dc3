package langevin

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// cutIndex returns the index of the first measurement of the window: half
// of the measurements since warm-up, moved to the nearest second-moment
// block boundary when the second moment is recorded (every chain has the
// same measurements and blocks).
func (r *chainRec) cutIndex() int {
	m := len(r.all[obsVNorm])
	half := m / 2
	if len(r.blocks) == 0 {
		return half
	}
	best := r.blocks[0].start
	for _, b := range r.blocks {
		if abs(b.start-half) < abs(best-half) {
			best = b.start
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// addMoment adds WᵀW/N of the chain's current state to its current block
// (see momentBlockFor).
func (r *chainRec) addMoment(n0, blockLen int) {
	b := r.momentBlockFor(len(r.all[obsVNorm])-1, n0, blockLen)
	w := r.ch.firstLayer()
	n := len(w) / n0
	blas64.Syrk(blas.Trans, 1/float64(n), general(n, n0, w), 1, blas64.Symmetric{N: n0, Stride: n0, Uplo: blas.Lower, Data: b.sum})
	b.count++
}

// momentBlockFor returns the block that measurement idx belongs to. Blocks
// hold blockLen measurements at first; when maxMomentBlocks are full, every
// adjacent pair is merged and the length of new blocks doubles, so that the
// blocks always tile the measurements evenly (at most maxMomentBlocks, at
// least half of them full) and the window's start, the block start nearest
// to half of the measurements, lies within one block of it: the window is
// about half of the run however long the run gets.
func (r *chainRec) momentBlockFor(idx, n0, blockLen int) *momentBlock {
	if r.blockLen == 0 {
		r.blockLen = blockLen
	}
	if len(r.blocks) == 0 || r.blocks[len(r.blocks)-1].count >= r.blockLen {
		if len(r.blocks) >= maxMomentBlocks {
			r.mergePairs()
			r.blockLen *= 2
		}
		if len(r.blocks) == 0 || r.blocks[len(r.blocks)-1].count >= r.blockLen {
			r.blocks = append(r.blocks, momentBlock{start: idx, sum: make([]float64, n0*n0)})
		}
	}
	return &r.blocks[len(r.blocks)-1]
}

// mergePairs merges blocks 2i and 2i+1 for every i (a last unpaired block
// stays as it is).
func (r *chainRec) mergePairs() {
	out := r.blocks[:0]
	for i := 0; i < len(r.blocks); i += 2 {
		a := r.blocks[i]
		if i+1 < len(r.blocks) {
			b := r.blocks[i+1]
			for k, v := range b.sum {
				a.sum[k] += v
			}
			a.count += b.count
		}
		out = append(out, a)
	}
	r.blocks = out
}

// windowMoment returns the mean of WᵀW/N over the measurements from cut
// on, as a full symmetric N0×N0 matrix (nil when not recorded).
func (r *chainRec) windowMoment(cut, n0 int) []float64 {
	if n0 == 0 || len(r.blocks) == 0 {
		return nil
	}
	out := make([]float64, n0*n0)
	cnt := 0
	for _, b := range r.blocks {
		if b.start < cut {
			continue
		}
		for i, v := range b.sum {
			out[i] += v
		}
		cnt += b.count
	}
	if cnt == 0 {
		return nil
	}
	for i := 0; i < n0; i++ {
		for j := 0; j <= i; j++ {
			v := out[i*n0+j] / float64(cnt)
			out[i*n0+j], out[j*n0+i] = v, v
		}
	}
	return out
}

// diagnose computes the diagnostics of the gated and the diagnosed
// quantities over the window from cut into out.diag and reports whether
// all gated ones pass, their worst R̂ and their smallest bulk or tail ESS. Chains that sample different laws
// (perTest: transfer targets, each tied to its own snapshot) are diagnosed
// as groups of one chain (DiagnoseGroups).
func (sp *stageSpec) diagnose(recs []*chainRec, cut int, set settings, out *stageOut) (ok bool, worstR, minESS float64) {
	ok = true
	worstR, minESS = math.NaN(), math.NaN()
	nc := len(recs)
	note := func(d Diagnostics, scale float64) {
		if math.IsNaN(worstR) || !(d.RHat <= worstR) {
			worstR = d.RHat
		}
		e := math.Min(d.ESSBulk, d.ESSTail) * scale
		if math.IsNaN(minESS) || !(e >= minESS) {
			minESS = e
		}
	}
	for k := 0; k < numObs; k++ {
		out.diag[k] = nil
		if !sp.gated[k] && !sp.diagnosed[k] {
			continue
		}
		gate := sp.gated[k]
		if sp.perTest {
			// Each chain samples its own law: its halves are compared,
			// pooled over the chains (DiagnoseGroups).
			groups := make([][][]float64, nc)
			for i, r := range recs {
				groups[i] = [][]float64{r.all[k][cut:]}
			}
			d := DiagnoseGroups(groups)
			out.diag[k] = []Diagnostics{d}
			if gate {
				ok = ok && d.Converged(set.maxRHat, set.minESS)
				note(d, 1)
			}
			continue
		}
		x := make([][]float64, nc)
		for i, r := range recs {
			x[i] = r.all[k][cut:]
		}
		d := Diagnose(x)
		out.diag[k] = []Diagnostics{d}
		if gate {
			ok = ok && d.Converged(set.maxRHat, set.minESS)
			note(d, 1)
		}
	}
	return ok, worstR, minESS
}
