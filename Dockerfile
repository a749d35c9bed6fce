# The newslake image: the official Airflow image of the pinned version, plus this project
# installed from pyproject.toml and its lock file. Built by docker-compose.yaml.
ARG AIRFLOW_VERSION=3.3.2
ARG PYTHON_VERSION=3.11

# The Data Docs' scripts and styles from the npm registry, pinned by the lock file.
FROM node:20.18.1-bookworm-slim AS docs-assets
WORKDIR /assets
COPY include/docs_assets/package.json include/docs_assets/package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts

FROM apache/airflow:${AIRFLOW_VERSION}-python${PYTHON_VERSION}
ARG AIRFLOW_VERSION

USER airflow
WORKDIR /opt/airflow

# Dependencies first (cached while only the code changes); the lock pins every package,
# apache-airflow included, to the versions the project is tested with.
COPY --chown=airflow:0 requirements.lock /opt/airflow/requirements.lock
RUN pip install --no-cache-dir "apache-airflow==${AIRFLOW_VERSION}" -r /opt/airflow/requirements.lock

# The project itself, editable from /opt/airflow/include so the mounted include/ is used.
COPY --chown=airflow:0 pyproject.toml README.md /opt/airflow/
COPY --chown=airflow:0 include/ /opt/airflow/include/
RUN pip install --no-cache-dir --no-deps -e /opt/airflow

COPY --from=docs-assets --chown=airflow:0 /assets/node_modules /opt/airflow/docs-assets/node_modules
ENV NEWSLAKE_DOCS_ASSETS=/opt/airflow/docs-assets

COPY --chown=airflow:0 dags/ /opt/airflow/dags/
COPY --chown=airflow:0 plugins/ /opt/airflow/plugins/
COPY --chown=airflow:0 deploy/ /opt/airflow/deploy/
