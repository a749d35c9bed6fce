#!/usr/bin/env bash
# One-off initialisation of an Airflow deployment of newslake (compose's airflow-init service and
# the native set-up both run it): migrate the metadata database, then store the admin password
# for Airflow's simple auth manager. The password comes from $AIRFLOW_ADMIN_PASSWORD (e.g. .env);
# without it, an existing password is kept, else a random one is generated and printed once.
set -euo pipefail

: "${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE:?must name the admin password file}"
airflow db migrate

python - <<'PY'
import json
import os
import secrets
from pathlib import Path

path = Path(os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"])
users = [u.split(":")[0] for u in
         os.environ.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS", "admin:admin").split(",")]
passwords = json.loads(path.read_text() or "{}") if path.is_file() else {}
given = os.environ.get("AIRFLOW_ADMIN_PASSWORD", "")
for user in users:
    if given:
        passwords[user] = given
    elif user not in passwords:
        passwords[user] = secrets.token_urlsafe(18)
        print(f"generated password for Airflow user {user!r}: {passwords[user]}")
path.parent.mkdir(parents=True, exist_ok=True)
old = os.umask(0o077)
try:
    path.write_text(json.dumps(passwords) + "\n")
finally:
    os.umask(old)
print(f"Airflow users {', '.join(users)}: passwords in {path}")
PY

if [ "$(id -u)" = 0 ] && [ -n "${AIRFLOW_UID:-}" ]; then
  # In the container the init step runs as root: hand shared volumes to the Airflow user.
  for dir in "$(dirname "$AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE")" \
             /opt/airflow/logs /opt/airflow/lake; do
    if [ -d "$dir" ]; then chown -R "${AIRFLOW_UID}:0" "$dir"; fi
  done
fi
echo "newslake: Airflow initialised"
