package langevin

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// The first checkpoint layout, as it was written before the test accuracy
// was recorded: the observables as fixed arrays of four.
type firstLayoutChain struct {
	W, L                  []float64
	Eps                   float64
	RNG                   []byte
	Warm                  *warmSnapshot
	All                   [legacyObs][]float64
	Blocks                []blockSnapshot
	BlockLen              int
	Trace                 []TracePoint
	Acc, Prp, BAcc, BProp int64
	Step                  float64
}

type firstLayoutRun struct {
	Fingerprint string
	It          int
	Elapsed     time.Duration
	Chains      []firstLayoutChain
}

// TestCheckpointFirstLayout rewrites a checkpoint in the first layout and
// resumes from it: every estimate equals the uninterrupted run's, and the
// accuracy, which that layout did not record, is never 0 for a missing draw.
func TestCheckpointFirstLayout(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	train, test := signData(rng, 24, 5, 1, 0.5), signData(rng, 20, 5, 1, 0.5)
	net := rkgp.Network{N: 8, T: 0.3, Lambda0: 1, Lambda1: 1}
	run := func(cp *Checkpoint) (*Result, error) {
		return (&Sampler{Src: rand.NewPCG(7, 7), Chains: 3, Warmup: 60, Check: 20, MaxSteps: 400, MinESS: 150, Checkpoint: cp}).Run(net, train, test)
	}
	want, err := run(nil)
	if err != nil {
		t.Fatal(err)
	}
	if math.IsNaN(want.Accuracy.Mean) {
		t.Fatal("the uninterrupted run has no accuracy: the test cannot tell a lost one")
	}
	nan := 0
	for _, stop := range []int{3, 12} {
		got := resumeFirstLayout(t, run, stop)
		// Draws before the stop carry no accuracy: an estimate whose
		// measured window reaches back to them is NaN (missing), one whose
		// window starts later equals the uninterrupted run's.
		if math.IsNaN(got.Accuracy.Mean) {
			nan++
		} else if got.Accuracy != want.Accuracy {
			t.Errorf("stop after %d saves: accuracy %+v, want %+v or NaN", stop, got.Accuracy, want.Accuracy)
		}
		for i := range got.Chains {
			if a, w := got.Chains[i].Accuracy, want.Chains[i].Accuracy; a != w && !math.IsNaN(a) {
				t.Errorf("stop after %d saves: chain %d accuracy %v, want %v or NaN", stop, i, a, w)
			}
			got.Chains[i].Accuracy = want.Chains[i].Accuracy
			got.Chains[i].series[obsAcc] = want.Chains[i].series[obsAcc]
		}
		got.Accuracy = want.Accuracy
		got.Elapsed, want.Elapsed = 0, 0
		g := fmt.Sprintf("%+v %+v", *got.SecondMoment, got.TestError)
		w := fmt.Sprintf("%+v %+v", *want.SecondMoment, want.TestError)
		gs, ws := *got, *want
		gs.SecondMoment, ws.SecondMoment = nil, nil
		if g+fmt.Sprintf("%+v", gs) != w+fmt.Sprintf("%+v", ws) {
			t.Errorf("stop after %d saves: the resumed result differs from the uninterrupted one", stop)
		}
	}
	if nan == 0 {
		t.Error("no resumed run measured draws from before its stop: the NaN path is not tested")
	}
}

// resumeFirstLayout stops a run after stop checkpoints, rewrites the file
// in the first layout and resumes from it.
func resumeFirstLayout(t *testing.T, run func(*Checkpoint) (*Result, error), stop int) *Result {
	t.Helper()
	path := filepath.Join(t.TempDir(), "run.ckpt")
	if _, err := run(&Checkpoint{Path: path, stopAfter: stop}); !errors.Is(err, errCheckpointStop) {
		t.Fatalf("stop after %d saves: error %v", stop, err)
	}
	rewriteCheckpoint(t, path, func(cur *runSnapshot) any { return firstRun(cur) })
	got, err := run(&Checkpoint{Path: path})
	if err != nil {
		t.Fatalf("stop after %d saves: resuming from the first layout: %v", stop, err)
	}
	return got
}

