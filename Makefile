# newslake — `make demo` runs the daily ingestion end to end on the offline demo web;
# `make test` runs the whole test suite. Both build the pinned environment in .venv first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
UV_VERSION := 0.13.9

.PHONY: env demo test lint chromium clean

env: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

demo: env
	@bash scripts/demo.sh

test: env chromium
	$(BIN)/pytest -p no:cacheprovider

lint: env
	$(BIN)/ruff check include dags plugins tests bench

# Headless Chromium renders the Data Docs in the validation tests (Debian package).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the Data Docs browser test"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "warning: could not install chromium; the browser test will be skipped"; }

clean:
	rm -rf lake .airflow artifacts
