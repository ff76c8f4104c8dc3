# tlstat developer targets. `make test` is what CI runs (.ci/run).
#
#   make test       install what the tests need (if missing), then go test ./... (OpenBLAS) and -short in pure Go
#   make setup      only the install part: Jupyter, Fashion-MNIST and LaTeX (apt), gonb + goimports, the gonb kernel,
#                   Chromium, the classic Notebook server and MathJax (apt) for the browser test
#   make notebooks  setup, then execute every notebook headlessly (go test ./notebooks/), then run each
#                   in headless Chromium through a Notebook server (TestBrowserNotebooks; every
#                   notebook, or with TLSTAT_BROWSER_NOTEBOOKS=00,05 those whose names start with 00 or 05)
#   make notebooks-render
#                   setup, then re-execute every notebook and store it in place with its
#                   outputs (NB=04 renders only the notebooks whose names match 04)
#   make short      go test -short ./... (fast; skips the notebooks and slow cases)
#   make vet        gofmt check, no machine paths or work items in tracked files, go vet (with notebooks/deps.go)
#   make demo       the main job: go run ./tlstat/cmd/tlstat demo
#   make bench      tlstat (pure Go and OpenBLAS) vs the Python reference: ratio table
#   make slurm-test end-to-end test of tlstat study slurm on a one-node Slurm started here
#                   (installs slurm-wlm and munge if missing; not part of make test);
#                   its log goes to docs/validation/slurm_e2e.log
#   make validity   after new runs of bench/validation.sh or bench/validitymap.sh: recompute
#                   the records' theory columns, the embedded validity map, its figures and
#                   the tables of docs/validation.md

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test

GO ?= go
TEST_TIMEOUT ?= 40m
TEST_FLAGS ?=

# go install puts gonb and goimports in GOBIN, or else the first GOPATH entry's
# bin; the GoNB kernel finds go and goimports through PATH.
GO_BIN_DIR := $(shell d="$$($(GO) env GOBIN)"; [ -n "$$d" ] || d="$$($(GO) env GOPATH | cut -d: -f1)/bin"; echo "$$d")
export PATH := $(GO_BIN_DIR):$(PATH)

# Debian's Jupyter, never a python environment that happens to come first on PATH.
JUPYTER := /usr/bin/jupyter
PYTHON := /usr/bin/python3
JUPYTER_PKGS := jupyter-nbconvert jupyter-client
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_GET := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=600

