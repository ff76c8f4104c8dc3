package plotting

import (
	"reflect"
	"testing"

	"gonum.org/v1/plot"
)

func labels(ts []plot.Tick) []string {
	var out []string
	for _, t := range ts {
		if t.Label != "" {
			out = append(out, t.Label)
		}
	}
	return out
}

func TestLogTicks(t *testing.T) {
	for _, tc := range []struct {
		min, max float64
		want     []string
	}{
		// Powers of ten when at least three fit.
		{1e-3, 10, []string{"0.001", "0.01", "0.1", "1", "10"}},
		// Two powers of ten: 1-2-5 labels.
		{2e-6, 3e-4, []string{"2e-6", "5e-6", "1e-5", "2e-5", "5e-5", "1e-4", "2e-4"}},
		// One power of ten inside: 1-2-5 labels.
		{0.15, 3, []string{"0.2", "0.5", "1", "2"}},
		// Within a decade: every integer multiple (at least three fit).
		{0.25, 0.55, []string{"0.3", "0.4", "0.5"}},
		{0.19, 0.52, []string{"0.2", "0.3", "0.4", "0.5"}},
		// Exact decimal labels, not 0.30000000000000004.
		{0.29, 0.71, []string{"0.3", "0.4", "0.5", "0.6", "0.7"}},
	} {
		got := labels(logTicks{}.Ticks(tc.min, tc.max))
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("logTicks(%v, %v) labels = %v, want %v", tc.min, tc.max, got, tc.want)
		}
	}
	// 24 decades are thinned to at most 8 labels: every third decade.
	if got := labels(logTicks{}.Ticks(1e-12, 1e12)); len(got) > 9 || len(got) < 5 {
		t.Errorf("24 decades: %d labels %v, want 5 to 9", len(got), got)
	}
	// Too narrow for two log labels: linear ticks.
	if got := labels(logTicks{}.Ticks(0.031, 0.034)); len(got) < 4 {
		t.Errorf("narrow range: labels %v, want at least 4", got)
	}
}

func TestLinearTicks(t *testing.T) {
	for _, tc := range []struct {
		min, max float64
		want     []string
	}{
		{0, 10, []string{"0", "2", "4", "6", "8", "10"}},
		{-1, 1, []string{"-1.0", "-0.5", "0.0", "0.5", "1.0"}},
		{0.22, 0.53, []string{"0.25", "0.30", "0.35", "0.40", "0.45", "0.50"}},
		{0, 1e6, []string{"0", "2e+05", "4e+05", "6e+05", "8e+05", "1e+06"}},
	} {
		got := labels(linearTicks{}.Ticks(tc.min, tc.max))
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("linearTicks(%v, %v) labels = %v, want %v", tc.min, tc.max, got, tc.want)
		}
	}
}

func TestMatrixTicks(t *testing.T) {
	// Three rows drawn at y = 2, 1, 0 (row 0 on top), cells spanning ±0.5.
	ts := matrixTicks{n: 3}.Ticks(-0.5, 2.5)
	got := map[float64]string{}
	for _, tk := range ts {
		if tk.Label != "" {
			got[tk.Value] = tk.Label
		}
	}
	want := map[float64]string{2: "0", 1: "1", 0: "2"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("matrix row labels by position = %v, want %v", got, want)
	}
}
