# Two commands do all the set-up on a machine with python3 and make:
#   make verify   create .venv, install, run every claim and the characterisation sweep,
#                 write reports/claims.{json,md} and reports/characterisation.md
#   make test     create .venv, install, lint, type-check and run the test suite
#   make docs     claims report, derivations (LaTeX + PDF), figures and the offline claims page
#                 (build/docs/site/index.html) into build/docs
#   make test-slow  the long checks, among them the fuzz suite (over 1,000 cases)
#   make mutation   seeded mutation testing with cosmic-ray; writes docs/mutation.md
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed-stamp
REPORTS := reports
EXTRAS  ?= test
# Worker processes for `make verify` (claims, sweep chunks) and pytest-xdist workers for
# `make test`; EXTRAS=test,dask adds the Dask extra (CI sets it).
JOBS    ?= 1
TESTJOBS ?= 2

.PHONY: verify test test-slow check docs gallery bench mutation clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $(STAMP)

verify: $(STAMP)
	$(VENV)/bin/kronconv verify --jobs $(JOBS) --json $(REPORTS)/claims.json --markdown $(REPORTS)/claims.md
	$(VENV)/bin/kronconv sweep --jobs $(JOBS) --markdown $(REPORTS)/characterisation.md

check: $(STAMP)
	$(VENV)/bin/ruff check kronconv tests proofs benchmarks examples tools
	$(VENV)/bin/mypy

test: check
	$(PY) -m pytest -q -m "not slow" -n $(TESTJOBS) --durations=10

test-slow: $(STAMP)
	$(PY) -m pytest -q -m slow -rP

# Generated documentation goes to build/docs (git-ignored; `make clean` removes it): the claims
# report (JSON, Markdown), every claim's derivation (LaTeX and PDF, needs pdflatex), the figures.
docs: $(STAMP)
	$(VENV)/bin/kronconv derive --all -q -o build/docs --pdf --json build/docs/claims.json --markdown build/docs/claims.md
	$(VENV)/bin/kronconv figures -o build/docs/figures
	$(VENV)/bin/kronconv report -q -o build/docs/site

# docs/gallery.md from the PyTorch models in examples/torch (needs kronconv[torch]).
gallery: $(STAMP)
	$(PY) examples/torch/make_gallery.py docs/gallery.md

# Ratios measured in one run (CPU seconds): symbolic vs naive SymPy and vs SymPy's ring, exact
# and modular vs their memory floors, the sweep serial / process pool / Dask LocalCluster
# (the Dask row needs EXTRAS=test,dask).
bench: $(STAMP)
	$(PY) benchmarks/bench_identity.py
	$(PY) benchmarks/bench_sweep.py
	$(PY) benchmarks/bench_coverage.py
	$(PY) benchmarks/bench_startup.py
	$(PY) benchmarks/bench_equivariance.py
	$(PY) benchmarks/bench_rf_depth.py

# Seeded mutation testing (cosmic-ray, the `mutation` extra) over a random sample of the engines,
# the three subjects, the semantics and the loader; writes docs/mutation.md. Mutants are applied to
# the files of this tree one at a time: run nothing else here meanwhile.
mutation: $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,mutation]'
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) tools/mutation.py

clean:
	rm -rf $(VENV) $(REPORTS) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
