package study

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Record is a computed point as the store keeps it: the point, the rows,
// and where and by what the point was computed.
type Record struct {
	// Point is the computed point (its hash names the record's file).
	Point GridPoint `json:"point"`
	// Description is the task in words (as the commands print it).
	Description string `json:"description"`
	// Provenance is the software that computed the point (Provenance()).
	Provenance string `json:"provenance"`
	// Host, Started and Seconds say where, when and how long.
	Host    string    `json:"host"`
	Started time.Time `json:"started"`
	Seconds float64   `json:"seconds"`
	// Rows are the point's rows (see Compute).
	Rows []Row `json:"rows"`
	// Name labels the point in tables of simulations: the file name
	// (without .json) of an imported simulation record (ImportSimDoc), or
	// empty (then PointLabel).
	Name string `json:"name,omitempty"`
	// Simulation is the point's simulation record as `tlstat simulate
	// MODE ARGS -compare -json` writes it, for simulated points computed
	// with RunSettings.Simulate or imported (nil otherwise).
	Simulation *SimDoc `json:"simulation,omitempty"`
}

// Store is a directory of computed points that loses nothing: each point is
// one file named by its hash, written atomically (a temporary file in the
// same directory, synced, then renamed over the final name, and the
// directory synced), so that a point is either absent or complete whatever
// kills the writer. Per-point lock files (see Store.Lock) let several
// processes, on one machine or on several sharing the directory, work on
// one store.
type Store struct {
	dir string
}

// OpenStore opens (creating if needed) the store in dir.
func OpenStore(dir string) (*Store, error) {
	for _, d := range []string{dir, filepath.Join(dir, "points"), filepath.Join(dir, "locks"), filepath.Join(dir, "checkpoints")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("study: store: %w", err)
		}
	}
	return &Store{dir: dir}, nil
}

// Dir is the store's directory.
func (s *Store) Dir() string { return s.dir }

func (s *Store) path(hash string) string { return filepath.Join(s.dir, "points", hash+".json") }

// checkpoint is the file in which a point's running simulation keeps its
// chains, so that a killed worker's successor resumes it (langevin.Checkpoint).
func (s *Store) checkpoint(hash string) string {
	return filepath.Join(s.dir, "checkpoints", hash+".ckpt")
}

// Has reports whether the point with this hash is stored.
func (s *Store) Has(hash string) bool {
	_, err := os.Stat(s.path(hash))
	return err == nil
}

// Get reads the stored point with this hash; a point not stored gives an
// error satisfying errors.Is(err, fs.ErrNotExist).
func (s *Store) Get(hash string) (*Record, error) {
	b, err := os.ReadFile(s.path(hash))
	if err != nil {
		return nil, err
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("study: store %s: %w", s.path(hash), err)
	}
	if r.Point.Hash != hash {
		return nil, fmt.Errorf("study: store %s holds point %q", s.path(hash), r.Point.Hash)
	}
	return &r, nil
}

// Put stores a record atomically under its point's hash, replacing any
// record of the same point.
func (s *Store) Put(r *Record) error {
	b, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return fmt.Errorf("study: store: %w", err)
	}
	return writeAtomic(s.path(r.Point.Hash), append(b, '\n'))
}

// removeTemps removes the temporary files that writers of this point left
// behind when they were killed; call it only while holding the point's
// lock.
func (s *Store) removeTemps(hash string) {
	tmps, _ := filepath.Glob(filepath.Join(s.dir, "points", "."+hash+".json.tmp*"))
	for _, t := range tmps {
		os.Remove(t)
	}
}

// writeAtomic writes b to path through a synced temporary file in the same
// directory and a rename, then syncs the directory.
func writeAtomic(path string, b []byte) error {
	dir, base := filepath.Split(path)
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return fmt.Errorf("study: store: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("study: store: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		err = d.Sync()
		d.Close()
		if err != nil && !errors.Is(err, fs.ErrInvalid) && !strings.Contains(err.Error(), "invalid argument") {
			return fmt.Errorf("study: store: sync %s: %w", dir, err)
		}
	}
	return nil
}
