# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test build test-whoosh3 clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@ $(VENV)/.installed $(VENV)/.installed-test

# Exit code 1 means "built, some files skipped": the page still serves.
build: $(VENV)/.installed
	$(BIN)/offres build corpus --index index || [ $$? -eq 1 ]

run: build
	$(BIN)/offres serve --index index --host $(HOST) --port $(PORT)

# Import rules first (pyproject.toml [tool.importlinter]), then the whole suite.
test: $(VENV)/.installed-test
	$(BIN)/lint-imports
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The whole suite against whoosh3, the maintained drop-in (same `import whoosh`).
W3 = .venv-whoosh3
test-whoosh3:
	test -x $(W3)/bin/python || $(PYTHON) -m venv $(W3)
	$(W3)/bin/python -m pip install --quiet -e '.[test]'
	$(W3)/bin/python -m pip uninstall --quiet --yes Whoosh whoosh3
	$(W3)/bin/python -m pip install --quiet --force-reinstall --no-deps whoosh3==3.54.0
	$(W3)/bin/python -c "import importlib.metadata as m; print('whoosh3', m.version('whoosh3'))"
	$(W3)/bin/lint-imports
	$(W3)/bin/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) $(W3) build *.egg-info

# Benchmarks (issue 6): offres against SQLite FTS5 and plain Whoosh, results in BENCHMARKS.md.
.PHONY: bench bench-100k
bench: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py --sizes 1000,10000 --update BENCHMARKS.md

bench-100k: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py --sizes 1000,10000,100000 --update BENCHMARKS.md

# Load test (issue 5): wrk against the production server, a rebuild switched in mid-run.
.PHONY: load
load: $(VENV)/.installed-test
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 2; }
	$(BIN)/python bench/load.py --offers 1000 --seconds 30 --update BENCHMARKS.md
