package main

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/study"
)

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
		train, _, net, err := recordSingle(d.Command)
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
