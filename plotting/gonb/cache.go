package gonb

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
)

// CacheEnv is the environment variable that controls Cached: "off" turns
// the cache off (every call computes), any other non-empty value is the
// cache directory. Default: tlstat/notebooks under the user's cache
// directory (os.UserCacheDir).
const CacheEnv = "TLSTAT_NOTEBOOK_CACHE"

// Must panics with err when it is not nil: in a notebook cell the panic
// shows the error and stops the cell.
func Must(err error) {
	if err != nil {
		panic(err)
	}
}

// Cached returns compute's result, computed once and kept on disk
// (gob-encoded), so that it survives kernel restarts and is shared by every
// notebook that asks for the same name. A stored result is used only when
// it was computed by the same tlstat source code: the file name carries the
// name and a hash of the Go files and JSON data of the tlstat module the
// program was built from, so a change anywhere in tlstat recomputes it. Without a
// module directory to hash (a program not built from tlstat's sources) and
// with $TLSTAT_NOTEBOOK_CACHE=off, nothing is stored. An unreadable or
// stale entry is recomputed; failing to store one is returned as an error
// together with the result.
func Cached[T any](name string, compute func() (T, error)) (T, error) {
	path, ok := cachePath(name)
	if !ok {
		return compute()
	}
	var v T
	if b, err := os.ReadFile(path); err == nil && gob.NewDecoder(bytes.NewReader(b)).Decode(&v) == nil {
		return v, nil
	}
	v, err := compute()
	if err != nil {
		return v, err
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		return v, fmt.Errorf("gonb: caching %s: %w", name, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return v, fmt.Errorf("gonb: caching %s: %w", name, err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return v, fmt.Errorf("gonb: caching %s: %w", name, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return v, fmt.Errorf("gonb: caching %s: %w", name, err)
	}
	return v, nil
}

// cachePath returns the file of name's entry, false when nothing is to be
// stored.
func cachePath(name string) (string, bool) {
	dir := os.Getenv(CacheEnv)
	if dir == "off" {
		return "", false
	}
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return "", false
		}
		dir = filepath.Join(base, "tlstat", "notebooks")
	}
	h := sourceHash()
	if h == "" {
		return "", false
	}
	safe := strings.Map(func(r rune) rune {
		if r == '/' || r == os.PathSeparator || r == 0 {
			return '_'
		}
		return r
	}, name)
	return filepath.Join(dir, safe+"-"+h[:16]+".gob"), true
}

// tlstatModule is the module whose sources key the cache.
const tlstatModule = "github.com/tlstat/tlstat"

var (
	hashOnce sync.Once
	hashVal  string
)

// sourceHash returns a hash of the Go files of the tlstat module directory
// the running program was built from (a replace directive, as the
// notebooks use, or the main module), empty when there is none.
func sourceHash() string {
	hashOnce.Do(func() { hashVal = hashDir(moduleDir()) })
	return hashVal
}

// moduleDir returns the directory of tlstat's sources for this program.
func moduleDir() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	if bi.Main.Path == tlstatModule {
		if wd, err := os.Getwd(); err == nil {
			return tlstatRoot(wd)
		}
		return ""
	}
	for _, m := range bi.Deps {
		if m.Path == tlstatModule && m.Replace != nil && filepath.IsAbs(m.Replace.Path) {
			return m.Replace.Path
		}
	}
	// A test binary (GoNB builds a %test cell with go test -c) lists no
	// dependencies in its build information: take the module this file
	// was compiled from.
	if len(bi.Deps) == 0 {
		if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
			return tlstatRoot(filepath.Dir(file))
		}
	}
	return ""
}

// tlstatRoot returns the nearest directory at or above dir whose go.mod
// declares the tlstat module, or "" if there is none.
func tlstatRoot(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && strings.Contains(string(b), "module "+tlstatModule+"\n") {
			return d
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// hashDir returns the SHA-256 of the names and contents of the files under
// dir that can change a result: Go sources, go.mod and go.sum, and JSON data
// (embedded maps, stored simulation records), sorted by path; hidden
// directories and the notebooks themselves are skipped. It is empty for an
// empty dir argument or on error.
func hashDir(dir string) string {
	if dir == "" {
		return ""
	}
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != dir && (strings.HasPrefix(d.Name(), ".") || d.Name() == "notebooks") {
			return filepath.SkipDir
		}
		switch filepath.Ext(p) {
		case ".go", ".mod", ".sum", ".json":
			if !d.IsDir() {
				files = append(files, p)
			}
		}
		return nil
	})
	if err != nil || len(files) == 0 {
		return ""
	}
	sort.Strings(files)
	h := sha256.New()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return ""
		}
		rel, _ := filepath.Rel(dir, f)
		fmt.Fprintf(h, "%s\x00%d\x00", rel, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}
