package main

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// TestClassesTransfer checks `tlstat classes -transfer` on a small pair of
// three-group tasks: every saddle converges, the rows are sorted by gamma,
// and at gamma = 0 (odd activation) Q_st = Q_tt = 0 and Q_t is
// rkgp.FitMulti's on the target task built independently here (source
// scaling: standardized with the source training inputs' scalars), to the
// solvers' tolerance (gradient norms 1e-10).
func TestClassesTransfer(t *testing.T) {
	var out, errb bytes.Buffer
	args := []string{"classes", "-json", "-transfer", "0,2|1,3|4,5", "-groups", "0,6|1,7|4,8", "-ps", "60", "-p", "30",
		"-ptest", "50", "-n", "40", "-t", "0.1", "-gamma", "5,0"}
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("exit code %d, stderr %s", code, errb.String())
	}
	var doc classesTransferOutput
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Rows) != 2 || doc.Rows[0].Gamma != 0 || doc.Rows[1].Gamma != 5 {
		t.Fatalf("rows %+v, want gamma 0 and 5", doc.Rows)
	}
	for _, r := range doc.Rows {
		if !r.Converged || len(r.Theory.Outputs) != 3 || !(r.Theory.Accuracy >= 0 && r.Theory.Accuracy <= 1) {
			t.Errorf("gamma %v: %+v", r.Gamma, r)
		}
	}
	src, _, err := data.ClassTask{Groups: [][]int{{0, 2}, {1, 3}, {4, 5}}, P: 60, Pool: 2}.Select(mnistForTest(t))
	if err != nil {
		t.Fatal(err)
	}
	tgt, _, err := data.ClassTask{Groups: [][]int{{0, 6}, {1, 7}, {4, 8}}, P: 30, Pool: 2}.Select(mnistForTest(t))
	if err != nil {
		t.Fatal(err)
	}
	std, err := data.FitStandardizer(src.X)
	if err != nil {
		t.Fatal(err)
	}
	std.ApplyMulti(tgt)
	fit, err := rkgp.FitMulti(tgt, rkgp.Network{N: 40, T: 0.1, Lambda0: 1, Lambda1: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r0 := doc.Rows[0]
	for i := range 3 {
		for j := range 3 {
			if math.Abs(r0.QT[i][j]-fit.Q.At(i, j)) > 1e-9 || r0.QST[i][j] != 0 || r0.QTT[i][j] != 0 {
				t.Errorf("gamma 0, entry (%d,%d): (Q_t, Q_st, Q_tt) = (%v, %v, %v), want (%v, 0, 0)", i, j, r0.QT[i][j], r0.QST[i][j], r0.QTT[i][j], fit.Q.At(i, j))
			}
		}
	}
	var o2, e2 bytes.Buffer
	if code := run([]string{"classes", "-transfer", "0|1", "-groups", "0|1|2", "-p", "30"}, &o2, &e2); code == 0 || !strings.Contains(e2.String(), "same number of outputs") {
		t.Errorf("mismatched group counts: exit code %d, stderr %q", code, e2.String())
	}
}

// mnistForTest returns the built-in MNIST images (training, test).
func mnistForTest(t *testing.T) (*data.Images, *data.Images) {
	t.Helper()
	tr, te, err := data.ImagesByName("mnist")
	if err != nil {
		t.Fatal(err)
	}
	return tr, te
}

// TestHalves: -split's halves are the first ⌈n/2⌉ and the last ⌊n/2⌋
// images, pixels and labels together, with no image in both.
func TestHalves(t *testing.T) {
	im := &data.Images{Rows: 1, Cols: 2, Pix: []uint8{0, 1, 10, 11, 20, 21, 30, 31, 40, 41}, Labels: []uint8{0, 1, 2, 3, 4}}
	a, b := halves(im)
	if a.Len() != 3 || b.Len() != 2 {
		t.Fatalf("halves of 5 images have %d and %d", a.Len(), b.Len())
	}
	for i := range a.Len() {
		if got := a.Image(i); int(a.Labels[i]) != i || got[0] != uint8(10*i) {
			t.Errorf("first half, image %d: label %d, pixels %v", i, a.Labels[i], got)
		}
	}
	for i := range b.Len() {
		if got := b.Image(i); int(b.Labels[i]) != i+3 || got[1] != uint8(10*(i+3)+1) {
			t.Errorf("second half, image %d: label %d, pixels %v", i, b.Labels[i], got)
		}
	}
}
