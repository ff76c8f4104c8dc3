package langevin

import (
	"math/rand/v2"
	"testing"

	"github.com/tlstat/tlstat/tlstat/data"
)

// benchTask is the reference benchmark's set-up (bench.py langevin): the
// MNIST task {0,2,4,6} vs {1,3,5,7}, P = 400, 2×2 pooling (N0 = 196),
// standardized; N = 400, T = 0.05, λ0 = λ1 = 1, erf, η = 1e-3.
func benchTask(b *testing.B) (*data.Dataset, Network) {
	train, _, err := data.MNISTTask([]int{0, 2, 4, 6}, []int{1, 3, 5, 7}, 400, 10, 2)
	if err != nil {
		b.Skipf("MNIST not available: %v", err)
	}
	return train, Network{N: 400, T: 0.05, Lambda0: 1, Lambda1: 1}
}

func benchmarkChains(b *testing.B, m Method, chains int) {
	train, net := benchTask(b)
	s := &Sampler{Method: m, Chains: chains, Steps: b.N, BurnIn: -1, Thin: b.N, Eta: 1e-3, FixedStep: true,
		ProgressEvery: b.N, Src: rand.NewPCG(1, 1)}
	b.ResetTimer()
	if _, err := s.Run(net, train, nil); err != nil {
		b.Fatal(err)
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N)/sec, "steps/s")
	b.ReportMetric(float64(chains*b.N)/sec, "chain-steps/s")
}

// BenchmarkULA8 measures steps per second of 8 parallel ULA chains at
// N0 = 196, N = 400, P = 400 (one step advances all 8 chains).
func BenchmarkULA8(b *testing.B) { benchmarkChains(b, ULA, 8) }

// BenchmarkMALA8 is BenchmarkULA8 with MALA.
func BenchmarkMALA8(b *testing.B) { benchmarkChains(b, MALA, 8) }

// BenchmarkULA1 measures one chain alone (Gemm's own parallelism only).
func BenchmarkULA1(b *testing.B) { benchmarkChains(b, ULA, 1) }