// rewriteCheckpoint reads the checkpoint at path as an S and writes it
// again as what convert makes of it.
func rewriteCheckpoint[S any](t *testing.T, path string, convert func(*S) any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cur S
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&cur); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(convert(&cur)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestObsArrayPadsWithNaN checks the restoration of observables a stored
// record lacks.
func TestObsArrayPadsWithNaN(t *testing.T) {
	a := obsArray([][]float64{{1, 2, 3}, {4, 5, 6}})
	if len(a[obsAcc]) != 3 || !math.IsNaN(a[obsAcc][2]) || a[obsTrain][1] != 5 {
		t.Errorf("obsArray: %v", a)
	}
	d := obsDiagArray([][]Diagnostics{{{Mean: 1}, {Mean: 2}}})
	if len(d[obsVNorm]) != 2 || !math.IsNaN(d[obsVNorm][0].RHat) || d[obsTest][1].Mean != 2 {
		t.Errorf("obsDiagArray: %v", d)
	}
}

// The first layout of a finished stage and of a transfer run.
type firstLayoutStage struct {
	BurnIn, Steps int
	Converged     bool
	Stop          string
	Diag          [legacyObs][]Diagnostics
	Series        [][legacyObs][]float64
	Moments       [][]float64
	Acceptance    []float64
	BurnAccept    []float64
	Step          []float64
	Traces        [][]TracePoint
	Elapsed       time.Duration
}

type firstLayoutTransfer struct {
	Fingerprint string
	Source      *firstLayoutStage
	Snapshots   []paramsSnapshot
	Targets     []*firstLayoutStage
	Current     *firstLayoutRun
}

func firstStage(s *stageOutSnapshot) *firstLayoutStage {
	if s == nil {
		return nil
	}
	o := &firstLayoutStage{BurnIn: s.BurnIn, Steps: s.Steps, Converged: s.Converged, Stop: s.Stop, Moments: s.Moments,
		Acceptance: s.Acceptance, BurnAccept: s.BurnAccept, Step: s.Step, Traces: s.Traces, Elapsed: s.Elapsed}
	copy(o.Diag[:], s.ObsDiag)
	for _, c := range s.ObsSeries {
		var a [legacyObs][]float64
		copy(a[:], c)
		o.Series = append(o.Series, a)
	}
	return o
}

func firstRun(s *runSnapshot) *firstLayoutRun {
	if s == nil {
		return nil
	}
	old := &firstLayoutRun{Fingerprint: s.Fingerprint, It: s.It, Elapsed: s.Elapsed}
	for _, c := range s.Chains {
		oc := firstLayoutChain{W: c.W, L: c.L, Eps: c.Eps, RNG: c.RNG, Warm: c.Warm, Blocks: c.Blocks, BlockLen: c.BlockLen,
			Trace: c.Trace, Acc: c.Acc, Prp: c.Prp, BAcc: c.BAcc, BProp: c.BProp, Step: c.Step}
		copy(oc.All[:], c.Obs)
		old.Chains = append(old.Chains, oc)
	}
	return old
}

// TestTransferCheckpointFirstLayout resumes transfer runs from checkpoints
// rewritten in the first layout, stopped inside the source stage, after it
// and inside a target stage: every test error equals the uninterrupted
// run's, and an accuracy is either the uninterrupted run's or NaN.
func TestTransferCheckpointFirstLayout(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	mk := func(rows int, w0, w1 float64) *data.Dataset { return signData(rng, rows, 4, w0, w1) }
	tp := TransferProblem{Source: mk(16, 1, 0.5), SourceTest: mk(12, 1, 0.5), Target: mk(10, 1, -0.5), TargetTest: mk(12, 1, -0.5),
		Gammas: []float64{0, 2}, Snapshots: 2}
	net := rkgp.Network{N: 6, T: 0.3, Lambda0: 1, Lambda1: 1}
	sampler := func(cp *Checkpoint) *Sampler {
		return &Sampler{Src: rand.NewPCG(3, 3), Chains: 2, Warmup: 40, Check: 20, MaxSteps: 160, MinESS: 50, Checkpoint: cp}
	}
	want, err := sampler(nil).Transfer(net, tp)
	if err != nil {
		t.Fatal(err)
	}
	same := func(stop int, what string, g, w Estimate, acc bool) {
		if g == w || acc && math.IsNaN(g.Mean) {
			return
		}
		t.Errorf("stop after %d saves: %s %+v, want %+v", stop, what, g, w)
	}
	for _, stop := range []int{2, 5, 8} {
		path := filepath.Join(t.TempDir(), "transfer.ckpt")
		if _, err := sampler(&Checkpoint{Path: path, stopAfter: stop}).Transfer(net, tp); !errors.Is(err, errCheckpointStop) {
			t.Fatalf("stop after %d saves: error %v", stop, err)
		}
		rewriteCheckpoint(t, path, func(cur *transferSnapshot) any {
			old := &firstLayoutTransfer{Fingerprint: cur.Fingerprint, Source: firstStage(cur.Source), Snapshots: cur.Snapshots,
				Current: firstRun(cur.Current)}
			for _, s := range cur.Targets {
				old.Targets = append(old.Targets, firstStage(s))
			}
			return old
		})
		got, err := sampler(&Checkpoint{Path: path}).Transfer(net, tp)
		if err != nil {
			t.Fatalf("stop after %d saves: resuming from the first layout: %v", stop, err)
		}
		same(stop, "source test error", got.Source.TestError, want.Source.TestError, false)
		same(stop, "source accuracy", got.Source.Accuracy, want.Source.Accuracy, true)
		for i := range want.Targets {
			same(stop, fmt.Sprintf("target %d test error", i), got.Targets[i].TestError, want.Targets[i].TestError, false)
			same(stop, fmt.Sprintf("target %d accuracy", i), got.Targets[i].Accuracy, want.Targets[i].Accuracy, true)
		}
	}
}
