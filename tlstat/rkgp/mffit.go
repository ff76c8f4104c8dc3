package rkgp

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/optim"
)

// MatrixFreeModel is the single-network theory of an odd activation fitted
// without forming the P×P kernel (FitMatrixFree). Its numbers carry their
// numerical errors: the probe count, Lanczos steps and conjugate-gradient
// residuals used, and error estimates of Q. It is not safe for concurrent
// use.
type MatrixFreeModel struct {
	// Net is the network.
	Net Network
	// Q is the order parameter; Action is S(Q), with the log-determinant
	// from stochastic Lanczos quadrature and yᵀG⁻¹y from conjugate gradients.
	Q, Action float64
	// Residual is |dS/dQ| at Q, with tr(G⁻¹K) estimated from the probes'
	// solves (with the pivoted-Cholesky control variate) and yᵀG⁻¹KG⁻¹y
	// from the solve of G α = y. Converged reports Residual <= Tol with every
	// solve converged.
	Residual  float64
	Converged bool
	// QStdErr is the standard error of Q from the spread of the probes'
	// estimates of tr(G⁻¹K): se(tr)/(N lambda1 |S''(Q)|).
	QStdErr float64
	// QLanczos is the last change of the quadrature's minimum between two
	// Lanczos checks (relative to Q it is below LanczosTol when the run
	// converged); it bounds the quadrature's error in locating the minimum
	// before the refinement.
	QLanczos float64
	// QQuadrature is the minimum of the quadrature's S(Q), before the
	// refinement with conjugate gradients.
	QQuadrature float64
	// Stationary is the number of stationary points of the quadrature's
	// S(Q) on the grid.
	Stationary int
	// Probes, LanczosSteps and NewtonSteps are the probe count, the Lanczos
	// steps run and the refinement steps of Q.
	Probes, LanczosSteps, NewtonSteps int
	// CGTol is the conjugate-gradient tolerance; CGIterations and
	// CGResidual the iterations and the true relative residual of the last
	// solve at Q (α = G⁻¹y and the probes).
	CGTol        float64
	CGIterations int
	CGResidual   float64
	// Rank is the rank of the pivoted-Cholesky preconditioner and
	// PrecondTrace the fraction of tr K it leaves out, tr(K - L Lᵀ)/tr K.
	Rank         int
	PrecondTrace float64
	// Sweeps counts the passes over the kernel (each costs P²/2 kernel
	// evaluations and O(P²·N0) flops).
	Sweeps int
	// Timing is the wall-clock time of the stages.
	Timing MatrixFreeTiming

	set    MatrixFreeSettings
	k      *mfKernel
	pc     *pivChol
	lr     *lowRank
	y      *mat.Dense // P×1
	alpha  *mat.Dense // G⁻¹y at Q (nil until solved)
	quads  []lanczosQuad
	probes *mat.Dense // P×Probes
}

// MatrixFreeTiming is the wall-clock time of the stages of a matrix-free fit.
type MatrixFreeTiming struct {
	// Precond is the pivoted Cholesky factorization; Lanczos the stochastic
	// Lanczos quadrature; Refine the conjugate-gradient refinement of Q.
	Precond, Lanczos, Refine time.Duration
}

// matrixFreeInputs resolves and validates the settings s and checks the
// training set and the network of a matrix-free computation (what: "fit"
// or "system"), which is implemented for odd activations (one order
// parameter) only. It returns the resolved settings and the activation.
func matrixFreeInputs(train *data.Dataset, net Network, s *MatrixFreeSettings, what string) (MatrixFreeSettings, kernel.Activation, error) {
	set := s.resolve()
	if err := set.validate(); err != nil {
		return set, nil, err
	}
	if err := validateTrain(train, net); err != nil {
		return set, nil, err
	}
	act := net.Activation()
	if !act.Odd() {
		return set, nil, fmt.Errorf("rkgp: the matrix-free %s is implemented for odd activations (one order parameter), not %q", what, act.Name())
	}
	return set, act, nil
}

