package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/tlstat/tlstat/tlstat/study"
)

// studySimulate is the study.Simulator of `tlstat study run`: it runs
// `tlstat simulate MODE ARGS -compare -json -quiet` in process, ARGS the
// point's (Params.SimulateArgs), so that a simulated point of a study and
// the stored record of the same command are the same computation. An HMC
// run keeps its chains in checkpoint (saved every minute).
func studySimulate(pt study.GridPoint, checkpoint string) (*study.SimDoc, error) {
	p := pt.Params
	args := append([]string{p.Mode}, p.SimulateArgs()...)
	args = append(args, "-compare", "-json", "-quiet")
	if checkpoint != "" && (p.Simulate.Method == "" || strings.EqualFold(p.Simulate.Method, "hmc")) {
		args = append(args, "-checkpoint", checkpoint, "-checkpoint-every", "1m")
	}
	var out, warn bytes.Buffer
	if err := runSimulate(args, &out, &warn); err != nil {
		return nil, fmt.Errorf("tlstat simulate %s: %w", strings.Join(args, " "), err)
	}
	var d study.SimDoc
	if err := json.Unmarshal(out.Bytes(), &d); err != nil {
		return nil, fmt.Errorf("tlstat simulate %s: %w", p.Mode, err)
	}
	// The record names the command without the checkpoint file, which
	// belongs to the store, not to the computation.
	d.Command = p.SimulateCommand()
	return &d, nil
}

const studyImportUsage = `usage: tlstat study import SPEC.json [-store DIR] [-replace] FILE.json...

Stores simulation records (the -compare -json output of tlstat simulate, as
bench/validation.sh writes them) as points of the spec: each record's
command line names its point (the parameters hash to a point of the spec;
a record that is no point of the spec is an error). A later 'tlstat study
run SPEC' then computes only the points that no record holds, and
'tlstat simulate table STORE' tabulates the store as it would the files.
Points stored already are kept unless -replace.

`

func runStudyImport(args []string, stdout, stderr io.Writer) error {
	f := newStudyFlags("import", studyImportUsage, stderr)
	replace := f.fs.Bool("replace", false, "replace points that the store holds already")
	spec, files, store, err := f.parseFiles(args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		f.fs.Usage()
		return errors.New("no record files to import")
	}
	points := spec.Points()
	imported, kept := 0, 0
	for _, path := range files {
		d, err := study.ReadSimDoc(path)
		if err != nil {
			return err
		}
		rec, err := study.ImportSimDoc(points, d)
		if err != nil {
			return err
		}
		if _, err := store.Get(rec.Point.Hash); err == nil && !*replace {
			kept++
			continue
		} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if err := store.Put(rec); err != nil {
			return err
		}
		imported++
	}
	fmt.Fprintf(stdout, "study %s (%s): %d records imported, %d points stored already (kept)\n", spec.Name, store.Dir(), imported, kept)
	return nil
}

const studyExportUsage = `usage: tlstat study export SPEC.json [-store DIR] -dir DIR

Writes the simulation record of every stored simulated point of the spec
that has one to DIR/NAME.json, as 'tlstat simulate MODE ARGS -compare -json'
writes it: NAME is the file name the record was imported from, or else the
task and sizes (e.g. mnist_N400_P800_T0.05). Files that exist are kept.
With import, this keeps a directory of records (docs/validation/hmc) and a
study's store in step.

`

func runStudyExport(args []string, stdout, stderr io.Writer) error {
	f := newStudyFlags("export", studyExportUsage, stderr)
	dir := f.fs.String("dir", "", "directory of the record files (required)")
	spec, _, store, err := f.parse(args)
	if err != nil {
		return err
	}
	if *dir == "" {
		f.fs.Usage()
		return errors.New("-dir: give the directory of the record files")
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	written, kept := 0, 0
	for _, pt := range spec.Points() {
		rec, err := store.Get(pt.Hash)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if rec.Simulation == nil {
			continue
		}
		name := rec.Name
		if name == "" {
			name = study.PointLabel(pt)
		}
		path := filepath.Join(*dir, name+".json")
		if _, err := os.Stat(path); err == nil {
			kept++
			continue
		}
		var b bytes.Buffer
		if err := simWrite(&b, *rec.Simulation, true); err != nil {
			return err
		}
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, path); err != nil {
			return err
		}
		written++
	}
	fmt.Fprintf(stdout, "study %s: %d records written to %s, %d there already (kept)\n", spec.Name, written, *dir, kept)
	return nil
}
