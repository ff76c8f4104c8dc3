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
seconds (study.DefaultCostModel, calibrated on the sampler's CPU time and the
stored validation records: measured stage times lie within a factor
study.CostModelSpread, largest over smallest measured/predicted, of the
predicted ones), with the basis of each prediction:

  measured   the point is stored: its measured seconds
  sibling H  the automatic burn-in's iterations measured on the stored point H
             with the same sizes and sampler settings
  budget     the automatic burn-in charged its whole budget (max_steps, or
             max_time when shorter): an upper bound, often far above the time
  fixed      burn-in and steps fixed by the spec
  theory     a theory-only point (not calibrated: a benchmark's rate)

With -shards, also the shards of each point under two assignments and the seconds
left in each shard (stored points count 0): "shard" balances the expected seconds
with what the store holds now, as tlstat study slurm assigns them (and writes them
to a file its array tasks read); "budget_shard" balances the spec-only budget, as
tlstat study run -shard i/n assigns them without -assignment (every worker computes
it alone, whenever it starts). Expected seconds here also take the iterations of a
stored point with another activation (basis "related") before the budget.

`

func runStudyPlan(args []string, stdout, stderr io.Writer) error {
	f := newStudyFlags("plan", studyPlanUsage, stderr)
	shards := f.fs.Int("shards", 1, "also assign the points to this many shards")
	spec, _, store, err := f.parse(args)
	if err != nil {
		return err
	}
	points := spec.Points()
	if *shards < 1 {
		return &study.FieldError{Field: "-shards", Value: *shards, Reason: "want at least 1"}
	}
	byBudget, err := study.AssignShards(points, *shards)
	if err != nil {
		return err
	}
	records, err := study.StoredRecords(store, points)
	if err != nil {
		return err
	}
	m := study.DefaultCostModel
	plan, err := study.NewShardPlan(spec.Name, points, records, *shards, m)
	if err != nil {
		return err
	}
	pred := m.PredictExpected(points, records)
	fmt.Fprintf(stdout, "# study %s: %d points (mode %s), %d stored\n", spec.Name, len(points), spec.ModeNames(), len(records))
	fmt.Fprintf(stdout, "%-5s %-64s %-5s %-12s %10s %10s  %-34s %s\n", "index", "hash", "shard", "budget_shard", "budget_s", "expected_s", "basis", "point")
	// Seconds left per shard: [assignment][budget, expected], stored points 0.
	var left [2][2][]float64
	for a := range left {
		for c := range left[a] {
			left[a][c] = make([]float64, *shards)
		}
	}
	bases := map[string]int{}
	for k, pt := range points {
		b := pt.Cost()
		if records[pt.Hash] == nil {
			for a, j := range []int{plan.Points[k].Shard, byBudget[k]} {
				left[a][0][j] += b
				left[a][1][j] += pred[k].Seconds
			}
		}
		bases[pred[k].Basis]++
		fmt.Fprintf(stdout, "%-5d %-64s %-5d %-12d %10.0f %10.0f  %-34s %s\n", k, pt.Hash, plan.Points[k].Shard, byBudget[k], b, pred[k].Seconds, pred[k], pointWords(pt))
	}
	var words []string
	for _, b := range []string{study.BasisMeasured, study.BasisSibling, study.BasisRelated, study.BasisBudget, study.BasisFixed, study.BasisTheory} {
		if bases[b] > 0 {
			words = append(words, fmt.Sprintf("%d %s", bases[b], b))
		}
	}
	fmt.Fprintf(stdout, "# expected seconds: %s; predictions from iteration counts are good to a factor %.1f (largest over smallest measured/predicted on the stored validation stages, not validated beyond them)\n",
		strings.Join(words, ", "), study.CostModelSpread)
	if *shards > 1 {
		fmt.Fprintf(stdout, "# seconds left per shard (stored points 0)\n")
		fmt.Fprintf(stdout, "# %-5s %-34s %s\n", "", "shard (on expected, study slurm)", "budget_shard (on the budget, study run)")
		fmt.Fprintf(stdout, "# %-5s %10s %11s %11s %10s %11s %11s\n", "shard", "budget_s", "expected_s", "", "budget_s", "expected_s", "")
		for j := range *shards {
			fmt.Fprintf(stdout, "# %-5d %10.0f %11.0f %11s %10.0f %11.0f %11s\n", j, left[0][0][j], left[0][1][j], formatSeconds(left[0][1][j]),
				left[1][0][j], left[1][1][j], formatSeconds(left[1][1][j]))
		}
		fmt.Fprintf(stdout, "# shard seconds largest/smallest: %.2f expected (%.2f budget) on shard, as study slurm assigns them; %.2f budget (balanced), %.2f expected on budget_shard\n",
			study.LoadRatio(left[0][1]), study.LoadRatio(left[0][0]), study.LoadRatio(left[1][0]), study.LoadRatio(left[1][1]))
	}
	return nil
}

// formatSeconds writes seconds as a duration, e.g. "4h30m".
func formatSeconds(s float64) string { return formatDuration(time.Duration(s * float64(time.Second))) }
