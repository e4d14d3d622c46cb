"""`make run`: the nightly job once, through Airflow, on a local warehouse.

Starts the embedded PostgreSQL unless AIRFLOW_CONN_WAREHOUSE names one, prepares a project-local
Airflow (SQLite metadata), compiles the dbt manifest, runs `airflow dags test`, and prints where the
report is, or which task failed and why, in one line. The embedded server stops when this ends.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from inpres.alerts import FAILED, REJECTED, REPORT
from inpres.paths import PROJECT_ROOT
from inpres.transform import compile_manifest
from inpres.warehouse import CONN_ENV, embedded_postgres

DAG_ID = "inpres_nightly"
LOCAL = PROJECT_ROOT / ".local"
AIRFLOW = str(Path(sys.executable).parent / "airflow")


def airflow_env(airflow_home: Path, warehouse_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PROJECT_ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{airflow_home / 'airflow.db'}",
        "AIRFLOW__COSMOS__CACHE_DIR": str(airflow_home / "cosmos"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "XDG_RUNTIME_DIR": env.get("XDG_RUNTIME_DIR") or str(airflow_home),
        CONN_ENV: warehouse_url,
    })
    return env


@contextlib.contextmanager
def warehouse() -> str:
    """The warehouse named in the environment, or the embedded one under .local/pgdata."""
    if os.environ.get(CONN_ENV):
        yield os.environ[CONN_ENV]
        return
    with embedded_postgres(LOCAL / "pgdata", int(os.environ.get("INPRES_PG_PORT", "54329"))) as url:
        yield url


def run_nightly(env: dict[str, str], log_path: Path) -> tuple[int, list[str]]:
    """`airflow dags test` with its whole output in `log_path`; returns exit code and the log's lines."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as log:
        subprocess.run([AIRFLOW, "db", "migrate"], env=env, stdout=log, stderr=subprocess.STDOUT, check=True)
        code = subprocess.run([AIRFLOW, "dags", "test", DAG_ID], env=env, stdout=log,
                              stderr=subprocess.STDOUT).returncode
    return code, log_path.read_text(encoding="utf-8", errors="replace").splitlines()


def marked(lines: list[str], marker: str) -> list[str]:
    """What follows `marker` on each log line, without the logger's own trailer; each once."""
    found = []
    for line in lines:
        if marker in line:
            text = re.sub(r"\s+\[[\w.]+\]\s+loc=\S+\s*$", "", line[line.index(marker) + len(marker):]).strip(" :")
            if text not in found:
                found.append(text)
    return found


def main() -> int:
    started = time.monotonic()
    runtime = LOCAL / "run"
    runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    airflow_home = Path(os.environ.get("AIRFLOW_HOME") or LOCAL / "airflow").absolute()
    log_path = LOCAL / "logs" / f"{DAG_ID}-{time.strftime('%Y%m%dT%H%M%S')}.log"
    compile_manifest()
    with warehouse() as url:
        code, lines = run_nightly(airflow_env(airflow_home, url), log_path)
    elapsed = time.monotonic() - started
    for rejection in marked(lines, REJECTED):
        print(f"Rejected: {rejection}")
    failures, reports = marked(lines, FAILED), marked(lines, REPORT)
    if failures or code != 0 or not reports:
        for failure in failures or [f"airflow dags test exited with {code}"]:
            print(f"FAILED {failure}", file=sys.stderr)
        print(f"Full log: {log_path}", file=sys.stderr)
        return 1
    print(f"Report: {reports[-1].removeprefix('file://')}")
    print(f"Full log: {log_path} ({elapsed:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
