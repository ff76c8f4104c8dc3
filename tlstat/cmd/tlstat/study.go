package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/tlstat/tlstat/tlstat/study"
)

func init() {
	register(command{name: "study", summary: "declarative studies: plan, run (resumable, queued or sharded), status, collect, slurm", run: runStudy})
}

const studyUsage = `usage: tlstat study plan|run|status|collect|slurm|import|export SPEC.json [flags]

A study is a JSON file naming what to compute over a grid (docs/studies.md).
Its points are stored one file each, under their content hash, in a store
directory (default: the spec's path without .json, plus .store).

  plan     list the points with their hashes and predicted seconds
  run      compute the points not stored yet (-queue: shared with the other
           processes on the store, largest first; -shard i/n: one shard)
  status   count the stored, running and pending points
  collect  write the stored points as one table (-o table.csv or .json)
  slurm    write (and with -submit, submit) an sbatch array script whose
           tasks share the points as a queue (or run one shard each)
  import   store simulation records of tlstat simulate as points of the spec
  export   write the stored simulation records as files (-dir DIR)

Run 'tlstat study MODE -h' for the flags of a mode.
`

func runStudy(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, studyUsage)
		if len(args) == 0 {
			return errors.New("missing mode: plan, run, status, collect, slurm, import or export")
		}
		return nil
	}
	modes := map[string]func([]string, io.Writer, io.Writer) error{
		"plan": runStudyPlan, "run": runStudyRun, "status": runStudyStatus, "collect": runStudyCollect, "slurm": runStudySlurm,
		"import": runStudyImport, "export": runStudyExport,
	}
	f, ok := modes[args[0]]
	if !ok {
		fmt.Fprint(stderr, studyUsage)
		return fmt.Errorf("unknown mode %q (want plan, run, status, collect, slurm, import or export)", args[0])
	}
	return f(args[1:], stdout, stderr)
}

// studyFlags are the flags every study mode has.
type studyFlags struct {
	fs    *flag.FlagSet
	store string
}

func newStudyFlags(mode, usage string, stderr io.Writer) *studyFlags {
	fs := subFlagSet("study "+mode, usage, stderr)
	f := &studyFlags{fs: fs}
	fs.StringVar(&f.store, "store", "", "store directory (default: the spec's path without .json, plus .store)")
	return f
}

// parse parses flags given before or after the one positional SPEC
// argument, reads the spec and opens the store.
func (f *studyFlags) parse(args []string) (spec *study.Spec, specPath string, store *study.Store, err error) {
	pos, err := f.positional(args)
	if err != nil {
		return nil, "", nil, err
	}
	if len(pos) != 1 {
		f.fs.Usage()
		return nil, "", nil, fmt.Errorf("want one spec file, got %d arguments %q", len(pos), pos)
	}
	return f.open(pos[0])
}

// parseFiles is parse for modes that take files after the spec.
func (f *studyFlags) parseFiles(args []string) (spec *study.Spec, files []string, store *study.Store, err error) {
	pos, err := f.positional(args)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(pos) == 0 {
		f.fs.Usage()
		return nil, nil, nil, errors.New("want a spec file")
	}
	spec, _, store, err = f.open(pos[0])
	return spec, pos[1:], store, err
}

// positional parses flags given anywhere and returns the other arguments.
func (f *studyFlags) positional(args []string) ([]string, error) {
	var pos []string
	for {
		if err := f.fs.Parse(args); err != nil {
			return nil, err
		}
		if f.fs.NArg() == 0 {
			break
		}
		pos = append(pos, f.fs.Arg(0))
		args = f.fs.Args()[1:]
	}
	return pos, nil
}

// open reads the spec and opens its store.
func (f *studyFlags) open(specPath string) (spec *study.Spec, _ string, store *study.Store, err error) {
	if spec, err = study.ReadSpec(specPath); err != nil {
		return nil, "", nil, err
	}
	if f.store == "" {
		f.store = strings.TrimSuffix(specPath, filepath.Ext(specPath)) + ".store"
	}
	if store, err = study.OpenStore(f.store); err != nil {
		return nil, "", nil, err
	}
	return spec, specPath, store, nil
}

