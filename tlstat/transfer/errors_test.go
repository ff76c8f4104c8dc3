package transfer

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"gonum.org/v1/gonum/mat"
)

func TestBadInput(t *testing.T) {
	good, test := referenceProblem()
	withSource := func(d *data.Dataset) Problem { p := good; p.Source = d; return p }
	withTarget := func(d *data.Dataset) Problem { p := good; p.Target = d; return p }
	withNet := func(f func(*rkgp.Network)) Problem { p := good; f(&p.Net); return p }
	nanLabel := formulaData(40, 20, 0.1, 0)
	nanLabel.Y[3] = math.NaN()
	nanInput := formulaData(15, 20, 0.2, 0.4)
	nanInput.X.Set(2, 5, math.NaN())
	for _, tc := range []struct {
		name string
		p    Problem
		s    *Settings
		want []string // substrings of the error
	}{
		{"P mismatch", withSource(&data.Dataset{X: mat.NewDense(5, 20, nil), Y: make([]float64, 4)}), nil, []string{"source", "5 rows", "4 labels"}},
		{"N0 mismatch", withTarget(formulaData(15, 19, 0.2, 0.4)), nil, []string{"N0 = 20", "N0 = 19"}},
		{"NaN label", withSource(nanLabel), nil, []string{"source", "label 3", "NaN"}},
		{"NaN input", withTarget(nanInput), nil, []string{"target", "input 2, component 5", "NaN"}},
		{"empty target", withTarget(&data.Dataset{}), nil, []string{"target", "empty"}},
		{"T = 0", withNet(func(n *rkgp.Network) { n.T = 0 }), nil, []string{"T", "0"}},
		{"negative source T", func() Problem { p := good; p.SourceT = -1; return p }(), nil, []string{"source temperature", "-1"}},
		{"NaN SourceQ", good, &Settings{SourceQ: math.NaN()}, []string{"SourceQ", "NaN"}},
	} {
		_, err := NewSolver(tc.p, tc.s)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", tc.name, err, w)
			}
		}
	}

	s, err := NewSolver(good, nil)
	if err != nil {
		t.Fatal(err)
	}
	// ReLU is accepted (the mean-mode theory), but its action has six order
	// parameters: the odd theory's three-parameter Action refuses it.
	relu, err := NewSolver(withNet(func(n *rkgp.Network) { n.Act = kernel.ReLU }), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := relu.Couple(1); err != nil {
		t.Fatal(err)
	} else if _, err := c.Action(Order{T: 1}); err == nil || !strings.Contains(err.Error(), "relu") || !strings.Contains(err.Error(), "ActionMean") {
		t.Errorf("ReLU Action: error %v", err)
	}
	for _, g := range []float64{-1, math.NaN(), math.Inf(-1)} {
		if _, err := s.Fit(g); err == nil || !strings.Contains(err.Error(), "gamma") || !strings.Contains(err.Error(), fmtFloat(g)) {
			t.Errorf("Fit(%v): error %v", g, err)
		}
		if _, err := s.Sweep([]float64{0, g}, test); err == nil || !strings.Contains(err.Error(), fmtFloat(g)) {
			t.Errorf("Sweep with %v: error %v", g, err)
		}
		if _, err := CouplingCovariances(g, 1); err == nil {
			t.Errorf("CouplingCovariances(%v): no error", g)
		}
	}
	m := s.Scratch()
	if _, _, err := m.Predict(mat.NewDense(2, 7, nil)); err == nil || !strings.Contains(err.Error(), "N0 = 7") {
		t.Errorf("Predict with N0 = 7: %v", err)
	}
	bad := mat.NewDense(2, 20, nil)
	bad.Set(1, 3, math.Inf(1))
	if _, _, err := m.Predict(bad); err == nil || !strings.Contains(err.Error(), "+Inf") {
		t.Errorf("Predict with Inf: %v", err)
	}
	if _, err := m.Risk(&data.Dataset{X: mat.NewDense(3, 20, nil), Y: []float64{1, math.NaN(), 1}}); err == nil || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("Risk with NaN label: %v", err)
	}
	c, _ := s.Couple(1)
	if _, err := c.Action(Order{T: 0.5, TT: 0.7}); err == nil || !strings.Contains(err.Error(), "q_t > q_tt") {
		t.Errorf("Action outside domain: %v", err)
	}
	if _, err := c.Gradient(Order{T: math.NaN()}); err == nil || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("Gradient at NaN: %v", err)
	}
	if _, err := DataEquivalent(good.Target, test, good.Net, []int{5, 100}, 0.5); err == nil || !strings.Contains(err.Error(), "100") {
		t.Errorf("DataEquivalent beyond the pool: %v", err)
	}
}

func TestNoConvergence(t *testing.T) {
	p, test := referenceProblem()
	// One Newton iteration and no subdivision cannot reach 1e-11 from the
	// gamma = 0 point at gamma = 10 (the converged solve needs 4, see
	// TestPythonReference's log).
	s, err := NewSolver(p, &Settings{MaxIter: 1, MaxHalvings: 1})
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Fit(10)
	var ce *ConvergenceError
	if !errors.As(err, &ce) {
		t.Fatalf("want *ConvergenceError, got %v", err)
	}
	if m == nil || m.Converged || m.Residual != ce.Residual || !(ce.Residual > 1e-11) {
		t.Errorf("partial model %+v, error %+v", m, ce)
	}
	if !strings.Contains(err.Error(), "residual") || !strings.Contains(err.Error(), "gamma =") {
		t.Errorf("error %q does not name the residual and gamma", err)
	}
	sw, err := s.Sweep([]float64{0, 10}, test)
	if err == nil || sw == nil || len(sw.Points) != 2 || sw.Points[1].Converged {
		t.Errorf("Sweep: want the partial second point and an error, got %+v, %v", sw, err)
	}
}

func fmtFloat(f float64) string { return fmt.Sprint(f) }
