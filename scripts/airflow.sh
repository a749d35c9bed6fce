#!/usr/bin/env bash
# The embedded Airflow on the demo's AIRFLOW_HOME (./.airflow), bound to 127.0.0.1 only:
# api-server, scheduler, dag-processor and triggerer, until Ctrl-C. The UI shows the demo's
# runs. AIRFLOW_PORT picks the port (default 8080); AIRFLOW_USER the login (default admin).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/airflow-env.sh
bin=$(pwd)/.venv/bin
port=${AIRFLOW_PORT:-8080}
user=${AIRFLOW_USER:-admin}
url="http://127.0.0.1:$port"
export AIRFLOW__API__HOST=127.0.0.1 AIRFLOW__API__PORT="$port" AIRFLOW__API__BASE_URL="$url"
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="$url/execution/"
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="$user:admin"
export AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK=False
passwords="$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated"
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE="$passwords"
mkdir -p "$AIRFLOW_HOME"
"$bin/airflow" db migrate >/dev/null

pids=()
stop() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait; }
trap stop EXIT INT TERM
log="$AIRFLOW_HOME/airflow-services.log"
: >"$log"
"$bin/airflow" api-server --host 127.0.0.1 --port "$port" >>"$log" 2>&1 & pids+=($!)
"$bin/airflow" scheduler --skip-serve-logs >>"$log" 2>&1 & pids+=($!)
"$bin/airflow" dag-processor >>"$log" 2>&1 & pids+=($!)
"$bin/airflow" triggerer --skip-serve-logs >>"$log" 2>&1 & pids+=($!)

deadline=$(( $(date +%s) + ${AIRFLOW_START_TIMEOUT:-600} ))
until curl -fsS "$url/api/v2/monitor/health" >/dev/null 2>&1 && [ -s "$passwords" ]; do
  if [ "$(date +%s)" -gt "$deadline" ]; then
    echo "Airflow did not answer on $url in time; see $log" >&2; exit 1
  fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "an Airflow service stopped; see $log" >&2; exit 1; }
  done
  sleep 0.5
done
password=$("$bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
  "$passwords" "$user")
echo "Airflow UI: $url  (AIRFLOW_HOME: $AIRFLOW_HOME, services log: $log)"
echo "log in as: $user  password: $password  (from $passwords)"
echo "press Ctrl-C to stop"
wait -n "${pids[@]}" || true
echo "an Airflow service stopped; see $log" >&2
exit 1
