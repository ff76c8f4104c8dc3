package langevin

// With -tags openblas the package's tests and benchmarks run on the OpenBLAS
// backend (docs/benchmarks.md); without the tag this import changes nothing.
import _ "github.com/tlstat/tlstat/tlstat/fastblas"
