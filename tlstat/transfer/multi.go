package transfer

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// MultiProblem is a transfer problem whose source and target networks have
// D readouts each (docs/theory.md §4, "Several outputs"): the source and
// target labels are P_s×D and P_t×D matrices with the same D.
type MultiProblem struct {
	// Source and Target are the training sets; they must share the input
	// dimension N0 and the number of outputs D.
	Source, Target *data.MultiDataset
	// Net is the target network (odd activation); the source network shares
	// N, Lambda0, Lambda1 and the activation.
	Net rkgp.Network
	// SourceT is the source temperature T_s; zero means Net.T.
	SourceT float64
}

// MultiSolver holds a validated MultiProblem with everything that does not
// depend on the coupling gamma: the Gram matrices, the source saddle Q_s
// (rkgp.FitMulti at T_s), the eigendecompositions K_s = U diag(k) Uᵀ and
// Q_s = V diag(s) Vᵀ, which make A = T_s I + (Q_s/lambda1) ⊗ K_s diagonal
// (h_ik = 1/(T_s + k_i s_k/lambda1)), the source's A⁻¹Y_s in that basis,
// and the scratch (gamma = 0) saddle. It is safe for concurrent use once
// constructed.
type MultiSolver struct {
	prob   MultiProblem
	set    Settings
	act    kernel.Activation
	n      float64
	ts     float64
	n0, nd int

	ds, dt []float64
	gt     *mat.SymDense
	gst    *mat.Dense

	qs     *mat.SymDense // Q_s
	qsInv  *mat.SymDense
	vs     *mat.Dense // eigenvectors of Q_s (columns)
	u      *mat.Dense // eigenvectors of K_s (columns)
	h      *mat.Dense // P_s×D: h_ik
	alphaS *mat.Dense // P_s×D: rows H_i ỹ_i, the source's A⁻¹Y_s in the eigenbasis of K_s

	srcFit  *rkgp.MultiModel
	scratch *MultiModel
	tgtFit  *rkgp.MultiModel
}

// NewMultiSolver validates p, solves the source saddle Q_s with
// rkgp.FitMulti at the source temperature, diagonalizes the source block and
// solves the scratch (gamma = 0) target saddle, whose order parameters
// (Q_t, 0, 0) with Q_t from rkgp.FitMulti on the target are exact. Settings
// are those of NewSolver (SourceQ is ignored: Q_s is a matrix here).
func NewMultiSolver(p MultiProblem, s *Settings) (*MultiSolver, error) {
	if err := validateNet(p.Net); err != nil {
		return nil, err
	}
	if math.IsNaN(p.SourceT) || p.SourceT < 0 || math.IsInf(p.SourceT, 0) {
		return nil, fmt.Errorf("transfer: source temperature must be positive and finite (0 for the target's), got %v", p.SourceT)
	}
	if err := p.Source.Validate(); err != nil {
		return nil, fmt.Errorf("transfer: source data: %w", err)
	}
	if err := p.Target.Validate(); err != nil {
		return nil, fmt.Errorf("transfer: target data: %w", err)
	}
	_, n0 := p.Source.X.Dims()
	if _, c := p.Target.X.Dims(); c != n0 {
		return nil, fmt.Errorf("transfer: source inputs have dimension N0 = %d but target inputs have N0 = %d", n0, c)
	}
	if p.Source.Outputs() != p.Target.Outputs() {
		return nil, fmt.Errorf("transfer: the source has %d outputs but the target %d", p.Source.Outputs(), p.Target.Outputs())
	}
	set := s.withDefaults()
	sv := &MultiSolver{prob: p, set: set, act: p.Net.Activation(), n: float64(p.Net.N), ts: p.SourceT, n0: n0, nd: p.Source.Outputs()}
	if sv.ts == 0 {
		sv.ts = p.Net.T
	}
	srcNet := p.Net
	srcNet.T = sv.ts
	var err error
	if sv.srcFit, err = rkgp.FitMulti(p.Source, srcNet, nil); err != nil {
		return nil, fmt.Errorf("transfer: source saddle: %w", err)
	}
	if !sv.srcFit.Converged {
		return nil, fmt.Errorf("transfer: source saddle not converged (residual %v)", sv.srcFit.Residual)
	}
	sv.qs = sv.srcFit.Q
	if sv.qsInv, err = symInverse(sv.qs); err != nil {
		return nil, fmt.Errorf("transfer: source order parameter: %w", err)
	}
	gs := kernel.Gram(p.Source.X)
	sv.ds = kernel.SqNorms(p.Source.X)
	sv.gt = kernel.Gram(p.Target.X)
	sv.dt = kernel.SqNorms(p.Target.X)
	if sv.gst, err = kernel.CrossGram(p.Source.X, p.Target.X); err != nil {
		return nil, fmt.Errorf("transfer: %w", err)
	}
	css := 1 / p.Net.Lambda0
	ks := kernel.Matrix(sv.act, gs, css, css)
	var eig mat.EigenSym
	if !eig.Factorize(ks, true) {
		return nil, fmt.Errorf("transfer: eigendecomposition of the %d×%d source kernel failed", len(sv.ds), len(sv.ds))
	}
	lam := eig.Values(nil)
	sv.u = &mat.Dense{}
	eig.VectorsTo(sv.u)
	var eq mat.EigenSym
	if !eq.Factorize(sv.qs, true) {
		return nil, fmt.Errorf("transfer: eigendecomposition of the source order parameter failed")
	}
	sq := eq.Values(nil)
	sv.vs = &mat.Dense{}
	eq.VectorsTo(sv.vs)
	ps, d, l1 := len(sv.ds), sv.nd, p.Net.Lambda1
	sv.h = mat.NewDense(ps, d, nil)
	var yt mat.Dense
	yt.Mul(sv.u.T(), p.Source.Y) // ỹ (P_s×D)
	var yv mat.Dense
	yv.Mul(&yt, sv.vs) // ỹ in the eigenbasis of Q_s
	for i := range ps {
		for k := range d {
			hk := 1 / (sv.ts + math.Max(lam[i], 0)*sq[k]/l1)
			sv.h.Set(i, k, hk)
			yv.Set(i, k, yv.At(i, k)*hk)
		}
	}
	sv.alphaS = &mat.Dense{}
	sv.alphaS.Mul(&yv, sv.vs.T())
	if sv.tgtFit, err = rkgp.FitMulti(p.Target, p.Net, nil); err != nil {
		return nil, fmt.Errorf("transfer: scratch target saddle: %w", err)
	}
	c, err := sv.Couple(0)
	if err != nil {
		return nil, err
	}
	start := MultiOrder{T: symCopy(sv.tgtFit.Q), ST: mat.NewDense(d, d, nil), TT: mat.NewSymDense(d, nil)}
	sv.scratch, err = c.Solve(start)
	if err != nil {
		return sv, fmt.Errorf("transfer: scratch (gamma = 0) saddle: %w", err)
	}
	return sv, nil
}

