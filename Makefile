# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/lodestone --example

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests --ignore=tests/benchmarks

bench: $(STAMP)
	$(BIN)/python -m pytest -q -s -p no:cacheprovider tests/benchmarks -m bench

lint: $(STAMP)
	$(BIN)/ruff check app tests

clean:
	rm -rf $(VENV) build *.egg-info app/*.egg-info
