package langevin

import (
	"fmt"

	"github.com/tlstat/tlstat/tlstat/data"
)

// Run samples the posterior of net given the training set train and
// measures observables on the test set. A nil or empty train samples the
// prior; a nil test set leaves the test error NaN. Inputs must have the same
// dimension; bad inputs give an error naming the offending value.
func (s *Sampler) Run(net Network, train, test *data.Dataset) (*Result, error) {
	set, err := s.resolve()
	if err != nil {
		return nil, err
	}
	if err := checkData("training", train, 0, true); err != nil {
		return nil, err
	}
	n0 := train.Dim()
	if err := checkData("test", test, n0, true); err != nil {
		return nil, err
	}
	if n0 == 0 {
		n0 = test.Dim()
	}
	if n0 == 0 {
		return nil, fmt.Errorf("langevin: no training or test inputs to fix the input dimension")
	}
	if set.steps < set.thin {
		return nil, fmt.Errorf("langevin: Steps = %d is smaller than Thin = %d: nothing would be measured", set.steps, set.thin)
	}
	pr, err := newProblem(net, train, n0, 0, nil, s.FreezeFirstLayer)
	if err != nil {
		return nil, err
	}
	rngs := deriveRNGs(s.Src, set.chains+1)
	specs := make([]*chainSpec, set.chains)
	for i := range specs {
		p := newParams(pr.n, pr.n0)
		if s.Init != nil {
			s.Init(i, p.w, p.v)
		} else {
			priorDraw(p, pr.lambda0, pr.lambda1, rngs[i])
		}
		specs[i] = &chainSpec{pr: pr, init: p, steps: set.steps, rng: rngs[i], index: i}
		if test.Len() > 0 {
			specs[i].test = newTestSet(test.X, test.Y, pr.n)
		}
	}
	eta, lam, err := s.stepSize(pr, specs[0].init, rngs[set.chains])
	if err != nil {
		return nil, err
	}
	burn := set.burnInFor(pr, eta)
	for _, c := range specs {
		c.eta, c.burnIn = eta, burn
	}
	t := &tracker{cb: s.Progress, total: int64(set.chains) * int64(burn+set.steps)}
	t.setStage("single", 0)
	outs, err := runChains(specs, set, t, s.Observe)
	if err != nil {
		return nil, err
	}
	res := &Result{Method: set.method, Eta: eta, LambdaMax: lam, BurnIn: burn, Steps: set.steps, Thin: set.thin}
	res.Chains = make([]ChainResult, set.chains)
	acc := 0.0
	for i, o := range outs {
		res.Chains[i] = o.res
		acc += o.res.Acceptance
	}
	res.Acceptance = acc / float64(set.chains)
	res.TestError = estimate(res.Chains, 0)
	res.TrainError = estimate(res.Chains, 1)
	res.VNorm = estimate(res.Chains, 2)
	return res, nil
}
