package fastblas

import (
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

// TestBackend checks that the reported backend matches the implementation
// gonum actually uses.
func TestBackend(t *testing.T) {
	_, isGonum := blas64.Implementation().(gonum.Implementation)
	if Enabled == isGonum {
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
}
