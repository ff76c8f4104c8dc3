package transfer

import (
	"fmt"
	"math"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"gonum.org/v1/gonum/mat"
)

// Problem is a source/target pair of training sets and the network they are
// learned with.
type Problem struct {
	// Source and Target are the training sets (X_s, y_s) and (X_t, y_t); they
	// must share the input dimension N0.
	Source, Target *data.Dataset
	// Net is the target network: width N, target temperature T, prior
	// precisions Lambda0 and Lambda1 and activation Act (nil means erf). The
	// source network shares N, Lambda0, Lambda1 and Act.
	Net rkgp.Network
	// SourceT is the source temperature T_s; zero means Net.T.
	SourceT float64
}

// Settings configures the solvers. The zero value (or a nil *Settings) means
// the documented defaults.
type Settings struct {
	// Tol is the Euclidean norm of grad S_1 at which Newton's method stops.
	// Default 1e-11.
	Tol float64
	// FloorTol accepts a solve as converged when no step can lower |grad S_1|
	// any further (its rounding floor, reached e.g. for q_t − q_tt ≪ 1 where
	// the gradient has terms of order 1/(q_t − q_tt)²) and the residual is at
	// most FloorTol. Default 1e-9.
	FloorTol float64
	// MaxIter is the maximum number of Newton iterations per solve. Default 60.
	MaxIter int
	// MaxHalvings bounds how often a continuation step in gamma is subdivided
	// when Newton's method fails from the previous solution. Default 20.
	MaxHalvings int
	// Batch is the number of test points predicted at once (memory
	// O((P_s + P_t) Batch)). Default 1024 with a dense source (a larger
	// triangular solve with the source factor runs closer to the machine's
	// dense rate: docs/benchmarks.md, "Where the time goes"), 256 with
	// MatrixFree, whose P_s is large.
	Batch int
	// SourceQ, if positive, is used as the source order parameter q_s instead
	// of solving the source saddle. For activations that are not odd it sets
	// q_s = ĉ_s = SourceQ (the convention of rkgp.FitFixed).
	SourceQ float64
	// RefineTol is the tolerance in log gamma of the golden-section refinement
	// of the optimal coupling in Sweep. Default 0.02; negative disables it.
	RefineTol float64
	// MatrixFree, if not nil, selects the matrix-free source (odd
	// activations): q_s from rkgp.FitMatrixFree with these settings and
	// every solve against A = T_s I + (q_s/lambda1) K_s by block
	// preconditioned conjugate gradients, so that no P_s × P_s matrix is
	// formed (memory O(P_s (N0 + P_t + Rank + Batch))). Its CGTol, MaxCG,
	// Rank and Block govern the solves, and its Log receives a line per
	// solve; Solver.MatrixFree reports their errors. Nil (the default)
	// factors A densely.
	MatrixFree *rkgp.MatrixFreeSettings

	// meanModes selects the mean-mode theory also for odd activations, whose
	// mean terms vanish (for the tests that compare it with the odd theory).
	meanModes bool
}

func (s *Settings) withDefaults() Settings {
	var out Settings
	if s != nil {
		out = *s
	}
	if out.Tol <= 0 {
		out.Tol = 1e-11
	}
	if out.FloorTol <= 0 {
		out.FloorTol = 1e-9
	}
	if out.MaxIter <= 0 {
		out.MaxIter = 60
	}
	if out.MaxHalvings <= 0 {
		out.MaxHalvings = 20
	}
	if out.Batch <= 0 {
		out.Batch = 1024
		if out.MatrixFree != nil {
			out.Batch = 256
		}
	}
	if out.RefineTol == 0 {
		out.RefineTol = 0.02
	}
	return out
}

// validateNet checks the network parameters, naming the offending value.
func validateNet(n rkgp.Network) error {
	if err := n.Validate(); err != nil {
		return fmt.Errorf("transfer: %w", err)
	}
	if n.Act != nil && !n.Act.Odd() {
		return fmt.Errorf("transfer: the transfer theory needs an odd activation, got %q", n.Act.Name())
	}
	return nil
}

// validate checks the whole problem. Activations that are not odd are
// accepted: the solver then uses the mean-mode theory.
func (p Problem) validate() error {
	if err := p.Net.Validate(); err != nil {
		return fmt.Errorf("transfer: %w", err)
	}
	if math.IsNaN(p.SourceT) || p.SourceT < 0 || math.IsInf(p.SourceT, 0) {
		return fmt.Errorf("transfer: source temperature must be positive and finite (0 for the target's), got %v", p.SourceT)
	}
	if err := p.Source.Validate(); err != nil {
		return fmt.Errorf("transfer: source data: %w", err)
	}
	if err := p.Target.Validate(); err != nil {
		return fmt.Errorf("transfer: target data: %w", err)
	}
	if p.Source.Dim() != p.Target.Dim() {
		return fmt.Errorf("transfer: source inputs have dimension N0 = %d but target inputs have N0 = %d", p.Source.Dim(), p.Target.Dim())
	}
	return nil
}

// checkTest validates a test set against the training input dimension.
func checkTest(test *data.Dataset, n0 int) error {
	if err := test.Validate(); err != nil {
		return fmt.Errorf("transfer: test data: %w", err)
	}
	if test.Dim() != n0 {
		return fmt.Errorf("transfer: test inputs have dimension N0 = %d but training inputs have N0 = %d", test.Dim(), n0)
	}
	return nil
}

// checkInputs validates prediction inputs.
func checkInputs(x mat.Matrix, n0 int) error {
	if x == nil {
		return fmt.Errorf("transfer: nil test inputs")
	}
	r, c := x.Dims()
	if r == 0 {
		return fmt.Errorf("transfer: no test inputs")
	}
	if c != n0 {
		return fmt.Errorf("transfer: test inputs have dimension N0 = %d but training inputs have N0 = %d", c, n0)
	}
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if v := x.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("transfer: test input %d, component %d is %v", i, j, v)
			}
		}
	}
	return nil
}
