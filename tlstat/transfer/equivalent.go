package transfer

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/tlstat/tlstat/tlstat/data"
	"github.com/tlstat/tlstat/tlstat/rkgp"
	"gonum.org/v1/gonum/mat"

	"github.com/tlstat/tlstat/tlstat/fastblas"
)

// CurvePoint is one point of a scratch learning curve.
type CurvePoint struct {
	// P is the number of target training examples and Error the
	// single-network test error with them.
	P     int
	Error float64
}

// Equivalence is the data-equivalent value of transfer: how many target
// examples a network trained from scratch needs to reach a given error.
type Equivalence struct {
	// P is the interpolated number of target examples (linear interpolation
	// of the error in log P between the two bracketing curve points).
	P float64
	// Curve is the scratch learning curve used, ascending in P.
	Curve []CurvePoint
}

// DataEquivalent computes the single-network learning curve on the target
// task — the first P examples of pool for every P in sizes, each fitted with
// rkgp.Fit and evaluated on test — and returns the number of examples at
// which it reaches eps (typically the transferred error of Sweep's optimum).
// The data-equivalent gain of transfer is then Equivalence.P − P_t. The
// caller supplies a pool larger than the target training set, because the
// answer usually lies beyond P_t. Curve points are computed concurrently.
// It returns the curve and an error if eps lies outside the curve's range
// (the pool is then too small, or transfer does worse than the smallest P).
func DataEquivalent(pool, test *data.Dataset, net rkgp.Network, sizes []int, eps float64) (*Equivalence, error) {
	if err := pool.Validate(); err != nil {
		return nil, fmt.Errorf("transfer: pool: %w", err)
	}
	if err := checkTest(test, pool.Dim()); err != nil {
		return nil, err
	}
	if math.IsNaN(eps) || math.IsInf(eps, 0) {
		return nil, fmt.Errorf("transfer: target error must be finite, got %v", eps)
	}
	if len(sizes) < 2 {
		return nil, fmt.Errorf("transfer: need at least two learning-curve sizes, got %d", len(sizes))
	}
	for i, p := range sizes {
		if p <= 0 || p > pool.Len() {
			return nil, fmt.Errorf("transfer: learning-curve size %d is outside [1, %d] (the pool size)", p, pool.Len())
		}
		if i > 0 && p <= sizes[i-1] {
			return nil, fmt.Errorf("transfer: learning-curve sizes must increase, got %d after %d", p, sizes[i-1])
		}
	}
	curve := make([]CurvePoint, len(sizes))
	errs := make([]error, len(sizes))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	if len(sizes) > 1 && runtime.GOMAXPROCS(0) > 1 {
		defer fastblas.Parallel()()
	}
	for i, p := range sizes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			sub := &data.Dataset{X: subRows(pool, p), Y: pool.Y[:p]}
			fit, err := rkgp.Fit(sub, net, nil)
			if err != nil {
				errs[i] = fmt.Errorf("transfer: scratch fit at P = %d: %w", p, err)
				return
			}
			r, err := fit.Risk(test)
			if err != nil {
				errs[i] = err
				return
			}
			curve[i] = CurvePoint{P: p, Error: r.Total}
		}()
	}
	wg.Wait()
	out := &Equivalence{Curve: curve, P: math.NaN()}
	if err := errors.Join(errs...); err != nil {
		return out, err
	}
	for i := 1; i < len(curve); i++ {
		e0, e1 := curve[i-1].Error, curve[i].Error
		if (e0-eps)*(e1-eps) <= 0 && e0 != e1 {
			l0, l1 := math.Log(float64(curve[i-1].P)), math.Log(float64(curve[i].P))
			out.P = math.Exp(l0 + (l1-l0)*(eps-e0)/(e1-e0))
			return out, nil
		}
	}
	return out, fmt.Errorf("transfer: error %v is outside the scratch learning curve's range [%v at P = %d, %v at P = %d]; supply a larger pool or other sizes",
		eps, curve[len(curve)-1].Error, curve[len(curve)-1].P, curve[0].Error, curve[0].P)
}

// subRows returns a view of the first p rows of d.X.
func subRows(d *data.Dataset, p int) *mat.Dense {
	return d.X.Slice(0, p, 0, d.Dim()).(*mat.Dense)
}