VALIDITY_RECORDS = $(wildcard docs/validation/hmc/*.json docs/validation/map/*.json)
VALIDITY_SOURCE = converged HMC runs of docs/validation/hmc and docs/validation/map (bench/validation.sh, bench/validitymap.sh)

.PHONY: validity
# In pure Go (TLSTAT_BLAS=gonum), so that the stored theory columns (the
# Gaussian-equivalence check is a Monte Carlo run) do not change with the machine's BLAS.
validity: export TLSTAT_BLAS = gonum
validity:
	$(GO) run ./tlstat/cmd/tlstat simulate theory $(VALIDITY_RECORDS)
	$(GO) run ./tlstat/cmd/tlstat simulate map -source "$(VALIDITY_SOURCE)" -o tlstat/study/validity.json \
	    -figure docs/validation/map.svg $(VALIDITY_RECORDS)
	$(GO) run ./tlstat/cmd/tlstat simulate table -update docs/validation.md

.PHONY: slurm-test
# Not part of make test: starts Slurm daemons (and munged) as root.
slurm-test:
	APT_GET="$(APT_GET)" bash bench/slurm_e2e.sh 2>&1 | tee docs/validation/slurm_e2e.log

.PHONY: test setup setup-openblas setup-jupyter setup-tools setup-kernel setup-data setup-latex setup-browser notebooks short vet demo bench notebooks-render

test: setup setup-openblas
	$(GO) test -timeout $(TEST_TIMEOUT) $(TEST_FLAGS) ./...
	TLSTAT_BLAS=gonum $(GO) test -short -timeout $(TEST_TIMEOUT) $(TEST_FLAGS) ./tlstat/...

# Debian's OpenBLAS runtime library, which tlstat loads at run time without
# cgo (package fastblas): installed only when missing. Without it tlstat runs
# in pure Go, several times slower, and says so.
setup-openblas:
	@if /sbin/ldconfig -p 2>/dev/null | grep -q 'libopenblas\.so\.0 '; then echo "setup: OpenBLAS present"; \
	else echo "setup: installing libopenblas0 with apt"; $(APT_GET) update; \
	  $(APT_GET) install --no-install-recommends libopenblas0; fi

setup: setup-jupyter setup-tools setup-kernel setup-data setup-latex setup-browser

# Chromium, the classic Jupyter Notebook server and MathJax (LaTeX rendered
# offline) from Debian, for the test that runs the notebooks in a browser
# (notebooks/webui_test.go): installed only when missing.
BROWSER_PKGS := chromium jupyter-notebook libjs-mathjax
setup-browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/jupyter-notebook ] && \
	    [ -f /usr/share/javascript/mathjax/MathJax.js ]; then \
	  echo "setup: chromium, jupyter-notebook and MathJax present"; \
	else echo "setup: installing $(BROWSER_PKGS) with apt"; $(APT_GET) update; \
	  $(APT_GET) install --no-install-recommends $(BROWSER_PKGS); fi

# pdflatex and the pgf package from Debian, for the test that compiles the
# report's PDF and PGF figures in a LaTeX document (tlstat/report): installed
# only when missing.
setup-latex:
	@if command -v pdflatex >/dev/null 2>&1 && kpsewhich pgf.sty >/dev/null 2>&1; then \
	  echo "setup: pdflatex and pgf present"; \
	else echo "setup: installing texlive-latex-base and texlive-pictures with apt"; $(APT_GET) update; \
	  $(APT_GET) install --no-install-recommends texlive-latex-base texlive-pictures; fi

# Fashion-MNIST from Debian (the IDX files under /usr/share/datasets/fashion-mnist,
# read by tlstat -dataset fashion): installed only when missing.
setup-data:
	@if [ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then \
	  echo "setup: Fashion-MNIST present"; \
	else echo "setup: installing dataset-fashion-mnist with apt"; $(APT_GET) update; \
	  $(APT_GET) install --no-install-recommends dataset-fashion-mnist; fi

# Jupyter (nbconvert + client) from Debian: installed only when missing.
setup-jupyter:
	@if [ -x /usr/bin/jupyter-nbconvert ] && [ -x $(JUPYTER) ] && \
	    $(PYTHON) -c 'import nbconvert, nbclient, jupyter_client' 2>/dev/null; then \
	  echo "setup: Jupyter nbconvert present"; \
	else \
	  echo "setup: installing $(JUPYTER_PKGS) with apt"; \
	  $(APT_GET) update; \
	  $(APT_GET) install --no-install-recommends $(JUPYTER_PKGS); \
	  $(PYTHON) -c 'import nbconvert, nbclient, jupyter_client'; \
	fi

# gonb and goimports at the versions pinned by the tool directive in go.mod.
# Up to date binaries are skipped by the build cache, so this is cheap to repeat.
setup-tools:
	@$(GO) install tool
	@test -x "$(GO_BIN_DIR)/gonb" && test -x "$(GO_BIN_DIR)/goimports"
	@echo "setup: gonb and goimports in $(GO_BIN_DIR)"

# Register the gonb Jupyter kernel unless a gonb kernel whose executable exists
# is already registered.
setup-kernel: setup-jupyter setup-tools
	@if $(JUPYTER) kernelspec list --json 2>/dev/null | $(PYTHON) -c 'import json, os, sys; \
	    k = json.load(sys.stdin)["kernelspecs"].get("gonb"); \
	    sys.exit(0 if k and os.access(k["spec"]["argv"][0], os.X_OK) else 1)'; then \
	  echo "setup: gonb kernel registered"; \
	else \
	  echo "setup: registering the gonb kernel"; \
	  gonb --install --force_deps --raw_error; \
	  $(JUPYTER) kernelspec list 2>/dev/null | grep -qw gonb; \
	fi

notebooks: setup
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) -v -run 'TestNotebooks|TestBrowserNotebooks' ./notebooks/

# The notebooks are stored executed, with their outputs, and go test ./notebooks/
# compares a fresh run with them (notebooks/README.md). This stores fresh
# outputs: in the stored form (no scripts, no execution timestamps), computed
# with an empty result cache; a cell whose outputs changed only in volatile
# parts (timings) keeps its stored outputs, so an unchanged notebook's file
# stays the same. Then the prose/code statistics of notebooks/README.md are
# regenerated.
NB ?=
notebooks-render: setup
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) -v -run 'TestNotebooks/$(NB)' ./notebooks/ -args -update
	$(GO) test -count=1 -short -run 'TestReadmeStats' ./notebooks/ -args -update

short:
	$(GO) test -short ./...

# The project speaks only of itself: no tracked file may name a path of the
# machine it was written on or the work items it came from.
# (The bracketed letters match the same text; they keep this line from naming
# what it forbids.)
SELF_CHECK := /wor[k]/|\.\./share[d]|/roo[t]/|/hom[e]/[a-z]|\bissu[e] \#?[0-9]+|\btas[k] \#[0-9]+|"command": "[^"]*/tm[p]/

vet:
	@unformatted="$$(gofmt -l .)"; \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	@if git grep -n -I -E '$(SELF_CHECK)' -- .; then \
	  echo "vet: the lines above name machine paths or work items outside the project"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags notebooks ./notebooks/

demo:
	$(GO) run ./tlstat/cmd/tlstat demo

# Side-by-side benchmark against the independent Python reference
# (docs/benchmarks.md): builds tlstat (installing Debian's OpenBLAS when
# missing) and runs it in pure Go (TLSTAT_BLAS=gonum) and with OpenBLAS, the
# default, and the reference back to back with bench/compare.py, which prints
# the ratio table.
# The reference is an independent numpy/scipy/torch implementation of the same
# theory and sampler, not part of this repository: set TLSTAT_REFERENCE to its
# directory (theory.py, langevin.py, mnist_task.py, bench.py). There is no
# default; when it is unset or absent the reference side is skipped with a
# message. Narrow a run with BENCH_ARGS, e.g.
#   make bench BENCH_ARGS='--sizes 2000x500 --single "" --runs 1'
# The Go benchmarks alone: go test -run '^$$' -bench . -benchtime 1x ./tlstat/...
BENCH_ARGS ?=
BENCH_DIR ?= $(or $(TMPDIR),/tmp)/tlstat-bench
bench: setup-openblas
	@mkdir -p $(BENCH_DIR)
	$(GO) build -o $(BENCH_DIR)/tlstat ./tlstat/cmd/tlstat
	printf '#!/bin/sh\nTLSTAT_BLAS=gonum exec %s "$$@"\n' $(BENCH_DIR)/tlstat >$(BENCH_DIR)/tlstat-go
	chmod +x $(BENCH_DIR)/tlstat-go
	$(PYTHON) bench/compare.py --tlstat go=$(BENCH_DIR)/tlstat-go \
	  --tlstat openblas=$(BENCH_DIR)/tlstat --json $(BENCH_DIR)/bench.json $(BENCH_ARGS)
