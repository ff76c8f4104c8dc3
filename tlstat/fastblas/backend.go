package fastblas

import (
	"fmt"
	"os"
	"strings"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// BackendEnv is the environment variable that selects the backend:
// "openblas" or empty (OpenBLAS when its shared library can be loaded,
// gonum otherwise) or "gonum" (pure Go, whatever is installed).
const BackendEnv = "TLSTAT_BLAS"

// Enabled reports whether OpenBLAS was loaded and gonum's BLAS and LAPACK
// use it (set once, when the package is initialized).
var Enabled bool

// loadErr says why OpenBLAS is not in use (nil when Enabled).
var loadErr error

func init() {
	defer func() {
		if !Enabled {
			// Pure Go: gonum's BLAS with its serial symmetric routines
			// split over goroutines (gosym.go).
			blas64.Use(Go{})
		}
	}()
	switch v := strings.ToLower(os.Getenv(BackendEnv)); v {
	case "", "openblas":
	case "gonum", "go":
		loadErr = fmt.Errorf("$%s=%s selects pure Go", BackendEnv, v)
		return
	default:
		loadErr = fmt.Errorf("$%s=%q is neither openblas nor gonum", BackendEnv, v)
		return
	}
	if err := loadOpenBLAS(); err != nil {
		loadErr = err
		return
	}
	Enabled = true
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
		openblasSetNumThreads(1)
	}
	blas64.Use(Blas{})
	blas32.Use(Blas32{})
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

// Backend names the BLAS/LAPACK implementation in use by gonum and, for
// pure Go, why OpenBLAS is not used.
func Backend() string {
	if !Enabled {
		return fmt.Sprintf("gonum (pure Go: %v)", loadErr)
	}
	return fmt.Sprintf("OpenBLAS (%s, core %s, %d threads)", openblasGetConfig(), openblasGetCorename(), openblasGetNumThreads())
}

// Notice is one line for users of a program running in pure Go although
// OpenBLAS could make it several times faster: what to install. It is
// empty when OpenBLAS is in use or pure Go was chosen through $TLSTAT_BLAS.
func Notice() string {
	if Enabled || os.Getenv(BackendEnv) != "" {
		return ""
	}
	return noticeFor(loadErr)
}

// noticeFor is Notice's line for the load error err.
func noticeFor(err error) string {
	return fmt.Sprintf("note: linear algebra runs in pure Go (%v); install OpenBLAS for several times faster theory (Debian: apt install libopenblas0, or make setup-openblas)", err)
}

// LAPACK returns the LAPACK implementation in use: Lapack{} with OpenBLAS,
// gonum's otherwise. Use it for routines that gonum's lapack64 does not wrap
// (such as Dsytrd), so that they run in OpenBLAS when it is loaded.
func LAPACK() Lapacker {
	if Enabled {
		return Lapack{}
	}
	return gonum.Implementation{}
}
