"""Single-network stage timings of the independent Python reference (theory.py).

  python3 ref_single.py REFDIR P     # JSON on stdout, the stages of `tlstat bench single -p P`

Times the reference's own functions on the source task of bench.py (MNIST
{0,2,4,6} vs {1,3,5,7}, pool 2, 1000 test points, standardized with the
training scalars): gram+kernel (theory.kernel_matrix), eigen
(scipy.linalg.eigh of that kernel), single_fit (SingleNetTheory.fit: kernel,
eigh, saddle) and predict (SingleNetTheory.test_error on the test set).
Nothing here re-implements the theory; it only calls the reference.
"""
import json
import sys
import time


def main():
    refdir, p = sys.argv[1], int(sys.argv[2])
    sys.path.insert(0, refdir)
    from scipy import linalg
    from mnist_task import task
    from theory import SingleNetTheory, kernel_matrix

    X, y, X0, y0 = task([0, 2, 4, 6], [1, 3, 5, 7], p, 1000, 2)
    t = {}
    t0 = time.perf_counter()
    K = kernel_matrix(X, 1.0, "erf")
    t["gram+kernel"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    linalg.eigh(K)
    t["eigen"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    sn = SingleNetTheory(1000, 0.05, 1.0, 1.0, "erf").fit(X, y)
    t["single_fit"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    eps = sn.test_error(X0, y0)[0]
    t["predict"] = time.perf_counter() - t0
    print(json.dumps(dict(P=p, times=t, q=float(sn.Q), eps=eps)))


if __name__ == "__main__":
    main()