// FitMatrixFree fits the single-network theory of an odd activation (erf,
// linear) without the P×P kernel matrix: kernel-vector products are
// computed in row blocks from the inputs (memory O(P·N0 + P·Rank +
// P·Probes·LanczosSteps)), the log-determinant and tr(G⁻¹K) of
// G = T I + (Q/lambda1) K for every Q come from one stochastic Lanczos
// quadrature run on K (Rademacher probes from Settings.Src, with the
// pivoted-Cholesky approximation of K as a control variate), and yᵀG⁻¹y
// from the Lanczos run started at y. The minimum of that S(Q) is then
// refined by Newton steps whose gradient takes α = G⁻¹y and the probes'
// G⁻¹z from preconditioned conjugate gradients (pivoted-Cholesky
// preconditioner). Bad input returns an error naming the value; a fit that
// does not meet its tolerances returns the model with Converged false and an
// error.
func FitMatrixFree(train *data.Dataset, net Network, s *MatrixFreeSettings) (*MatrixFreeModel, error) {
	set, act, err := matrixFreeInputs(train, net, s, "fit")
	if err != nil {
		return nil, err
	}
	p := train.Len()
	m := &MatrixFreeModel{Net: net, set: set, Probes: set.Probes, CGTol: set.CGTol,
		k: newMFKernel(train.X, act, net.Lambda0, set.Block), y: mat.NewDense(p, 1, append([]float64(nil), train.Y...))}
	if p > 10000 && set.Log != nil {
		// Large sets: a line per kernel sweep (each takes a while).
		m.k.log = m.logf
	}
	t0 := time.Now()
	pc, err := newPivChol(m.k, set.Rank)
	if err != nil {
		return nil, err
	}
	m.pc = pc
	m.Rank = pc.l.RawMatrix().Cols
	m.PrecondTrace = pc.resid / pc.trace
	if m.lr, err = pc.lowRank(); err != nil {
		return nil, err
	}
	m.Timing.Precond = time.Since(t0)
	m.logf("pivoted Cholesky: rank %d, tr(K - LLᵀ)/tr K = %.3g, %.1fs", m.Rank, m.PrecondTrace, m.Timing.Precond.Seconds())

	// Lanczos from the probes and from y, in lockstep.
	t0 = time.Now()
	rng := rand.New(set.Src)
	v0 := mat.NewDense(p, set.Probes+1, nil)
	for i := 0; i < p; i++ {
		for j := 0; j < set.Probes; j++ {
			if rng.Uint64()&1 == 1 {
				v0.Set(i, j, 1)
			} else {
				v0.Set(i, j, -1)
			}
		}
		v0.Set(i, set.Probes, train.Y[i])
	}
	probes := v0.Slice(0, p, 0, set.Probes).(*mat.Dense)
	c2 := m.lr.coeffs(mat.DenseCopyOf(probes))
	prevQ := math.NaN()
	var quadErr error
	quads, steps, err := lanczos(m.k, v0, set.MaxLanczos, set.LanczosCheck, func(q []lanczosQuad, steps int) (bool, error) {
		m.quads = q
		qs, _, err := m.quadMinimum(c2)
		if err != nil {
			quadErr = err
			return false, nil // more steps may resolve it
		}
		quadErr = nil
		m.QLanczos = math.Abs(qs - prevQ)
		prevQ = qs
		m.logf("Lanczos step %d: quadrature Q* = %.8g (moved %.3g), %.1fs", steps, qs, m.QLanczos, time.Since(t0).Seconds())
		return m.QLanczos <= set.LanczosTol*qs, nil
	})
	m.LanczosSteps = steps
	m.Timing.Lanczos = time.Since(t0)
	if err != nil {
		return nil, err
	}
	m.quads = quads
	if quadErr != nil {
		return nil, quadErr
	}
	m.QQuadrature, m.Stationary, err = m.quadMinimum(c2)
	if err != nil {
		return nil, err
	}
	lanczosOK := m.QLanczos <= set.LanczosTol*m.QQuadrature

	// Newton refinement with conjugate-gradient solves.
	t0 = time.Now()
	err = m.refine(mat.DenseCopyOf(probes))
	m.Timing.Refine = time.Since(t0)
	m.Sweeps = m.k.sweeps
	if err != nil {
		return m, err
	}
	m.Converged = m.Residual <= set.Tol && m.CGResidual <= 10*set.CGTol
	if !m.Converged {
		return m, fmt.Errorf("rkgp: matrix-free fit not converged: |dS/dQ| = %.3g (tolerance %g), CG residual %.3g (tolerance %g)",
			m.Residual, set.Tol, m.CGResidual, set.CGTol)
	}
	if !lanczosOK {
		m.Converged = false
		return m, fmt.Errorf("rkgp: matrix-free fit: the Lanczos quadrature's minimum still moved by %.3g after %d steps (tolerance %g·Q)",
			m.QLanczos, steps, set.LanczosTol)
	}
	return m, nil
}

