# Two commands on a fresh machine: `make site` and `make test`. Everything else is installed from here.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The validators the tests run (Nu Html Checker, axe-core) and Lighthouse come from npm, pinned in package-lock.json.
NPM := $(shell command -v npm 2>/dev/null)
NODE_TOOLS := node_modules/.package-lock.json

.PHONY: site test serve check lint bench clean audit fuzz

$(BIN)/beatgen: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

site: $(BIN)/beatgen
	$(BIN)/beatgen build --output public
	@echo "The site is in public/: open public/index.html, or run 'make serve' to browse it at http://127.0.0.1:8000/"

$(NODE_TOOLS): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

# The design is held before the tests run: the import layers (import-linter, pyproject.toml) and the types (mypy --strict).
test: $(BIN)/beatgen $(if $(NPM),$(NODE_TOOLS))
	$(BIN)/ruff check src tests
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/pytest -q

check: $(BIN)/beatgen
	$(BIN)/beatgen check

serve: $(BIN)/beatgen
	$(BIN)/beatgen serve

audit: $(BIN)/beatgen $(NODE_TOOLS)
	$(BIN)/python tools/audit.py

# `make bench` times 1,000 and 10,000 stories; BENCH_ARGS="--huge" adds 100,000, "--peers" Hugo/Eleventy/Pelican
# (PEER_BENCH=path/to/peer-bench after its setup.sh); "--update-readme" rewrites the README's table from the run.
bench: $(BIN)/beatgen
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# `make fuzz`: hypothesis with 100,000 examples per property (2,000 whole builds) and a fixed seed; not in `make test`.
fuzz: $(BIN)/beatgen
	HYPOTHESIS_PROFILE=long $(BIN)/pytest -q -p no:cacheprovider --hypothesis-seed=20261125 tests/property

lint: $(BIN)/beatgen
	$(BIN)/ruff check src tests
	$(BIN)/lint-imports
	$(BIN)/mypy

clean:
	rm -rf public .public.spare .public.lock .beatgen-cache build *.egg-info src/*.egg-info
