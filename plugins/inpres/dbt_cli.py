"""dbt and sqlfluff by hand, against the warehouse `make run` uses.

`make dbt ARGS="build --select fct_cakupan_wilayah"` runs `python -m inpres.dbt_cli dbt build ...`;
`make lint` / `make fmt` run `python -m inpres.dbt_cli sqlfluff lint|fix`: sqlfluff's dbt templater renders each
model the way dbt does, and dbt asks the warehouse whenever a model is incremental.

Starts the embedded PostgreSQL (its data in .local/pgdata) unless AIRFLOW_CONN_WAREHOUSE names a warehouse,
points dbt_project/profiles.yml at it (WAREHOUSE_HOST/PORT/USER/PASSWORD/DBNAME), runs the tool in the
repository (dbt in dbt_project/) with the given arguments, and stops the server again. Exits with the tool's
own exit code.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from inpres.paths import DBT_PROJECT
from inpres.settings import NO_TELEMETRY
from inpres.warehouse import dbt_env, ensure_schemas, local_warehouse

TOOLS = {"dbt": DBT_PROJECT, "sqlfluff": DBT_PROJECT.parent}


def main(args: list[str]) -> int:
    if len(args) < 2 or args[0] not in TOOLS:
        print(
            'usage: make dbt ARGS="build --select fct_cakupan_wilayah" (any dbt command and its options)',
            file=sys.stderr,
        )
        return 2
    tool, *tool_args = args
    with local_warehouse() as url, dbt_env(url):
        # dbt's sources are the raw and audit tables: present even in a warehouse no night has loaded yet.
        ensure_schemas(url)
        env = {**os.environ, **NO_TELEMETRY, "DBT_PROFILES_DIR": str(DBT_PROJECT)}
        program = str(Path(sys.executable).parent / tool)
        return subprocess.run([program, *tool_args], cwd=TOOLS[tool], env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
