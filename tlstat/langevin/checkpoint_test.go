package langevin

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// TestCheckpointResume stops a run after its second and after its fifth
// checkpoint (once during warm-up, once during the automatic burn-in),
// resumes it from the file each time, and checks that the result equals
// that of the uninterrupted run exactly, and that the spent checkpoint is
// removed; a different run refuses the file.
func TestCheckpointResume(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	train, test := signData(rng, 24, 5, 1, 0.5), signData(rng, 20, 5, 1, 0.5)
	net := rkgp.Network{N: 8, T: 0.3, Lambda0: 1, Lambda1: 1}
	sampler := func(cp *Checkpoint) *Sampler {
		return &Sampler{Src: rand.NewPCG(7, 7), Chains: 3, Warmup: 60, Check: 20, MaxSteps: 400, MinESS: 150, Checkpoint: cp}
	}
	want, err := sampler(nil).Run(net, train, test)
	if err != nil {
		t.Fatal(err)
	}
	for _, stop := range []int{2, 5} {
		path := filepath.Join(t.TempDir(), "run.ckpt")
		_, err := sampler(&Checkpoint{Path: path, stopAfter: stop}).Run(net, train, test)
		if !errors.Is(err, errCheckpointStop) {
			t.Fatalf("stop after %d saves: error %v", stop, err)
		}
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("no checkpoint after the stop: %v", err)
		}
		other := net
		other.T = 0.4
		if _, err := sampler(&Checkpoint{Path: path}).Run(other, train, test); err == nil || !strings.Contains(err.Error(), "another run") {
			t.Errorf("a different run resumed the checkpoint: %v", err)
		}
		got, err := sampler(&Checkpoint{Path: path}).Run(net, train, test)
		if err != nil {
			t.Fatal(err)
		}
		got.Elapsed, want.Elapsed = 0, 0
		// Printed, so that NaN fields (no overlap here) compare equal.
		g := fmt.Sprintf("%+v %+v", *got.SecondMoment, got.TestError)
		w := fmt.Sprintf("%+v %+v", *want.SecondMoment, want.TestError)
		gs, ws := *got, *want
		gs.SecondMoment, ws.SecondMoment = nil, nil
		g += fmt.Sprintf("%+v", gs)
		w += fmt.Sprintf("%+v", ws)
		if g != w {
			t.Errorf("stop after %d saves: resumed result differs:\n%s\nwant\n%s", stop, g, w)
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the spent checkpoint is still there: %v", err)
		}
	}
}

// signData returns rows examples of n0 standard Gaussian inputs, drawn row
// by row from rng, labelled sign(w0 x_0 + w1 x_1).
func signData(rng *rand.Rand, rows, n0 int, w0, w1 float64) *data.Dataset {
	x := mat.NewDense(rows, n0, nil)
	y := make([]float64, rows)
	for i := range rows {
		for j := range n0 {
			x.Set(i, j, rng.NormFloat64())
		}
		y[i] = math.Copysign(1, w0*x.At(i, 0)+w1*x.At(i, 1))
	}
	return &data.Dataset{X: x, Y: y}
}