// quadTerms returns the quadrature estimates, at scale s = Q/lambda1, of
// log det G, tr(G⁻¹K), yᵀG⁻¹y and yᵀG⁻¹KG⁻¹y (control-variate estimators
// for the two traces).
func (m *MatrixFreeModel) quadTerms(c2 [][]float64, s float64) (ld, tr, yy, yky float64) {
	t := m.Net.T
	flog := func(x float64) float64 { return math.Log(t + s*x) }
	ftr := func(x float64) float64 { return x / (t + s*x) }
	n := m.set.Probes
	p := float64(m.k.dim())
	ld, tr = m.lr.trace(flog), m.lr.trace(ftr)
	for i := 0; i < n; i++ {
		ld += (m.quads[i].eval(flog) - m.lr.form(c2[i], p, flog)) / float64(n)
		tr += (m.quads[i].eval(ftr) - m.lr.form(c2[i], p, ftr)) / float64(n)
	}
	qy := m.quads[n]
	yy = qy.eval(func(x float64) float64 { return 1 / (t + s*x) })
	yky = qy.eval(func(x float64) float64 { g := t + s*x; return x / (g * g) })
	return ld, tr, yy, yky
}

func (m *MatrixFreeModel) quadAction(c2 [][]float64, q float64) float64 {
	ld, _, yy, _ := m.quadTerms(c2, q/m.Net.Lambda1)
	return q - math.Log(q) + (ld+yy)/float64(m.Net.N)
}

func (m *MatrixFreeModel) quadGrad(c2 [][]float64, q float64) float64 {
	_, tr, _, yky := m.quadTerms(c2, q/m.Net.Lambda1)
	return 1 - 1/q + (tr-yky)/(float64(m.Net.N)*m.Net.Lambda1)
}

// quadMinimum returns the minimum of lowest action of the quadrature's S(Q)
// and the number of stationary points found on the grid.
func (m *MatrixFreeModel) quadMinimum(c2 [][]float64) (float64, int, error) {
	set := m.set
	f := func(u float64) float64 { return m.quadGrad(c2, math.Exp(u)) }
	grid := optim.LogGrid(set.QMin, set.QMax, set.GridPoints)
	brackets, err := optim.SignChanges(f, grid)
	if err != nil {
		return 0, 0, fmt.Errorf("rkgp: scanning the quadrature's dS/dQ: %w", err)
	}
	best, q := math.Inf(1), math.NaN()
	for _, b := range brackets {
		u := b.A
		if b.A != b.B {
			res, err := optim.Brent(f, b.A, b.B, &optim.Settings{})
			if err != nil {
				return 0, len(brackets), fmt.Errorf("rkgp: refining a root of the quadrature's dS/dQ: %w", err)
			}
			u = res.X
		}
		if !b.Rising() {
			continue
		}
		if a := m.quadAction(c2, math.Exp(u)); a < best {
			best, q = a, math.Exp(u)
		}
	}
	if math.IsNaN(q) {
		return 0, len(brackets), fmt.Errorf("rkgp: the quadrature's S(Q) has no minimum for Q in [%g, %g]", set.QMin, set.QMax)
	}
	return q, len(brackets), nil
}

