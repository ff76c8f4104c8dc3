package transfer

import (
	"testing"

	"github.com/tlstat/tlstat/tlstat/rkgp"
)

// BenchmarkCumulantRisk times the transfer cumulant variant beside the
// scalar prediction it corrects, on the MNIST pair of the validation rows
// (P_s = 200, P_t = 50, 1000 test points, N = 200, gamma = 2) with the
// default 32768 draws: the cost the records and -variant cumulant pay per
// coupling.
func BenchmarkCumulantRisk(b *testing.B) {
	p, test := mnistSized(b, 200, 50, 1000, 200)
	s, err := NewSolver(p, nil)
	if err != nil {
		b.Fatal(err)
	}
	m, err := s.Fit(2)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("scalar", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := m.Risk(test); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cumulant", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := m.CumulantRisk(test, rkgp.CumulantSettings{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
