# syntax=docker/dockerfile:1
#
# The one image every Airflow component of docker-compose.yml runs (api-server, scheduler,
# dag-processor, triggerer, Celery worker, init): the official Airflow 3.3.2 image plus the
# project's locked dependencies (uv.lock) and its code, with the dbt manifest compiled at build time.
#
#   docker-compose build        # or: docker build -t inpres-airflow:3.3.2 .

ARG AIRFLOW_BASE_IMAGE=apache/airflow:3.3.2-python3.11

# --- 1. uv.lock -> requirements.txt (exact versions and hashes; the project itself excluded) ---
FROM ${AIRFLOW_BASE_IMAGE} AS requirements
RUN pip install --no-cache-dir "uv==0.13.9"
WORKDIR /tmp/lock
COPY pyproject.toml uv.lock ./
RUN uv export --frozen --no-dev --no-emit-project --no-header > requirements.txt

# --- 2. the runtime image ---
FROM ${AIRFLOW_BASE_IMAGE}

# No usage statistics from Cosmos, dbt or GX (plugins/inpres/settings.py NO_TELEMETRY).
ENV DBT_SEND_ANONYMOUS_USAGE_STATS=false \
    AIRFLOW__COSMOS__ENABLE_TELEMETRY=False \
    GX_ANALYTICS_ENABLED=False \
    SCARF_NO_ANALYTICS=true \
    DO_NOT_TRACK=1 \
    AIRFLOW__COSMOS__CACHE_DIR=/opt/airflow/cosmos_cache \
    PYTHONPATH=/opt/airflow/plugins

# Locked dependencies, installed as the image's `airflow` user as the Airflow docs ask. The file pins
# apache-airflow==3.3.2 itself, so pip cannot move Airflow away from the base image's version.
# The base image's Celery provider (not in uv.lock) must still import afterwards: checked here.
COPY --from=requirements /tmp/lock/requirements.txt /opt/airflow/requirements.txt
RUN pip install --no-cache-dir -r /opt/airflow/requirements.txt \
 && python -c "import airflow.providers.celery, celery, redis, airflow.providers.postgres, cosmos, dbt.adapters.postgres, great_expectations"

# The code. docker-compose.yml bind-mounts the same folders over these copies; the copies make
# the image usable on its own (e.g. on Kubernetes).
COPY --chown=airflow:root dags/ /opt/airflow/dags/
COPY --chown=airflow:root plugins/ /opt/airflow/plugins/
COPY --chown=airflow:root dbt_project/ /opt/airflow/dbt_project/
COPY --chown=airflow:root expectations/ /opt/airflow/expectations/

# Compile the dbt manifest (target/manifest.json), which the DAG renders its dbt tasks from
# (Cosmos LoadMode.DBT_MANIFEST). `dbt parse` connects to no database; dbt_project/profiles.yml
# has a default for every env_var, exactly as for `compile_manifest()` / `make manifest`.
# airflow-init runs the same `dbt parse` again on the bind-mounted dbt_project/.
RUN mkdir -p /opt/airflow/cosmos_cache /opt/airflow/auth \
 && cd /opt/airflow/dbt_project \
 && if [ -f packages.yml ] || [ -f dependencies.yml ]; then dbt deps; fi \
 && DBT_LOG_PATH=/tmp/dbt-logs dbt parse --profiles-dir /opt/airflow/dbt_project \
 && test -f target/manifest.json \
 && chmod -R g+rwX /opt/airflow/dbt_project /opt/airflow/cosmos_cache /opt/airflow/auth

WORKDIR /opt/airflow
