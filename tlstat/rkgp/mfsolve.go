package rkgp

import (
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
)

// MatrixFreeSystem is the matrix G = T I + (q/lambda1) K of a training set
// (K its NNGP kernel, odd activation) as an operator: Solve runs block
// preconditioned conjugate gradients with kernel products recomputed from
// the inputs and the pivoted-Cholesky preconditioner of FitMatrixFree, so
// that no P×P matrix is formed. Memory O(P·N0 + P·Rank + Block·P) plus
// about six P×k blocks for k right-hand sides. Its methods may be called
// concurrently (solves run one at a time); a system obtained from a
// MatrixFreeModel shares the model's kernel operator and must not be used
// concurrently with the model.
type MatrixFreeSystem struct {
	t, s float64
	q    float64
	k    *mfKernel
	pc   *pivChol
	pre  *precond
	set  MatrixFreeSettings
	mu   sync.Mutex
}

// CGStats describes a conjugate-gradient solve.
type CGStats struct {
	// Iterations is the number of iterations (kernel sweeps) of the slowest
	// right-hand side.
	Iterations int
	// Residual is the largest true relative residual |b − G x|/|b| over the
	// right-hand sides, recomputed with one extra sweep after the iterations.
	Residual float64
}

// System returns G = T I + (Q/lambda1) K at the model's Q and temperature,
// sharing the model's kernel operator and pivoted-Cholesky factor.
func (m *MatrixFreeModel) System() (*MatrixFreeSystem, error) {
	return newMFSystem(m.k, m.pc, m.set, m.Net, m.Q)
}

// NewMatrixFreeSystem builds G = T I + (q/lambda1) K of train for the network
// net (odd activation) at a given order parameter q > 0 without fitting it:
// one pivoted Cholesky factorization of K (Settings.Rank kernel rows) for the
// preconditioner. Bad input returns an error naming the value.
func NewMatrixFreeSystem(train *data.Dataset, net Network, q float64, s *MatrixFreeSettings) (*MatrixFreeSystem, error) {
	set, act, err := matrixFreeInputs(train, net, s, "system")
	if err != nil {
		return nil, err
	}
	if math.IsNaN(q) || math.IsInf(q, 0) || q <= 0 {
		return nil, fmt.Errorf("rkgp: order parameter q = %v must be a positive finite number", q)
	}
	k := newMFKernel(train.X, act, net.Lambda0, set.Block)
	pc, err := newPivChol(k, set.Rank)
	if err != nil {
		return nil, err
	}
	return newMFSystem(k, pc, set, net, q)
}

func newMFSystem(k *mfKernel, pc *pivChol, set MatrixFreeSettings, net Network, q float64) (*MatrixFreeSystem, error) {
	g := &MatrixFreeSystem{t: net.T, s: q / net.Lambda1, q: q, k: k, pc: pc, set: set}
	var err error
	if g.pre, err = pc.precond(g.t, g.s); err != nil {
		return nil, err
	}
	return g, nil
}

// Solve returns X with G X = B for every column of B (P×k), by block
// preconditioned conjugate gradients to the relative residual
// Settings.CGTol (at most Settings.MaxCG iterations). x0, if not nil, is
// the starting point and is not modified. If the iterations end above ten
// times the tolerance, the solution so far is returned with its statistics
// and an error.
func (g *MatrixFreeSystem) Solve(b, x0 *mat.Dense) (*mat.Dense, CGStats, error) {
	return g.SolveTol(b, x0, g.set.CGTol)
}

// SolveTol is Solve with the relative residual tol in place of
// Settings.CGTol, for right-hand sides whose use needs less (or more)
// accuracy. tol must be in (0, 1).
func (g *MatrixFreeSystem) SolveTol(b, x0 *mat.Dense, tol float64) (*mat.Dense, CGStats, error) {
	if !(tol > 0 && tol < 1) {
		return nil, CGStats{}, fmt.Errorf("rkgp: matrix-free solve: tolerance %v is not in (0, 1)", tol)
	}
	p := g.k.dim()
	if b == nil {
		return nil, CGStats{}, fmt.Errorf("rkgp: matrix-free solve: nil right-hand side")
	}
	if r, c := b.Dims(); r != p || c == 0 {
		return nil, CGStats{}, fmt.Errorf("rkgp: matrix-free solve: right-hand side is %d×%d, want %d rows and at least one column", r, c, p)
	}
	var start *mat.Dense
	if x0 != nil {
		if r, c := x0.Dims(); r != p || c != b.RawMatrix().Cols {
			return nil, CGStats{}, fmt.Errorf("rkgp: matrix-free solve: starting point is %d×%d, want the right-hand side's %d×%d", r, c, p, b.RawMatrix().Cols)
		}
		start = mat.DenseCopyOf(x0)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	x, res, err := cgSolve(g.k, g.pre, g.t, g.s, b, start, tol, g.set.MaxCG)
	return x, CGStats(res), err
}

// Alpha returns α = G⁻¹y at the model's Q and temperature, solved with the
// probes in the fit's last Newton step (its residual is CGResidual), and
// true; nil and false if the fit has not solved it.
func (m *MatrixFreeModel) Alpha() (*mat.Dense, bool) {
	if m.alpha == nil {
		return nil, false
	}
	return mat.DenseCopyOf(m.alpha), true
}

// Dim returns P, the size of G.
func (g *MatrixFreeSystem) Dim() int { return g.k.dim() }

// Q returns the order parameter q of G = T I + (q/lambda1) K.
func (g *MatrixFreeSystem) Q() float64 { return g.q }

// CGTol returns the relative residual at which the solves stop.
func (g *MatrixFreeSystem) CGTol() float64 { return g.set.CGTol }

// Rank returns the rank of the pivoted-Cholesky preconditioner and
// PrecondTrace the fraction of tr K it leaves out, tr(K − L Lᵀ)/tr K.
func (g *MatrixFreeSystem) Rank() int { return g.pc.l.RawMatrix().Cols }

// PrecondTrace returns tr(K − L Lᵀ)/tr K of the preconditioner's factor L.
func (g *MatrixFreeSystem) PrecondTrace() float64 { return g.pc.resid / g.pc.trace }

// Sweeps returns the passes over the kernel made so far by the operator
// (shared with the model the system came from, if any).
func (g *MatrixFreeSystem) Sweeps() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.k.sweeps
}
