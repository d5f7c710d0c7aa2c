# The two commands of the README: `make run` and `make test`.
# `make run HOST=0.0.0.0 PORT=8080` listens elsewhere (the flags win over OFFRES_HOST/PORT).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
CORPUS ?= corpus
INDEX  ?= index
# Locked dependencies with their hashes (`make lock` rewrites them from pyproject.toml).
LOCK_RUN  = requirements/run.txt
LOCK_TEST = requirements/test.txt
# Every download is checked against the lock; the project itself is built with the locked
# setuptools, so nothing unhashed is fetched.
PIP_LOCKED = python -m pip install --quiet --require-hashes --no-deps -r

.PHONY: run test lint build test-whoosh3 clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(LOCK_RUN) | $(BIN)/python
	$(BIN)/$(PIP_LOCKED) $(LOCK_RUN)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(LOCK_TEST) | $(BIN)/python
	$(BIN)/$(PIP_LOCKED) $(LOCK_TEST)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@ $(VENV)/.installed $(VENV)/.installed-test

# Exit code 1 means "built, some files skipped": the page still serves, so `make run` goes
# on; 2 means nothing was switched in, and `make run` stops there.
build: $(VENV)/.installed
	$(BIN)/offres build $(CORPUS) --index $(INDEX) || [ $$? -eq 1 ]

run: build
	$(BIN)/offres serve --index $(INDEX) --host $(HOST) --port $(PORT)

# Import rules first (pyproject.toml [tool.importlinter]), then the whole suite.
test: $(VENV)/.installed-test
	$(BIN)/lint-imports
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# What CI checks besides the suite (.ci/run): ruff ([tool.ruff] in pyproject.toml), import rules.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# The whole suite against whoosh3, the maintained drop-in (same `import whoosh`).
W3 = .venv-whoosh3
test-whoosh3:
	test -x $(W3)/bin/python || $(PYTHON) -m venv $(W3)
	$(W3)/bin/$(PIP_LOCKED) $(LOCK_TEST)
	$(W3)/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(W3)/bin/python -m pip uninstall --quiet --yes Whoosh whoosh3
	$(W3)/bin/python -m pip install --quiet --force-reinstall --no-deps whoosh3==3.54.0
	$(W3)/bin/python -c "import importlib.metadata as m; print('whoosh3', m.version('whoosh3'))"
	$(W3)/bin/lint-imports
	$(W3)/bin/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) $(W3) .venv-lock build dist *.egg-info

# Re-resolve the locks (for every platform and Python >= 3.11) after editing pyproject.toml.
UV = .venv-lock/bin/uv
UV_COMPILE = $(UV) pip compile pyproject.toml requirements/build.in --universal \
	--generate-hashes --python-version 3.11 --quiet --custom-compile-command "make lock"
lock:
	test -x $(UV) || { $(PYTHON) -m venv .venv-lock && .venv-lock/bin/python -m pip install --quiet uv; }
	$(UV_COMPILE) -o $(LOCK_RUN)
	$(UV_COMPILE) --extra test -o $(LOCK_TEST)
	$(UV) pip compile requirements/build.in --universal --generate-hashes --python-version 3.11 \
		--quiet --custom-compile-command "make lock" -o requirements/build.txt

# Benchmarks: offres against SQLite FTS5 and plain Whoosh, cold and warm, results in BENCHMARKS.md.
.PHONY: bench bench-100k
bench: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py --sizes 1000,10000 --update BENCHMARKS.md

bench-100k: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py --sizes 1000,10000,100000 --update BENCHMARKS.md

# Load test: wrk against the production server while incremental updates are committed.
.PHONY: load
load: $(VENV)/.installed-test
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 2; }
	$(BIN)/python bench/load.py --offers 1000 --seconds 30 --update BENCHMARKS.md
