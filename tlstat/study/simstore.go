package study

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// A simulated point's record (Record.Simulation) is the simulation record
// that `tlstat simulate` writes, so a store can stand in for the directories
// of records that `tlstat simulate table`, `simulate map` and the report
// read (ReadStoreSimDocs), and records computed before a study existed can be
// imported into the store of their spec (ImportSimDoc), where `study run`
// finds them done.

// Simulator computes the simulation record of a simulated point, as `tlstat
// simulate MODE ARGS -compare -json` does with ARGS = pt.Params.SimulateArgs()
// (the command line tool runs that very command); checkpoint is the file in
// which the run keeps its chains ("" for none).
type Simulator func(pt GridPoint, checkpoint string) (*SimDoc, error)

// SimulateCommand returns the command line of the simulation of the point,
// as its simulation record states it.
func (p Params) SimulateCommand() string {
	return "tlstat simulate " + p.Mode + " " + strings.Join(p.SimulateArgs(), " ") + " -compare -json -quiet"
}

// PointLabel names a point in tables of simulations when its record has no
// Name: the task, then N, P (P_s and P_t) and T, e.g. mnist_N200_P400_T0.05.
func PointLabel(pt GridPoint) string {
	p := pt.Params
	if p.Mode == ModeTransfer {
		return fmt.Sprintf("%s_N%d_Ps%d_Pt%d_T%g", pt.Task, p.N, p.P, p.PT, p.T)
	}
	return fmt.Sprintf("%s_N%d_P%d_T%g", pt.Task, p.N, p.P, p.T)
}

// ImportSimDoc returns the record of a stored simulation record d (read by
// ReadSimDoc) as a point of points: the point whose hash is that of d's
// command line (ParamsOfCommand). It is an error when d is no point of
// points, or when a single network's record does not hold the theory
// variants of its point (records written before a variant existed: update
// them with tlstat simulate theory). The record's rows are d's theory
// variants and simulations, its name d's file name. The task is loaded for
// its input dimension.
func ImportSimDoc(points []GridPoint, d SimDoc) (*Record, error) {
	p, err := ParamsOfCommand(d.Command)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.Path, err)
	}
	h := p.Hash()
	for _, pt := range points {
		if pt.Hash != h {
			continue
		}
		// The point states the theory variants computed: a single
		// network's record must hold those.
		if d.Mode == ModeSingle {
			var have []string
			for _, v := range d.Results[0].Theories {
				have = append(have, v.Variant)
			}
			if strings.Join(have, ",") != strings.Join(pt.Params.Variants, ",") {
				return nil, fmt.Errorf("%s: the record has the theory variants %q, its point %q (run tlstat simulate theory on it first)",
					d.Path, have, pt.Params.Variants)
			}
		}
		// The input dimension is the task's: load it as the run did.
		l, err := loadFlags(pt.Params.Mode, pt.Params.Task)
		if err != nil {
			return nil, fmt.Errorf("%s: task %s: %w", d.Path, pt.Task, err)
		}
		rec := &Record{Point: pt, Description: d.Task, Provenance: d.Provenance, Name: d.Name(), Simulation: &d}
		for _, r := range d.Rows() {
			rec.Seconds += r.Seconds
		}
		rec.Rows = l.setInputDim(SimDocRows(pt, &d, true))
		return rec, nil
	}
	return nil, fmt.Errorf("%s: command %q (point %.12s) is no point of the spec", d.Path, d.Command, h)
}

// setInputDim sets the input dimension N0 of rows of the loaded task.
func (l *loaded) setInputDim(rows []Row) []Row {
	for i := range rows {
		switch {
		case l.train != nil:
			rows[i].N0 = l.train.Dim()
		case l.srcTr != nil:
			rows[i].N0 = l.srcTr.Dim()
		}
	}
	return rows
}

