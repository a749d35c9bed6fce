# newslake — `make demo` runs the daily ingestion end to end on the offline demo web;
# `make test` runs the whole test suite, `make check` lint and the fast unit tests. All build
# the pinned environment in .venv first, with its bytecode compiled once (where
# PYTHONDONTWRITEBYTECODE is set, every process would otherwise compile what it imports).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ASSETS := $(VENV)/share/newslake/docs-assets
UV_VERSION := 0.13.9

.PHONY: env demo test check lint docs test-tools clean notebook airflow

env: $(STAMP)

$(STAMP): pyproject.toml requirements.lock include/docs_assets/package-lock.json
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@# the Data Docs' scripts and styles, from the npm registry (pinned by the lock file)
	@mkdir -p $(ASSETS) && cp include/docs_assets/package.json include/docs_assets/package-lock.json $(ASSETS)/
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix $(ASSETS) --silent --no-audit --no-fund --ignore-scripts; \
	else echo "warning: npm not found: the Data Docs will load their scripts from CDNs"; fi
	@touch $(STAMP)

demo: env
	@bash scripts/demo.sh

# JupyterLab on 127.0.0.1 with the research notebook open on the lake ($NEWSLAKE_LAKE, else
# ./lake, which `make demo` builds). NOTEBOOK_PORT picks the port (default 8888).
notebook: env
	@lake=$$(realpath -m "$${NEWSLAKE_LAKE:-lake}"); \
	$(BIN)/python -c 'import sys; from newslake.lake.location import lake_exists; \
	  sys.exit(0 if lake_exists(sys.argv[1]) else 1)' "$$lake" \
	  || { echo "no lake at $$lake: run make demo first" >&2; exit 1; }; \
	echo "research notebook on the lake $$lake"; \
	NEWSLAKE_LAKE="$$lake" exec $(BIN)/jupyter lab --ip=127.0.0.1 --port=$${NOTEBOOK_PORT:-8888} \
	  --no-browser --LabApp.extension_manager=readonly $$([ "$$(id -u)" = 0 ] && echo --allow-root) \
	  --ServerApp.root_dir="$(CURDIR)" include/notebooks/research.ipynb

# The embedded Airflow (api-server, scheduler, dag-processor, triggerer) on 127.0.0.1 with the
# demo's AIRFLOW_HOME, so its UI shows the runs of `make demo`; prints the URL and the login.
airflow: env
	@bash scripts/airflow.sh

# The whole suite on two processes (one test file per process at a time: files that start
# services or share a fixture stay in one process).
test: env test-tools
	$(BIN)/pytest -p no:cacheprovider -n 2 --dist loadfile --durations=15

# The fast lane: lint, then the unit tests (no test marked slow, integration or distributed)
# on two processes, one test file each at a time.
check: lint
	$(BIN)/pytest -p no:cacheprovider -q -m "not slow and not integration and not distributed" \
	  -n 2 --dist loadfile \
	  --durations=15

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
