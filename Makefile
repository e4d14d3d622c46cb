# Two commands on a fresh machine: `make run` and `make test`. Both build .venv from uv.lock first.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
SYNCED := $(VENV)/.synced-$(UV_VERSION)
export UV_PYTHON_DOWNLOADS := never
# No usage statistics from dbt, Cosmos or GX in anything make runs (as plugins/inpres/settings.py NO_TELEMETRY).
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export AIRFLOW__COSMOS__ENABLE_TELEMETRY := False
export GX_ANALYTICS_ENABLED := False
export SCARF_NO_ANALYTICS := true
export DO_NOT_TRACK := 1

.PHONY: help run test test-fast lint fmt bench lock manifest dbt sample-inbox clean serve

help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

# Git does not keep file times; the sample's arrival times (revisions, timeliness) come from its manifest.
run: $(SYNCED) ## the nightly job once on the sample inbox (or INPRES_INBOX), through airflow dags test
	$(VENV)/bin/python -m inpres.generate --restore-times sample_inbox
	$(VENV)/bin/python -m inpres.run

# The night as a service: the embedded PostgreSQL and Airflow's api-server (UI on 127.0.0.1), scheduler,
# dag-processor and triggerer, until Ctrl-C, which stops them all.
serve: $(SYNCED) ## the night as a service: scheduler, UI on 127.0.0.1, until Ctrl-C
	$(VENV)/bin/python -m inpres.generate --restore-times sample_inbox
	$(VENV)/bin/python -m inpres.serve

test: $(SYNCED) docker-compose ## every test, whole nights through Airflow included
	$(VENV)/bin/python -m pytest

# What a data engineer runs after editing a model or a report: everything but whole nights (marker e2e).
test-fast: $(SYNCED) docker-compose ## every test but the whole nights (-m "not e2e")
	$(VENV)/bin/python -m pytest -m "not e2e"

# What CI checks before the tests: ruff (with Airflow's AIR rules) and its formatter on the Python, sqlfluff with
# the dbt templater on the models (it starts the embedded warehouse: dbt asks it about incremental models).
lint: $(SYNCED) ## ruff, ruff format --check and sqlfluff (dbt templater): what CI checks first
	$(VENV)/bin/ruff check
	$(VENV)/bin/ruff format --check
	$(VENV)/bin/python -m inpres.dbt_cli sqlfluff lint dbt_project/models

fmt: $(SYNCED) ## fix what `make lint` finds and can fix by itself
	$(VENV)/bin/ruff check --fix
	$(VENV)/bin/ruff format
	$(VENV)/bin/python -m inpres.dbt_cli sqlfluff fix dbt_project/models

# Speed figures the issues ask for; printed, never asserted in tests.
bench: $(SYNCED) ## print the speed figures (never asserted in tests)
	$(VENV)/bin/python bench/dag_parse.py
	$(VENV)/bin/python bench/intake.py
	$(VENV)/bin/python bench/intake_stream.py
	$(VENV)/bin/python bench/dbt_build.py
	$(VENV)/bin/python bench/report.py
	$(VENV)/bin/python bench/night.py
	$(VENV)/bin/python bench/register.py
	$(VENV)/bin/python bench/register_night.py

# The environment is exactly the lock file; it is rebuilt when pyproject.toml or uv.lock change.
$(SYNCED): pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --python $(PYTHON)
	rm -f $(VENV)/.synced-* && touch $@

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

lock: | $(UV) ## re-resolve uv.lock after editing pyproject.toml
	$(UV) lock

# dbt's manifest, which Cosmos renders the DAG from (`make run` and the tests compile it themselves).
manifest: $(SYNCED) ## dbt parse: the manifest Cosmos renders the DAG from
	$(VENV)/bin/python -c "from inpres.transform import compile_manifest; compile_manifest()"

# dbt by hand against the warehouse `make run` uses (the embedded one is started and stopped around it),
# e.g. make dbt ARGS="build --select fct_cakupan_wilayah"
dbt: $(SYNCED) ## dbt by hand on the warehouse, e.g. make dbt ARGS="build --select fct_cakupan_wilayah"
	$(VENV)/bin/python -m inpres.dbt_cli dbt $(ARGS)

# The bundled sample: all 552 pelapor for two months, some missing, late, revised or rejected. The zip bomb and
# the oversized file are left out: a repository should not carry them (the tests make their own).
sample-inbox: $(SYNCED) ## rebuild sample_inbox/ byte for byte with the generator
	rm -rf sample_inbox
	$(VENV)/bin/python -m inpres.generate --out sample_inbox --from 2022-09 --to 2022-10 --missing 0.1 \
		--late 0.1 --revised 0.05 --broken 0.02 --skip-broken zip_bomb,oversized --no-progress

# The compose file is validated offline by a test with Debian's docker-compose (no Docker engine here).
.PHONY: docker-compose
docker-compose:
	@command -v docker-compose >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null; }

clean: ## remove .local/, output/ and dbt's target/
	rm -rf .local output dbt_project/target dbt_project/logs
