package data

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestClassTaskSelect(t *testing.T) {
	train, test := smallImages(40, 4, 6), smallImages(20, 4, 6) // labels i mod 10
	task := ClassTask{Groups: [][]int{{3}, {1, 7}, {4}}, P: 6, PTest: 3, Pool: 2}
	tr, te, err := task.Select(train, test)
	if err != nil {
		t.Fatal(err)
	}
	// Training images with a label in {1,3,4,7}, in file order: 1,3,4,7,11,13.
	wantIdx, wantClass := []int{1, 3, 4, 7, 11, 13}, []int{1, 0, 2, 1, 1, 0}
	if tr.Len() != 6 || tr.Outputs() != 3 || te.Len() != 3 {
		t.Fatalf("shapes: %d×%d training labels, %d test; want 6×3 and 3", tr.Len(), tr.Outputs(), te.Len())
	}
	// The inputs are those BinaryTask selects for the same images.
	bin, _, err := BinaryTask{Pos: []int{1, 3, 7}, Neg: []int{4}, P: 6, Pool: 2}.Select(train, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(tr.X, bin.X) {
		t.Error("inputs differ from the binary task's on the same images")
	}
	for k := range wantIdx {
		if tr.Class[k] != wantClass[k] {
			t.Errorf("example %d: class %d, want %d", k, tr.Class[k], wantClass[k])
		}
		var sum float64
		for d := range 3 {
			want := -1.0 / 3
			if d == wantClass[k] {
				want = 2.0 / 3
			}
			// Centred one-hot labels, exact to rounding.
			if got := tr.Y.At(k, d); math.Abs(got-want) > 1e-15 {
				t.Errorf("example %d output %d: label %v, want %v", k, d, got, want)
			}
			sum += tr.Y.At(k, d)
		}
		if math.Abs(sum) > 1e-15 {
			t.Errorf("example %d: labels sum to %v, want 0", k, sum)
		}
	}
	if got := tr.Output(1).Y; math.Abs(got[0]-2.0/3) > 1e-15 || got[1] != -1.0/3 {
		t.Errorf("Output(1) labels %v", got[:2])
	}
	if task.String() != "{3} | {1,7} | {4}" {
		t.Errorf("String() = %q", task.String())
	}
}

func TestClassTaskErrors(t *testing.T) {
	train, test := smallImages(40, 4, 6), smallImages(20, 4, 6)
	for _, c := range []struct {
		name string
		task ClassTask
		want string
	}{
		{"one group", ClassTask{Groups: [][]int{{1, 2}}, P: 1}, "at least two groups"},
		{"empty group", ClassTask{Groups: [][]int{{1}, {}}, P: 1}, "group 1 of classes is empty"},
		{"overlap", ClassTask{Groups: [][]int{{1, 2}, {2}}, P: 1}, "class 2 is in groups 0 and 1"},
		{"out of range", ClassTask{Groups: [][]int{{1}, {12}}, P: 1}, "class 12 of group 1 out of range"},
		{"P zero", ClassTask{Groups: [][]int{{1}, {2}}}, "P = 0"},
		{"pool", ClassTask{Groups: [][]int{{1}, {2}}, P: 1, Pool: 4}, "pooling size 4 does not divide"},
		{"few train", ClassTask{Groups: [][]int{{1}, {2}}, P: 9}, "9 requested but only 8 of the 40 images"},
		{"few test", ClassTask{Groups: [][]int{{1}, {2}}, P: 8, PTest: 5}, "not enough test examples: 5 requested but only 4"},
	} {
		_, _, err := c.task.Select(train, test)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	bad := &MultiDataset{X: mat.NewDense(2, 2, []float64{1, 2, 3, 4}), Y: mat.NewDense(2, 2, []float64{1, 0, 0, math.Inf(1)})}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "label 1, component 1 is +Inf") {
		t.Errorf("Validate: %v", err)
	}
	bad = &MultiDataset{X: mat.NewDense(2, 2, nil), Y: mat.NewDense(2, 2, nil), Class: []int{0, 2}}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "class index 2 of example 1") {
		t.Errorf("Validate: %v", err)
	}
	if err := (*MultiDataset)(nil).Validate(); err == nil {
		t.Error("nil data set validated")
	}
}
