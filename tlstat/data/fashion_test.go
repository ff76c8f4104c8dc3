package data

import (
	"errors"
	"io/fs"
	"math"
	"os"
	"strings"
	"testing"
)

// TestFashionMNIST reads Debian's Fashion-MNIST (installed by make setup):
// 60 000 + 10 000 images of 28×28 with labels 0..9. Without the package the
// error must say how to get it and wrap fs.ErrNotExist; this is checked on a
// directory that does not exist and on an empty one.
func TestFashionMNIST(t *testing.T) {
	t.Setenv(FashionMNISTDirEnv, "/nonexistent/fashion")
	if _, _, err := FashionMNIST(); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "dataset-fashion-mnist") {
		t.Errorf("missing directory: error %v, want the package to install", err)
	}
	// An existing directory without the IDX files is absent data too.
	t.Setenv(FashionMNISTDirEnv, t.TempDir())
	if _, err := LocateFashionMNIST(); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "dataset-fashion-mnist") {
		t.Errorf("empty directory: error %v, want one wrapping fs.ErrNotExist that names the package", err)
	}
	t.Setenv(FashionMNISTDirEnv, "")
	if _, err := os.Stat(FashionMNISTDir); err != nil {
		t.Skipf("Fashion-MNIST not installed (%v): make setup installs dataset-fashion-mnist", err)
	}
	train, test, err := ImagesByName("Fashion")
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 60000 || test.Len() != 10000 || train.Rows != 28 || train.Cols != 28 {
		t.Errorf("Fashion-MNIST: %d + %d images of %d×%d", train.Len(), test.Len(), train.Rows, train.Cols)
	}
	if m := train.maxLabel(); m != 9 {
		t.Errorf("largest label %d, want 9", m)
	}
	if _, _, err := ImagesByName("cifar"); err == nil || !strings.Contains(err.Error(), "mnist, fashion") {
		t.Errorf("unknown dataset: %v", err)
	}
}

// TestCrossTransferTasks builds an MNIST source and a Fashion-MNIST target:
// all four sets are standardized with the source training scalars (the
// source training inputs then have mean 0 and variance 1 over all pixels),
// and tasks of different input dimension are refused.
func TestCrossTransferTasks(t *testing.T) {
	if _, err := os.Stat(FashionMNISTDir); err != nil {
		t.Skipf("Fashion-MNIST not installed (%v): make setup installs dataset-fashion-mnist", err)
	}
	mtr, mte, err := MNIST()
	if err != nil {
		t.Fatal(err)
	}
	ftr, fte, err := FashionMNIST()
	if err != nil {
		t.Fatal(err)
	}
	src := BinaryTask{Pos: []int{0, 2, 4, 6}, Neg: []int{1, 3, 5, 7}, P: 200, PTest: 100, Pool: 2}
	tgt := BinaryTask{Pos: []int{0, 2, 4, 6}, Neg: []int{1, 3, 5, 7}, P: 50, PTest: 100, Pool: 2}
	sTrain, _, tTrain, tTest, err := CrossTransferTasks(src, mtr, mte, tgt, ftr, fte)
	if err != nil {
		t.Fatal(err)
	}
	if sTrain.Dim() != 196 || tTrain.Dim() != 196 || tTest.Len() != 100 {
		t.Fatalf("dims %d, %d; target test %d", sTrain.Dim(), tTrain.Dim(), tTest.Len())
	}
	var sum, ss float64
	raw := sTrain.X.RawMatrix().Data
	for _, v := range raw {
		sum += v
	}
	mean := sum / float64(len(raw))
	for _, v := range raw {
		ss += (v - mean) * (v - mean)
	}
	if math.Abs(mean) > 1e-9 || math.Abs(ss/float64(len(raw))-1) > 1e-9 {
		t.Errorf("source training inputs: mean %v, variance %v; want 0 and 1", mean, ss/float64(len(raw)))
	}
	src0 := src
	src0.PTest = 0
	if _, st, _, _, err := CrossTransferTasks(src0, mtr, mte, tgt, ftr, fte); err != nil || st.Len() != 0 {
		t.Errorf("a source without test examples: %v", err)
	}
	tgt.Pool = 4
	if _, _, _, _, err := CrossTransferTasks(src, mtr, mte, tgt, ftr, fte); err == nil || !strings.Contains(err.Error(), "dimension") {
		t.Errorf("pool 2 source, pool 4 target: %v", err)
	}
}
