# amoor pipeline — one command each for the demo, the tests and the benchmark.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast test-later bench lint examples templates clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: set up, build the example workbooks in a throwaway workspace, then show the drop folder once
# Both workspaces are made by examples/demo_workspace.py: a configured (fictitious) seller, so
# that the example « À émettre » is issued, with numbers of a ledger thrown away afterwards.
demo: $(STAMP)
	@demo="$$(mktemp -d)" \
	  && $(BIN)/python examples/demo_workspace.py "$$demo/livrables" > /dev/null \
	  && $(BIN)/amoor -w "$$demo/livrables" build examples/*.xlsx \
	  && echo && echo "Livrables produits dans : $$demo/livrables/outbox/" && echo \
	  && echo "Le dossier de dépôt : les exemples déposés dans inbox/ d'un espace de travail temporaire, traités par amoor watch --once" \
	  && $(BIN)/python examples/demo_workspace.py "$$demo/depot" > /dev/null \
	  && cp examples/*.xlsx "$$demo/depot/inbox/" \
	  && $(BIN)/amoor -w "$$demo/depot" watch --once \
	  && echo && echo "Documents arrivés dans : $$demo/depot/outbox/" && ls -1 "$$demo/depot/outbox/"

## test: set up, then lint, type-check and run the whole test suite
test: $(STAMP) lint
	$(BIN)/python -m pytest

## test-fast: set up, then the tests that start no LibreOffice and are not slow (no lint)
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not libreoffice and not slow"

## test-later: the tests again with the clock a year ahead: no test depends on the day
test-later: $(STAMP)
	faketime -f '+365d' $(BIN)/python -m pytest -q -p no:cacheprovider

## bench: set up, then measure every figure of docs/performance.md against its target
bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

## examples / templates: regenerate the bundled example workbooks and Word templates
examples: $(STAMP)
	$(BIN)/python examples/make_examples.py

templates: $(STAMP)
	$(BIN)/python tools/make_templates.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find outbox -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
