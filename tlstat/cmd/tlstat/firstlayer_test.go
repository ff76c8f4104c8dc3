package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/study"
)

// recordTask rebuilds the training set and network of a stored
// single-network record from its command line.
func recordTask(d study.SimDoc) (*data.Dataset, rkgp.Network, error) {
	train, _, net, err := recordTaskTest(d)
	return train, net, err
}

func recordTaskTest(d study.SimDoc) (*data.Dataset, *data.Dataset, rkgp.Network, error) {
	args := strings.Fields(d.Command)
	if len(args) < 3 || args[2] != "single" {
		return nil, nil, rkgp.Network{}, fmt.Errorf("%s: command %q is not tlstat simulate single", d.Path, d.Command)
	}
	fs := flag.NewFlagSet("record", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	task := addTaskFlags(fs)
	nf := addNetFlags(fs)
	addSimFlags(fs, "seed")
	if err := fs.Parse(args[3:]); err != nil {
		return nil, nil, rkgp.Network{}, err
	}
	net, err := nf.network()
	if err != nil {
		return nil, nil, rkgp.Network{}, err
	}
	train, test, err := task.load()
	return train, test, net, err
}

// TestFirstLayerTheoryAgainstStored recomputes the theory's second moment
// of the first layer along the inputs' principal axes
// (rkgp.FirstLayerAlong) for every stored converged single-network record
// and compares it with the sampled one. Where the theory's test error is
// validated (alpha = 1/4), the prediction must agree with the samples to
// within 3 standard errors plus 0.5% (a margin for the O(1/N)
// corrections the proportional theory omits); elsewhere the comparison is
// logged.
func TestFirstLayerTheoryAgainstStored(t *testing.T) {
	docs, err := study.ReadSimDocs(filepath.Join("..", "..", "..", "docs", "validation", "hmc", "single_*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		r := d.Results[0]
		if r.FirstLayer == nil || !r.Converged() {
			continue
		}
		train, net, err := recordTask(d)
		if err != nil {
			t.Fatal(err)
		}
		m, err := rkgp.Fit(train, net, nil)
		if err != nil {
			t.Fatal(err)
		}
		fl := *r.FirstLayer
		fl.Theory = nil
		if err := fl.AddTheory("scalar", train, m); err != nil {
			t.Fatal(err)
		}
		th := fl.Theory[0].AlongAxes
		t.Logf("%s: sim %.3f, theory %.3f", d.Name(), fl.SimAlongAxes[:5], th[:5])
		if float64(d.P)/float64(d.N) > 0.25 {
			continue
		}
		for k := range 5 {
			sim, se := fl.SimAlongAxes[k], fl.SimAlongAxesErr[k]
			if math.Abs(th[k]-sim) > 3*se+0.005*sim {
				t.Errorf("%s axis %d: theory %.4f, sampled %.4f ± %.4f", d.Name(), k, th[k], sim, se)
			}
		}
	}
}