func runStudyRun(args []string, stdout, stderr io.Writer) error {
	f := newStudyFlags("run", `usage: tlstat study run SPEC.json [-queue | -shard i/n [-assignment FILE]] [-store DIR]

Computes the points of the spec (of one shard) that the store does not hold yet and stores
each as soon as it is done. Safe to kill and rerun, and to run as several processes on one store.

With -queue, the processes on one store share the points as a queue: each takes the point of
largest expected seconds (as tlstat study plan predicts them from the stored records) that is
neither stored nor being computed, computes it, and looks again until no such point is left.
Processes started together then finish within the longest point of each other, however wrong
the predictions. This needs the store's file system to support flock(2) across the processes
(local disks do; NFS maps flock to its locks), which several processes on one store need anyway.

Shards are balanced on the spec's budget (every worker computes the same assignment), or with
-assignment taken from a shard plan file that tlstat study slurm -schedule shards wrote, balanced
on expected seconds when it was written; points the spec gained since go to the least loaded shards.

`, stderr)
	shard := f.fs.String("shard", "0/1", "compute shard i of n only (0 <= i < n; points balanced by estimated cost)")
	assignment := f.fs.String("assignment", "", "shard plan file (tlstat study slurm -schedule shards writes STORE/slurm/study.shards.json): its shards, instead of the budget's")
	queue := f.fs.Bool("queue", false, "take the points as a queue shared with the other processes on the store, largest expected seconds first (excludes -shard and -assignment)")
	quiet := f.fs.Bool("quiet", false, "no line per point on standard error")
	spec, _, store, err := f.parse(args)
	if err != nil {
		return err
	}
	i, n, err := study.ParseShard(*shard)
	if err != nil {
		return err.(*study.FieldError).Within("-")
	}
	set := study.RunSettings{Shard: i, Shards: n, Queue: *queue, Simulate: studySimulate}
	if *queue {
		var sharded []string
		f.fs.Visit(func(fl *flag.Flag) {
			if fl.Name == "shard" || fl.Name == "assignment" {
				sharded = append(sharded, "-"+fl.Name)
			}
		})
		if len(sharded) > 0 {
			return fmt.Errorf("-queue and %s exclude each other: a queue takes every point of the spec", strings.Join(sharded, " and "))
		}
	}
	if *assignment != "" {
		if set.Plan, err = study.ReadShardPlan(*assignment); err != nil {
			return err
		}
	}
	if !*quiet {
		set.Log = stderr
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sum, err := study.Run(ctx, spec, store, set)
	if *queue {
		fmt.Fprintf(stdout, "study %s queue: %d points: %d computed, %d stored before or by other processes, %d being computed elsewhere, %d failed\n",
			spec.Name, sum.Points, sum.Computed, sum.Stored, sum.Busy, sum.Failed)
	} else {
		fmt.Fprintf(stdout, "study %s shard %d/%d: %d points: %d computed, %d stored before, %d being computed elsewhere, %d failed\n",
			spec.Name, i, n, sum.Points, sum.Computed, sum.Stored, sum.Busy, sum.Failed)
	}
	return err
}

func runStudyStatus(args []string, stdout, stderr io.Writer) error {
	f := newStudyFlags("status", "usage: tlstat study status SPEC.json [-store DIR] [-v]\n\nCounts the points of the spec that are stored (done), being computed (running) and pending.\n\n", stderr)
	verbose := f.fs.Bool("v", false, "list every point with its state")
	spec, _, store, err := f.parse(args)
	if err != nil {
		return err
	}
	counts := map[study.PointState]int{}
	points := spec.Points()
	for _, pt := range points {
		s := store.State(pt.Hash)
		counts[s]++
		if *verbose {
			fmt.Fprintf(stdout, "%-8s %s %s\n", s, pt.Hash, pointWords(pt))
		}
	}
	fmt.Fprintf(stdout, "study %s (%s): %d points: %d done, %d running, %d pending\n", spec.Name, store.Dir(), len(points),
		counts[study.Done], counts[study.Running], counts[study.Pending])
	return nil
}

func runStudyCollect(args []string, stdout, stderr io.Writer) error {
	f := newStudyFlags("collect", "usage: tlstat study collect SPEC.json -o table.csv|table.json [-store DIR] [-partial]\n\nWrites the rows of every stored point, theory and simulation in one schema, as one table.\nA missing value is an empty CSV cell or JSON null, never 0.\n\n", stderr)
	out := f.fs.String("o", "", "output file: .csv or .json (- = CSV on standard output)")
	partial := f.fs.Bool("partial", false, "write the stored points even if some are missing")
	spec, _, store, err := f.parse(args)
	if err != nil {
		return err
	}
	ext := strings.ToLower(filepath.Ext(*out))
	if *out != "-" && ext != ".csv" && ext != ".json" {
		return fmt.Errorf("-o %q: want a .csv or .json file, or -", *out)
	}
	t, missing, err := study.Collect(spec, store)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		fmt.Fprintf(stderr, "tlstat study collect: %d of %d points are not stored (first: %s %s)\n", len(missing), len(missing)+t.Points,
			missing[0].Hash, pointWords(missing[0]))
		if !*partial {
			return fmt.Errorf("%d points missing: run tlstat study run first, or give -partial", len(missing))
		}
	}
	write := t.WriteCSV
	if ext == ".json" {
		write = t.WriteJSON
	}
	if *out == "-" {
		return write(stdout)
	}
	w, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := write(w); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// pointWords describes a point in one line.
func pointWords(pt study.GridPoint) string {
	p := pt.Params
	s := fmt.Sprintf("%s act=%s N=%d P=%d", pt.Task, p.Act, p.N, p.P)
	if p.Mode == study.ModeTransfer {
		s += fmt.Sprintf(" Pt=%d gamma=%v", p.PT, p.Gamma)
	}
	s += fmt.Sprintf(" T=%g lambda0=%g lambda1=%g seed=%d", p.T, p.Lambda0, p.Lambda1, p.Seed)
	if p.Simulate != nil {
		s += " +simulation"
	}
	return s
}
