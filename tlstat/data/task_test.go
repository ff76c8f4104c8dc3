package data

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

func TestBinaryTaskSelect(t *testing.T) {
	train, test := smallImages(40, 4, 6), smallImages(20, 4, 6) // labels i mod 10
	task := BinaryTask{Pos: []int{3, 1}, Neg: []int{4}, P: 5, PTest: 3, Pool: 2}
	tr, te, err := task.Select(train, test)
	if err != nil {
		t.Fatal(err)
	}
	// Training images with label in {1,3,4}, in file order: 1,3,4,11,13.
	wantIdx, wantY := []int{1, 3, 4, 11, 13}, []float64{1, 1, -1, 1, 1}
	if r, c := tr.X.Dims(); r != 5 || c != 6 || task.Dim(train) != 6 {
		t.Fatalf("training shape %d×%d, want 5×6 (4×6 images pooled by 2)", r, c)
	}
	if r, _ := te.X.Dims(); r != 3 {
		t.Fatalf("test rows %d, want 3", r)
	}
	for k, i := range wantIdx {
		if tr.Y[k] != wantY[k] {
			t.Errorf("label %d = %v, want %v", k, tr.Y[k], wantY[k])
		}
		img := train.Image(i)
		for br := 0; br < 2; br++ {
			for bc := 0; bc < 3; bc++ {
				// Mean of pixel/255 over the 2×2 block, computed directly.
				var s float64
				for a := 0; a < 2; a++ {
					for b := 0; b < 2; b++ {
						s += float64(img[(2*br+a)*6+2*bc+b]) / 255
					}
				}
				want := s / 4
				if got := tr.X.At(k, br*3+bc); !scalar.EqualWithinAbsOrRel(got, want, 1e-15, 1e-15) {
					t.Errorf("example %d block (%d,%d) = %v, want %v", k, br, bc, got, want)
				}
			}
		}
	}
	// Pool 0 means no pooling.
	tr, _, err = BinaryTask{Pos: []int{0}, Neg: []int{1}, P: 2}.Select(train, test)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Dim() != 24 || tr.X.At(1, 5) != float64(train.Image(1)[5])/255 {
		t.Errorf("pool 0: dim %d, X[1][5] = %v", tr.Dim(), tr.X.At(1, 5))
	}
}

