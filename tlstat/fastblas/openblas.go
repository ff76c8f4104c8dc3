//go:build cgo && openblas

package fastblas

/*
#cgo LDFLAGS: -lopenblas
int openblas_get_num_threads(void);
char* openblas_get_config(void);
char* openblas_get_corename(void);
*/
import "C"

import (
	"fmt"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// Enabled reports whether the OpenBLAS backend is compiled in and installed
// (build tag openblas with cgo enabled).
const Enabled = true

func init() {
	blas64.Use(Blas{})
	lapack64.Use(Lapack{})
}

// Backend names the BLAS/LAPACK implementation in use by gonum.
func Backend() string {
	return fmt.Sprintf("OpenBLAS (%s, core %s, %d threads)", C.GoString(C.openblas_get_config()),
		C.GoString(C.openblas_get_corename()), int(C.openblas_get_num_threads()))
}
