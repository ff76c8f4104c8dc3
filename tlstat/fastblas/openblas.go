//go:build cgo && openblas

package fastblas

/*
#cgo LDFLAGS: -lopenblas
int openblas_get_num_threads(void);
void openblas_set_num_threads(int);
char* openblas_get_config(void);
char* openblas_get_corename(void);
*/
import "C"

import (
	"fmt"
	"os"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// Enabled reports whether the OpenBLAS backend is compiled in and installed
// (build tag openblas with cgo enabled).
const Enabled = true

func init() {
	// OpenBLAS's own threads spin while they wait for each other: on a
	// shared (oversubscribed) machine, and whenever tlstat already runs
	// BLAS calls from several goroutines (parallel chains, column blocks),
	// they lose to single-threaded OpenBLAS calls spread over goroutines
	// (measured: the transfer sweep at P_s = 2000, P_t = 500 took 24 s with
	// one OpenBLAS thread and 40 s with two, at load 12 on 2 cores). So,
	// unless the user chose a thread count through the environment, OpenBLAS
	// runs single-threaded and the large Level 3 calls are split over
	// goroutines here (see parallel.go).
	if !threadsFromEnv() {
		C.openblas_set_num_threads(1)
	}
	blas64.Use(Blas{})
	lapack64.Use(Lapack{})
}

// threadsFromEnv reports whether the environment sets OpenBLAS's thread
// count.
func threadsFromEnv() bool {
	for _, v := range []string{"OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"} {
		if os.Getenv(v) != "" {
			return true
		}
	}
	return false
}

// Backend names the BLAS/LAPACK implementation in use by gonum.
func Backend() string {
	return fmt.Sprintf("OpenBLAS (%s, core %s, %d threads)", C.GoString(C.openblas_get_config()),
		C.GoString(C.openblas_get_corename()), int(C.openblas_get_num_threads()))
}

// LAPACK returns the LAPACK implementation of the build: Lapack{}, whose
// overrides run in OpenBLAS. Use it for routines that gonum's lapack64 does
// not wrap (such as Dsytrd).
func LAPACK() Lapacker { return Lapack{} }
