package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"github.com/tlstat/tlstat/tlstat/study"
)

const simTheoryUsage = `usage: tlstat simulate theory [-check] FILE.json...

Recomputes the theory columns of stored simulation records with the current
code: the default (scalar) theory and every variant (rkgp.Variants) for
single networks and transfer sources, the transfer theory for targets, the
first layer's second moment along the inputs' principal axes, and the
verdicts. The task and network are rebuilt from each record's command
line; the simulated columns are left as they are. Each file is rewritten in
place; with -check nothing is written and a record whose stored theory
differs from the recomputed one by more than 1e-8 (relative; the BLAS
backends differ in the last digits) is an error. The check recomputes the
cumulant variant (a Monte Carlo estimate, minutes per record at P = 800)
and the tilted variant (a replica-exchange estimate whose fixed point can
move with the last bits of its inputs where the law of the alignment jumps)
on training sets of up to 200 examples only and keeps their stored rows of
the larger ones.

`

// runSimulateTheory is 'tlstat simulate theory'.
func runSimulateTheory(args []string, stdout, stderr io.Writer) error {
	fs := subFlagSet("simulate theory", simTheoryUsage, stderr)
	check := fs.Bool("check", false, "only check that the stored theory columns are current")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("no input files")
	}
	for _, path := range fs.Args() {
		d, err := study.ReadSimDoc(path)
		if err != nil {
			return err
		}
		if err := simRetheory(&d, *check); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		var buf bytes.Buffer
		if err := simWrite(&buf, d, true); err != nil {
			return err
		}
		old, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if *check {
			if where, ok := jsonClose(old, buf.Bytes(), simTheoryTol); !ok {
				return fmt.Errorf("%s: stored theory columns differ from the current code at %s (run tlstat simulate theory %s)", path, where, path)
			}
			continue
		}
		if !bytes.Equal(old, buf.Bytes()) {
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "updated %s\n", path)
		}
	}
	return nil
}

