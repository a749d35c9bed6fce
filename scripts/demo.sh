#!/usr/bin/env bash
# The daily ingestion, end to end, on the offline demo web: serve it on 127.0.0.1, run the
# news_ingest DAG through Airflow for 2022-04-01..2022-04-03, then report what landed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/airflow-env.sh
bin=.venv/bin
start=$(date +%s)

port_file=$(mktemp)
"$bin/newslake" serve-demo --port 0 --port-file "$port_file" >/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$port_file"' EXIT
for _ in $(seq 100); do [ -s "$port_file" ] && break; sleep 0.1; done
export NEWSLAKE_DEMO_ADDR=$(cat "$port_file")
echo "demo web: http://$NEWSLAKE_DEMO_ADDR  lake: $NEWSLAKE_LAKE  AIRFLOW_HOME: $AIRFLOW_HOME"

"$bin/airflow" db migrate >/dev/null
for day in 2022-04-01 2022-04-02 2022-04-03; do
  t0=$(date +%s)
  if "$bin/airflow" dags test news_ingest "$day" >"$AIRFLOW_HOME/demo-$day.log" 2>&1; then
    echo "news_ingest $day: success ($(( $(date +%s) - t0 )) s, log: $AIRFLOW_HOME/demo-$day.log)"
  else
    echo "news_ingest $day: FAILED, log: $AIRFLOW_HOME/demo-$day.log" >&2
    tail -n 40 "$AIRFLOW_HOME/demo-$day.log" >&2
    exit 1
  fi
done
"$bin/newslake" catalog --lake "$NEWSLAKE_LAKE" >/dev/null  # lake/newslake.sql for the DuckDB CLI
"$bin/newslake" report --lake "$NEWSLAKE_LAKE"
echo "make demo took $(( $(date +%s) - start )) s"
