#!/usr/bin/env python3
"""Independent check of a tlstat Langevin row with the Python reference sampler.

  TLSTAT_REFERENCE=DIR /usr/bin/python3 bench/ref_langevin.py [N P T ETA BURN STEPS CHAINS SEED THREADS]

DIR is the directory of the independent Python reference implementation (theory.py, langevin.py, mnist_task.py,
bench.py): an independent numpy/scipy/torch implementation of the same theory and sampler, not part of this
repository. TLSTAT_REFERENCE has no default; the script exits with a message when it is unset or wrong.

Samples the MNIST source task {0,2,4,6} vs {1,3,5,7} (2x2 pooling, 1000 test images) with the reference's
torch sampler (Leimkuhler-Matthews scheme: the paper's update with averaged noise, O(eta^2) bias on averages,
exact stationary variance for harmonic modes), starting from the prior, and prints one JSON object: the test
error and |v|^2/N averaged over the measured steps with standard errors across chains, and the means of the
first and second half of the measured steps (equal when the chains are stationary). Compare with
`tlstat simulate single -n N -p P -t T -compare -json` (docs/validation.md). Defaults: N = P = 400, T = 0.05,
eta = 0.004, 10000 burn-in and 18000 total steps, 4 chains, seed 7, 1 torch thread.
"""
import json
import os
import sys
import time

REF = os.environ.get("TLSTAT_REFERENCE")
if not REF:
    sys.exit("set TLSTAT_REFERENCE to the directory of the independent Python reference implementation "
             "(theory.py, langevin.py, mnist_task.py, bench.py)")
if not os.path.isfile(os.path.join(REF, "langevin.py")):
    sys.exit(f"reference not found at {REF} (set TLSTAT_REFERENCE)")
sys.path.insert(0, REF)

defaults = [400, 400, 0.05, 0.004, 10000, 18000, 4, 7, 1]
args = [type(d)(a) for d, a in zip(defaults, sys.argv[1:])] + defaults[len(sys.argv) - 1:]
n, p, t, eta, burn, total, chains, seed, threads = args

import torch  # noqa: E402

torch.set_num_threads(threads)
from langevin import LangevinSampler  # noqa: E402
from mnist_task import task  # noqa: E402

X, y, Xt, yt = task([0, 2, 4, 6], [1, 3, 5, 7], p, 1000, 2)
s = LangevinSampler(X, y, n, t, chains=chains, eta=eta, seed=seed, Xtest=Xt, ytest=yt, scheme="lm")
s.burn = burn
t0 = time.time()
s.run(total, every=50)
out = s.summary()[0]
out.update(n=n, p=p, t=t, eta=eta, burnin=burn, steps=total - burn, chains=chains, seed=seed, scheme="lm",
           seconds=round(time.time() - t0, 1))
print(json.dumps(out))
