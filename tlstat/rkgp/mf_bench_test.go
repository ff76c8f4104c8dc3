package rkgp

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/kernel"
)

// BenchmarkMatrixFreeSweep times one pass of the matrix-free kernel product
// K V on MNIST, even vs odd digits, pool 2, with 17 vectors (the Lanczos
// block of 16 probes and y) and with 256 (a batch of test points), and
// reports the process's CPU seconds per pass (cpu-s/op: user + system, all
// threads; wall time misleads on a shared machine). P is 4000, or the value
// of TLSTAT_SWEEP_P (up to 60000, every training image), e.g.
//
//	TLSTAT_SWEEP_P=60000 go test -run '^$' -bench MatrixFreeSweep -benchtime 1x ./tlstat/rkgp/
func BenchmarkMatrixFreeSweep(b *testing.B) {
	p := 4000
	if s := os.Getenv("TLSTAT_SWEEP_P"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			b.Fatalf("TLSTAT_SWEEP_P = %q: want a positive integer", s)
		}
		p = v
	}
	train, _, err := data.MNISTTask([]int{0, 2, 4, 6, 8}, []int{1, 3, 5, 7, 9}, p, 10, 2)
	if err != nil {
		b.Fatal(err)
	}
	k := newMFKernel(train.X, kernel.Erf, 1, 512)
	for _, nc := range []int{17, 256} {
		b.Run(fmt.Sprintf("P=%d/vectors=%d", p, nc), func(b *testing.B) {
			v := mat.NewDense(p, nc, nil)
			for i := 0; i < p; i++ {
				v.Set(i, i%nc, 1)
			}
			dst := mat.NewDense(p, nc, nil)
			c0 := cpuSeconds()
			b.ResetTimer()
			for range b.N {
				if err := k.mul(dst, v); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpuSeconds()-c0)/float64(b.N), "cpu-s/op")
		})
	}
}

// cpuSeconds returns the user + system CPU time of the process.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
