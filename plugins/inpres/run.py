"""`make run`: the nightly job once, through Airflow, on a local warehouse.

Checks the settings first (a bad `INPRES_PERIODE` starts nothing), starts the embedded PostgreSQL unless
AIRFLOW_CONN_WAREHOUSE names one, prepares a project-local Airflow (SQLite metadata), compiles the dbt
manifest and runs `airflow dags test`. While it runs, one line per stage as it ends, with its seconds;
then the gate warnings, and where the report is, or which task failed and why. The embedded server stops
when this ends.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TextIO

from inpres import settings
from inpres.alerts import FAILED, GATE_WARNING, REJECTED, REPORT, STAGE
from inpres.paths import PROJECT_ROOT
from inpres.transform import compile_manifest
from inpres.warehouse import CONN_ENV, local_warehouse

DAG_ID = "inpres_nightly"
LOCAL = PROJECT_ROOT / ".local"
AIRFLOW = str(Path(sys.executable).parent / "airflow")

# The stages as `make run` names them; every dbt_build.* task is the stage "dbt".
STAGES = {"pull_submissions": "pull", "pull_bpjs_extracts": "pull", "load_raw": "load",
          "quality_gate_raw": "raw gate", "quality_gate_marts": "marts gate", "report": "report",
          "deliver": "deliver"}
TASK_STARTS = re.compile(r"\[DAG TEST\] starting task_id=(\S+)")
TASK_ENDS = re.compile(r"\[DAG TEST\] end task task_id=(\S+)")
TIMESTAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)Z?\s")


def airflow_env(airflow_home: Path, warehouse_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PROJECT_ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{airflow_home / 'airflow.db'}",
        "AIRFLOW__COSMOS__CACHE_DIR": str(airflow_home / "cosmos"),
        "XDG_RUNTIME_DIR": env.get("XDG_RUNTIME_DIR") or str(airflow_home),
        # Each log line as it is written: the stages are printed while the night runs.
        "PYTHONUNBUFFERED": "1",
        **settings.NO_TELEMETRY,
        CONN_ENV: warehouse_url,
    })
    return env


def stage_of(task_id: str) -> str:
    return "dbt" if task_id.startswith("dbt_build.") else STAGES.get(task_id, task_id)


def _marker_text(line: str, marker: str) -> str:
    """What follows `marker` on a log line, without the logger's own trailer."""
    text = line[line.index(marker) + len(marker):].rstrip()
    return re.sub(r"\s+\[[\w.]+\]\s+loc=\S+.*$", "", text).strip(" :")


class Progress:
    """Follows `airflow dags test`'s output: when a stage ends (the next one starts, or the run ends),
    prints its name, its seconds (from the log's own timestamps) and what its tasks said it did."""

    def __init__(self, out: TextIO = sys.stdout):
        self.out = out
        self.stage: str | None = None
        self.started = self.ended = 0.0
        self.tasks = 0
        self.failed = False
        self.summaries: dict[str, list[str]] = {}

    def feed(self, line: str) -> None:
        at = _seconds(line)
        if match := TASK_STARTS.search(line):
            stage = stage_of(match[1])
            if stage != self.stage:
                self.finish()
                self.stage, self.started, self.tasks, self.failed = stage, at, 0, False
            self.tasks += 1
            self.ended = at
        elif TASK_ENDS.search(line):
            self.ended = at
        elif FAILED in line:
            self.failed = True
        elif STAGE in line:
            stage, _, summary = _marker_text(line, STAGE).partition(": ")
            if summary not in self.summaries.setdefault(stage, []):
                self.summaries[stage].append(summary)

    def finish(self) -> None:
        """Print the stage under way, if any (at the next stage, and once more when the run ends)."""
        if self.stage is None:
            return
        said = "; ".join(self.summaries.get(self.stage, []))
        if self.stage == "dbt":
            said = f"{self.tasks} task(s): seeds, models, snapshots and their tests"
        if self.failed:
            said = f"FAILED{': ' + said if said else ''}"
        print(f"  {self.stage:<11}{self.ended - self.started:6.1f} s  {said}".rstrip(), file=self.out, flush=True)
        self.stage = None


def _seconds(line: str) -> float:
    """When a log line was written, as the log says; the time it was read when it says nothing."""
    if match := TIMESTAMP.match(line):
        return datetime.fromisoformat(match[1]).timestamp()
    return time.time()


def run_nightly(env: dict[str, str], log_path: Path, progress: Progress) -> tuple[int, list[str]]:
    """`airflow dags test` with its whole output in `log_path`, followed by `progress` as it runs;
    returns the exit code and the log's lines."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as log:
        subprocess.run([AIRFLOW, "db", "migrate"], env=env, stdout=log, stderr=subprocess.STDOUT, check=True)
        with subprocess.Popen([AIRFLOW, "dags", "test", DAG_ID], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace") as night:
            for line in night.stdout:
                log.write(line)
                progress.feed(line)
        progress.finish()
    return night.returncode, log_path.read_text(encoding="utf-8", errors="replace").splitlines()


def marked(lines: list[str], marker: str) -> list[str]:
    """What follows `marker` on each log line, without the logger's own trailer; each once."""
    found = []
    for line in lines:
        if marker in line and (text := _marker_text(line, marker)) not in found:
            found.append(text)
    return found


def main() -> int:
    try:
        settings.periode()
    except ValueError as error:
        print(f"{error}: nothing was run.", file=sys.stderr)
        return 2
    started = time.monotonic()
    runtime = LOCAL / "run"
    runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    airflow_home = Path(os.environ.get("AIRFLOW_HOME") or LOCAL / "airflow").absolute()
    log_path = LOCAL / "logs" / f"{DAG_ID}-{time.strftime('%Y%m%dT%H%M%S')}.log"
    compile_manifest()
    print(f"Running the night; full log: {log_path}", flush=True)
    with local_warehouse() as url:
        code, lines = run_nightly(airflow_env(airflow_home, url), log_path, Progress())
    elapsed = time.monotonic() - started
    for rejection in marked(lines, REJECTED):
        print(f"Rejected: {rejection}")
    if warnings := marked(lines, GATE_WARNING):
        print("Gate warnings (the report lists them in its data-quality annex):")
        for warning in warnings:
            print(f"  {warning}")
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
