# One command sets everything up and runs the news flow; one sets up and runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
EXPORTS ?= data/exports

.PHONY: setup run test bench clean

setup: $(VENV)/.installed

# The virtual environment, with every dependency pinned by requirements.lock.
$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[test]"
	touch $@

run: setup
	$(BIN)/sanctrack run news
	$(BIN)/sanctrack export --format parquet --out $(EXPORTS)
	$(BIN)/sanctrack export --format csv --out $(EXPORTS)

test: setup
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) data .pytest_cache
