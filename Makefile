# newslake — `make demo` runs the daily ingestion end to end on the offline demo web;
# `make test` runs the whole test suite. Both build the pinned environment in .venv first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
UV_VERSION := 0.13.9

.PHONY: env demo test lint docs test-tools clean

env: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

demo: env
	@bash scripts/demo.sh

test: env test-tools
	$(BIN)/pytest -p no:cacheprovider

lint: env
	$(BIN)/ruff check include dags plugins tests bench tools

# Regenerates the schema sections of docs/LAKE.md and README.md from newslake.lake.schema.
docs: env
	$(BIN)/python tools/lake_docs.py

# Debian packages some tests use: headless Chromium renders the Data Docs; docker-compose (v1)
# validates docker-compose.yaml without an engine. Installed only when missing.
test-tools:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v docker-compose >/dev/null 2>&1 || missing="$$missing docker-compose"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages for the tests:$$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	  || echo "warning: could not install$$missing; the tests that need them will be skipped"; \
	fi

clean:
	rm -rf lake .airflow artifacts
