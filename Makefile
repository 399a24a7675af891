# Two commands matter: `make run` (set up and run the bot) and `make test` (set up and run
# the tests); contributors run `make check` (format, lint, types, layering, tests) before a commit. Both create .venv on first use; Python 3.11+ and the package registries are
# all they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test test-db check lint format format-check typecheck layering bench migrate clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.run-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.run-deps

run: $(VENV)/.run-deps
	$(BIN)/python bot.py

test: $(VENV)/.test-deps
	.ci/chromium.sh
	$(BIN)/pytest -q $(PYTEST_ARGS)

# The database and end-to-end tests again, against MAIMAI_TEST_DB_URL (CI: PostgreSQL).
test-db: $(VENV)/.test-deps
	.ci/chromium.sh
	@test -n "$(MAIMAI_TEST_DB_URL)" || (echo "set MAIMAI_TEST_DB_URL" && exit 2)
	$(BIN)/pytest -q -m "db or e2e" $(PYTEST_ARGS)

PY_SOURCES := plugins tests bench tools bot.py

# What CI runs: every step, stopping at the first that fails.
check: format-check lint typecheck layering test

format: $(VENV)/.test-deps
	$(BIN)/ruff format $(PY_SOURCES)

format-check: $(VENV)/.test-deps
	$(BIN)/ruff format --check $(PY_SOURCES)

lint: $(VENV)/.test-deps
	$(BIN)/ruff check $(PY_SOURCES)

# mypy: strict on plugins/maimai_archive/core, default elsewhere, tests and bench included
# (pyproject.toml [tool.mypy]).
typecheck: $(VENV)/.test-deps
	$(BIN)/mypy

# The layering rules (docs/ARCHITECTURE.md), read from the imports; standard library only.
layering: | $(BIN)/python
	$(BIN)/python tools/layering.py .

migrate: $(VENV)/.run-deps
	$(BIN)/mai-archive db migrate

bench: $(VENV)/.test-deps
	$(BIN)/python bench/parse.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/render.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
