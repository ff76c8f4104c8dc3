package fastblas

import (
	"os"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
)

// requireOpenBLAS skips a test of the OpenBLAS overrides when OpenBLAS is
// not loaded (make setup-openblas installs it; $TLSTAT_BLAS=gonum turns it
// off).
func requireOpenBLAS(t *testing.T) {
	t.Helper()
	if !Enabled {
		t.Skipf("OpenBLAS not in use: %s", Backend())
	}
}

// TestBackend checks that the reported backend matches the implementation
// gonum actually uses.
func TestBackend(t *testing.T) {
	_, isGo := blas64.Implementation().(Go)
	if Enabled == isGo {
		t.Errorf("Enabled = %v but blas64 uses %T", Enabled, blas64.Implementation())
	}
	b := Backend()
	want := "gonum"
	if Enabled {
		want = "OpenBLAS"
	}
	if !strings.Contains(b, want) {
		t.Errorf("Backend() = %q, want it to name %s", b, want)
	}
	t.Logf("backend: %s", b)
	if Enabled && Notice() != "" {
		t.Errorf("OpenBLAS in use but Notice() = %q", Notice())
	}
	if !Enabled && os.Getenv(BackendEnv) == "" && !strings.Contains(Notice(), "libopenblas0") {
		t.Errorf("pure Go without a choice but Notice() = %q does not say what to install", Notice())
	}
}

// TestLoadMissing checks the fallback path that a machine without OpenBLAS
// takes: loading fails with an error naming the libraries tried, nothing is
// bound, and the notice says what to install.
func TestLoadMissing(t *testing.T) {
	err := loadFrom([]string{"libtlstat-no-such-blas.so.9"})
	if err == nil || !strings.Contains(err.Error(), "libtlstat-no-such-blas.so.9") {
		t.Fatalf("loading a missing library: %v", err)
	}
	if n := noticeFor(err); !strings.Contains(n, "pure Go") || !strings.Contains(n, "apt install libopenblas0") {
		t.Errorf("notice %q", n)
	}
}
