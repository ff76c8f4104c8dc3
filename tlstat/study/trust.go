package study

import (
	"fmt"
	"math"
	"strings"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/transfer"
)

// Trust is what a user needs to judge a theory value: the loads and the
// temperature, the size of the theory's own first-order correction, and
// where the point lies on the validity map measured against converged
// simulations of real networks (ValidityMap).
type Trust struct {
	// Kind is the kind of data of the validity map the point was compared
	// with (see KindOf).
	Kind string `json:"kind"`
	// Alpha = P/N and PerInput = P/N0 are the loads; T is the temperature.
	Alpha    float64 `json:"alpha"`
	PerInput float64 `json:"p_over_n0"`
	T        float64 `json:"t"`
	// Correction is |shape − scalar|/scalar, the relative size of the
	// first-order kernel-shape correction (rkgp.Shape): the model's own
	// estimate of the size of what the scalar theory leaves out (nil when
	// not computed, e.g. for transfer targets).
	Correction *float64 `json:"correction,omitempty"`
	// Equivalence is the Gaussian-equivalence check of the fitted model
	// (rkgp.Model.Equivalence; nil when not computed, e.g. for activations
	// that are not odd): whether the real hidden features behave, under the
	// posterior's tilt, like the Gaussian features the theory assumes.
	Equivalence *rkgp.Equivalence `json:"gaussian_equivalence,omitempty"`
	// Regime is RegimeValidated, RegimeNotValidated or RegimeOutside; Note
	// says it in words, naming the measured points it rests on.
	Regime string `json:"regime"`
	Note   string `json:"note"`
}

// The regimes of a Trust.
const (
	// RegimeValidated: every measured point near this one agrees with the
	// theory (within 2% or 2 standard errors).
	RegimeValidated = "validated"
	// RegimeNotValidated: a measured point near this one disagrees.
	RegimeNotValidated = "not validated"
	// RegimeOutside: no measured point of the same kind of data is near.
	RegimeOutside = "outside the measured map"
)

// Closeness on the validity map: a measured cell is near a point when its
// alpha is within a factor nearAlpha, its temperature within a factor nearT
// and, when both input dimensions are known, its P/N0 within a factor
// nearAlpha of the point's (the map's grid steps are factors 2-4 in alpha
// and 2.5-4 in T; the measured gap grows with P/N0 at fixed alpha).
const (
	nearAlpha = 2.0
	nearT     = 2.5
)

// near reports whether the cell c is near the point pt with loads alpha
// and perInput (0 when N0 is unknown).
func near(c MapCell, pt Point, alpha, perInput float64) bool {
	within := func(a, b, f float64) bool { return math.Abs(math.Log(a/b)) <= math.Log(f)+1e-9 }
	if !within(c.Alpha, alpha, nearAlpha) || !within(c.T, pt.T, nearT) {
		return false
	}
	if perInput > 0 && c.N0 > 0 {
		return within(float64(c.P)/float64(c.N0), perInput, nearAlpha)
	}
	return true
}

// Agreement threshold of a validated cell: the relative gap of the
// theory, or 2 standard errors of the simulation, whichever is larger.
const agreeRel = 0.02

// Point is where a prediction is made: the kind of data (see KindOf), the
// activation's name, the width N, the training set size P, the input
// dimension N0 and the temperature T.
type Point struct {
	Kind, Act string
	N, P, N0  int
	T         float64
}

// PointOf is the point of the validity map at which network net, trained on
// train (data of kind kind), is judged.
func PointOf(net rkgp.Network, train *data.Dataset, kind string) Point {
	return Point{Kind: kind, Act: net.Activation().Name(), N: net.N, P: train.Len(), N0: train.Dim(), T: net.T}
}

