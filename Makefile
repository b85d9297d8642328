# Two commands do all the set-up on a machine with python3 and make:
#   make verify   create .venv, install, run every claim and the characterisation sweep,
#                 write reports/claims.{json,md} and reports/characterisation.md
#   make test     create .venv, install, lint, type-check and run the test suite
#   make docs     claims report, derivations (LaTeX + PDF) and figures into build/docs
#   make test-slow  the long checks, among them the fuzz suite (over 1,000 cases)
#   make mutation   seeded mutation testing with cosmic-ray; writes docs/mutation.md
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed-stamp
REPORTS := reports

.PHONY: verify test test-slow check docs bench mutation clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

verify: $(STAMP)
	$(VENV)/bin/kronconv verify --json $(REPORTS)/claims.json --markdown $(REPORTS)/claims.md
	$(VENV)/bin/kronconv sweep --markdown $(REPORTS)/characterisation.md

check: $(STAMP)
	$(VENV)/bin/ruff check kronconv tests proofs benchmarks tools
	$(VENV)/bin/mypy

test: check
	$(PY) -m pytest -q -m "not slow"

test-slow: $(STAMP)
	$(PY) -m pytest -q -m slow

# Generated documentation goes to build/docs (git-ignored; `make clean` removes it): the claims
# report (JSON, Markdown), every claim's derivation (LaTeX and PDF, needs pdflatex), the figures.
docs: $(STAMP)
	$(VENV)/bin/kronconv derive --all -q -o build/docs --pdf --json build/docs/claims.json --markdown build/docs/claims.md
	$(VENV)/bin/kronconv figures -o build/docs/figures

bench: $(STAMP)
	$(PY) benchmarks/bench_identity.py
	$(PY) benchmarks/bench_coverage.py
	$(PY) benchmarks/bench_rf_depth.py

# Seeded mutation testing (cosmic-ray, the `mutation` extra) over a sample of the engines, the
# three subjects, the semantics and the loader; writes docs/mutation.md. Mutants are applied to
# the files of this tree one at a time: run nothing else here meanwhile.
mutation: $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,mutation]'
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) tools/mutation.py

clean:
	rm -rf $(VENV) $(REPORTS) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
