# Recovery Science. Two commands do all the set-up from a fresh clone:
#   make book   build the book into _build/html (warnings are errors)
#   make test   run every test (unit, strict nbval, book build, browser + accessibility)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml 2>/dev/null | cksum | cut -d' ' -f1)

.PHONY: setup book test notebooks lock benchmark clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV) || { echo "Cannot create a virtual environment: on Debian/Ubuntu run 'apt-get install python3-venv'"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps -r requirements.lock
	$(BIN)/python -m pip check
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going

test: $(STAMP)
	$(BIN)/python -m pytest

# Re-run every notebook top to bottom and store its outputs (after changing a notebook or the package).
notebooks: $(STAMP)
	$(BIN)/python -m recovery_science.tools.execute notebooks/*.ipynb

# Refresh the lock from requirements.txt (CPython 3.11, Linux x86_64). The lock is installed
# exactly (--no-deps, then pip check). rfc3987-syntax (and its lark) are left out: only an optional
# jsonschema format check needs them, and importing them compiles ~40 grammars (+1.2 s to every
# build and test run that imports jsonschema).
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --strip-extras --unsafe-package rfc3987-syntax --unsafe-package lark \
		--no-emit-index-url --no-emit-find-links -o requirements.lock requirements.txt

benchmark: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf _build
