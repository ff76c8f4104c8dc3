package study

import (
	"fmt"
	"math"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/transfer"
)

// Prediction is what the theory says about the observables that a Langevin
// simulation measures: the test error, the readout norm <|v|²>/N, the
// source–target readout overlap <v_s·v_t>/N (NaN for a single network),
// the infinite-width (NNGP) test error at the same couplings, and the
// expected test accuracy of a posterior draw (ExpectedAccuracy; NaN unless
// the test labels are ±1).
type Prediction struct {
	TestError          float64
	ReadoutNorm        float64
	Overlap            float64
	InfiniteWidthError float64
	Accuracy           float64
}

// PredictSingle returns the single-network theory of the fitted model m on
// the test set, beside its infinite-width limit.
func PredictSingle(m *rkgp.Model, test *data.Dataset) (Prediction, error) {
	if err := checkTest(test); err != nil {
		return Prediction{}, err
	}
	mean, variance, err := m.Predict(test.X)
	if err != nil {
		return Prediction{}, fmt.Errorf("study: theory: %w", err)
	}
	ri, err := m.NNGP().Risk(test)
	if err != nil {
		return Prediction{}, fmt.Errorf("study: infinite width: %w", err)
	}
	return Prediction{TestError: rkgp.RiskOf(test.Y, mean, variance).Total, ReadoutNorm: m.ReadoutNorm(), Overlap: math.NaN(),
		InfiniteWidthError: ri.Total, Accuracy: ExpectedAccuracy(test.Y, mean, variance)}, nil
}

// PredictTransfer returns the transfer theory of the target at coupling
// gamma on the target test set, beside the infinite-width target at the same
// coupling.
func PredictTransfer(s *transfer.Solver, gamma float64, test *data.Dataset) (Prediction, error) {
	m, err := s.Fit(gamma)
	if err != nil {
		return Prediction{}, fmt.Errorf("study: theory at gamma = %v: %w", gamma, err)
	}
	if err := checkTest(test); err != nil {
		return Prediction{}, err
	}
	mean, variance, err := m.Predict(test.X)
	if err != nil {
		return Prediction{}, fmt.Errorf("study: theory at gamma = %v: %w", gamma, err)
	}
	inf, err := s.InfiniteWidth(gamma)
	if err != nil {
		return Prediction{}, fmt.Errorf("study: infinite width at gamma = %v: %w", gamma, err)
	}
	ri, err := inf.Risk(test)
	if err != nil {
		return Prediction{}, fmt.Errorf("study: infinite width at gamma = %v: %w", gamma, err)
	}
	return Prediction{TestError: rkgp.RiskOf(test.Y, mean, variance).Total, ReadoutNorm: m.ReadoutNorm(), Overlap: m.Overlap(),
		InfiniteWidthError: ri.Total, Accuracy: ExpectedAccuracy(test.Y, mean, variance)}, nil
}

// checkTest validates a test set as Model.Risk does.
func checkTest(test *data.Dataset) error {
	if test == nil {
		return fmt.Errorf("study: theory: test set is nil")
	}
	if err := test.Validate(); err != nil {
		return fmt.Errorf("study: theory: test set: %w", err)
	}
	return nil
}

// VariantsSingle returns the test error and readout norm of the theory
// variants vs (every one in rkgp.Variants when vs is empty) for the fitted
// model m, in the order given; a variant that does not apply to m (shape
// and tilted need an odd activation) gets a row with its Note. An error of
// the scalar theory is returned as an error.
func VariantsSingle(m *rkgp.Model, test *data.Dataset, vs ...rkgp.Variant) ([]TheoryRow, error) {
	if len(vs) == 0 {
		vs = rkgp.Variants
	}
	var out []TheoryRow
	for _, v := range vs {
		mv, err := m.WithVariant(v)
		if err != nil {
			if v == rkgp.Scalar {
				return nil, err
			}
			out = append(out, TheoryRow{Variant: v.String(), Note: err.Error()})
			continue
		}
		r, err := mv.Risk(test)
		if err != nil {
			if v == rkgp.Scalar {
				return nil, fmt.Errorf("study: %s theory: %w", v, err)
			}
			out = append(out, TheoryRow{Variant: v.String(), Note: err.Error()})
			continue
		}
		norm, err := mv.VariantReadoutNorm()
		if err != nil {
			return nil, fmt.Errorf("study: %s theory: %w", v, err)
		}
		row := TheoryRow{Variant: v.String(), TestError: ptr(r.Total), ReadoutNorm: ptr(norm)}
		if v == rkgp.Tilted || v == rkgp.Cumulant {
			se, err := mv.VariantRiskErr(test)
			if err != nil {
				return nil, fmt.Errorf("study: %s theory: %w", v, err)
			}
			row.TestErrorErr = ptr(se)
		}
		out = append(out, row)
	}
	return out, nil
}

// Correction returns |shape − scalar|/scalar of the test errors in rows
// (VariantsSingle), NaN when either is missing.
func Correction(rows []TheoryRow) float64 {
	var sc, sh *float64
	for _, r := range rows {
		switch r.Variant {
		case "scalar":
			sc = r.TestError
		case "shape":
			sh = r.TestError
		}
	}
	if sc == nil || sh == nil {
		return math.NaN()
	}
	return math.Abs(*sh-*sc) / *sc
}
