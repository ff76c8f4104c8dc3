package study

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/internal/csvtask"
)

// TestTransferTaskFlagsCSV loads a transfer problem whose source and target
// come from CSV files: sizes (all rows, or the first -ps/-pt/-ptest), the two
// standardization rules, the description, and the refusals (a missing file,
// inputs of another dimension than the other task's, class flags without
// their partner).
func TestTransferTaskFlagsCSV(t *testing.T) {
	src, tgt := csvtask.Write(t, 60), csvtask.Write(t, 30)
	args := []string{"-source-train-csv", filepath.Join(src, "train.csv"), "-source-test-csv", filepath.Join(src, "test.csv"),
		"-target-train-csv", filepath.Join(tgt, "train.csv"), "-target-test-csv", filepath.Join(tgt, "test.csv")}
	meanVar := func(d *data.Dataset) (float64, float64) {
		raw := d.X.RawMatrix().Data
		var s, ss float64
		for _, v := range raw {
			s += v
		}
		m := s / float64(len(raw))
		for _, v := range raw {
			ss += (v - m) * (v - m)
		}
		return m, ss / float64(len(raw))
	}
	fs := newFlagSet()
	tf := AddTransferTaskFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	st, se, tt, te, err := tf.Load()
	if err != nil {
		t.Fatal(err)
	}
	if st.Len() != 60 || se.Len() != 20 || tt.Len() != 30 || te.Len() != 10 || tt.Dim() != 5 {
		t.Fatalf("sizes %d %d %d %d dim %d", st.Len(), se.Len(), tt.Len(), te.Len(), tt.Dim())
	}
	if m, v := meanVar(st); math.Abs(m) > 1e-12 || math.Abs(v-1) > 1e-12 {
		t.Errorf("source training inputs: mean %v, variance %v", m, v)
	}
	if d := tf.String(); !strings.Contains(d, "CSV source train") || !strings.Contains(d, "CSV target train") || !strings.Contains(d, "standardized with the source training scalars") ||
		!strings.Contains(d, "Ps=60, Pt=30, Ptest=20 (source), 10 (target)") {
		t.Errorf("description %q", d)
	}

	fs = newFlagSet()
	tf = AddTransferTaskFlags(fs)
	if err := fs.Parse(append(args, "-standardize", "each", "-pt", "12", "-ptest", "5")); err != nil {
		t.Fatal(err)
	}
	_, se, tt, _, err = tf.Load()
	if err != nil {
		t.Fatal(err)
	}
	if tt.Len() != 12 || se.Len() != 5 {
		t.Errorf("-pt 12 -ptest 5: sizes %d, %d", tt.Len(), se.Len())
	}
	if m, v := meanVar(tt); math.Abs(m) > 1e-12 || math.Abs(v-1) > 1e-12 || !strings.Contains(tf.String(), "its own") {
		t.Errorf("-standardize each: target training mean %v, variance %v; %q", m, v, tf.String())
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{args[:6], "give both files"},
		{append(args[:4:4], "-target-train-csv", filepath.Join(tgt, "train.csv"), "-target-test-csv", filepath.Join(tgt, "test.csv"), "-standardize", "row"), "unknown standardization rule"},
		{append(append([]string{}, args...), "-source-pos", "1"), "give both"},
		{append(append([]string{}, args...), "-pool", "4"), "-pool applies only to image tasks"},
		{append(append([]string{}, args...), "-teacher-overlap", "0.5"), "no effect with -teacher-overlap"},
	} {
		if _, _, _, _, err := parseTransfer(t, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.args, err, c.want)
		}
	}
	if testing.Short() {
		return
	}
	// A CSV source (5 inputs) with an MNIST target (196 inputs).
	if _, _, _, _, err := parseTransfer(t, args[:4]...); err == nil || !strings.Contains(err.Error(), "dimension") {
		t.Errorf("CSV source, image target: error %v, want a dimension mismatch", err)
	}
}
