package main

import (
	"fmt"
	"math"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/report"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/study"
	"github.com/tlstat/tlstat/tlstat/transfer"
)

// accuracyTol is the largest relative difference allowed between the test
// error of a predictor solved again here and the one the study reports:
// both saddles are solved to |∇S| ~ 1e-10, which moves the errors by ~1e-9
// relative; a larger difference means another saddle, whose accuracy would
// not belong to the error shown beside it.
const accuracyTol = 1e-6

// theoryAccuracy computes the classification accuracy of the transfer
// theory of each result (matched to pairs by name): at every coupling of
// its sweep and of its Langevin check, with the infinite-width and
// regularization-only baselines there, and at the optimum and the frozen
// limit. Each transfer predictor is solved again; its test error must equal
// the study's (accuracyTol), so that each accuracy belongs to the error it
// is shown beside.
func theoryAccuracy(pairs []*study.Pair, results []*study.GammaResult, net rkgp.Network) ([]*report.Accuracy, error) {
	var out []*report.Accuracy
	for _, r := range results {
		var p *study.Pair
		for _, q := range pairs {
			if q.Name == r.Pair {
				p = q
			}
		}
		if p == nil {
			return nil, fmt.Errorf("accuracy: no task pair named %q", r.Pair)
		}
		s, err := transfer.NewSolver(transfer.Problem{Source: p.SourceTrain, Target: p.TargetTrain, Net: net}, nil)
		if err != nil {
			return nil, fmt.Errorf("accuracy: %s: %w", r.Pair, err)
		}
		a := &report.Accuracy{Pair: r.Pair}
		for _, tp := range r.Theory {
			ap, err := accuracyAt(s, p.TargetTest, float64(tp.Gamma), float64(tp.TestError), true)
			if err != nil {
				return nil, fmt.Errorf("accuracy: %s: %w", r.Pair, err)
			}
			a.Theory = append(a.Theory, ap)
		}
		for _, sp := range r.Sim {
			ap, err := accuracyAt(s, p.TargetTest, float64(sp.Gamma), float64(sp.TheoryTestError), true)
			if err != nil {
				return nil, fmt.Errorf("accuracy: %s: %w", r.Pair, err)
			}
			a.Sim = append(a.Sim, ap)
		}
		if len(a.Theory) > 0 && a.Theory[0].Gamma == 0 {
			a.Scratch = a.Theory[0]
		} else if a.Scratch, err = accuracyAt(s, p.TargetTest, 0, float64(r.Scratch.TestError), true); err != nil {
			return nil, fmt.Errorf("accuracy: %s: %w", r.Pair, err)
		}
		if a.Frozen, err = accuracyAt(s, p.TargetTest, math.Inf(1), float64(r.Frozen.TestError), false); err != nil {
			return nil, fmt.Errorf("accuracy: %s: %w", r.Pair, err)
		}
		if a.Optimal, err = accuracyAt(s, p.TargetTest, float64(r.OptimalGamma), float64(r.OptimalError), false); err != nil {
			return nil, fmt.Errorf("accuracy: %s: %w", r.Pair, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// accuracyAt solves the transfer theory at gamma, checks its test error
// against want and returns its accuracy on test, with the baselines' when
// baselines is set (NaN otherwise, as the study has none at the frozen
// limit and the optimum).
func accuracyAt(s *transfer.Solver, test *data.Dataset, gamma, want float64, baselines bool) (report.AccuracyPoint, error) {
	nan := study.Num(math.NaN())
	ap := report.AccuracyPoint{Gamma: study.Num(gamma), InfiniteWidth: nan, RegularizationOnly: nan}
	m, err := s.Fit(gamma)
	if err != nil {
		return ap, err
	}
	acc, e, err := predictAccuracy(m, test)
	if err != nil {
		return ap, err
	}
	if math.Abs(e-want) > accuracyTol*math.Abs(want) {
		return ap, fmt.Errorf("γ = %g: the predictor solved again has test error %.10g, the study %.10g", gamma, e, want)
	}
	ap.Transfer = study.Num(acc)
	if !baselines {
		return ap, nil
	}
	inf, err := s.InfiniteWidth(gamma)
	if err != nil {
		return ap, err
	}
	reg, err := s.RegularizationOnly(gamma)
	if err != nil {
		return ap, err
	}
	for _, b := range []struct {
		m   *transfer.Model
		dst *study.Num
	}{{inf, &ap.InfiniteWidth}, {reg, &ap.RegularizationOnly}} {
		acc, _, err := predictAccuracy(b.m, test)
		if err != nil {
			return ap, err
		}
		*b.dst = study.Num(acc)
	}
	return ap, nil
}

// predictAccuracy returns the accuracy of m's mean predictor on test and
// its test error (bias² + variance).
func predictAccuracy(m *transfer.Model, test *data.Dataset) (acc, testError float64, err error) {
	mean, variance, err := m.Predict(test.X)
	if err != nil {
		return 0, 0, err
	}
	return report.SignAccuracy(test.Y, mean), rkgp.RiskOf(test.Y, mean, variance).Total, nil
}

// demoDrawAccuracy formats the accuracy of a posterior draw at a Langevin
// point beside the theory's expected accuracy of a draw, bracketed unless
// it passed the convergence gates (it is diagnosed, not gated), with its
// verdict; "" when the point did not measure it.
func demoDrawAccuracy(indent string, p study.SimPoint) string {
	if p.AccuracyVerdict == "" {
		return ""
	}
	s := fmt.Sprintf("%.2f%% ± %.2f%%", 100*float64(p.Accuracy), 100*float64(p.AccuracyErr))
	if !p.AccuracyConverged {
		s = "[" + s + "]"
	}
	return fmt.Sprintf("%saccuracy of a draw: sim %s   theory %.2f%%: %s   R̂ %.3f, ESS %.0f\n",
		indent, s, 100*float64(p.TheoryAccuracy), p.AccuracyVerdict, float64(p.AccuracyRHat), float64(p.AccuracyESS))
}
