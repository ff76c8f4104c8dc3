//go:build linux || darwin || freebsd || netbsd

package fastblas

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/ebitengine/purego"
)

// openblasLibraries are the names tried, in order: Debian's and most
// distributions' runtime library (libopenblas0), the development symlink,
// and Homebrew's on macOS.
var openblasLibraries = map[string][]string{
	"darwin": {"libopenblas.dylib", "/opt/homebrew/opt/openblas/lib/libopenblas.dylib", "/usr/local/opt/openblas/lib/libopenblas.dylib"},
}

// loadOpenBLAS opens the OpenBLAS shared library and binds every entry
// point, without cgo (github.com/ebitengine/purego). It fails, changing
// nothing, when the library or one of the symbols is missing.
func loadOpenBLAS() error {
	names, ok := openblasLibraries[runtime.GOOS]
	if !ok {
		names = []string{"libopenblas.so.0", "libopenblas.so"}
	}
	return loadFrom(names)
}

// loadFrom binds the entry points from the first of the libraries names
// that opens.
func loadFrom(names []string) error {
	var lib uintptr
	var errs []error
	for _, n := range names {
		h, err := purego.Dlopen(n, purego.RTLD_NOW|purego.RTLD_GLOBAL)
		if err == nil {
			lib = h
			break
		}
		errs = append(errs, err)
	}
	if lib == 0 {
		return fmt.Errorf("OpenBLAS not found (%v)", errors.Join(errs...))
	}
	binds := []struct {
		fptr any
		name string
	}{
		{&cblasDgemm, "cblas_dgemm"}, {&cblasDsymm, "cblas_dsymm"}, {&cblasDsyrk, "cblas_dsyrk"},
		{&cblasDsyr2k, "cblas_dsyr2k"}, {&cblasDtrmm, "cblas_dtrmm"}, {&cblasDtrsm, "cblas_dtrsm"},
		{&cblasDgemv, "cblas_dgemv"}, {&cblasDsymv, "cblas_dsymv"}, {&cblasDtrsv, "cblas_dtrsv"},
		{&cblasSgemm, "cblas_sgemm"}, {&cblasStrsm, "cblas_strsm"},
		{&lapackDpotrf, "dpotrf_"}, {&lapackDpotri, "dpotri_"}, {&lapackDsyevd, "dsyevd_"}, {&lapackDsytrd, "dsytrd_"},
		{&openblasSetNumThreads, "openblas_set_num_threads"}, {&openblasGetNumThreads, "openblas_get_num_threads"},
		{&openblasGetConfig, "openblas_get_config"}, {&openblasGetCorename, "openblas_get_corename"},
	}
	syms := make([]uintptr, len(binds))
	for i, b := range binds {
		p, err := purego.Dlsym(lib, b.name)
		if err != nil {
			return fmt.Errorf("the OpenBLAS library lacks %s: %w", b.name, err)
		}
		syms[i] = p
	}
	for i, b := range binds {
		purego.RegisterFunc(b.fptr, syms[i])
	}
	return nil
}
