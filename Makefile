# Recovery Science. Two commands do all the set-up from a fresh clone:
#   make book   build the book into _build/html (warnings are errors)
#   make test   run every test (unit, strict nbval, book build, browser + accessibility)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# JupyterLab settings for students (no "get notified about Jupyter news?" pop-up), installed into
# the virtualenv's etc/jupyter, where every `jupyter lab` run from .venv reads them; Binder's
# postBuild installs the same file.
LABCONFIG := binder/labconfig/page_config.json
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml $(LABCONFIG) 2>/dev/null | cksum | cut -d' ' -f1)

.PHONY: setup book test notebooks lock benchmark clean pdf

$(STAMP): requirements.lock pyproject.toml $(LABCONFIG)
	@test -x $(BIN)/python || $(PY) -m venv $(VENV) || { echo "Cannot create a virtual environment: on Debian/Ubuntu run 'apt-get install python3-venv'"; exit 1; }
	@echo "Installing the locked libraries into $(VENV) (the first time takes a few minutes)..."
	$(BIN)/python -m pip install --no-deps --progress-bar on -r requirements.lock
	$(BIN)/python -m pip check
	$(BIN)/python -m pip install --quiet --no-deps -e .
	install -D -m 644 $(LABCONFIG) $(VENV)/etc/jupyter/labconfig/page_config.json
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)

# ESLint (and espree, which the language test uses) for the course's JavaScript, from package-lock.json.
NODE_STAMP := node_modules/.installed-$(shell cat package-lock.json 2>/dev/null | cksum | cut -d' ' -f1)
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "The tests need Node.js and npm: on Debian/Ubuntu run 'apt-get install nodejs npm'"; exit 1; }
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

# Validate every bank and dataset (one line per problem), re-execute the notebooks whose code,
# declared inputs, course package or lock changed since notebooks/manifest.json (none on a fresh
# clone), then build the book from the stored outputs.
book: $(STAMP)
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(NODE_STAMP); \
	else echo "note: no Node.js/npm here, so math is typeset in the reader's browser, not at build time"; fi
	$(BIN)/recovery-science validate
	$(BIN)/python -m recovery_science.tools.freshness
	$(BIN)/jupyter-book build . -W -n --keep-going

test: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest

# Re-run every notebook top to bottom, store its outputs and update notebooks/manifest.json
# (`make book` re-runs only the stale ones).
notebooks: $(STAMP)
	$(BIN)/python -m recovery_science.tools.freshness --all

# Refresh the lock from requirements.txt (CPython 3.11, Linux x86_64). The lock is installed
# exactly (--no-deps, then pip check). rfc3987-syntax (and its lark) are left out: only an optional
# jsonschema format check needs them, and importing them compiles ~40 grammars (+1.2 s to every
# build and test run that imports jsonschema). Overriding the unsafe set also pins pip and setuptools
# (pip-tools needs them), so the lock installs the same pip everywhere; --allow-unsafe is not used,
# as it would pin rfc3987-syntax and lark again.
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --strip-extras --unsafe-package rfc3987-syntax --unsafe-package lark \
		--no-emit-index-url --no-emit-find-links -o requirements.lock requirements.txt

# The whole course as one PDF (_build/recovery-science.pdf): every page of the book in the order of
# _toc.yml, printed by Debian's Chromium with the book's print styles, joined with pypdf.
pdf: book
	$(BIN)/python -m recovery_science.tools.pdf

benchmark: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf _build