// refine runs Newton steps on dS/dQ from the quadrature's minimum. At each Q
// one block of preconditioned conjugate gradients solves G [α, X] = [y, Z]:
// yᵀG⁻¹KG⁻¹y = αᵀ(y - Tα)/s and tr(G⁻¹K) = (P - T tr G⁻¹)/s with
// tr G⁻¹ = tr M⁻¹ + mean_i zᵢᵀ(G⁻¹ - M⁻¹)zᵢ (M = T I + s L Lᵀ, exact by
// Woodbury). S”(Q) comes from the quadrature by central differences.
func (m *MatrixFreeModel) refine(probes *mat.Dense) error {
	net, set := m.Net, m.set
	p, n := probes.Dims()
	rhs := mat.NewDense(p, n+1, nil)
	rhs.Slice(0, p, 0, 1).(*mat.Dense).Copy(m.y)
	rhs.Slice(0, p, 1, n+1).(*mat.Dense).Copy(probes)
	m.probes = probes
	c2 := m.lr.coeffs(probes)
	nl := float64(net.N) * net.Lambda1
	q := m.QQuadrature
	var x *mat.Dense
	for it := 0; it < set.Newton; it++ {
		s := q / net.Lambda1
		pre, err := m.pc.precond(net.T, s)
		if err != nil {
			return err
		}
		sol, res, err := cgSolve(m.k, pre, net.T, s, rhs, x, set.CGTol, set.MaxCG)
		m.CGIterations, m.CGResidual = res.Iterations, res.Residual
		if err != nil {
			return err
		}
		x = sol
		g, trs, yy, _ := m.gradAt(sol, c2, q)
		hp := 1e-4
		d2 := (m.quadGrad(c2, q*(1+hp)) - m.quadGrad(c2, q*(1-hp))) / (2 * q * hp)
		m.Q, m.Residual, m.NewtonSteps = q, math.Abs(g), it+1
		ld, _, _, _ := m.quadTerms(c2, s)
		m.Action = q - math.Log(q) + (ld+yy)/float64(net.N)
		m.QStdErr = stat.StdDev(trs, nil) / math.Sqrt(float64(n)) / (nl * math.Abs(d2))
		m.alpha = mat.DenseCopyOf(sol.Slice(0, p, 0, 1))
		m.logf("Newton step %d: Q = %.10g, dS/dQ = %.3g, CG %d iterations (residual %.2g), se(Q) = %.3g", it+1, q, g, res.Iterations, res.Residual, m.QStdErr)
		if m.Residual <= set.Tol || !(d2 > 0) {
			break
		}
		step := g / d2
		// Stay in the domain: at most halve or double Q per step.
		step = math.Max(math.Min(step, q/2), -q)
		q -= step
	}
	return nil
}

// gradAt returns dS/dQ at q from the solutions sol of G [α, X] = [y, Z],
// the per-probe estimates of tr(G⁻¹K), yᵀG⁻¹y and the trace estimate.
func (m *MatrixFreeModel) gradAt(sol *mat.Dense, c2 [][]float64, q float64) (g float64, trs []float64, yy, tr float64) {
	net := m.Net
	p, nc := sol.Dims()
	n := nc - 1
	s := q / net.Lambda1
	t := net.T
	alpha := sol.Slice(0, p, 0, 1).(*mat.Dense)
	a := alpha.RawMatrix()
	var yky float64
	for i := 0; i < p; i++ {
		v := a.Data[i*a.Stride]
		y := m.y.At(i, 0)
		yy += y * v
		yky += v * (y - t*v)
	}
	yky /= s
	z := mat.DenseCopyOf(sol.Slice(0, p, 1, nc))
	gz := colDots(m.probes, z) // zᵢᵀ G⁻¹ zᵢ
	finv := func(x float64) float64 { return 1 / (t + s*x) }
	trM := m.lr.trace(finv)
	trs = make([]float64, n)
	pf := float64(p)
	for i := 0; i < n; i++ {
		mz := m.lr.form(c2[i], pf, finv) // zᵢᵀ M⁻¹ zᵢ, exact
		trInv := trM + gz[i] - mz
		trs[i] = (pf - t*trInv) / s
		tr += trs[i] / float64(n)
	}
	g = 1 - 1/q + (tr-yky)/(float64(net.N)*net.Lambda1)
	return g, trs, yy, tr
}

func (m *MatrixFreeModel) logf(format string, a ...any) {
	if m.set.Log != nil {
		m.set.Log(fmt.Sprintf(format, a...))
	}
}

// KernelSweeps returns the passes over the kernel made so far by the model
// and every model derived from it with At, predictions included.
func (m *MatrixFreeModel) KernelSweeps() int { return m.k.sweeps }
