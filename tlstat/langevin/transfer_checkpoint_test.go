package langevin

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// TestTransferCheckpointResume stops a transfer run after each of its
// checkpoints in turn (during the source stage, at the end of the source
// stage, during and at the end of every target stage), resumes it from the
// file, and checks that the result equals that of the uninterrupted run
// exactly, draw for draw, and that the spent checkpoint is removed; a run
// with other couplings refuses the file. The measurements made by the
// stopped and the resumed run together are those of the uninterrupted run,
// no more: the resumed run repeats no iteration.
func TestTransferCheckpointResume(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	mk := func(rows int, w0, w1 float64) *data.Dataset { return signData(rng, rows, 4, w0, w1) }
	tp := TransferProblem{Source: mk(16, 1, 0.5), SourceTest: mk(12, 1, 0.5), Target: mk(10, 1, -0.5), TargetTest: mk(12, 1, -0.5),
		Gammas: []float64{0, 2}, Snapshots: 2}
	net := rkgp.Network{N: 6, T: 0.3, Lambda0: 1, Lambda1: 1}
	// A short automatic burn-in with a check every 20 iterations: several
	// blocks, hence checkpoints, per stage.
	var observed atomic.Int64
	sampler := func(cp *Checkpoint) *Sampler {
		return &Sampler{Src: rand.NewPCG(3, 3), Chains: 2, Warmup: 40, Check: 20, MaxSteps: 160, MinESS: 50, Checkpoint: cp,
			Observe: func(State) { observed.Add(1) }}
	}
	want, err := sampler(nil).Transfer(net, tp)
	if err != nil {
		t.Fatal(err)
	}
	full := observed.Swap(0)
	stops := 0
	for stop := 1; ; stop++ {
		path := filepath.Join(t.TempDir(), "transfer.ckpt")
		observed.Store(0)
		_, err := sampler(&Checkpoint{Path: path, stopAfter: stop}).Transfer(net, tp)
		before := observed.Load()
		if err == nil {
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the spent checkpoint of a completed run is still there: %v", err)
			}
			break
		}
		if !errors.Is(err, errCheckpointStop) {
			t.Fatalf("stop after %d saves: error %v", stop, err)
		}
		stops++
		other := tp
		other.Gammas = []float64{0, 3}
		if _, err := sampler(&Checkpoint{Path: path}).Transfer(net, other); err == nil || !strings.Contains(err.Error(), "another run") {
			t.Errorf("stop after %d saves: a run with other couplings resumed the checkpoint: %v", stop, err)
		}
		observed.Store(0)
		got, err := sampler(&Checkpoint{Path: path}).Transfer(net, tp)
		if err != nil {
			t.Fatalf("resume after %d saves: %v", stop, err)
		}
		if n := before + observed.Load(); n != full {
			t.Errorf("stop after %d saves: %d measurements before and after the stop, the uninterrupted run %d", stop, n, full)
		}
		if g, w := transferWords(got), transferWords(want); g != w {
			t.Errorf("stop after %d saves: resumed result differs:\n%s\nwant\n%s", stop, g, w)
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("stop after %d saves: the spent checkpoint is still there: %v", stop, err)
		}
	}
	// Source, two couplings: at least one save inside each stage and one at
	// its end.
	if stops < 6 {
		t.Errorf("the run saved %d checkpoints, want at least 6 (two per stage)", stops)
	}
	t.Logf("resumed after each of %d checkpoints", stops)
}

// transferWords prints a transfer result without its timings, so that two
// results compare (NaN fields, such as a source's overlap, included).
func transferWords(r *TransferResult) string {
	src := *r.Source
	src.Elapsed = 0
	s := fmt.Sprintf("%+v", *src.SecondMoment)
	src.SecondMoment = nil
	s += fmt.Sprintf("%+v|%d", src, r.Snapshots)
	for _, tr := range r.Targets {
		tr.Elapsed = 0
		s += fmt.Sprintf("|%+v", *tr.SecondMoment)
		tr.SecondMoment = nil
		s += fmt.Sprintf("%+v", tr)
	}
	return s
}
