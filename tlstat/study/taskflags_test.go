package study

import (
	"bytes"
	"encoding/binary"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
)

func newFlagSet() *flag.FlagSet {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func TestParseClasses(t *testing.T) {
	got, err := parseClasses(" 0, 2,4 ,6")
	if err != nil || len(got) != 4 || got[0] != 0 || got[3] != 6 {
		t.Errorf("got %v, %v", got, err)
	}
	for _, c := range []struct{ in, want string }{
		{"", "empty class list"},
		{"1,,2", "empty item 2"},
		{"1,x", `class "x" in "1,x" is not an integer`},
		{"1,2.5", "not an integer"},
		{"-1", "class -1 in \"-1\" out of range 0..255"},
		{"256", "out of range"},
		{"1,2,1", "class 1 repeated"},
	} {
		if _, err := parseClasses(c.in); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.in, err, c.want)
		}
	}
}

func TestTaskFlagsParse(t *testing.T) {
	fs := newFlagSet()
	tf := AddTaskFlags(fs)
	// Defaults: the MNIST task {0,2,4,6} vs {1,3,5,7}, P = 400, 1000 test points, 2×2 pooling.
	if tf.pos.String() != "0,2,4,6" || tf.neg.String() != "1,3,5,7" || tf.p != 400 || tf.ptest != 1000 || tf.pool != 2 || tf.idxDir != "" {
		t.Errorf("defaults: %+v", tf)
	}
	if err := fs.Parse([]string{"-pos", "3", "-neg", "5,8", "-p", "7", "-ptest", "9", "-pool", "1", "-idx-dir", "/x"}); err != nil {
		t.Fatal(err)
	}
	task := tf.task()
	if len(task.Pos) != 1 || task.Pos[0] != 3 || len(task.Neg) != 2 || task.P != 7 || task.PTest != 9 || task.Pool != 1 || tf.idxDir != "/x" {
		t.Errorf("parsed: %+v", task)
	}
	if err := newFlagSetWith(AddTaskFlags).Parse([]string{"-pos", "1,a"}); err == nil || !strings.Contains(err.Error(), `invalid value "1,a" for flag -pos`) {
		t.Errorf("bad -pos: error %v", err)
	}
}

func newFlagSetWith[T any](add func(*flag.FlagSet) T) *flag.FlagSet {
	fs := newFlagSet()
	add(fs)
	return fs
}

