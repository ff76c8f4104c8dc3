package data

import (
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestReadCSV(t *testing.T) {
	dir := t.TempDir()
	wantX := mat.NewDense(3, 2, []float64{0.5, -1, 2, 3e-2, 4, 5})
	wantY := []float64{1, -1, 1}
	for _, c := range []struct {
		name, text string
		s          *CSVSettings
	}{
		{"first column", "1,0.5,-1\n-1,2,3e-2\n1,4,5\n", nil},
		{"last column with header", "a,b,y\n0.5,-1,1\n2,3e-2,-1\n4,5,1\n", &CSVSettings{LabelColumn: -1, Header: true}},
		{"named column, semicolons, comment", "a;y;b\n# a comment\n0.5;1;-1\n2; -1; 3e-2\n4;1;5\n", &CSVSettings{LabelName: "y", Header: true, Comma: ';'}},
	} {
		p := writeFile(t, dir, "d.csv", []byte(c.text))
		d, err := ReadCSV(p, c.s)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !mat.Equal(d.X, wantX) || len(d.Y) != 3 || d.Y[0] != wantY[0] || d.Y[1] != wantY[1] || d.Y[2] != wantY[2] {
			t.Errorf("%s: got X=%v Y=%v", c.name, mat.Formatted(d.X), d.Y)
		}
		if err := d.Validate(); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// TestReadCSVLabels checks the label mapping: class ids through Pos and
// Neg, and any label with AnyLabel.
func TestReadCSVLabels(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "c.csv", []byte("3,0.5\n5,1\n3,2\n"))
	d, err := ReadCSV(p, &CSVSettings{Pos: []float64{3}, Neg: []float64{5}})
	if err != nil {
		t.Fatal(err)
	}
	if d.Y[0] != 1 || d.Y[1] != -1 || d.Y[2] != 1 {
		t.Errorf("classes 3 -> +1, 5 -> -1: %v", d.Y)
	}
	d, err = ReadCSV(p, &CSVSettings{AnyLabel: true})
	if err != nil || d.Y[1] != 5 {
		t.Errorf("AnyLabel: %v, %v", d, err)
	}
}

func TestReadCSVErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, text string
		s          *CSVSettings
		want       string
	}{
		{"not a number", "1,2,3\n-1,x5,6\n", nil, `line 2, column 4 (field 2): "x5" is not a finite number`},
		{"NaN", "1,2,3\n1,5,NaN\n", nil, "line 2, column 5 (field 3)"},
		{"unexpected header", "a,b,c\n1,2,3\n", nil, "line 1, column 1"},
		{"field count", "1,2,3\n4,5\n", nil, "line 2: 2 fields, want 3"},
		{"one column", "1\n2\n", nil, "1 column"},
		{"label out of range", "1,2,3\n", &CSVSettings{LabelColumn: 3}, "label column 3 out of range"},
		{"no such name", "a,b\n1,2\n", &CSVSettings{LabelName: "y", Header: true}, `no column named "y"`},
		{"name without header", "a,b\n1,2\n", &CSVSettings{LabelName: "a"}, "needs a header"},
		{"header only", "a,b\n", &CSVSettings{Header: true}, "no data lines"},
		{"bad quote", "1,2\n3,\"4\n", nil, "line 2"},
		{"numeric header", "1,2,3\n-1,4,5\n", &CSVSettings{Header: true}, "line 1: the header line holds only numbers"},
		{"label not ±1", "1,2,3\n0,4,5\n", nil, "line 2, column 1 (field 1): label 0 is not +1 or -1"},
		{"unmapped class", "3,2,3\n5,4,5\n7,1,1\n", &CSVSettings{Pos: []float64{3}, Neg: []float64{5}}, "line 3, column 1 (field 1): label 7 is in neither"},
	} {
		p := writeFile(t, dir, "bad.csv", []byte(c.text))
		_, err := ReadCSV(p, c.s)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %v, want the file name and %q", c.name, err, c.want)
		}
	}
}

// FuzzReadCSV checks that arbitrary text never panics and that accepted
// input gives a valid data set.
func FuzzReadCSV(f *testing.F) {
	f.Add("1,0.5,-1\n-1,2,3e-2\n", false, -1)
	f.Add("a,b,y\n0.5,-1,1\n", true, 2)
	f.Fuzz(func(t *testing.T, text string, header bool, label int) {
		d, err := parseCSV(strings.NewReader(text), &CSVSettings{Header: header, LabelColumn: label})
		if err != nil {
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("accepted invalid data: %v", err)
		}
	})
}
