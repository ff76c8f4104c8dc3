package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tlstat/tlstat/tlstat/study"
)

const studyPlanUsage = `usage: tlstat study plan SPEC.json [-shards n] [-store DIR]

Lists the points of the spec with their content hashes and predicted wall-clock
seconds (study.DefaultCostModel, calibrated on the stored validation records:
measured stage times lie within a factor 0.41-2.31 of the predicted ones), with
the basis of each prediction:

  measured   the point is stored: its measured seconds
  sibling H  the automatic burn-in's iterations measured on the stored point H
             with the same sizes and sampler settings
  budget     the automatic burn-in charged its whole budget (max_steps, or
             max_time when shorter): an upper bound, often far above the time
  fixed      burn-in and steps fixed by the spec
  theory     a theory-only point (not calibrated: a benchmark's rate)

With -shards, also the shard of each point and the seconds of each shard. Shards
are assigned on the spec alone (the budget column), so that workers started at
any time agree; the expected column weighs the same shards with what the store
knows.

`

func runStudyPlan(args []string, stdout, stderr io.Writer) error {
	f := newStudyFlags("plan", studyPlanUsage, stderr)
	shards := f.fs.Int("shards", 1, "also assign the points to this many shards")
	spec, _, store, err := f.parse(args)
	if err != nil {
		return err
	}
	points := spec.Points()
	assign, err := study.AssignShards(points, *shards)
	if err != nil {
		return &study.FieldError{Field: "-shards", Value: *shards, Reason: "want at least 1"}
	}
	records := map[string]*study.Record{}
	for _, pt := range points {
		if store.State(pt.Hash) != study.Done {
			continue
		}
		rec, err := store.Get(pt.Hash)
		if err != nil {
			return err
		}
		records[pt.Hash] = rec
	}
	m := study.DefaultCostModel
	pred := m.PredictStored(points, records)
	fmt.Fprintf(stdout, "# study %s: %d points (mode %s), %d stored\n", spec.Name, len(points), spec.ModeNames(), len(records))
	fmt.Fprintf(stdout, "%-5s %-64s %-5s %10s %10s  %-34s %s\n", "index", "hash", "shard", "budget_s", "expected_s", "basis", "point")
	budget := make([]float64, *shards)
	expected := make([]float64, *shards)
	bases := map[string]int{}
	for k, pt := range points {
		b := pt.Cost()
		budget[assign[k]] += b
		expected[assign[k]] += pred[k].Seconds
		bases[pred[k].Basis]++
		fmt.Fprintf(stdout, "%-5d %-64s %-5d %10.0f %10.0f  %-34s %s\n", k, pt.Hash, assign[k], b, pred[k].Seconds, pred[k], pointWords(pt))
	}
	var words []string
	for _, b := range []string{study.BasisMeasured, study.BasisSibling, study.BasisBudget, study.BasisFixed, study.BasisTheory} {
		if bases[b] > 0 {
			words = append(words, fmt.Sprintf("%d %s", bases[b], b))
		}
	}
	fmt.Fprintf(stdout, "# expected seconds: %s; predictions from iteration counts are good to a factor %.1f (measured/predicted 0.41-2.31 on the stored validation stages, not validated beyond them)\n",
		strings.Join(words, ", "), study.CostModelSpread)
	if *shards > 1 {
		fmt.Fprintf(stdout, "# shard  budget_s  expected_s\n")
		for j := range budget {
			fmt.Fprintf(stdout, "# %-5d %9.0f %11.0f  (%s expected)\n", j, budget[j], expected[j], formatDuration(time.Duration(expected[j]*float64(time.Second))))
		}
		fmt.Fprintf(stdout, "# shard seconds largest/smallest: %.2f on the budget (balanced), %.2f expected\n", study.LoadRatio(budget), study.LoadRatio(expected))
	}
	return nil
}
