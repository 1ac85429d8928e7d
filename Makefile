# Two commands on a fresh machine: `make run` (the bot; the sandbox when no token is set)
# and `make test`. Each creates .venv and installs the project first when needed.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Test processes in parallel (pytest-xdist); most tests wait on the emulator or the database.
TEST_WORKERS ?= 3

.PHONY: run test lint format bench mutate demo clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/nhacviec run

test: $(STAMP)
	$(BIN)/pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# A scripted week of the bot through the emulator (about half a minute): transcript, chart, workbook.
demo: $(STAMP)
	$(BIN)/nhacviec demo

bench: $(STAMP)
	$(BIN)/python -m bench

# Mutation testing (not part of `make test`; long): prints the score and the surviving mutants.
mutate: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,mutate]'
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2 $(MUTATE_ARGS) || true
	$(BIN)/mutmut export-cicd-stats
	$(BIN)/mutmut results
	$(BIN)/python -c "import json; s = json.load(open('mutants/mutmut-cicd-stats.json')); \
	t = s['total'] - s.get('skipped', 0); k = s['killed'] + s.get('timeout', 0); \
	print(f'mutation score: {k}/{t} = {100 * k / max(t, 1):.1f} % killed; {s[\"survived\"]} survived, {s.get(\"no_tests\", 0)} without tests')"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info mutants
