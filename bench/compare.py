#!/usr/bin/env python3
"""Side-by-side timings of tlstat and the independent Python reference.

  make bench                                  # builds tlstat (pure Go and -tags openblas), runs this script
  python3 bench/compare.py --tlstat go=BIN [--tlstat openblas=BIN2] [options]

For every size and repetition the tlstat binaries and the reference run back
to back on the same inputs (the MNIST task pair of the reference's bench.py),
so each ratio tlstat/reference is measured under the same machine load. The
table shows medians over the repetitions: the stage times of each side and
the median of the per-repetition ratios (< 1: tlstat is faster; for Langevin
the ratio is of steps per second, > 1: tlstat is faster). Results are
checked to agree within --tol (default 1e-6, absolute) on q_s and, per
gamma, q_t, q_st, q_tt and the test error.

Environment:
  TLSTAT_REFERENCE  the directory of the independent Python reference
                    implementation (theory.py, langevin.py, mnist_task.py,
                    bench.py): an independent numpy/scipy/torch implementation
                    of the same theory and sampler, not part of this
                    repository; no default, it must be set
  PYTHON            the interpreter with numpy/scipy/torch (default /usr/bin/python3)
The reference side is skipped, with a message, when TLSTAT_REFERENCE is unset
or the directory or its Python modules are missing; tlstat's times are still
printed.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def run_json(cmd, timeout):
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - t0
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1]), wall


def reference_status(refdir, python):
    """(ok_theory, ok_torch, message)."""
    if refdir is None:
        return False, False, ("set TLSTAT_REFERENCE to the directory of the independent Python reference "
                              "implementation (theory.py, langevin.py, mnist_task.py, bench.py); reference skipped")
    if not os.path.isfile(os.path.join(refdir, "bench.py")):
        return False, False, f"reference not found at {refdir} (set TLSTAT_REFERENCE)"
    r = subprocess.run([python, "-c", "import numpy, scipy"], capture_output=True, text=True)
    if r.returncode != 0:
        return False, False, f"{python} lacks numpy/scipy (apt-get install python3-numpy python3-scipy)"
    r = subprocess.run([python, "-c", "import torch"], capture_output=True, text=True)
    msg = "" if r.returncode == 0 else f"{python} lacks torch: Langevin reference skipped"
    return True, r.returncode == 0, msg


def load():
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def med(x):
    x = [v for v in x if v is not None]
    return statistics.median(x) if x else None


def fmt_t(v):
    return "-" if v is None else (f"{v:.3g}" if v < 10 else f"{v:.1f}")


def agreement(tl, ref):
    """Largest absolute difference of q_s and, per gamma, q_t, q_st, q_tt, eps."""
    worst = abs(tl["q_s"] - ref["q_s"])
    what = "q_s"
    rr = {r["gamma"]: r for r in ref["results"]}
    for r in tl["results"]:
        o = rr.get(r["gamma"])
        if o is None:
            return float("inf"), f"gamma {r['gamma']} missing in the reference"
        for k in ("q_t", "q_st", "q_tt", "eps"):
            d = abs(r[k] - o[k])
            if d > worst:
                worst, what = d, f"{k} at gamma {r['gamma']}"
    return worst, what


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tlstat", action="append", required=True, metavar="NAME=BIN",
                    help="a tlstat binary to time (repeatable), e.g. go=/tmp/tlstat openblas=/tmp/tlstat-ob")
    ap.add_argument("--sizes", default="1000x200,1000x500,2000x200,2000x500,4000x200,4000x500",
                    help="comma-separated PSxPT transfer sizes")
    ap.add_argument("--single", default="1000,2000,4000", help="comma-separated P of the single-network stages ('' to skip)")
    ap.add_argument("--gammas", default="0,0.1,0.3,1,3,10,30,100,300,1000")
    ap.add_argument("--runs", type=int, default=3, help="repetitions (medians are reported)")
    ap.add_argument("--langevin", type=int, default=8, help="chains of the Langevin benchmark (0 to skip)")
    ap.add_argument("--skip", default="", help="comma-separated NAME:PS (or NAME:P) to skip, e.g. go:4000")
    ap.add_argument("--tol", type=float, default=1e-6)
    ap.add_argument("--timeout", type=float, default=3600)
    ap.add_argument("--json", help="also write all measurements to this file")
    a = ap.parse_args()

    bins = []
    for s in a.tlstat:
        name, _, path = s.partition("=")
        bins.append((name, path))
    skip = set(x for x in a.skip.split(",") if x)
    refdir = os.environ.get("TLSTAT_REFERENCE") or None
    if refdir is not None:
        refdir = os.path.abspath(refdir)
    python = os.environ.get("PYTHON", "/usr/bin/python3")
    ok_ref, ok_torch, msg = reference_status(refdir, python)
    if msg:
        print(f"note: {msg}")
    if ok_ref:
        print(f"reference: {refdir} ({python})")

    cpu = platform.processor()
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                cpu = line.split(":", 1)[1].strip()
    except OSError:
        pass
    print(f"machine: {cpu}, {os.cpu_count()} cores; load at start {load():.2f}")
    all_rows = []
    failures = []
    raw = []  # every JSON document, for the sub-stage times

    def table_header(cols):
        print("  ".join(f"{c:>14}" for c in cols))

    # ---- transfer pipeline ---------------------------------------------------------------
    sizes = [tuple(int(v) for v in s.split("x")) for s in a.sizes.split(",") if s]
    if sizes:
        print(f"\n== transfer pipeline (10 gammas: {a.gammas}), N = 1000, T = 0.05, erf, Ptest = 1000; "
              f"median of {a.runs} run(s); ratio = tlstat time / reference time")
    for ps, pt in sizes:
        meas = {name: [] for name, _ in bins}
        meas["reference"] = []
        loads = []
        agree = {}
        for rep in range(a.runs):
            loads.append(load())
            for name, path in bins:
                if f"{name}:{ps}" in skip:
                    continue
                out, _ = run_json([path, "bench", "transfer", "-ps", str(ps), "-pt", str(pt), "-gamma", a.gammas], a.timeout)
                meas[name].append(out)
                raw.append(dict(side=name, kind="transfer", size=f"{ps}/{pt}", out=out))
            if ok_ref:
                out, _ = run_json([python, os.path.join(refdir, "bench.py"), "transfer", str(ps), str(pt), a.gammas], a.timeout)
                meas["reference"].append(out)
                raw.append(dict(side="reference", kind="transfer", size=f"{ps}/{pt}", out=out))
                for name, _ in bins:
                    if meas[name]:
                        agree[name] = agreement(meas[name][-1], out)
        for stage in ("kernel+source", "transfer_sweep", "total"):
            ref_t = [m["times"][stage] for m in meas["reference"]]
            row = dict(kind="transfer", size=f"{ps}/{pt}", stage=stage, load=med(loads), reference=med(ref_t))
            for name, _ in bins:
                ts = [m["times"][stage] for m in meas[name]]
                row[name] = med(ts)
                if ref_t and ts:
                    row[f"ratio_{name}"] = med([t / r for t, r in zip(ts, ref_t)])
            all_rows.append(row)
        for name, (d, what) in agree.items():
            status = "OK" if d <= a.tol else "MISMATCH"
            if d > a.tol:
                failures.append(f"{name} {ps}/{pt}: {d:.2e} ({what})")
            print(f"  agreement {name} vs reference at {ps}/{pt}: max |diff| = {d:.2e} ({what}) {status} (tol {a.tol:g})")
        print_rows([r for r in all_rows if r["kind"] == "transfer" and r["size"] == f"{ps}/{pt}"], bins)

    # ---- single network stages ------------------------------------------------------------------
    singles = [int(v) for v in a.single.split(",") if v]
    if singles:
        print(f"\n== single network on the source task (N = 1000, T = 0.05), median of {a.runs} run(s)")
    for p in singles:
        meas = {name: [] for name, _ in bins}
        meas["reference"] = []
        loads = []
        for rep in range(a.runs):
            loads.append(load())
            for name, path in bins:
                if f"{name}:{p}" in skip:
                    continue
                out, _ = run_json([path, "bench", "single", "-p", str(p)], a.timeout)
                meas[name].append(out)
                raw.append(dict(side=name, kind="single", size=str(p), out=out))
            if ok_ref:
                out, _ = run_json([python, os.path.join(HERE, "ref_single.py"), refdir, str(p)], a.timeout)
                meas["reference"].append(out)
                raw.append(dict(side="reference", kind="single", size=str(p), out=out))
        for stage in ("gram+kernel", "eigen", "single_fit", "predict"):
            ref_t = [m["times"][stage] for m in meas["reference"]]
            row = dict(kind="single", size=str(p), stage=stage, load=med(loads), reference=med(ref_t))
            for name, _ in bins:
                ts = [m["times"][stage] for m in meas[name]]
                row[name] = med(ts)
                if ref_t and ts:
                    row[f"ratio_{name}"] = med([t / r for t, r in zip(ts, ref_t)])
            all_rows.append(row)
        print_rows([r for r in all_rows if r["kind"] == "single" and r["size"] == str(p)], bins)

    # ---- Langevin ----------------------------------------------------------------------------------
    if a.langevin > 0:
        print(f"\n== Langevin (ULA), N0 = 196, N = 400, P = 400, {a.langevin} chains: steps/s (higher is better); "
              f"ratio = tlstat steps/s / torch steps/s")
        # tlstat in float64 against torch float64 and with -float32 (the network's passes in single
        # precision) against torch float32, all back to back within each repetition.
        meas = {prec: {name: [] for name, _ in bins} for prec in ("64", "32")}
        ref64, ref32, loads = [], [], []
        for rep in range(a.runs):
            loads.append(load())
            for name, path in bins:
                for prec, extra in (("64", []), ("32", ["-float32"])):
                    out, _ = run_json([path, "bench", "langevin", "-chains", str(a.langevin)] + extra, a.timeout)
                    meas[prec][name].append(out["steps_per_s"])
            if ok_torch:
                out, _ = run_json([python, os.path.join(refdir, "bench.py"), "langevin", str(a.langevin)], a.timeout)
                for o in out:
                    (ref64 if "64" in o["dtype"] else ref32).append(o["steps_per_s"])
        for ref, prec, label in ((ref64, "64", "float64 vs torch float64"), (ref32, "32", "float32 vs torch float32")):
            row = dict(kind="langevin", size=f"{a.langevin} chains", stage=label, load=med(loads), reference=med(ref))
            for name, _ in bins:
                m = meas[prec][name]
                row[name] = med(m)
                if ref and m:
                    row[f"ratio_{name}"] = med([t / r for t, r in zip(m, ref)])
            all_rows.append(row)
        print_rows([r for r in all_rows if r["kind"] == "langevin"], bins)

    print(f"\nload at end {load():.2f}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(dict(rows=all_rows, failures=failures, machine=cpu, raw=raw), f, indent=1)
    if failures:
        print("RESULTS DISAGREE:", "; ".join(failures))
        sys.exit(1)


def print_rows(rows, bins):
    cols = ["size", "stage", "load"] + [f"{n} (s)" for n, _ in bins] + ["reference (s)"] + [f"ratio {n}" for n, _ in bins]
    widths = [10, 26, 6] + [15] * (len(cols) - 3)
    print("  " + "".join(f"{c:>{w}}" for c, w in zip(cols, widths)))
    for r in rows:
        vals = [r["size"], r["stage"], f"{r['load']:.1f}"] + [fmt_t(r.get(n)) for n, _ in bins] + [fmt_t(r["reference"])]
        vals += ["-" if r.get(f"ratio_{n}") is None else f"{r[f'ratio_{n}']:.3f}" for n, _ in bins]
        print("  " + "".join(f"{v:>{w}}" for v, w in zip(vals, widths)))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
