#!/usr/bin/python3
"""Reference values for the convergence diagnostics of diagnostics.go.

Regenerate diagnostics_reference.json (byte-identical output) from the
directory tlstat/langevin/testdata with

    python3 diagnostics_reference.py > diagnostics_reference.json

It needs numpy and scipy (Debian: apt-get install python3-numpy
python3-scipy); it was last run with numpy 1.24.2 and scipy 1.10.1.

The draws are generated here with numpy's PCG64 generator and a fixed seed,
rounded to 6 decimals and stored in the JSON together with the expected
values, so the Go test does not depend on this script being run.

The diagnostics are computed independently of the Go code, from the
description in Vehtari, Gelman, Simpson, Carpenter and Bürkner (2021),
"Rank-normalization, folding, and localization: an improved R-hat for
assessing convergence of MCMC", Bayesian Analysis 16(2):667-718, and the
conventions of ArviZ (arviz/stats/diagnostics.py) and the posterior R
package (R/convergence.R):

  * chains of different lengths keep their last n draws, n the shortest;
  * split chains: first and last floor(n/2) draws (the middle one is dropped
    when n is odd);
  * rank normalization over all split draws: average ranks r for ties,
    z = Phi^-1((r - 3/8) / (S + 1/4)) (Blom's offsets, S - 2*3/8 + 1);
  * R-hat of the split chains: sqrt((B/W + h - 1)/h), B = h * var(means),
    W = mean of the chain variances (both with ddof = 1);
  * rank R-hat: max of the R-hat of the rank-normalized split draws (bulk) and
    of the rank-normalized split |x - median(x)| (tail), the median taken
    over all n*m draws before splitting;
  * ESS: autocovariances with the 1/h normalization, computed here by direct
    summation (the Go code uses the FFT), combined over chains, Geyer's
    initial positive sequence evaluated on lag pairs up to lag h - 2, the
    initial monotone sequence, the "antithetic" last even lag, and the cap
    tau >= 1/log10(S);
  * tail ESS: min over p in (0.05, 0.95) of the ESS of the split indicator
    I(x <= q_p), q_p the linearly interpolated (R type 7, numpy default)
    quantile of all draws; the indicator is not rank-normalized;
  * mean ESS: ESS of the raw split draws; MCSE = sd(ddof=1) / sqrt(ess_mean).
"""

import json
import sys

import numpy as np
from scipy import stats

DECIMALS = 6


def common(chains):
    n = min(len(c) for c in chains)
    return np.array([np.asarray(c, dtype=float)[len(c) - n:] for c in chains])


def halves(x):
    h = x.shape[1] // 2
    return np.concatenate([x[:, :h], x[:, x.shape[1] - h:]], axis=0)


def normal_scores(x):
    r = stats.rankdata(x.ravel(), method="average")
    s = r.size
    return stats.norm.ppf((r - 0.375) / (s + 0.25)).reshape(x.shape)


def rhat_split(y):
    h = y.shape[1]
    b = h * np.var(y.mean(axis=1), ddof=1)
    w = np.mean(np.var(y, axis=1, ddof=1))
    return float(np.sqrt((b / w + h - 1) / h))


def autocov_direct(c):
    h = c.size
    d = c - c.mean()
    return np.array([np.dot(d[: h - t], d[t:]) / h for t in range(h)])


def ess(y):
    """ESS of equal-length chains y (rows), written in lag form."""
    y = np.asarray(y, dtype=float)
    if y.max() == y.min():
        return float("nan")
    m, h = y.shape
    gamma = np.mean([autocov_direct(c) for c in y], axis=0)
    w = gamma[0] * h / (h - 1)
    vplus = w * (h - 1) / h
    if m > 1:
        vplus += np.var(y.mean(axis=1), ddof=1)
    rho = np.zeros(h)
    rho[0] = 1.0
    rho[1] = 1.0 - (w - gamma[1]) / vplus
    last_even, last_odd = rho[0], rho[1]
    lag = 2  # even lag of the next pair
    # Positive sequence: keep pairs while the previous pair sum is positive
    # and the pair's odd lag is at most h - 2.
    while lag + 1 <= h - 2 and last_even + last_odd > 0:
        e = 1.0 - (w - gamma[lag]) / vplus
        o = 1.0 - (w - gamma[lag + 1]) / vplus
        if e + o >= 0:
            rho[lag], rho[lag + 1] = e, o
        last_even, last_odd = e, o
        lag += 2
    end = lag - 2  # even lag of the last pair examined
    if last_even > 0:
        rho[end] = last_even
    # Monotone sequence over the complete pairs before the last one.
    for k in range(2, end, 2):
        if rho[k] + rho[k + 1] > rho[k - 2] + rho[k - 1]:
            rho[k] = rho[k + 1] = (rho[k - 2] + rho[k - 1]) / 2
    s = m * h
    tau = -1.0 + 2.0 * rho[:end].sum() + rho[end]
    tau = max(tau, 1.0 / np.log10(s))
    return float(s / tau)