// Outputs returns D.
func (s *MultiSolver) Outputs() int { return s.nd }

// QSource returns the source order parameter Q_s (a copy).
func (s *MultiSolver) QSource() *mat.SymDense { return symCopy(s.qs) }

// Source returns the source network's multi-output model at Q_s.
func (s *MultiSolver) Source() *rkgp.MultiModel { return s.srcFit }

// ScratchSingle returns rkgp.FitMulti of the target network trained from
// scratch, the fit that starts the gamma = 0 saddle.
func (s *MultiSolver) ScratchSingle() *rkgp.MultiModel { return s.tgtFit }

// Scratch returns the gamma = 0 solution.
func (s *MultiSolver) Scratch() *MultiModel { return s.scratch }

// MultiCoupled holds the gamma-dependent kernels of one coupling: K_t,
// K_tt', and the source-projected Z = UᵀK_st, M_k = Zᵀ diag(h_·k) Z (one
// P_t×P_t matrix per eigenvector v_k of Q_s: BᵀA⁻¹B = Σ_k (w_k w_kᵀ) ⊗
// M_k/lambda1² with w_k = Q_stᵀ v_k) and V_st = Zᵀ a_s (P_t×D: BᵀA⁻¹Y_s =
// vec(V_st Q_st)/lambda1).
type MultiCoupled struct {
	s     *MultiSolver
	gamma float64
	cov   Covariances

	kt, ktp *mat.SymDense
	z       *mat.Dense // UᵀK_st (P_s×P_t)
	mk      []*mat.SymDense
	vst     *mat.Dense
}

// Couple builds the kernels for coupling gamma >= 0 (+Inf allowed).
func (s *MultiSolver) Couple(gamma float64) (*MultiCoupled, error) {
	cov, err := CouplingCovariances(gamma, s.prob.Net.Lambda0)
	if err != nil {
		return nil, err
	}
	c := &MultiCoupled{s: s, gamma: gamma, cov: cov}
	c.kt = kernel.Matrix(s.act, s.gt, cov.TT, cov.TT)
	c.ktp = kernel.Matrix(s.act, s.gt, cov.TT, cov.TTp)
	kst := kernel.Cross(s.act, s.gst, s.ds, s.dt, cov.SS, cov.ST, cov.TT)
	c.z = &mat.Dense{}
	c.z.Mul(s.u.T(), kst)
	ps, pt := len(s.ds), len(s.dt)
	zh := mat.NewDense(ps, pt, nil)
	for k := range s.nd {
		for i := range ps {
			hk := math.Sqrt(s.h.At(i, k))
			for j := range pt {
				zh.Set(i, j, hk*c.z.At(i, j))
			}
		}
		m := mat.NewSymDense(pt, nil)
		m.SymOuterK(1, zh.T())
		c.mk = append(c.mk, m)
	}
	c.vst = &mat.Dense{}
	c.vst.Mul(c.z.T(), s.alphaS)
	return c, nil
}

// Gamma returns the coupling strength.
func (c *MultiCoupled) Gamma() float64 { return c.gamma }

// symCopy returns a copy of a.
func symCopy(a *mat.SymDense) *mat.SymDense {
	out := mat.NewSymDense(a.SymmetricDim(), nil)
	out.CopySym(a)
	return out
}

// symInverse returns a⁻¹ for a positive definite a.
func symInverse(a *mat.SymDense) (*mat.SymDense, error) {
	var ch mat.Cholesky
	if !ch.Factorize(a) {
		return nil, fmt.Errorf("matrix is not positive definite")
	}
	var inv mat.SymDense
	if err := ch.InverseTo(&inv); err != nil {
		return nil, err
	}
	return &inv, nil
}
