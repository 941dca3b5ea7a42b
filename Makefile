# One command sets everything up and runs the news flow; one sets up and runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
EXPORTS ?= data/exports

.PHONY: setup run test lock clean peer-venv

setup: $(VENV)/.installed

# The virtual environment, with every dependency pinned by requirements.lock.
$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[test]"
	touch $@

# Quiet on purpose: it ends with the seed's mentions and one line naming the exports (`--verbose` says more).
run: setup
	@$(BIN)/sanctrack run news
	@$(BIN)/sanctrack export --format parquet --format csv --out $(EXPORTS) --force

test: setup
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) .venv-peer data .pytest_cache

# Re-resolve requirements.lock from pyproject.toml in a clean, temporary virtual environment.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e ".[test]"
	{ echo "# The resolved dependency set (runtime + test), used as pip constraints by \`make setup\`."; \
	  echo "# Regenerate with \`make lock\` after changing pyproject.toml."; \
	  .lock-venv/bin/pip freeze --exclude-editable | grep -v '^-e'; } > requirements.lock
	rm -rf .lock-venv

# nomenklatura's logic-v2, the peer of bench/bench_screen.py, in an environment of its own (it needs duckdb<2).
peer-venv: .venv-peer/.installed

.venv-peer/.installed: bench/requirements-peer.txt
	$(PYTHON) -m venv .venv-peer
	.venv-peer/bin/pip install --quiet --disable-pip-version-check -r bench/requirements-peer.txt
	touch $@