def diagnostics(chains):
    x = common(chains)
    split = halves(x)
    bulk = rhat_split(normal_scores(split))
    tail = rhat_split(normal_scores(halves(np.abs(x - np.median(x)))))
    ess_tail = min(ess(halves((x <= np.quantile(x, p)).astype(float))) for p in (0.05, 0.95))
    ess_mean = ess(split)
    sd = float(np.std(x, ddof=1))
    return {
        "mean": float(np.mean(x)),
        "sd": sd,
        "rhat_bulk": bulk,
        "rhat_tail": tail,
        "rhat": max(bulk, tail),
        "ess_bulk": ess(normal_scores(split)),
        "ess_tail": ess_tail,
        "ess_mean": ess_mean,
        "mcse": sd / float(np.sqrt(ess_mean)),
    }


def ar1(rng, n, phi):
    x = np.empty(n)
    x[0] = rng.standard_normal()
    s = np.sqrt(1 - phi * phi)
    for i in range(1, n):
        x[i] = phi * x[i - 1] + s * rng.standard_normal()
    return x


def cases():
    rng = np.random.Generator(np.random.PCG64(20210401))
    out = []

    def add(name, description, chains):
        chains = [[round(float(v), DECIMALS) for v in c] for c in chains]
        out.append({"name": name, "description": description, "chains": chains})

    add("ar1", "4 AR(1) chains, phi = 0.9, unit stationary variance, n = 1000",
        [ar1(rng, 1000, 0.9) for _ in range(4)])
    add("iid", "4 chains of independent standard normal draws, n = 500",
        [rng.standard_normal(500) for _ in range(4)])
    add("unmixed", "4 chains of standard normal draws, n = 500, chains 3 and 4 shifted by +1",
        [rng.standard_normal(500) + (1.0 if i >= 2 else 0.0) for i in range(4)])
    add("student_t", "4 chains of independent Student-t draws, df = 3, n = 500",
        [rng.standard_t(3, 500) for _ in range(4)])
    add("lengths", "4 AR(1) chains, phi = 0.5, lengths 1000, 873, 1201, 655 (odd common length)",
        [ar1(rng, n, 0.5) for n in (1000, 873, 1201, 655)])
    add("trend", "4 chains of standard normal draws, n = 500; chain 2 adds a linear trend from 0 to 2",
        [rng.standard_normal(500) + (np.linspace(0, 2, 500) if i == 1 else 0.0) for i in range(4)])
    add("ties", "4 AR(1) chains, phi = 0.7, n = 301, rounded to integers after scaling by 2",
        [np.round(2 * ar1(rng, 301, 0.7)) for _ in range(4)])
    add("stuck", "4 chains, n = 500: 3 of standard normal draws and one stuck at 0.3",
        [rng.standard_normal(500) if i < 3 else np.full(500, 0.3) for i in range(4)])
    i = np.arange(100)
    add("example", "ExampleDiagnose: chain c (0..3) is sin(0.7 i + c) + 0.5 sin(2.3 i + 1.1 c), i = 0..99",
        [np.sin(0.7 * i + c) + 0.5 * np.sin(2.3 * i + 1.1 * c) for c in range(4)])
    for c in out:
        c["expected"] = diagnostics(c["chains"])
    return out


def main():
    w = sys.stdout.write
    w("{\n")
    w(' "source": "testdata/diagnostics_reference.py (numpy %s, scipy %s)",\n'
      % (np.__version__, __import__("scipy").__version__))
    w(' "cases": [\n')
    all_cases = cases()
    for k, c in enumerate(all_cases):
        w("  {\n")
        w('   "name": %s,\n' % json.dumps(c["name"]))
        w('   "description": %s,\n' % json.dumps(c["description"]))
        w('   "expected": %s,\n' % json.dumps(c["expected"], sort_keys=True))
        w('   "chains": [\n')
        for j, ch in enumerate(c["chains"]):
            w("    " + json.dumps(ch, separators=(",", ":")) + ("," if j + 1 < len(c["chains"]) else "") + "\n")
        w("   ]\n")
        w("  }" + ("," if k + 1 < len(all_cases) else "") + "\n")
    w(" ]\n}\n")


if __name__ == "__main__":
    main()
