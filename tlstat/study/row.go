package study

import (
	"math"

	"github.com/tlstat/tlstat/tlstat/langevin"
)

// Row is one line of a study's table, in one schema for the theory and the
// simulation: a theory row has the prediction of one variant (its error
// bars missing), a simulation row the measured means with their standard
// errors and convergence diagnostics (its theory-only columns missing).
//
// Missing and non-finite values follow Num's convention throughout: a value
// that does not exist (an error bar of a theory row, an overlap of a single
// network, an error bar that could not be estimated) is NaN, written null in
// JSON and as an empty cell in CSV; ±Inf is written "+Inf" and "-Inf" in
// both. A missing error bar is never 0.
type Row struct {
	// Point is the hash of the row's point and Task the name of its task.
	Point string `json:"point"`
	Task  string `json:"task"`
	// Mode is ModeSingle or ModeTransfer; Kind is "theory" or "simulation";
	// Stage is "single", "source" or "target"; Variant names the theory
	// variant of a theory row ("" for simulation rows).
	Mode    string `json:"mode"`
	Kind    string `json:"kind"`
	Stage   string `json:"stage"`
	Variant string `json:"variant"`
	// The point's network and sizes: P is the source's training set size
	// in transfer mode and PTest the size of the row's test set.
	Act     string `json:"act"`
	N       int    `json:"n"`
	N0      int    `json:"n0"`
	P       int    `json:"p"`
	PT      int    `json:"pt"`
	PTest   int    `json:"ptest"`
	T       Num    `json:"t"`
	Lambda0 Num    `json:"lambda0"`
	Lambda1 Num    `json:"lambda1"`
	Seed    uint64 `json:"seed"`
	// Gamma is the coupling of a target row (NaN for single networks and
	// sources).
	Gamma Num `json:"gamma"`
	// Observables with their standard errors (simulation rows).
	TestError      Num `json:"test_error"`
	TestErrorErr   Num `json:"test_error_err"`
	TrainError     Num `json:"train_error"`
	TrainErrorErr  Num `json:"train_error_err"`
	ReadoutNorm    Num `json:"readout_norm"`
	ReadoutNormErr Num `json:"readout_norm_err"`
	Overlap        Num `json:"overlap"`
	OverlapErr     Num `json:"overlap_err"`
	// Theory rows: the order parameter (Q* of a single network or source,
	// q_t of a target), the bias² and variance of the test error, and the
	// baselines at the same point.
	Q                  Num `json:"q"`
	Bias2              Num `json:"bias2"`
	Variance           Num `json:"variance"`
	InfiniteWidthError Num `json:"infinite_width_error"`
	ScratchError       Num `json:"scratch_error"`
	// Converged: the saddle point was found (theory) or every quantity
	// passed the convergence gates (simulation).
	Converged bool `json:"converged"`
	// Simulation rows: the largest R̂ and smallest bulk or tail ESS over the
	// row's quantities, the measured iterations per chain, the number of
	// chains and why the run ended.
	RHat   Num    `json:"rhat"`
	ESS    Num    `json:"ess"`
	Steps  int    `json:"steps"`
	Chains int    `json:"chains"`
	Stop   string `json:"stop"`
	// Note says why a value is missing (e.g. a variant that does not apply).
	Note string `json:"note"`
}

// Row kinds.
const (
	KindTheory     = "theory"
	KindSimulation = "simulation"
)

var nan = Num(math.NaN())

// blankRow returns a row of point pt with every value missing.
func blankRow(pt GridPoint, kind, stage string) Row {
	p := pt.Params
	return Row{Point: pt.Hash, Task: pt.Task, Mode: p.Mode, Kind: kind, Stage: stage, Act: p.Act, N: p.N, P: p.P, PT: p.PT,
		T: Num(p.T), Lambda0: Num(p.Lambda0), Lambda1: Num(p.Lambda1), Seed: p.Seed, Gamma: nan,
		TestError: nan, TestErrorErr: nan, TrainError: nan, TrainErrorErr: nan, ReadoutNorm: nan, ReadoutNormErr: nan,
		Overlap: nan, OverlapErr: nan, Q: nan, Bias2: nan, Variance: nan, InfiniteWidthError: nan, ScratchError: nan,
		RHat: nan, ESS: nan}
}

// setSim fills the simulation columns of r from the estimates of test
// error, training error, readout norm and overlap (an estimate whose mean is
// NaN was not measured).
func (r *Row) setSim(est [4]langevin.Estimate, converged bool, stop string, steps, chains int) {
	cols := [4][2]*Num{{&r.TestError, &r.TestErrorErr}, {&r.TrainError, &r.TrainErrorErr},
		{&r.ReadoutNorm, &r.ReadoutNormErr}, {&r.Overlap, &r.OverlapErr}}
	worst, ess := math.NaN(), math.NaN()
	for k, e := range est {
		if math.IsNaN(e.Mean) {
			continue
		}
		*cols[k][0], *cols[k][1] = Num(e.Mean), Num(e.Err)
		if !math.IsNaN(e.RHat) && !(e.RHat <= worst) {
			worst = e.RHat
		}
		if m := math.Min(e.ESS, e.ESSTail); !math.IsNaN(m) && !(m >= ess) {
			ess = m
		}
	}
	r.RHat, r.ESS = Num(worst), Num(ess)
	r.Converged, r.Stop, r.Steps, r.Chains = converged, stop, steps, chains
}
