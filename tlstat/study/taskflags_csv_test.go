package study

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/internal/csvtask"
)

func TestTaskFlagsLoadCSV(t *testing.T) {
	dir := csvtask.Write(t, 60)
	tr, te := filepath.Join(dir, "train.csv"), filepath.Join(dir, "test.csv")
	load := func(args ...string) (*data.Dataset, *data.Dataset, error) {
		fs := newFlagSet()
		tf := AddTaskFlags(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return tf.Load()
	}
	train, test, err := load("-train-csv", tr, "-test-csv", te)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 60 || test.Len() != 20 || train.Dim() != 5 {
		t.Fatalf("all rows: sizes %d, %d, dim %d; want 60, 20, 5", train.Len(), test.Len(), train.Dim())
	}
	s, err := data.FitStandardizer(train.X)
	if err != nil || !scalar.EqualWithinAbs(s.Mean, 0, 1e-12) || !scalar.EqualWithinAbsOrRel(s.Std, 1, 1e-12, 1e-12) {
		t.Errorf("training inputs not standardized: %+v, %v", s, err)
	}
	raw, err := data.ReadCSV(tr, nil)
	if err != nil {
		t.Fatal(err)
	}
	if train.Y[7] != raw.Y[7] {
		t.Errorf("label 7 = %v, file %v", train.Y[7], raw.Y[7])
	}
	// The same files with class ids 3 (for +1) and 5 (for -1).
	var classes [2]string
	for i, f := range []string{tr, te} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		for k, l := range lines {
			switch {
			case strings.HasPrefix(l, "1,"):
				lines[k] = "3" + l[1:]
			case strings.HasPrefix(l, "-1,"):
				lines[k] = "5" + l[2:]
			}
		}
		classes[i] = filepath.Join(dir, fmt.Sprintf("classes%d.csv", i))
		if err := os.WriteFile(classes[i], []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mapped, _, err := load("-train-csv", classes[0], "-test-csv", classes[1], "-pos", "3", "-neg", "5")
	if err != nil {
		t.Fatal(err)
	}
	if mapped.Y[7] != raw.Y[7] || mapped.Y[8] != raw.Y[8] {
		t.Errorf("-pos 3 -neg 5: labels %v, %v; file ±1 labels %v, %v", mapped.Y[7], mapped.Y[8], raw.Y[7], raw.Y[8])
	}
	if _, _, err := load("-train-csv", classes[0], "-test-csv", classes[1]); err == nil || !strings.Contains(err.Error(), "label 3 is not +1 or -1") {
		t.Errorf("class ids without -pos/-neg: error %v", err)
	}
	sub, subTest, err := load("-train-csv", tr, "-test-csv", te, "-p", "25", "-ptest", "4")
	if err != nil {
		t.Fatal(err)
	}
	if sub.Len() != 25 || subTest.Len() != 4 || sub.Y[24] != raw.Y[24] {
		t.Errorf("-p 25 -ptest 4: sizes %d, %d", sub.Len(), subTest.Len())
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-train-csv", tr}, "give both files"},
		{[]string{"-train-csv", tr, "-test-csv", te, "-pos", "1"}, "give both"},
		{[]string{"-train-csv", tr, "-test-csv", te, "-pos", "1", "-neg", "0"}, "label -1 is in neither"},
		{[]string{"-train-csv", tr, "-test-csv", te, "-pos", "1", "-neg", "0", "-csv-any-label"}, "give one"},
		{[]string{"-train-csv", tr, "-test-csv", te, "-csv-header"}, "the header line holds only numbers"},
		{[]string{"-train-csv", tr, "-test-csv", te, "-test-csv-header"}, "test.csv: line 2: the header line holds only numbers"},
		{[]string{"-train-csv", tr, "-test-csv", te, "-pool", "1"}, "-pool applies only to image tasks"},
		{[]string{"-train-csv", tr, "-test-csv", te, "-p", "61"}, "-p 61: must be between 1 and the 60 rows"},
		{[]string{"-train-csv", tr, "-test-csv", te, "-ptest", "0"}, "-ptest 0"},
		{[]string{"-train-csv", tr, "-test-csv", filepath.Join(dir, "nope.csv")}, "nope.csv"},
		{[]string{"-train-csv", tr, "-test-csv", te, "-csv-label", "9"}, "label column"},
		{[]string{"-csv-header"}, "-csv-header applies only with -train-csv"},
	} {
		if _, _, err := load(c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.args, err, c.want)
		}
	}
}
