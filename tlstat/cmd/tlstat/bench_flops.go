package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/gonum/mat"
)

// dgemmRate returns the rate in GFLOP/s of C = A B for 1000×1000 matrices
// (2·1000³ flops) with the backend in use, the best of 3: the computation
// of fastblas.BenchmarkDgemm at n = 1000, the machine's dense peak with
// that backend.
func dgemmRate() float64 {
	const n = 1000
	a, b := mat.NewDense(n, n, nil), mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			a.Set(i, j, math.Sin(float64(i*n+j)))
			b.Set(i, j, math.Cos(float64(i*n+j)))
		}
	}
	var c mat.Dense
	best := 0.0
	for range 3 {
		start := time.Now()
		c.Mul(a, b)
		best = max(best, 2*n*n*n/time.Since(start).Seconds()/1e9)
	}
	return best
}

// benchFlops prints, for each transfer size, each stage's flop count and
// its rate in pure Go and with OpenBLAS against each backend's DGEMM rate:
// it runs "tlstat bench transfer -peak" of this executable with
// TLSTAT_BLAS=gonum (and -flops) and then with OpenBLAS, back to back for
// every size and repetition.
func benchFlops(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench flops", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sizes := fs.String("sizes", "2000x500,4000x500", "comma-separated P_sxP_t")
	runs := fs.Int("runs", 1, "back-to-back repetitions (medians)")
	if help, err := parseBenchFlags(fs, args); help || err != nil {
		return err
	}
	if *runs <= 0 {
		return fmt.Errorf("-runs must be positive, got %d", *runs)
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	type side struct {
		outs  []benchTransferOut
		loads []float64
	}
	child := func(env string, extra ...string) (benchTransferOut, error) {
		var out benchTransferOut
		cmd := exec.Command(exe, append([]string{"bench", "transfer"}, extra...)...)
		cmd.Env = append(os.Environ(), env)
		var so bytes.Buffer
		cmd.Stdout, cmd.Stderr = &so, stderr
		if err := cmd.Run(); err != nil {
			return out, fmt.Errorf("%s tlstat bench transfer %s: %w", env, strings.Join(extra, " "), err)
		}
		return out, json.Unmarshal(so.Bytes(), &out)
	}
	fmt.Fprintf(stdout, "Transfer pipeline (MNIST pair of tlstat bench transfer, N = 1000, 10 γ), pure Go and OpenBLAS back to back, "+
		"%d repetition(s) (medians). GFLOP = flops of the stage's BLAS calls counted in pure Go (fastblas.FlopCounter; "+
		"the same algorithm runs with OpenBLAS); %% of peak = the stage's rate over the 1000×1000 DGEMM rate of the same "+
		"backend measured in the same process.\n\n", *runs)
	fmt.Fprintln(stdout, "| P_s/P_t | stage | GFLOP | load | pure Go (s) | pure Go GFLOP/s | % of pure-Go DGEMM | OpenBLAS (s) | OpenBLAS GFLOP/s | % of OpenBLAS DGEMM |")
	fmt.Fprintln(stdout, "|---|---|---|---|---|---|---|---|---|---|")
	var peaks [2][]float64
	for _, sz := range strings.Split(*sizes, ",") {
		ps, pt, ok := strings.Cut(strings.TrimSpace(sz), "x")
		if _, e1 := strconv.Atoi(ps); !ok || e1 != nil {
			return fmt.Errorf("-sizes: %q is not P_sxP_t", sz)
		}
		if _, e2 := strconv.Atoi(pt); e2 != nil {
			return fmt.Errorf("-sizes: %q is not P_sxP_t", sz)
		}
		var sides [2]side
		for r := range *runs {
			for k, env := range []string{"TLSTAT_BLAS=gonum", "TLSTAT_BLAS=openblas"} {
				extra := []string{"-ps", ps, "-pt", pt, "-peak"}
				if k == 0 {
					extra = append(extra, "-flops")
				}
				load := loadAverage()
				out, err := child(env, extra...)
				if err != nil {
					return err
				}
				if k == 1 && !strings.HasPrefix(out.Backend, "OpenBLAS") {
					return fmt.Errorf("OpenBLAS is not available: %s", out.Backend)
				}
				sides[k].outs = append(sides[k].outs, out)
				sides[k].loads = append(sides[k].loads, load)
				peaks[k] = append(peaks[k], out.DgemmGFlops)
				fmt.Fprintf(stderr, "%s/%s run %d %s: total %.2f s, DGEMM %.2f GFLOP/s\n", ps, pt, r+1, env, out.Times["total"], out.DgemmGFlops)
			}
		}
		for _, st := range []struct{ name, key, sub string }{
			{"source: kernel, reduction, saddle", "kernel+source", ""},
			{"transfer setup", "transfer_setup", ""},
			{"sweep (10 γ, predictions, baselines)", "transfer_sweep", "transfer_setup"},
			{"**total**", "total", ""},
		} {
			stage := func(o benchTransferOut) float64 {
				t := o.Times[st.key]
				if st.sub != "" {
					t -= o.Times[st.sub]
				}
				return t
			}
			f := sides[0].outs[0].Flops[st.key]
			if st.sub != "" {
				f -= sides[0].outs[0].Flops[st.sub]
			}
			gf := float64(f) / 1e9
			fmt.Fprintf(stdout, "| %s/%s | %s | %.3g | %.1f", ps, pt, st.name, gf, median(append(sides[0].loads, sides[1].loads...)))
			for k := range sides {
				var ts, rates []float64
				for _, o := range sides[k].outs {
					ts = append(ts, stage(o))
					rates = append(rates, gf/stage(o)/o.DgemmGFlops)
				}
				t := median(ts)
				fmt.Fprintf(stdout, " | %.3g | %.3g | %.0f%%", t, gf/t, 100*median(rates))
			}
			fmt.Fprintln(stdout, " |")
		}
	}
	fmt.Fprintf(stdout, "\nDGEMM n = 1000 (best of 3 in each process; median over processes): pure Go %.2f GFLOP/s, OpenBLAS %.2f GFLOP/s.\n",
		median(peaks[0]), median(peaks[1]))
	return nil
}