// writeIDXDir writes tiny MNIST-named IDX files: n train and n test 4×4
// images with labels i mod 10 and pixel values (7i + j) mod 256.
func writeIDXDir(t *testing.T, n int) string {
	dir := t.TempDir()
	for _, split := range []string{"train", "t10k"} {
		var img, lab bytes.Buffer
		img.Write([]byte{0, 0, 8, 3}) // IDX magic: unsigned bytes, 3 dimensions
		lab.Write([]byte{0, 0, 8, 1}) // IDX magic: unsigned bytes, 1 dimension
		binary.Write(&img, binary.BigEndian, [3]uint32{uint32(n), 4, 4})
		binary.Write(&lab, binary.BigEndian, uint32(n))
		for i := 0; i < n; i++ {
			lab.WriteByte(byte(i % 10))
			for j := 0; j < 16; j++ {
				img.WriteByte(byte((7*i + j) % 256))
			}
		}
		for name, b := range map[string][]byte{split + "-images-idx3-ubyte": img.Bytes(), split + "-labels-idx1-ubyte": lab.Bytes()} {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

func TestTaskFlagsLoadIDX(t *testing.T) {
	dir := writeIDXDir(t, 50)
	fs := newFlagSet()
	tf := AddTaskFlags(fs)
	if err := fs.Parse([]string{"-idx-dir", dir, "-p", "10", "-ptest", "5"}); err != nil {
		t.Fatal(err)
	}
	train, test, err := tf.Load()
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 10 || test.Len() != 5 || train.Dim() != 4 || test.Dim() != 4 {
		t.Fatalf("sizes %d×%d, %d×%d", train.Len(), train.Dim(), test.Len(), test.Dim())
	}
	s, err := data.FitStandardizer(train.X)
	if err != nil || !scalar.EqualWithinAbs(s.Mean, 0, 1e-12) || !scalar.EqualWithinAbsOrRel(s.Std, 1, 1e-12, 1e-12) {
		t.Errorf("training inputs not standardized: %+v, %v", s, err)
	}
	if !strings.Contains(tf.String(), "IDX "+dir) {
		t.Errorf("String: %s", tf.String())
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-idx-dir", dir, "-p", "100"}, "not enough training examples"},
		{[]string{"-idx-dir", dir, "-pool", "3"}, "pooling size 3"},
		{[]string{"-idx-dir", dir, "-pool", "0"}, "-pool 0"},
		{[]string{"-idx-dir", dir, "-p", "0"}, "P = 0"},
		{[]string{"-idx-dir", dir, "-ptest", "0"}, "-ptest 0"},
		{[]string{"-idx-dir", dir, "-pos", "1", "-neg", "1"}, "class 1 is in both groups"},
		{[]string{"-idx-dir", dir, "-pos", "12"}, "positive class 12 out of range"},
		{[]string{"-idx-dir", filepath.Join(dir, "nope")}, "nope"},
	} {
		fs := newFlagSet()
		tf := AddTaskFlags(fs)
		if err := fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		if _, _, err := tf.Load(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.args, err, c.want)
		}
	}
}

func TestTaskFlagsLoadMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("loads MNIST")
	}
	fs := newFlagSet()
	tf := AddTaskFlags(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	train, test, err := tf.Load()
	if err != nil {
		t.Fatal(err)
	}
	// Defaults: P = 400, Ptest = 1000, 28×28 pooled by 2 → N0 = 196.
	if train.Len() != 400 || test.Len() != 1000 || train.Dim() != 196 {
		t.Errorf("sizes %d, %d, dim %d", train.Len(), test.Len(), train.Dim())
	}
	want, _, err := data.MNISTTask([]int{0, 2, 4, 6}, []int{1, 3, 5, 7}, 400, 1000, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(train.X, want.X) {
		t.Error("flags defaults differ from data.MNISTTask")
	}
}

func TestTransferTaskFlagsDefaults(t *testing.T) {
	fs := newFlagSet()
	tf := AddTransferTaskFlags(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if tf.srcPos.String() != "0,2,4,6" || tf.srcNeg.String() != "1,3,5,7" || tf.tgtPos.String() != "0,2,4,8" ||
		tf.tgtNeg.String() != "1,3,5,9" || tf.ps != 400 || tf.pt != 100 || tf.ptest != 1000 || tf.pool != 2 ||
		tf.idxDir != "" || !math.IsNaN(tf.rho) || tf.n0 != 200 || tf.seed != 1 || tf.teacherAct != "erf" || tf.synthetic() {
		t.Errorf("defaults: %+v", tf)
	}
}

func TestTransferTaskFlagsIDX(t *testing.T) {
	dir := writeIDXDir(t, 100)
	fs := newFlagSet()
	tf := AddTransferTaskFlags(fs)
	if err := fs.Parse([]string{"-idx-dir", dir, "-ps", "20", "-pt", "6", "-ptest", "10"}); err != nil {
		t.Fatal(err)
	}
	st, se, tt, te, err := tf.Load()
	if err != nil {
		t.Fatal(err)
	}
	if st.Len() != 20 || se.Len() != 10 || tt.Len() != 6 || te.Len() != 10 || tt.Dim() != 4 {
		t.Fatalf("sizes %d %d %d %d", st.Len(), se.Len(), tt.Len(), te.Len())
	}
	s, _ := data.FitStandardizer(st.X)
	if !scalar.EqualWithinAbs(s.Mean, 0, 1e-12) || !scalar.EqualWithinAbsOrRel(s.Std, 1, 1e-12, 1e-12) {
		t.Errorf("source training inputs not standardized: %+v", s)
	}
	if _, _, _, _, err := parseTransfer(t, "-idx-dir", dir, "-n0", "10"); err == nil || !strings.Contains(err.Error(), "-n0 has no effect without -teacher-overlap") {
		t.Errorf("-n0 with images: error %v", err)
	}
	if _, _, _, _, err := parseTransfer(t, "-idx-dir", dir, "-ps", "20", "-ptest", "10", "-pt", "1000"); err == nil || !strings.Contains(err.Error(), "target task") {
		t.Errorf("too large -pt: error %v", err)
	}
}

func parseTransfer(t *testing.T, args ...string) (a, b, c, d *data.Dataset, err error) {
	fs := newFlagSet()
	tf := AddTransferTaskFlags(fs)
	if err := fs.Parse(args); err != nil {
		return nil, nil, nil, nil, err
	}
	return tf.Load()
}

func TestTransferTaskFlagsSynthetic(t *testing.T) {
	st, se, tt, te, err := parseTransfer(t, "-teacher-overlap", "0.5", "-n0", "30", "-ps", "40", "-pt", "10", "-ptest", "20", "-teacher-act", "linear", "-seed", "3")
	if err != nil {
		t.Fatal(err)
	}
	if st.Len() != 40 || se.Len() != 20 || tt.Len() != 10 || te.Len() != 20 || st.Dim() != 30 {
		t.Fatalf("sizes %d %d %d %d dim %d", st.Len(), se.Len(), tt.Len(), te.Len(), st.Dim())
	}
	st2, _, _, _, err := parseTransfer(t, "-teacher-overlap", "0.5", "-n0", "30", "-ps", "40", "-pt", "10", "-ptest", "20", "-teacher-act", "linear", "-seed", "3")
	if err != nil || !mat.Equal(st.X, st2.X) {
		t.Errorf("same seed, different data (%v)", err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-teacher-overlap", "1.5"}, "-teacher-overlap 1.5: must lie in [-1, 1]"},
		{[]string{"-teacher-overlap", "0.5", "-n0", "0"}, "-n0 0"},
		{[]string{"-teacher-overlap", "0.5", "-teacher-act", "sigmoid"}, `unknown activation "sigmoid"`},
		{[]string{"-teacher-overlap", "0.5", "-teacher-noise", "-1"}, "-teacher-noise -1"},
		{[]string{"-teacher-overlap", "0.5", "-pt", "0"}, "-pt 0"},
		{[]string{"-teacher-overlap", "0.5", "-source-pos", "1"}, "-source-pos has no effect with -teacher-overlap"},
		{[]string{"-teacher-overlap", "x"}, `invalid value "x"`},
	} {
		if _, _, _, _, err := parseTransfer(t, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.args, err, c.want)
		}
	}
}

func TestTransferTaskFlagsMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("loads MNIST")
	}
	st, se, tt, te, err := parseTransfer(t)
	if err != nil {
		t.Fatal(err)
	}
	// Defaults: Ps = 400, Pt = 100, Ptest = 1000, N0 = 196 (28×28 pooled by 2).
	if st.Len() != 400 || se.Len() != 1000 || tt.Len() != 100 || te.Len() != 1000 || tt.Dim() != 196 {
		t.Errorf("sizes %d %d %d %d dim %d", st.Len(), se.Len(), tt.Len(), te.Len(), tt.Dim())
	}
}

// TestDatasetFlags checks -dataset and -source-dataset/-target-dataset:
// Fashion-MNIST for a single task and an MNIST -> Fashion-MNIST pair (the
// same sets as data.CrossTransferTasks, named in the description), and the
// refusals (an unknown name, -dataset with -idx-dir or with CSV files).
func TestDatasetFlags(t *testing.T) {
	if testing.Short() {
		t.Skip("loads MNIST and Fashion-MNIST")
	}
	if _, err := os.Stat(data.FashionMNISTDir); err != nil {
		t.Skipf("Fashion-MNIST not installed (%v): make setup installs dataset-fashion-mnist", err)
	}
	fs := newFlagSet()
	tf := AddTaskFlags(fs)
	if err := fs.Parse([]string{"-dataset", "fashion", "-p", "30", "-ptest", "20"}); err != nil {
		t.Fatal(err)
	}
	train, _, err := tf.Load()
	if err != nil {
		t.Fatal(err)
	}
	ftr, fte, err := data.FashionMNIST()
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := data.BinaryTask{Pos: []int{0, 2, 4, 6}, Neg: []int{1, 3, 5, 7}, P: 30, PTest: 20, Pool: 2}.Standardized(ftr, fte)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(train.X, want.X) || !strings.HasPrefix(tf.String(), "Fashion-MNIST {0,2,4,6}") {
		t.Errorf("-dataset fashion: not the Fashion-MNIST task (%s)", tf.String())
	}
	for _, args := range [][]string{{"-dataset", "cifar"}, {"-dataset", "fashion", "-idx-dir", t.TempDir()}} {
		fs := newFlagSet()
		tf := AddTaskFlags(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		if _, _, err := tf.Load(); err == nil {
			t.Errorf("%v: no error", args)
		}
	}

	fs = newFlagSet()
	tr := AddTransferTaskFlags(fs)
	if err := fs.Parse([]string{"-target-dataset", "fashion", "-ps", "40", "-pt", "10", "-ptest", "20"}); err != nil {
		t.Fatal(err)
	}
	st, _, tt, _, err := tr.Load()
	if err != nil {
		t.Fatal(err)
	}
	mtr, mte, err := data.MNIST()
	if err != nil {
		t.Fatal(err)
	}
	ws, _, wt, _, err := data.CrossTransferTasks(data.BinaryTask{Pos: []int{0, 2, 4, 6}, Neg: []int{1, 3, 5, 7}, P: 40, PTest: 20, Pool: 2}, mtr, mte,
		data.BinaryTask{Pos: []int{0, 2, 4, 8}, Neg: []int{1, 3, 5, 9}, P: 10, PTest: 20, Pool: 2}, ftr, fte)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(st.X, ws.X) || !mat.Equal(tt.X, wt.X) {
		t.Error("-target-dataset fashion: not the MNIST -> Fashion-MNIST pair")
	}
	if s := tr.String(); !strings.Contains(s, "MNIST source") || !strings.Contains(s, "Fashion-MNIST target") {
		t.Errorf("description %q does not name both datasets", s)
	}
	if _, _, _, _, err := parseTransfer(t, "-target-dataset", "fashion", "-idx-dir", t.TempDir()); err == nil {
		t.Error("-target-dataset with -idx-dir: no error")
	}
}

// TestTaskFlagsLoadCIFAR checks that -idx-dir reads a CIFAR-10 binary
// batch directory (in gray) through the same task pipeline as the library:
// data.ReadCIFAR10Dir then data.BinaryTask.Standardized.
func TestTaskFlagsLoadCIFAR(t *testing.T) {
	dir := t.TempDir()
	record := func(i int) []byte {
		b := []byte{byte(i % 10)}
		for j := range 3 * 1024 {
			b = append(b, byte((i*37+j*11)%256))
		}
		return b
	}
	names := []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"}
	for k, name := range names {
		var f []byte
		for i := range 20 {
			f = append(f, record(20*k+i)...)
		}
		if err := os.WriteFile(filepath.Join(dir, name), f, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	tf := AddTaskFlags(fs)
	if err := fs.Parse([]string{"-idx-dir", dir, "-pos", "0,1", "-neg", "2,3", "-p", "12", "-ptest", "4", "-pool", "2"}); err != nil {
		t.Fatal(err)
	}
	train, test, err := tf.Load()
	if err != nil {
		t.Fatal(err)
	}
	trIm, teIm, err := data.ReadCIFAR10Dir(dir, data.CIFARGray)
	if err != nil {
		t.Fatal(err)
	}
	wantTr, wantTe, err := data.BinaryTask{Pos: []int{0, 1}, Neg: []int{2, 3}, P: 12, PTest: 4, Pool: 2}.Standardized(trIm, teIm)
	if err != nil {
		t.Fatal(err)
	}
	if train.Dim() != 256 || !mat.Equal(train.X, wantTr.X) || !mat.Equal(test.X, wantTe.X) {
		t.Errorf("CIFAR-10 task: dimension %d (want 16×16 = 256) or inputs differ from the library's", train.Dim())
	}
	if s := tf.String(); !strings.Contains(s, "CIFAR-10 (gray)") {
		t.Errorf("task description %q does not name CIFAR-10", s)
	}
}
