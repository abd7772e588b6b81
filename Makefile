# Two commands on a fresh machine: `make site` and `make test`. Everything else is installed from here.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: site test serve check lint bench clean

$(BIN)/beatgen: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

site: $(BIN)/beatgen
	$(BIN)/beatgen build --output public
	@echo "The site is in public/: open public/index.html, or run 'make serve' to browse it at http://127.0.0.1:8000/"

test: $(BIN)/beatgen
	$(BIN)/ruff check src tests
	$(BIN)/pytest -q

check: $(BIN)/beatgen
	$(BIN)/beatgen check

serve: $(BIN)/beatgen
	$(BIN)/beatgen serve

lint: $(BIN)/beatgen
	$(BIN)/ruff check src tests

clean:
	rm -rf public .beatgen-cache build *.egg-info src/*.egg-info