// SimDocRows returns the rows of a simulation record of point pt: with
// theory, first the theory rows (one per variant of each simulated row that
// has them; the source and single networks' variants, the targets' scalar
// theory), then one simulation row per simulated posterior. Values the record
// does not hold are missing (NaN), as are error bars and diagnostics that
// records written before the missing-value convention store as 0
// (FixMissingErrors). The record does not state the input dimension: the
// rows' N0 is 0.
func SimDocRows(pt GridPoint, d *SimDoc, theory bool) []Row {
	stage := func(i int) string {
		switch {
		case d.Mode == ModeSingle:
			return ModeSingle
		case d.Source != nil && i == 0:
			return "source"
		}
		return "target"
	}
	n0 := 0
	ptest := d.PTest
	var rows []Row
	srows := d.Rows()
	if theory {
		for i, s := range srows {
			for _, v := range s.Theories {
				r := blankRow(pt, KindTheory, stage(i))
				// tlstat simulate -compare stores a variant's prediction
				// only when its solve succeeded, and a note otherwise.
				r.N0, r.PTest, r.Variant, r.Note, r.Converged = n0, ptest, v.Variant, v.Note, v.TestError != nil && v.Note == ""
				if stage(i) == "target" {
					r.Gamma = Num(s.Gamma)
				}
				r.TestError, r.ReadoutNorm, r.Overlap = optNum(v.TestError), optNum(v.ReadoutNorm), optNum(v.Overlap)
				r.TestErrorErr = optNum(v.TestErrorErr)
				if s.InfiniteWidthError != nil {
					r.InfiniteWidthError = Num(*s.InfiniteWidthError)
				}
				rows = append(rows, r)
			}
		}
	}
	for i, s := range srows {
		s := FixMissingErrors(s)
		r := blankRow(pt, KindSimulation, stage(i))
		r.N0, r.PTest = n0, ptest
		if stage(i) == "target" {
			r.Gamma = Num(s.Gamma)
		}
		r.TestError, r.TestErrorErr = Num(s.SimTestError), Num(s.SimTestErrorErr)
		r.TrainError, r.TrainErrorErr = Num(s.SimTrainError), Num(s.SimTrainErrorErr)
		r.ReadoutNorm, r.ReadoutNormErr = Num(s.SimVNorm), Num(s.SimVNormErr)
		r.Overlap, r.OverlapErr = optNum(s.SimOverlap), optNum(s.SimOverlapErr)
		worst, ess := math.NaN(), math.NaN()
		for _, k := range simDiagKeys {
			g, ok := s.SimDiagnostics[k]
			if !ok {
				continue
			}
			if rh := missingZero(g.RHat); !math.IsNaN(rh) && !(rh <= worst) {
				worst = rh
			}
			if m := math.Min(missingZero(g.ESS), missingZero(g.ESSTail)); !math.IsNaN(m) && !(m >= ess) {
				ess = m
			}
		}
		r.RHat, r.ESS = Num(worst), Num(ess)
		r.Converged, r.Stop, r.Steps, r.Chains = s.Converged(), s.SimStop, s.Steps, s.Chains
		rows = append(rows, r)
	}
	return rows
}

func optNum(x *float64) Num {
	if x == nil {
		return nan
	}
	return Num(*x)
}

// ReadStoreSimDocs reads the simulation records of the points stored in the
// store directory dir (the records computed with RunSettings.Simulate or
// imported), sorted as ReadSimDocs sorts. Each record's Path is
// dir/NAME.json, NAME the record's Name or else PointLabel, so that
// SimDoc.Name labels it. A store without any is an error.
func ReadStoreSimDocs(dir string) ([]SimDoc, error) {
	files, err := filepath.Glob(filepath.Join(dir, "points", "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var docs []SimDoc
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var r Record
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("study: store %s: %w", f, err)
		}
		if r.Simulation == nil {
			continue
		}
		d := *r.Simulation
		name := r.Name
		if name == "" {
			name = PointLabel(r.Point)
		}
		d.Path = filepath.Join(dir, name+".json")
		if err := d.check(); err != nil {
			return nil, fmt.Errorf("study: store %s: %w", f, err)
		}
		d.fixMissing()
		docs = append(docs, d)
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("study: store %s holds no simulation record", dir)
	}
	SortSimDocs(docs)
	return docs, nil
}

// IsStore reports whether dir is a study store (a directory with a points
// subdirectory).
func IsStore(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, "points"))
	return err == nil && fi.IsDir()
}
