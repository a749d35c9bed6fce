#!/usr/bin/env bash
# The daily ingestion, end to end, on the offline demo web: serve it on 127.0.0.1, backfill the
# news_ingest DAG for 2022-04-01..2022-04-03 through Airflow's scheduler (LocalExecutor, the
# execution API on 127.0.0.1), then report what landed. Every service it starts stops with it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/airflow-env.sh
bin=.venv/bin
start=$(date +%s)
days=(2022-04-01 2022-04-02 2022-04-03)
mkdir -p "$AIRFLOW_HOME"
log="$AIRFLOW_HOME/demo-services.log"
: >"$log"

pids=()
port_file=$(mktemp)
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -f "$port_file"
}
trap stop EXIT
"$bin/newslake" serve-demo --port 0 --port-file "$port_file" >/dev/null & pids+=($!)
for _ in $(seq 100); do [ -s "$port_file" ] && break; sleep 0.1; done
export NEWSLAKE_DEMO_ADDR=$(cat "$port_file")
echo "demo web: http://$NEWSLAKE_DEMO_ADDR  lake: $NEWSLAKE_LAKE  AIRFLOW_HOME: $AIRFLOW_HOME"

# Tasks run as they do under `make airflow`: the scheduler hands them to the LocalExecutor,
# whose task processes report to the execution API. Only that API is served here.
api_port=$("$bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0));
print(s.getsockname()[1])')
export AIRFLOW__CORE__EXECUTOR=LocalExecutor
export AIRFLOW__CORE__PARALLELISM="${AIRFLOW__CORE__PARALLELISM:-4}"
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://127.0.0.1:$api_port/execution/"
"$bin/airflow" db migrate >/dev/null
"$bin/airflow" api-server --apps execution --host 127.0.0.1 --port "$api_port" >>"$log" 2>&1 &
pids+=($!)
"$bin/airflow" dags reserialize >>"$log" 2>&1
# NEWSLAKE_INGEST_END_DATE (airflow-env.sh) ends the DAG on the demo's last day: unpaused, it
# gets no run for any later day, only the backfill's.
"$bin/airflow" dags unpause news_ingest >>"$log" 2>&1
if ! "$bin/airflow" backfill create --dag-id news_ingest --from-date "${days[0]}" \
  --to-date "${days[-1]}" --max-active-runs 1 --reprocess-behavior completed >>"$log" 2>&1; then
  # an interrupted demo left its backfill unfinished: the scheduler resumes it
  grep -q AlreadyRunningBackfill "$log" || { echo "backfill create failed; see $log" >&2; exit 1; }
  echo "resuming the unfinished backfill of an earlier make demo"
fi
until curl -fsS "http://127.0.0.1:$api_port/execution/health" >/dev/null 2>&1; do
  kill -0 "${pids[-1]}" 2>/dev/null || { echo "the execution API stopped; see $log" >&2; exit 1; }
  sleep 0.5
done
"$bin/airflow" scheduler --skip-serve-logs >>"$log" 2>&1 & pids+=($!)

services=("${pids[@]/#/--service=}")
if ! "$bin/python" scripts/demo_runs.py "${services[@]}"; then
  echo "services log: $log" >&2
  exit 1
fi
# while the report is written: the DAG paused again, as the demo found it, and the backfill
# marked completed by the scheduler (a later make demo can then start its own)
"$bin/airflow" dags pause news_ingest >>"$log" 2>&1 & paused=$!
"$bin/python" scripts/demo_runs.py --completed "${services[@]}" & completed=$!
pids+=("$paused" "$completed")
"$bin/newslake" catalog --lake "$NEWSLAKE_LAKE" >/dev/null  # lake/newslake.sql for the DuckDB CLI
"$bin/newslake" report --lake "$NEWSLAKE_LAKE"
wait "$paused"
wait "$completed"
stop; pids=()
echo "make demo took $(( $(date +%s) - start )) s"
