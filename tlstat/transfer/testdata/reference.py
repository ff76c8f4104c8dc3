"""Reference numbers for tlstat/transfer's TestPythonReference.

Run from the repository root:  TLSTAT_REFERENCE=DIR /usr/bin/python3 tlstat/transfer/testdata/reference.py
with DIR the directory of the independent Python reference implementation (theory.py, langevin.py,
mnist_task.py, bench.py), an independent numpy/scipy/torch implementation of the same theory and sampler,
not part of this repository. It builds the deterministic formula data of formulaData (transfer_test helpers)
and evaluates the reference's theory.py on it.
"""
import os
import sys

if not os.environ.get("TLSTAT_REFERENCE"):
    sys.exit("set TLSTAT_REFERENCE to the directory of the independent Python reference implementation "
             "(theory.py, langevin.py, mnist_task.py, bench.py)")
sys.path.insert(0, os.environ["TLSTAT_REFERENCE"])
import numpy as np  # noqa: E402
import theory  # noqa: E402


def formula_data(p, n0, phase, wphase):
    m = np.arange(p)[:, None]
    i = np.arange(n0)[None, :]
    x = np.sqrt(2.0) * np.cos(phase + 1.7 * m + 2.3 * i + 0.013 * m * i)
    w = np.cos(3.1 * np.arange(n0) + wphase)
    y = np.sign(x @ w)
    return x, y


N0 = 20
Xs, ys = formula_data(40, N0, 0.1, 0.0)
Xt, yt = formula_data(15, N0, 0.2, 0.4)
X0, y0 = formula_data(25, N0, 0.3, 0.4)
N, T, l0, l1 = 25, 0.2, 1.3, 1.4
np.set_printoptions(precision=17)
tt = theory.TransferTheory(N, T, l0, l1, "erf").fit_source(Xs, ys)
tt.set_target(Xt, yt, X0, y0)
print("q_s %.15g" % tt.q_s)
for r in tt.scan([0.0, 0.5, 2.0, 10.0]):
    print("gamma %g q_t %.15g q_st %.15g q_tt %.15g eps %.15g bias2 %.15g var %.15g" %
          (r["gamma"], r["q_t"], r["q_st"], r["q_tt"], r["eps"], r["bias2"], r["var"]))
for g in (0.5, 2.0):
    nn = tt.run_nngp(g)
    ro = tt.run_regularisation_only(g)
    print("gamma %g nngp %.15g regonly_qt %.15g regonly %.15g" % (g, nn["eps"], ro["q_t"], ro["eps"]))
