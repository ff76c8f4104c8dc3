package study

import (
	"fmt"
	"math"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/langevin"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// SimDoc is the record of a simulation of real finite networks beside the
// theory: what `tlstat simulate single|transfer -json` writes, what
// `tlstat simulate table`, the report and the notebooks read, and what the
// stored validation runs are. Records written before a field existed simply
// lack it (its zero value or nil).
type SimDoc struct {
	Mode    string `json:"mode"`
	Task    string `json:"task"`
	Network string `json:"network"`
	Method  string `json:"method"`
	// N, T, P (single) or PS and PT (transfer) and PTest repeat the
	// network and task sizes as numbers.
	N     int     `json:"n"`
	T     float64 `json:"t"`
	P     int     `json:"p,omitempty"`
	PS    int     `json:"p_s,omitempty"`
	PT    int     `json:"p_t,omitempty"`
	PTest int     `json:"p_test"`
	// MaxRHat and MinESS are the convergence gates of the run.
	MaxRHat float64 `json:"max_rhat,omitempty"`
	MinESS  float64 `json:"min_ess,omitempty"`
	// Command is the command line that produced the record, Provenance the
	// software that ran it (tlstat's version, commit, Go, BLAS backend).
	Command    string   `json:"command,omitempty"`
	Provenance string   `json:"provenance,omitempty"`
	Source     *SimRow  `json:"source,omitempty"`
	Results    []SimRow `json:"results"`
	// Path is the file the record was read from (not stored).
	Path string `json:"-"`
}

// SimRow is one simulated posterior (a single network, the source chains, or
// the target chains at one coupling) with the theory beside it.
type SimRow struct {
	Gamma            float64 `json:"gamma"`
	SimTestError     float64 `json:"sim_test_error"`
	SimTestErrorErr  float64 `json:"sim_test_error_err"`
	SimTrainError    float64 `json:"sim_train_error"`
	SimTrainErrorErr float64 `json:"sim_train_error_err"`
	SimVNorm         float64 `json:"sim_vnorm"`
	SimVNormErr      float64 `json:"sim_vnorm_err"`
	// SimTestErrorRHat and SimVNormRHat are R̂ convergence diagnostics
	// (rank-normalized since the records carry SimDiagnostics, classic
	// split-R̂ before); absent when not computable.
	SimTestErrorRHat *float64 `json:"sim_test_error_rhat,omitempty"`
	SimVNormRHat     *float64 `json:"sim_vnorm_rhat,omitempty"`
	SimOverlap       *float64 `json:"sim_overlap,omitempty"`
	SimOverlapErr    *float64 `json:"sim_overlap_err,omitempty"`
	// SimAccuracy is the test accuracy of a posterior draw averaged over
	// the chains (langevin.Result.Accuracy) with its standard error; its
	// diagnostics are SimDiagnostics["accuracy"]. It does not gate the run.
	// Absent when not defined (labels other than ±1) and in records made
	// before it was measured.
	SimAccuracy    *float64 `json:"sim_accuracy,omitempty"`
	SimAccuracyErr *float64 `json:"sim_accuracy_err,omitempty"`
	// SimConverged reports whether every simulated quantity passed the
	// convergence gates (nil in records made before the gates existed:
	// unknown); SimStop says why the run ended and SimDiagnostics holds the
	// diagnostics of each quantity ("test_error", "train_error", "vnorm",
	// "overlap", and "accuracy", which is reported but not gated).
	SimConverged   *bool              `json:"sim_converged,omitempty"`
	SimStop        string             `json:"sim_stop,omitempty"`
	SimDiagnostics map[string]SimDiag `json:"sim_diagnostics,omitempty"`
	Acceptance     float64            `json:"acceptance"`
	Eta            float64            `json:"eta"` // mean step size after warm-up
	BurnIn         int                `json:"burnin"`
	Steps          int                `json:"steps"`
	Warmup         int                `json:"warmup,omitempty"`
	Leapfrog       int                `json:"leapfrog,omitempty"`
	Chains         int                `json:"chains"`
	Seconds        float64            `json:"seconds,omitempty"`
	// The theory (the default variant) beside the simulation.
	TheoryTestError    *float64 `json:"theory_test_error,omitempty"`
	TheoryVNorm        *float64 `json:"theory_vnorm,omitempty"`
	TheoryOverlap      *float64 `json:"theory_overlap,omitempty"`
	InfiniteWidthError *float64 `json:"infinite_width_error,omitempty"`
	// TheoryAccuracy is the default theory's expected accuracy of a
	// posterior draw (Prediction.Accuracy), set beside a simulated accuracy
	// only.
	TheoryAccuracy *float64 `json:"theory_accuracy,omitempty"`
	TheoryNote     string   `json:"theory_note,omitempty"`
	// Theories holds every theory variant computed for the row (the default
	// first), with what is needed to judge each.
	Theories []TheoryRow `json:"theories,omitempty"`
	// Equivalence is the scalar theory's Gaussian-equivalence check at the
	// row's training set (rkgp.Model.Equivalence; odd activations).
	Equivalence *rkgp.Equivalence `json:"gaussian_equivalence,omitempty"`
	// FirstLayer compares the first layer's second moment with the theory.
	FirstLayer *FirstLayer `json:"first_layer,omitempty"`
	// Verdict states the agreement of the simulated test error with the
	// default theory in words (see Verdict), AccuracyVerdict that of the
	// simulated accuracy with TheoryAccuracy.
	Verdict         string `json:"verdict,omitempty"`
	AccuracyVerdict string `json:"accuracy_verdict,omitempty"`
}

// SimDiag is the convergence diagnostics of one simulated quantity.
type SimDiag struct {
	RHat      float64 `json:"rhat"`
	ESS       float64 `json:"ess"`
	ESSTail   float64 `json:"ess_tail"`
	Converged bool    `json:"converged"`
}

// TheoryRow is one theory variant's prediction at a simulated point.
type TheoryRow struct {
	Variant   string   `json:"variant"`
	TestError *float64 `json:"test_error,omitempty"`
	// TestErrorErr is the Monte Carlo standard error of a variant computed
	// by sampling (the tilted variant); absent for deterministic ones.
	TestErrorErr *float64 `json:"test_error_err,omitempty"`
	ReadoutNorm  *float64 `json:"readout_norm,omitempty"`
	Overlap      *float64 `json:"overlap,omitempty"`
	// Trust is what is needed to judge the prediction.
	Trust *Trust `json:"trust,omitempty"`
	// Verdict compares the variant with the simulation.
	Verdict string `json:"verdict,omitempty"`
	Note    string `json:"note,omitempty"`
}

// FirstLayer is the variance of one hidden unit's incoming weights along the
// principal axes of the training inputs, and the top eigenvalues of their
// second moment Σ = <WᵀW>/N, simulated and predicted.
type FirstLayer struct {
	// InputVariance[k] is the variance of the training inputs along their
	// k-th principal axis (eigenvalues of XᵀX/P, decreasing).
	InputVariance []float64 `json:"input_variance"`
	// SimAlongAxes[k] is u_kᵀ Σ u_k for the k-th principal axis u_k, with
	// its standard error across chains; SimEigenvalues the top eigenvalues
	// of Σ.
	SimAlongAxes      []float64 `json:"sim_along_axes"`
	SimAlongAxesErr   []float64 `json:"sim_along_axes_err"`
	SimEigenvalues    []float64 `json:"sim_eigenvalues"`
	SimEigenvaluesErr []float64 `json:"sim_eigenvalues_err"`
	// Theory holds the predictions of the variants that predict Σ.
	Theory []FirstLayerTheory `json:"theory,omitempty"`
}

// FirstLayerTheory is a theory variant's Σ along the same axes.
type FirstLayerTheory struct {
	Variant     string    `json:"variant"`
	AlongAxes   []float64 `json:"along_axes"`
	Eigenvalues []float64 `json:"eigenvalues,omitempty"`
}

// Key names of SimRow.SimDiagnostics of the gated quantities.
var simDiagKeys = []string{"test_error", "train_error", "vnorm", "overlap"}

// AccuracyKey is the key of SimRow.SimDiagnostics for the accuracy, which
// is diagnosed but does not gate the run.
const AccuracyKey = "accuracy"

func ptr(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// SimRowOf returns the simulation columns of a run (a single network or the
// source chains of a transfer run).
func SimRowOf(gamma float64, r *langevin.Result) SimRow {
	row := simRowFrom(gamma, [4]langevin.Estimate{r.TestError, r.TrainError, r.VNorm, {Mean: math.NaN()}}, r.Converged, r.Stop,
		r.Acceptance, r.Chains, r.BurnIn, r.Steps)
	row.Warmup, row.Leapfrog, row.Seconds = r.Warmup, r.Leapfrog, r.Elapsed.Seconds()
	row.setAccuracy(r.Accuracy)
	return row
}

// SimRowOfTarget returns the simulation columns of the target chains at one
// coupling.
func SimRowOfTarget(tr langevin.TargetResult, leapfrog int) SimRow {
	row := simRowFrom(tr.Gamma, [4]langevin.Estimate{tr.TestError, tr.TrainError, tr.VNorm, tr.Overlap}, tr.Converged, tr.Stop,
		tr.Acceptance, tr.Chains, tr.BurnIn, tr.Steps)
	row.SimOverlap, row.SimOverlapErr = ptr(tr.Overlap.Mean), ptr(tr.Overlap.Err)
	row.Warmup, row.Leapfrog, row.Seconds = tr.Warmup, leapfrog, tr.Elapsed.Seconds()
	row.setAccuracy(tr.Accuracy)
	return row
}

func simRowFrom(gamma float64, est [4]langevin.Estimate, converged bool, stop string, acc float64, chains []langevin.ChainResult, burnIn, steps int) SimRow {
	test, train, vnorm := est[0], est[1], est[2]
	// Values that could not be estimated stay NaN (null in JSON), never 0.
	row := SimRow{Gamma: gamma, SimTestError: test.Mean, SimTestErrorErr: test.Err,
		SimTrainError: train.Mean, SimTrainErrorErr: train.Err,
		SimVNorm: vnorm.Mean, SimVNormErr: vnorm.Err, Acceptance: acc, Eta: meanEta(chains),
		BurnIn: burnIn, Steps: steps, Chains: len(chains),
		SimTestErrorRHat: ptr(test.RHat), SimVNormRHat: ptr(vnorm.RHat), SimStop: stop}
	row.SimConverged = &converged
	row.SimDiagnostics = map[string]SimDiag{}
	for k, e := range est {
		if math.IsNaN(e.Mean) {
			continue
		}
		row.SimDiagnostics[simDiagKeys[k]] = SimDiag{RHat: e.RHat, ESS: e.ESS, ESSTail: e.ESSTail, Converged: e.Converged}
	}
	return row
}

// setAccuracy sets the simulated accuracy columns (none when its mean is
// NaN: not defined).
func (r *SimRow) setAccuracy(e langevin.Estimate) {
	if math.IsNaN(e.Mean) {
		return
	}
	r.SimAccuracy, r.SimAccuracyErr = ptr(e.Mean), ptr(e.Err)
	r.SimDiagnostics[AccuracyKey] = SimDiag{RHat: e.RHat, ESS: e.ESS, ESSTail: e.ESSTail, Converged: e.Converged}
}

// AccuracyConverged reports whether the row's accuracy is a result: the
// run passed its gates and the accuracy its own.
func (r *SimRow) AccuracyConverged() bool {
	d, ok := r.SimDiagnostics[AccuracyKey]
	return r.SimAccuracy != nil && ok && d.Converged && r.Converged()
}

// meanEta returns the mean step size of the chains after warm-up.
func meanEta(c []langevin.ChainResult) float64 {
	s := 0.0
	for _, x := range c {
		s += x.Eta
	}
	return s / float64(len(c))
}

// SetTheory copies a prediction into the default theory columns of the row.
func (r *SimRow) SetTheory(th Prediction) {
	r.TheoryTestError, r.TheoryVNorm, r.InfiniteWidthError = ptr(th.TestError), ptr(th.ReadoutNorm), ptr(th.InfiniteWidthError)
	r.TheoryOverlap = ptr(th.Overlap)
	if r.SimAccuracy != nil {
		r.TheoryAccuracy = ptr(th.Accuracy)
	}
}

// Converged reports whether the row's simulation passed its convergence
// gates; records made before the gates existed count as not converged.
func (r *SimRow) Converged() bool { return r.SimConverged != nil && *r.SimConverged }

// Verdict states in words how the simulated test error compares with a
// theory value th: "not converged: not compared" when the simulation did not
// pass its gates; "agrees within 2σ" when |sim − th| ≤ 2 standard errors;
// otherwise "theory X% high (zσ)" or "theory X% low (zσ)", X the relative
// difference (th − sim)/sim.
func Verdict(converged bool, sim, simErr, th float64) string {
	switch {
	case !converged:
		return "not converged: not compared"
	case math.IsNaN(th) || math.IsNaN(sim):
		return "no theory value"
	case !(simErr > 0):
		return "no error bar: not compared"
	}
	rel := (th - sim) / sim
	z := math.Abs(sim-th) / simErr
	if z <= 2 {
		return fmt.Sprintf("agrees within 2σ (%+.1f%%)", 100*rel)
	}
	dir := "high"
	if rel < 0 {
		dir = "low"
	}
	return fmt.Sprintf("theory %.1f%% %s (%.1fσ)", 100*math.Abs(rel), dir, z)
}

// SetVerdicts sets the verdicts of the row and of its theory variants.
func (r *SimRow) SetVerdicts() {
	conv := r.Converged()
	if r.TheoryTestError != nil {
		r.Verdict = Verdict(conv, r.SimTestError, r.SimTestErrorErr, *r.TheoryTestError)
	}
	if r.SimAccuracy != nil && r.TheoryAccuracy != nil {
		se := math.NaN()
		if r.SimAccuracyErr != nil {
			se = *r.SimAccuracyErr
		}
		r.AccuracyVerdict = Verdict(r.AccuracyConverged(), *r.SimAccuracy, se, *r.TheoryAccuracy)
	}
	for i := range r.Theories {
		t := &r.Theories[i]
		if t.TestError != nil {
			se := r.SimTestErrorErr
			if t.TestErrorErr != nil {
				// Independent errors of the simulation and of the theory.
				se = math.Hypot(se, *t.TestErrorErr)
			}
			t.Verdict = Verdict(conv, r.SimTestError, se, *t.TestError)
		}
	}
}

// FirstLayerOf compares the sampled second moment with the principal axes
// of the training inputs: the k largest axes and eigenvalues. It returns
// nil when the second moment was not recorded.
func FirstLayerOf(sm *langevin.SecondMoment, train *data.Dataset, k int) (*FirstLayer, error) {
	if sm == nil {
		return nil, nil
	}
	vars, axes, err := data.PrincipalAxes(train.X, k)
	if err != nil {
		return nil, fmt.Errorf("study: principal axes: %w", err)
	}
	along, alongErr, err := sm.Along(axes)
	if err != nil {
		return nil, err
	}
	ev, evErr, err := sm.Eigenvalues(k)
	if err != nil {
		return nil, err
	}
	return &FirstLayer{InputVariance: vars, SimAlongAxes: along, SimAlongAxesErr: alongErr,
		SimEigenvalues: ev, SimEigenvaluesErr: evErr}, nil
}

// AddTheory appends the prediction of model m, fitted to train, for the
// second moment along the same principal axes (rkgp.FirstLayerAlong) under
// the name variant.
func (fl *FirstLayer) AddTheory(variant string, train *data.Dataset, m *rkgp.Model) error {
	_, axes, err := data.PrincipalAxes(train.X, len(fl.SimAlongAxes))
	if err != nil {
		return fmt.Errorf("study: principal axes: %w", err)
	}
	along, err := rkgp.FirstLayerAlong(train, m, axes)
	if err != nil {
		return err
	}
	fl.Theory = append(fl.Theory, FirstLayerTheory{Variant: variant, AlongAxes: along})
	return nil
}
