// Package csvtask writes a small binary classification task as CSV files
// for the tests of the packages that read CSV data (the task flags and the
// command line), so that they read the same files.
package csvtask

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Write writes train.csv (rows examples) and test.csv (rows/3) to a new
// temporary directory of t and returns it: a header line, then the label
// (±1, y = sign(x_0 + x_1 − 6)) in the first column and five Gaussian inputs
// of mean 3 and standard deviation 2 (off-centre, so standardization
// matters), from a fixed seed.
func Write(t testing.TB, rows int) (dir string) {
	t.Helper()
	dir = t.TempDir()
	rng := rand.New(rand.NewPCG(5, 6))
	for name, n := range map[string]int{"train.csv": rows, "test.csv": rows / 3} {
		var b strings.Builder
		b.WriteString("# label, x0..x4\n")
		for range n {
			x := make([]float64, 5)
			for j := range x {
				x[j] = 3 + 2*rng.NormFloat64()
			}
			y := 1.0
			if x[0]+x[1] < 6 {
				y = -1
			}
			fmt.Fprintf(&b, "%g,%g,%g,%g,%g,%g\n", y, x[0], x[1], x[2], x[3], x[4])
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
