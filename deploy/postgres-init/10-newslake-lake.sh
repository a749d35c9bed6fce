#!/bin/bash
# The lake's DuckLake catalog: a database and a user of its own on the compose PostgreSQL
# (run once, when the postgres volume is initialised).
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE newslake_lake LOGIN PASSWORD '${NEWSLAKE_CATALOG_PASSWORD}';
CREATE DATABASE newslake_lake OWNER newslake_lake;
SQL