// simRetheory recomputes the theory columns of a record from its command.
// With check, the cumulant variant's stored row is kept instead of
// recomputed for training sets larger than simCheckEstimatedMaxP.
func simRetheory(d *study.SimDoc, check bool) error {
	args := strings.Fields(d.Command)
	if len(args) < 3 || args[0] != "tlstat" || args[1] != "simulate" {
		return fmt.Errorf("command %q is not a tlstat simulate command line", d.Command)
	}
	switch args[2] {
	case "single":
		train, test, net, err := recordSingle(d.Command)
		if err != nil {
			return err
		}
		return simCompareSingle(&d.Results[0], train, test, net, check)
	case "transfer":
		fs := flag.NewFlagSet("record", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		nf := addNetFlags(fs)
		task := study.AddTransferTaskFlags(fs)
		addSimFlags(fs, "chain-seed")
		fs.String("gamma", "", "")
		fs.Int("snapshots", 1, "")
		if err := fs.Parse(args[3:]); err != nil {
			return fmt.Errorf("command %q: %w", d.Command, err)
		}
		net, err := nf.network()
		if err != nil {
			return err
		}
		srcTr, srcTe, tgtTr, tgtTe, err := task.Load()
		if err != nil {
			return err
		}
		return simCompareTransfer(d.Source, d.Results, srcTr, srcTe, tgtTr, tgtTe, net, check)
	}
	return fmt.Errorf("command %q: unknown mode %q", d.Command, args[2])
}

// recordSingle rebuilds the training and test sets and the network of a
// 'tlstat simulate single' command line stored in a record.
func recordSingle(command string) (train, test *data.Dataset, net rkgp.Network, err error) {
	args := strings.Fields(command)
	if len(args) < 3 || args[0] != "tlstat" || args[1] != "simulate" || args[2] != "single" {
		return nil, nil, net, fmt.Errorf("command %q is not a tlstat simulate single command line", command)
	}
	fs := flag.NewFlagSet("record", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	task := study.AddTaskFlags(fs)
	nf := addNetFlags(fs)
	addSimFlags(fs, "seed")
	if err := fs.Parse(args[3:]); err != nil {
		return nil, nil, net, fmt.Errorf("command %q: %w", command, err)
	}
	if net, err = nf.network(); err != nil {
		return nil, nil, net, err
	}
	train, test, err = task.Load()
	return train, test, net, err
}

// simCheckEstimatedMaxP is the largest training set whose sampled variants,
// cumulant and tilted, tlstat simulate theory -check recomputes. The
// cumulant variant's Monte Carlo estimate costs O(S P (N0 + P + P_test))
// for S = 32768 samples, several minutes over every stored record; the
// tilted variant's fixed point can move with the last bits of its inputs
// (simSingleTheories). The check recomputes both on the records up to this
// size (two dozen of them, the variants' code paths are the same) and
// keeps the stored rows of the larger ones, which make validity
// recomputes.
const simCheckEstimatedMaxP = 200

// simSingleTheories fills the variant rows, the first layer's theory and
// the verdicts of a single network's row (or a transfer source) fitted as
// m to train, tested on test. With check, a stored cumulant row of a
// training set larger than simCheckEstimatedMaxP is kept, not recomputed,
// and so is a stored tilted row: the tilted variant's replica-exchange
// ladder is a chaotic function of the last bits of its inputs where its
// law of the alignment jumps (docs/validation.md, "Theory variants"), so
// that BLAS calls split over another number of goroutines can move its
// fixed point to another stationary point on the larger training sets (the
// N0 = 20 teacher at P = 800 does); on the smaller ones the check
// recomputes it.
func simSingleTheories(row *study.SimRow, m *rkgp.Model, train, test *data.Dataset, check bool) error {
	th, err := study.PredictSingle(m, test)
	if err != nil {
		return err
	}
	row.SetTheory(th)
	// The variants' rows and the first layer's metric entry share one
	// solve of the metric variant (its fixed point is the costly part):
	// VariantsSingle and AddMetric both use mv itself for that variant.
	mv := m
	if v, err := m.WithVariant(rkgp.Metric); err == nil {
		mv = v
	}
	vs := rkgp.Variants
	kept := map[rkgp.Variant]*study.TheoryRow{}
	if check && train.Len() > simCheckEstimatedMaxP {
		vs = nil
		for _, v := range rkgp.Variants {
			if v == rkgp.Cumulant || v == rkgp.Tilted {
				if k := storedTheory(row.Theories, v.String()); k != nil {
					kept[v] = k
					continue
				}
			}
			vs = append(vs, v)
		}
	}
	computed, err := study.VariantsSingle(mv, test, vs...)
	if err != nil {
		return err
	}
	row.Theories = row.Theories[:0:0]
	for _, v := range rkgp.Variants {
		k := kept[v]
		if k == nil {
			k = storedTheory(computed, v.String())
		}
		if k != nil {
			row.Theories = append(row.Theories, *k)
		}
	}
	row.Equivalence = nil
	if m.Net.Activation().Odd() {
		eq, err := m.Equivalence(nil)
		if err != nil {
			return fmt.Errorf("Gaussian-equivalence check: %w", err)
		}
		row.Equivalence = &eq
	}
	if row.FirstLayer != nil {
		row.FirstLayer.Theory = nil
		if err := row.FirstLayer.AddTheory("scalar", train, m); err != nil {
			return fmt.Errorf("theory of the first layer: %w", err)
		}
		if metricSolved(row.Theories) {
			if err := row.FirstLayer.AddMetric(train, mv); err != nil {
				return fmt.Errorf("metric variant's first layer: %w", err)
			}
		}
	}
	row.SetVerdicts()
	return nil
}

const simMapUsage = `usage: tlstat simulate map -o MAP.json [-figure F.svg|png] FILE.json...

Builds the validity map from simulation records: one cell per
single-network record and per transfer source, with the simulated test error,
its convergence and every theory variant's prediction. The map embedded in
package study (tlstat/study/validity.json) is this command's output on
docs/validation/hmc/*.json and docs/validation/map/*.json; tlstat single,
transfer and demo judge their predictions against it. -figure draws the
relative gap of the scalar theory over alpha and T, one panel per kind of
data.

`

// runSimulateMap is 'tlstat simulate map'.
func runSimulateMap(args []string, stdout, stderr io.Writer) error {
	fs := subFlagSet("simulate map", simMapUsage, stderr)
	out := fs.String("o", "", "write the map as JSON to this file (- = standard output)")
	figure := fs.String("figure", "", "also draw the map (.svg or .png)")
	source := fs.String("source", "", "how the records were made, stored in the map (default: the file names)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 || *out == "" {
		fs.Usage()
		return fmt.Errorf("need -o and at least one input file")
	}
	var docs []study.SimDoc
	for _, path := range fs.Args() {
		d, err := study.ReadSimDoc(path)
		if err != nil {
			return err
		}
		docs = append(docs, d)
	}
	study.SortSimDocs(docs)
	src := *source
	if src == "" {
		src = "tlstat simulate map over " + fmt.Sprint(len(docs)) + " records"
	}
	vm, err := study.ValidityMapOf(docs, src)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(vm, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if *out == "-" {
		_, err = stdout.Write(b)
	} else {
		err = os.WriteFile(*out, b, 0o644)
	}
	if err != nil {
		return err
	}
	if *figure != "" {
		return writeValidityFigure(*figure, vm)
	}
	return nil
}

// simTheoryTol is the relative tolerance of 'simulate theory -check': far
// above the rounding differences between BLAS backends (about 1e-14) and
// far below any change of the theory.
const simTheoryTol = 1e-8

// tiltedTol is the relative tolerance of the tilted variant's columns in
// 'simulate theory -check': its fixed point is a Monte Carlo estimate whose
// trajectories, reproducible on one machine, diverge across BLAS backends;
// over four seeds on the stored rows (N = 200, alpha = 2 and N = P = 400,
// T = 0.05, 0.1; N = 200, P = 50) the test error spread by at most 0.9% and
// QB by at most 1.6%.
const tiltedTol = 0.03

// jsonClose reports whether two JSON documents are equal with numbers
// compared to relative tolerance tol, and where they first differ.
func jsonClose(a, b []byte, tol float64) (string, bool) {
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		return "the stored file: " + err.Error(), false
	}
	if err := json.Unmarshal(b, &y); err != nil {
		return "the recomputed record: " + err.Error(), false
	}
	return jsonCloseValue("$", x, y, tol)
}

func jsonCloseValue(at string, x, y any, tol float64) (string, bool) {
	switch xv := x.(type) {
	case float64:
		yv, ok := y.(float64)
		if !ok || math.Abs(xv-yv) > tol*math.Max(math.Abs(xv), math.Abs(yv)) {
			return fmt.Sprintf("%s (%v vs %v)", at, x, y), false
		}
		return "", true
	case map[string]any:
		yv, ok := y.(map[string]any)
		if !ok || len(xv) != len(yv) {
			return at + " (fields differ)", false
		}
		tilted := xv["variant"] == rkgp.Tilted.String()
		if tilted {
			// A Monte Carlo theory: compared within its seed-to-seed spread.
			tol = math.Max(tol, tiltedTol)
		}
		for k, v := range xv {
			if tilted && (k == "verdict" || strings.HasSuffix(k, "_err")) {
				// Words made of the numbers compared here, and Monte Carlo
				// error estimates, themselves random.
				continue
			}
			if k == "gaussian_equivalence" {
				if w, ok := equivalenceClose(at+"."+k, v, yv[k], tol); !ok {
					return w, false
				}
				continue
			}
			if w, ok := jsonCloseValue(at+"."+k, v, yv[k], tol); !ok {
				return w, false
			}
		}
		return "", true
	case []any:
		yv, ok := y.([]any)
		if !ok || len(xv) != len(yv) {
			return at + " (lengths differ)", false
		}
		for i := range xv {
			if w, ok := jsonCloseValue(fmt.Sprintf("%s[%d]", at, i), xv[i], yv[i], tol); !ok {
				return w, false
			}
		}
		return "", true
	}
	if x != y {
		return fmt.Sprintf("%s (%v vs %v)", at, x, y), false
	}
	return "", true
}

// equivalenceClose compares two Gaussian-equivalence checks. The ratio is
// a Monte Carlo estimate whose chains, started from the same seed, follow
// different paths once rounding differs (another BLAS backend): two ratios
// agree when they are within 4 combined standard errors or when both fail
// the check (their verdict is what is used); the other fields within tol.
func equivalenceClose(at string, x, y any, tol float64) (string, bool) {
	var a, b rkgp.Equivalence
	for _, p := range []struct {
		v   any
		dst *rkgp.Equivalence
	}{{x, &a}, {y, &b}} {
		raw, err := json.Marshal(p.v)
		if err != nil {
			return at + ": " + err.Error(), false
		}
		if err := json.Unmarshal(raw, p.dst); err != nil {
			return at + ": " + err.Error(), false
		}
	}
	same := math.Abs(a.Ratio-b.Ratio) <= 4*math.Hypot(a.StdErr, b.StdErr)+tol*math.Max(a.Ratio, b.Ratio) ||
		study.EquivalenceFails(&a) && study.EquivalenceFails(&b)
	if !same || math.Abs(a.Tilt-b.Tilt) > tol*math.Max(a.Tilt, b.Tilt) || a.Exact != b.Exact || a.Chains != b.Chains || a.Steps != b.Steps {
		return fmt.Sprintf("%s (ratio %.4g ± %.2g, tilt %.6g vs ratio %.4g ± %.2g, tilt %.6g)", at, a.Ratio, a.StdErr, a.Tilt, b.Ratio, b.StdErr, b.Tilt), false
	}
	return "", true
}

// subFlagSet returns a flag set whose usage prints usage and the flags.
func subFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	return fs
}

// metricSolved reports whether the metric variant's row of rows has a
// prediction: the variant has no stationary point where the likelihood's
// pull on the first layer exceeds the prior's precision (its row then
// carries that note instead), and activations that are not odd have none.
func metricSolved(rows []study.TheoryRow) bool {
	for _, r := range rows {
		if r.Variant == rkgp.Metric.String() {
			return r.TestError != nil
		}
	}
	return false
}