func TestBinaryTaskSelectChannels(t *testing.T) {
	// Two 3-plane 2×2 images pooled by 2: one value per plane.
	im := &Images{Rows: 2, Cols: 2, Channels: 3, Labels: []uint8{0, 1},
		Pix: []uint8{0, 255, 255, 0, 255, 255, 255, 255, 0, 0, 0, 0, 51, 51, 51, 51, 0, 0, 0, 255, 102, 102, 102, 102}}
	tr, _, err := BinaryTask{Pos: []int{0}, Neg: []int{1}, P: 2, Pool: 2}.Select(im, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := mat.NewDense(2, 3, []float64{0.5, 1, 0, 0.2, 0.25, 0.4}) // block means /255 by hand
	if !mat.EqualApprox(tr.X, want, 1e-15) {
		t.Errorf("got %v, want %v", mat.Formatted(tr.X), mat.Formatted(want))
	}
}

func TestBinaryTaskErrors(t *testing.T) {
	train, test := smallImages(40, 4, 6), smallImages(20, 4, 6)
	for _, c := range []struct {
		name string
		task BinaryTask
		want string
	}{
		{"overlap", BinaryTask{Pos: []int{1, 2}, Neg: []int{2}, P: 1}, "class 2 is in both groups"},
		{"repeat", BinaryTask{Pos: []int{1, 1}, Neg: []int{2}, P: 1}, "repeated"},
		{"out of range", BinaryTask{Pos: []int{10}, Neg: []int{2}, P: 1}, "positive class 10 out of range: labels run from 0 to 9"},
		{"negative class", BinaryTask{Pos: []int{1}, Neg: []int{-1}, P: 1}, "negative class -1 out of range"},
		{"empty group", BinaryTask{Pos: nil, Neg: []int{2}, P: 1}, "empty class group"},
		{"P zero", BinaryTask{Pos: []int{1}, Neg: []int{2}}, "P = 0"},
		{"PTest negative", BinaryTask{Pos: []int{1}, Neg: []int{2}, P: 1, PTest: -1}, "PTest = -1"},
		{"pool", BinaryTask{Pos: []int{1}, Neg: []int{2}, P: 1, Pool: 4}, "pooling size 4 does not divide the 4×6"},
		{"negative pool", BinaryTask{Pos: []int{1}, Neg: []int{2}, P: 1, Pool: -2}, "pooling size -2"},
		// 40 training images, labels i mod 10: 8 have label 1 or 2.
		{"few train", BinaryTask{Pos: []int{1}, Neg: []int{2}, P: 9}, "9 requested but only 8 of the 40 images"},
		{"few test", BinaryTask{Pos: []int{1}, Neg: []int{2}, P: 8, PTest: 5}, "not enough test examples: 5 requested but only 4"},
	} {
		_, _, err := c.task.Select(train, test)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	if _, _, err := (BinaryTask{Pos: []int{1}, Neg: []int{2}, P: 1, PTest: 1}).Select(train, smallImages(5, 2, 2)); err == nil {
		t.Error("geometry mismatch: no error")
	}
	if _, _, err := (BinaryTask{Pos: []int{1}, Neg: []int{2}, P: 1}).Select(&Images{Rows: 2, Cols: 2, Labels: []uint8{1}}, nil); err == nil {
		t.Error("corrupt images: no error")
	}
}

func TestStandardizer(t *testing.T) {
	x := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	s, err := FitStandardizer(x)
	if err != nil {
		t.Fatal(err)
	}
	// Mean 3.5; population variance of 1..6 is 35/12.
	if s.Mean != 3.5 || !scalar.EqualWithinAbsOrRel(s.Std, math.Sqrt(35.0/12), 1e-15, 1e-15) {
		t.Errorf("got %+v, want mean 3.5, std sqrt(35/12)", s)
	}
	d := &Dataset{X: x, Y: []float64{1, -1}}
	s.Apply(d)
	s2, err := FitStandardizer(d.X)
	if err != nil {
		t.Fatal(err)
	}
	if !scalar.EqualWithinAbs(s2.Mean, 0, 1e-15) || !scalar.EqualWithinAbsOrRel(s2.Std, 1, 1e-15, 1e-15) {
		t.Errorf("after Apply: %+v, want mean 0, std 1", s2)
	}
	s.Apply(nil) // must not panic
	for _, c := range []struct {
		name string
		x    *mat.Dense
		want string
	}{
		{"nil", nil, "empty"},
		{"constant", mat.NewDense(2, 2, []float64{3, 3, 3, 3}), "standard deviation"},
		{"NaN", mat.NewDense(1, 2, []float64{1, math.NaN()}), "entry (0, 1) is NaN"},
		{"Inf", mat.NewDense(1, 2, []float64{math.Inf(1), 1}), "entry (0, 0) is +Inf"},
	} {
		if _, err := FitStandardizer(c.x); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

func TestTransferTasks(t *testing.T) {
	train, test := smallImages(200, 4, 4), smallImages(100, 4, 4)
	src := BinaryTask{Pos: []int{0, 2}, Neg: []int{1, 3}, P: 20, PTest: 10, Pool: 2}
	tgt := BinaryTask{Pos: []int{0, 4}, Neg: []int{1, 5}, P: 8, PTest: 10, Pool: 2}
	st, se, tt, te, err := TransferTasks(src, tgt, train, test)
	if err != nil {
		t.Fatal(err)
	}
	// Every set must equal its unstandardized selection mapped with the
	// source training scalars.
	rawST, rawSE, _ := src.Select(train, test)
	rawTT, rawTE, _ := tgt.Select(train, test)
	s, _ := FitStandardizer(rawST.X)
	for _, c := range []struct {
		name     string
		got, raw *Dataset
	}{{"source train", st, rawST}, {"source test", se, rawSE}, {"target train", tt, rawTT}, {"target test", te, rawTE}} {
		r, cols := c.raw.X.Dims()
		for i := 0; i < r; i++ {
			for j := 0; j < cols; j++ {
				want := (c.raw.X.At(i, j) - s.Mean) / s.Std
				if got := c.got.X.At(i, j); got != want {
					t.Fatalf("%s (%d,%d) = %v, want %v", c.name, i, j, got, want)
				}
			}
		}
	}
	bad := tgt
	bad.Pool = 1
	if _, _, _, _, err := TransferTasks(src, bad, train, test); err == nil {
		t.Error("different pooling: no error")
	}
	bad = tgt
	bad.P = 1000
	if _, _, _, _, err := TransferTasks(src, bad, train, test); err == nil || !strings.Contains(err.Error(), "target task") {
		t.Errorf("too large target: error %v", err)
	}
}
