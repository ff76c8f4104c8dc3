//go:build !(linux || darwin || freebsd || netbsd)

package fastblas

import (
	"fmt"
	"runtime"
)

// loadOpenBLAS reports that this system has no loader for OpenBLAS.
func loadOpenBLAS() error { return loadFrom(nil) }

// loadFrom reports that this system has no loader for OpenBLAS.
func loadFrom([]string) error {
	return fmt.Errorf("OpenBLAS is not loaded on %s", runtime.GOOS)
}