// Assess places a prediction at pt on the validity map vm and returns its
// Trust; correction is the relative size of the first-order correction
// (NaN when not computed). variant names the theory whose measured gaps
// count ("scalar" by default). Cells count when they have the same kind of
// data and activation and lie within a factor 2 in alpha (and in P/N0) and
// 2.5 in T.
func (vm *ValidityMap) Assess(variant string, pt Point, correction float64) Trust {
	if variant == "" {
		variant = "scalar"
	}
	kind, t := pt.Kind, pt.T
	tr := Trust{Kind: kind, Alpha: float64(pt.P) / float64(pt.N), T: t}
	if pt.N0 > 0 {
		tr.PerInput = float64(pt.P) / float64(pt.N0)
	}
	if !math.IsNaN(correction) {
		tr.Correction = &correction
	}
	var nearby []MapCell
	if vm != nil {
		for _, c := range vm.Cells {
			if c.Kind != kind || c.Act != pt.Act || !c.Converged {
				continue
			}
			if _, ok := c.Theory[variant]; !ok {
				continue
			}
			if near(c, pt, tr.Alpha, tr.PerInput) {
				nearby = append(nearby, c)
			}
		}
	}
	if len(nearby) == 0 {
		tr.Regime = RegimeOutside
		tr.Note = fmt.Sprintf("outside the measured validity map: no converged simulation of %s data with %s within a factor %g of alpha = %.3g and P/N0 = %.3g and %g of T = %g; check with tlstat simulate",
			kindWords(kind), pt.Act, nearAlpha, tr.Alpha, tr.PerInput, nearT, t)
		if hint := vm.analogue(variant, pt, tr.Alpha, tr.PerInput); hint != "" {
			tr.Note += "; " + hint
		}
		return tr
	}
	worst, wi := 0.0, -1
	for i, c := range nearby {
		if c.Agrees(variant) {
			continue
		}
		if g := math.Abs(c.Gap(variant)); g > worst {
			worst, wi = g, i
		}
	}
	if wi < 0 {
		tr.Regime = RegimeValidated
		tr.Note = fmt.Sprintf("validated: the %s theory agrees (within 2%% or 2σ) with converged simulations at all %d measured points of %s data near alpha = %.3g, T = %g",
			variant, len(nearby), kindWords(kind), tr.Alpha, t)
		return tr
	}
	c := nearby[wi]
	dir := "above"
	if c.Gap(variant) < 0 {
		dir = "below"
	}
	tr.Regime = RegimeNotValidated
	tr.Note = fmt.Sprintf("not validated: at a nearby measured point (%s data, N = %d, alpha = %.3g, T = %g) the %s theory is %.1f%% %s converged simulations",
		kindWords(kind), c.N, c.Alpha, c.T, variant, 100*worst, dir)
	return tr
}

