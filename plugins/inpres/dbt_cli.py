"""`make dbt ARGS="build --select fct_cakupan_wilayah"`: dbt by hand, against the warehouse `make run` uses.

Starts the embedded PostgreSQL (its data in .local/pgdata) unless AIRFLOW_CONN_WAREHOUSE names a warehouse,
points dbt_project/profiles.yml at it (WAREHOUSE_HOST/PORT/USER/PASSWORD/DBNAME), runs dbt in dbt_project/
with the given arguments, and stops the server again. Exits with dbt's own exit code.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from inpres.paths import DBT_PROJECT
from inpres.settings import NO_TELEMETRY
from inpres.warehouse import dbt_env, ensure_schemas, local_warehouse

DBT = str(Path(sys.executable).parent / "dbt")


def main(args: list[str]) -> int:
    if not args:
        print('usage: make dbt ARGS="build --select fct_cakupan_wilayah" (any dbt command and its options)',
              file=sys.stderr)
        return 2
    with local_warehouse() as url, dbt_env(url):
        # dbt's sources are the raw and audit tables: present even in a warehouse no night has loaded yet.
        ensure_schemas(url)
        env = {**os.environ, **NO_TELEMETRY, "DBT_PROFILES_DIR": str(DBT_PROJECT)}
        return subprocess.run([DBT, *args], cwd=DBT_PROJECT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
