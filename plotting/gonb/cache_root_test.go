package gonb

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestTlstatRoot checks that the module directory behind the cache key is
// found from a directory inside tlstat, which is how a test binary (a GoNB
// %test cell, whose build information lists no dependencies) finds it, and
// that a directory outside any tlstat module has none.
func TestTlstatRoot(t *testing.T) {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		t.Skip("no absolute source path (built with -trimpath)")
	}
	want, err := filepath.Abs(filepath.Join(filepath.Dir(file), "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if got := tlstatRoot(filepath.Dir(file)); got != want {
		t.Errorf("tlstatRoot(%s) = %q, want %q (the directory of tlstat's go.mod)", filepath.Dir(file), got, want)
	}
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "go.mod"), []byte("module example.com/other\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := tlstatRoot(other); got != "" {
		t.Errorf("tlstatRoot in a module other than tlstat = %q, want none", got)
	}
}
