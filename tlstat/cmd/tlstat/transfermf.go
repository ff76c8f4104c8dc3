package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/study"
	"github.com/tlstat/tlstat/tlstat/transfer"
)

// addTransferMFFlags registers the matrix-free flags of tlstat transfer:
// those of tlstat single that act on the source side (its fit and the
// conjugate-gradient solves against A = T_s I + (q_s/lambda1) K_s), with
// -mf-batch the test points predicted at once. -mf-nngp has no counterpart:
// the infinite-width baseline solves nothing on the source side.
func addTransferMFFlags(fs *flag.FlagSet) *mfFlags {
	f := &mfFlags{}
	f.on = fs.Bool("matrix-free", false, fmt.Sprintf("source side without the P_s×P_s matrix: matrix-free source fit, conjugate-gradient solves against A (odd activations; automatic above P_s = %d)", matrixFreeAbove))
	fs.IntVar(&f.probes, "mf-probes", 16, "matrix-free: Rademacher probes of the source fit's trace estimates")
	fs.IntVar(&f.lanczos, "mf-lanczos", 300, "matrix-free: largest number of Lanczos steps of the source fit")
	fs.Float64Var(&f.lanczosTol, "mf-lanczos-tol", 1e-4, "matrix-free: relative change of the quadrature's q_s that ends the Lanczos run")
	fs.IntVar(&f.rank, "mf-rank", 300, "matrix-free: rank of the pivoted-Cholesky preconditioner of K_s")
	fs.Float64Var(&f.cgTol, "mf-cg-tol", 1e-8, "matrix-free: relative residual of the conjugate-gradient solves against A")
	fs.Uint64Var(&f.seed, "mf-seed", 1, "matrix-free: seed of the probes")
	fs.IntVar(&f.batch, "mf-batch", 256, "matrix-free: test points solved for at once")
	fs.IntVar(&f.block, "mf-block", 512, "matrix-free: kernel rows computed at once")
	fs.BoolVar(&f.quiet, "mf-quiet", false, "matrix-free: no progress lines on stderr")
	return f
}

// transferMFJSON is the matrix-free source of "tlstat transfer -json": q_s
// with its standard error (which every target number inherits) and the
// conjugate-gradient solves against A.
type transferMFJSON struct {
	QS            float64 `json:"q_s"`
	QStdErr       float64 `json:"q_s_stderr"`
	QConverged    bool    `json:"q_s_converged"`
	QResidual     float64 `json:"q_s_residual"`
	Probes        int     `json:"probes"`
	LanczosSteps  int     `json:"lanczos_steps"`
	CGTol         float64 `json:"cg_tol"`
	Solves        int     `json:"cg_solves"`
	MaxIterations int     `json:"cg_max_iterations"`
	MaxResidual   float64 `json:"cg_max_residual"`
	Rank          int     `json:"precond_rank"`
	PrecondTrace  float64 `json:"precond_trace_left"`
	Sweeps        int     `json:"kernel_sweeps"`
	// The test points' forms b_jᵀA⁻¹b_j (transfer.MatrixFreeSource.TestTol).
	TestTol        float64 `json:"test_form_tol"`
	TestSolves     int     `json:"test_form_solves"`
	TestIterations int     `json:"test_form_iterations"`
	TestMaxBound   float64 `json:"test_form_max_bound"`
}

func transferMF(sv *transfer.Solver) *transferMFJSON {
	st, ok := sv.MatrixFree()
	if !ok {
		return nil
	}
	out := &transferMFJSON{QS: st.QSource, QStdErr: st.QStdErr, CGTol: st.CGTol, Solves: st.Solves,
		MaxIterations: st.MaxIterations, MaxResidual: st.MaxResidual, Rank: st.Rank, PrecondTrace: st.PrecondTrace, Sweeps: st.Sweeps,
		TestTol: st.TestTol, TestSolves: st.TestSolves, TestIterations: st.TestIterations, TestMaxBound: st.TestMaxBound}
	if st.Fit != nil {
		out.QConverged, out.QResidual = st.Fit.Converged, st.Fit.Residual
		out.Probes, out.LanczosSteps = st.Fit.Probes, st.Fit.LanczosSteps
	}
	return out
}

// trustTransferMF is the trust verdict with a matrix-free source: the
// source's verdict needs the dense source model and is not computed, so
// there is no overall regime; the target network from scratch is judged
// as in the dense command.
func trustTransferMF(sv *transfer.Solver, tgtTest *data.Dataset, kind string) (study.TransferTrust, error) {
	tt, err := study.TrustSingle(sv.ScratchSingle(), sv.Problem().Target, tgtTest, kind)
	if err != nil {
		return study.TransferTrust{}, fmt.Errorf("study: trust of the target: %w", err)
	}
	src := study.Trust{Note: "not computed: the source's verdict needs the dense source model (matrix-free source)"}
	return study.TransferTrust{Source: src, Target: tt,
		Note: fmt.Sprintf("not computed for the matrix-free source; target network from scratch %s", tt.Regime)}, nil
}

// writeTransferMF writes the matrix-free lines of the table.
func writeTransferMF(w io.Writer, m *transferMFJSON) {
	fit := "given"
	if m.Probes > 0 {
		fit = fmt.Sprintf("%d probes, %d Lanczos steps, residual %.2g, %s", m.Probes, m.LanczosSteps, m.QResidual, convergedWord(m.QConverged))
	}
	fmt.Fprintf(w, "# matrix-free source: q_s = %.8g ± %.2g (%s); every target number inherits this error of q_s\n", m.QS, m.QStdErr, fit)
	fmt.Fprintf(w, "# solves against A: %d, at most %d CG iterations, largest residual %.2g (tolerance %g), preconditioner rank %d (leaves %.2g of tr K_s), %d kernel sweeps\n",
		m.Solves, m.MaxIterations, m.MaxResidual, m.CGTol, m.Rank, m.PrecondTrace, m.Sweeps)
	fmt.Fprintf(w, "# test points' forms b'A⁻¹b: %d batches, %d CG iterations, error bound at most %.2g of the form (tolerance %g)\n",
		m.TestSolves, m.TestIterations, m.TestMaxBound, m.TestTol)
}
