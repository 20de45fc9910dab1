# Briefs developer commands. Everything installs from the hash-pinned lockfiles in requirements/.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.DEFAULT_GOAL := help
.PHONY: help serve check test lint spelling typecheck contracts dockerlint format lock bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): requirements/dev.lock requirements/build.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/build.lock -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

serve: $(STAMP) ## Start the service on embedded SQLite with the fixture story loaded
	$(BIN)/briefs serve

check: lint spelling typecheck contracts dockerlint test ## Run the whole test suite: lint, spelling, types, import contracts, hadolint, pytest

test: $(STAMP) ## Run pytest only
	$(BIN)/pytest

lint: $(STAMP) ## ruff format check and lint
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

spelling: $(STAMP) ## codespell over code and docs (word list in pyproject.toml)
	$(BIN)/codespell

typecheck: $(STAMP) ## mypy --strict
	$(BIN)/mypy

contracts: $(STAMP) ## import-linter boundaries
	$(BIN)/lint-imports

dockerlint: $(STAMP) ## hadolint, failing on warnings
	@if [ -f Dockerfile ]; then $(BIN)/hadolint --failure-threshold warning Dockerfile; fi

format: $(STAMP) ## Format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lock: ## Re-resolve the lockfiles (needs uv: pip install uv)
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 --python-platform x86_64-unknown-linux-gnu -o requirements/dev.lock
	uv pip compile pyproject.toml -c requirements/dev.lock --generate-hashes --python-version 3.11 --python-platform x86_64-unknown-linux-gnu -o requirements/runtime.lock
	uv pip compile requirements/build.in --generate-hashes --python-version 3.11 --python-platform x86_64-unknown-linux-gnu -o requirements/build.lock

bench: $(STAMP) ## Run every benchmark (minutes; see docs/performance.md)
	$(BIN)/python -m bench.diff
	$(BIN)/python -m bench.store_scale
	$(BIN)/python -m bench.api_scale
	$(BIN)/python -m bench.api_load
	$(BIN)/python -m bench.tui
	$(BIN)/python -m bench.observability

clean: ## Remove the virtual environment and caches
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