// analogue describes, for data without cells of their own kind (CSV), the
// largest gap of the variant at the nearby cells of Gaussian-input
// teachers, whose inputs are the closest stand-in for unknown data; empty
// when there is none.
func (vm *ValidityMap) analogue(variant string, pt Point, alpha, perInput float64) string {
	if vm == nil || pt.Kind != KindCSV {
		return ""
	}
	worst, n := 0.0, 0
	for _, c := range vm.Cells {
		if (c.Kind != KindGaussian && c.Kind != KindLowDim) || c.Act != pt.Act || !c.Converged || !near(c, pt, alpha, perInput) {
			continue
		}
		if g := c.Gap(variant); !math.IsNaN(g) {
			n++
			worst = math.Max(worst, math.Abs(g))
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("for Gaussian-input teachers at nearby alpha, P/N0 and T (%d measured points) the %s theory was off by up to %.1f%%",
		n, variant, 100*worst)
}

// Kinds of data on the validity map.
const (
	KindImages   = "images"   // image pixels (MNIST-like digit groups)
	KindGaussian = "gaussian" // Gaussian inputs with a teacher, N0 > 50
	KindLowDim   = "low-dim"  // Gaussian inputs with a teacher, N0 <= 50
	KindCSV      = "csv"      // inputs read from CSV files
)

// KindOf classifies a task description (SimDoc.Task) with input dimension
// n0.
func KindOf(task string, n0 int) string {
	switch {
	case strings.HasPrefix(task, "synthetic"):
		if n0 <= 50 {
			return KindLowDim
		}
		return KindGaussian
	case strings.Contains(strings.ToLower(task), "csv"):
		return KindCSV
	}
	return KindImages
}

func kindWords(kind string) string {
	switch kind {
	case KindImages:
		return "image"
	case KindGaussian:
		return "Gaussian-input teacher"
	case KindLowDim:
		return "low-dimensional (N0 <= 50) Gaussian-input teacher"
	case KindCSV:
		return "CSV"
	}
	return kind
}

// TrustSingle returns the Trust of the scalar theory of the fitted single
// network m on test for data of kind kind (KindOf), with the first-order
// correction computed from the shape variant (NaN for activations without
// one) and the Gaussian-equivalence check (odd activations), judged on the
// embedded validity map.
func TrustSingle(m *rkgp.Model, train, test *data.Dataset, kind string) (Trust, error) {
	rows, err := VariantsSingle(m, test, rkgp.Scalar, rkgp.Shape)
	if err != nil {
		return Trust{}, err
	}
	tr := AssessDefault("scalar", PointOf(m.Net, train, kind), Correction(rows))
	if m.Net.Activation().Odd() {
		eq, err := m.Equivalence(nil)
		if err != nil {
			return Trust{}, fmt.Errorf("study: Gaussian-equivalence check: %w", err)
		}
		vm, _ := DefaultValidityMap()
		tr.judgeEquivalence(&eq, vm, "scalar")
	}
	return tr, nil
}

// String is the trust in one line: the loads, the correction and the note.
func (t Trust) String() string {
	corr := "not computed"
	if t.Correction != nil {
		corr = fmt.Sprintf("%.1f%%", 100**t.Correction)
	}
	return fmt.Sprintf("alpha = P/N = %.3g, P/N0 = %.3g, T = %g; %s; first-order (shape) correction %s; %s",
		t.Alpha, t.PerInput, t.T, EquivalenceWords(t.Equivalence), corr, t.Note)
}

// TransferTrust is the trust of a transfer prediction: its source network
// and the target network trained from scratch, each judged as a single
// network, and the combined verdict (the weaker of the two).
type TransferTrust struct {
	Source Trust  `json:"source"`
	Target Trust  `json:"target"`
	Regime string `json:"regime"`
	Note   string `json:"note"`
}

// TrustTransfer judges the transfer theory of solver sv: the source model
// on the source test set srcTest and the target network from scratch
// (sv.ScratchSingle) on the target test set tgtTest, for data of kind kind. The validity map holds single networks;
// transfer targets are compared with simulations in docs/validation.md.
func TrustTransfer(sv *transfer.Solver, srcTest, tgtTest *data.Dataset, kind string) (TransferTrust, error) {
	prob := sv.Problem()
	src, err := sv.Source()
	if err != nil {
		return TransferTrust{}, err
	}
	ts, err := TrustSingle(src, prob.Source, srcTest, kind)
	if err != nil {
		return TransferTrust{}, fmt.Errorf("study: trust of the source: %w", err)
	}
	tt, err := TrustSingle(sv.ScratchSingle(), prob.Target, tgtTest, kind)
	if err != nil {
		return TransferTrust{}, fmt.Errorf("study: trust of the target: %w", err)
	}
	out := TransferTrust{Source: ts, Target: tt, Regime: RegimeValidated}
	for _, r := range []string{ts.Regime, tt.Regime} {
		if r == RegimeNotValidated || (r == RegimeOutside && out.Regime == RegimeValidated) {
			out.Regime = r
		}
	}
	out.Note = fmt.Sprintf("%s: source network %s; target network from scratch %s", out.Regime, ts.Regime, tt.Regime)
	return out, nil
}
