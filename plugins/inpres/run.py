"""`make run`: the nightly job once, through Airflow, on a local warehouse.

Checks the settings first (a bad `INPRES_PERIODE` starts nothing), starts the embedded PostgreSQL unless
AIRFLOW_CONN_WAREHOUSE names one, prepares a project-local Airflow (SQLite metadata), compiles the dbt
manifest and runs `airflow dags test`. While it runs, one line per stage as it ends, with its seconds;
then the gate warnings, and where the report is, or which task failed and why. The embedded server stops
when this ends.

One night at a time: this Airflow home is locked (a file lock) and so is the warehouse (an advisory lock),
both released however this process ends. `airflow dags test` runs in a process group of its own, which a
SIGTERM or Ctrl-C of this process kills whole (and the kernel kills it if this process is killed -9): a
night never carries on, or mails, alone. What a killed night leaves behind, the next one clears and says so
in one line each: a server still running or its stale pid file, a DAG run still marked running, a report
folder never finished.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import os
import re
import secrets
import signal
import socket
import sqlite3
import string
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

import psycopg

from inpres import settings
from inpres.alerts import FAILED, GATE_WARNING, REJECTED, REPORT, STAGE, WAREHOUSE_DOWN
from inpres.ingest import pseudonym
from inpres.paths import PROJECT_ROOT
from inpres.transform import compile_manifest
from inpres.warehouse import CONN_ENV, NightRunning, local_warehouse, night_lock, secret_file

DAG_ID = "inpres_nightly"
LOCAL = PROJECT_ROOT / ".local"
AIRFLOW = str(Path(sys.executable).parent / "airflow")

# The stages as `make run` names them; every dbt_build.* task is the stage "dbt".
STAGES = {
    "pull_submissions": "pull",
    "pull_bpjs_extracts": "pull",
    "load_raw": "load",
    "send_receipts": "receipts",
    "write_intake_status": "status",
    "decide_periode": "load",
    "quality_gate_raw": "raw gate",
    "quality_gate_marts": "marts gate",
    "report": "report",
    "deliver": "deliver",
}
TASK_STARTS = re.compile(r"\[DAG TEST\] starting task_id=(\S+)")
TASK_ENDS = re.compile(r"\[DAG TEST\] end task task_id=(\S+)")
TIMESTAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)Z?\s")


NIK_KEY_FILE = LOCAL / "nik_key"


def local_nik_key() -> None:
    """With no NIK key configured (neither INPRES_NIK_KEY nor the connection inpres_nik_key in the environment),
    the one kept in .local/nik_key, made the first time and readable by its owner only, becomes INPRES_NIK_KEY of
    this process and all it starts: participant lists then load on a fresh clone. One machine's key, for `make
    run`/`make serve` only; docker-compose starts neither, so production still needs a configured key."""
    if os.environ.get(pseudonym.ENV) or os.environ.get(f"AIRFLOW_CONN_{pseudonym.CONN_ID.upper()}"):
        return
    os.environ[pseudonym.ENV] = secret_file(NIK_KEY_FILE, pseudonym.MIN_BYTES)
    print(
        f"No NIK key configured: participant lists are pseudonymised with the local key in {NIK_KEY_FILE} "
        f"(set {pseudonym.ENV} or the connection {pseudonym.CONN_ID} to use another)",
        flush=True,
    )


def airflow_env(airflow_home: Path, warehouse_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
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
        }
    )
    return env


def stage_of(task_id: str) -> str:
    return "dbt" if task_id.startswith("dbt_build.") else STAGES.get(task_id, task_id)


def _marker_text(line: str, marker: str) -> str:
    """What follows `marker` on a log line, without the logger's own trailer."""
    text = line[line.index(marker) + len(marker) :].rstrip()
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


def dags_test(periode: str | None) -> list[str]:
    """The night as `airflow dags test` runs it: INPRES_PERIODE given as the DAG's `periode` parameter, as the
    UI's "Trigger with config" gives it."""
    return [AIRFLOW, "dags", "test", DAG_ID, *(["--conf", json.dumps({"periode": periode})] if periode else [])]


def run_nightly(
    env: dict[str, str], log_path: Path, progress: Progress, periode: str | None = None
) -> tuple[int, list[str]]:
    """`airflow dags test` with its whole output in `log_path`, followed by `progress` as it runs;
    returns the exit code and the log's lines."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as log:
        with _child([AIRFLOW, "db", "migrate"], env=env, stdout=log, stderr=subprocess.STDOUT) as migrate:
            if migrate.wait():
                raise subprocess.CalledProcessError(migrate.returncode, migrate.args)
        with _child(
            dags_test(periode),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        ) as night:
            for line in night.stdout:
                log.write(line)
                progress.feed(line)
            night.wait()
        progress.finish()
    return night.returncode, log_path.read_text(encoding="utf-8", errors="replace").splitlines()


# Linux's prctl(PR_SET_PDEATHSIG): the kernel signals a child when its parent dies, even by kill -9. Loaded
# here, not in the child between fork and exec, where loading a library is not safe.
_LIBC = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1


@contextlib.contextmanager
def _child(args: list[str], **options) -> Iterator[subprocess.Popen]:
    """A child in a process group (and session) of its own: a Ctrl-C at the terminal reaches only this process,
    which then kills the whole group, whatever the child started; and killed by the kernel if this process
    dies without a word (kill -9)."""
    parent = os.getpid()

    def die_with_parent() -> None:
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    process = subprocess.Popen(args, start_new_session=True, preexec_fn=die_with_parent, **options)
    try:
        yield process
    finally:
        # However the block ends (an interruption included), nothing of the group outlives it. The night is
        # abandoned at once, not asked to finish: every load and model is one transaction, and a task asked to
        # stop would fail and mail on-call about a stop someone asked for.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        if process.stdout:
            process.stdout.close()
        process.wait()


def marked(lines: list[str], marker: str) -> list[str]:
    """What follows `marker` on each log line, without the logger's own trailer; each once."""
    found = []
    for line in lines:
        if marker in line and (text := _marker_text(line, marker)) not in found:
            found.append(text)
    return found


class Interrupted(Exception):
    """SIGTERM (`timeout`, systemd, kill) or SIGINT (Ctrl-C) reached `make run`."""


# The signal that stopped the night: kept apart from the exception, which a library may catch and wrap.
_stopped_by: int | None = None


def _interrupt(signum, frame):
    global _stopped_by
    # The stop must finish (kill the night, stop the server): a second signal does not interrupt it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _stopped_by = signum
    raise Interrupted(signal.Signals(signum).name)


def recovered(what: str) -> None:
    print(f"Recovered: {what}", flush=True)


WIB = ZoneInfo("Asia/Jakarta")
NIGHT_FILE = "inpres_night.json"


@contextlib.contextmanager
def home_lock(airflow_home: Path) -> Iterator[dict]:
    """This Airflow home for one night at a time (a file lock, released by the kernel however this process
    ends). Yields what the night records in the lock file (`night`: a token set in the environment of every
    process it starts); the processes of a killed night that are still running are stopped first."""
    airflow_home.mkdir(parents=True, exist_ok=True)
    with open(airflow_home / NIGHT_FILE, "a+", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = _json(lock.read())
            raise NightRunning(
                f"a night is already running since {holder.get('since', '?')} "
                f"(pid {holder.get('pid', '?')}, with the Airflow home {airflow_home})"
            ) from None
        lock.seek(0)
        _stop_left_behind(_json(lock.read()).get("night"))
        night = {
            "pid": os.getpid(),
            "since": f"{datetime.now(WIB):%Y-%m-%d %H:%M:%S} WIB",
            # Letters only: no run of digits a NIK scan could mistake.
            "night": "".join(secrets.choice(string.ascii_lowercase) for _ in range(16)),
        }
        lock.seek(0)
        lock.truncate()
        lock.write(json.dumps(night))
        lock.flush()
        yield night


def _json(text: str) -> dict:
    with contextlib.suppress(ValueError):
        return json.loads(text) or {}
    return {}


def _stop_left_behind(night: str | None) -> None:
    """Kill whatever still runs from a killed night (its processes carry its token): a task process the kernel
    did not kill with `airflow dags test`."""
    import psutil

    if not night:
        return
    left = []
    for process in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            if process.pid != os.getpid() and process.environ().get("INPRES_NIGHT") == night:
                process.kill()
                left.append(process.pid)
    if left:
        recovered(
            f"stopped {len(left)} process(es) of an earlier night that was killed (pid {', '.join(map(str, left))})"
        )


def fail_dead_runs(airflow_home: Path) -> list[str]:
    """The DAG runs this Airflow home still marks running, marked failed (with their unfinished tasks): with
    the home locked, no process runs them any more. Returns their run ids."""
    database = airflow_home / "airflow.db"
    if not database.exists():
        return []
    with contextlib.closing(sqlite3.connect(database, timeout=60)) as db, db:
        try:
            dead = [
                run_id
                for [run_id] in db.execute(
                    "select run_id from dag_run where dag_id = ? and state in ('running', 'queued')", (DAG_ID,)
                )
            ]
        except sqlite3.OperationalError:  # no Airflow tables yet
            return []
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        for run_id in dead:
            db.execute(
                """update task_instance set state = 'failed', end_date = ?
                          where dag_id = ? and run_id = ?
                            and (state is null or state not in ('success', 'failed', 'skipped', 'upstream_failed',
                                                                 'removed'))""",
                (now, DAG_ID, run_id),
            )
            db.execute(
                "update dag_run set state = 'failed', end_date = ? where dag_id = ? and run_id = ?",
                (now, DAG_ID, run_id),
            )
            recovered(
                f"the night {run_id} was still marked running in Airflow, though nothing ran it any more "
                "(its run was killed): marked failed"
            )
    return dead


UNFINISHED = ".tidak-selesai"


def set_aside_unfinished(run_ids: list[str]) -> None:
    """A killed night's report folder (no manifest.json: the manifest is written last) renamed
    `<folder>.tidak-selesai`, so nobody takes it for a report."""
    if not run_ids:
        return
    output = settings.output()
    if not output.exists():
        return
    names = {settings.run_folder_name(run_id) for run_id in run_ids}
    for periode in output.iterdir():
        for name in names:
            folder = periode / name
            if not folder.is_dir() or (folder / "manifest.json").exists():
                continue
            target = periode / (name + UNFINISHED)
            try:
                folder.rename(target)
                recovered(f"the report folder of that night was never finished: renamed {_shown(target)}")
            except OSError as error:
                recovered(
                    f"the report folder of that night was never finished ({_shown(folder)}); it could not "
                    f"be renamed ({error}): do not publish it"
                )


def _shown(location) -> str:
    """A local folder as a path, anything else as its URL."""
    return str(location).removeprefix("file://")


def main() -> int:
    try:
        settings.periode()
        settings.umask()
    except ValueError as error:
        print(f"{error}: nothing was run.", file=sys.stderr)
        return 2
    # Reports, logs and the quarantine for their owner only (INPRES_UMASK); every process started from here
    # on (Airflow, its tasks, dbt) inherits it.
    settings.apply_umask()
    started = time.monotonic()
    runtime = LOCAL / "run"
    runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    airflow_home = Path(os.environ.get("AIRFLOW_HOME") or LOCAL / "airflow").absolute()
    logs = LOCAL / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    # Logs quote rejected files and failing rows: the folder, and logs written before this rule, too.
    for path in (logs, *logs.glob("*.log")):
        with contextlib.suppress(OSError):
            path.chmod(path.stat().st_mode & ~settings.umask() | 0o700 * path.is_dir())
    local_nik_key()
    # Two nights started in the same second must not write one file.
    log_path = logs / f"{DAG_ID}-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}.log"
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    try:
        code = one_night(airflow_home, log_path, started)
    except NightRunning as running:
        print(f"{running}: this run did nothing.", file=sys.stderr, flush=True)
        return 1
    except psycopg.OperationalError as error:
        if _stopped_by is None:
            print(
                f"The warehouse does not answer ({str(error).strip().splitlines()[0]}): nothing was run.",
                file=sys.stderr,
                flush=True,
            )
            return 1
    except BaseException:
        if _stopped_by is None:
            raise
    if _stopped_by is None:
        return code
    started_here = "" if os.environ.get(CONN_ENV) else ", the embedded PostgreSQL"
    print(
        f"Interrupted by {signal.Signals(_stopped_by).name}: the night was stopped with every process it had "
        f"started (Airflow, its tasks{started_here}); the next make run clears what it left. Log: {log_path}",
        file=sys.stderr,
        flush=True,
    )
    return 128 + _stopped_by


def one_night(airflow_home: Path, log_path: Path, started: float) -> int:
    with (
        home_lock(airflow_home) as claimed,
        local_warehouse(say=print) as url,
        night_lock(url, f"inpres make run pid {os.getpid()} on {socket.gethostname()}"),
    ):
        set_aside_unfinished(fail_dead_runs(airflow_home))
        compile_manifest()
        env = airflow_env(airflow_home, url)
        env["INPRES_NIGHT"] = claimed["night"]
        if not os.environ.get(CONN_ENV):
            # Where to look when the warehouse stops answering (alerts.warehouse_down).
            env["INPRES_WAREHOUSE_LOG"] = str(_pgdata() / "server.log")
        print(f"Running the night; full log: {log_path}", flush=True)
        code, lines = run_nightly(env, log_path, Progress(), settings.periode())
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
        # However many tasks it took down, the warehouse's stop is said once: the first task it hit.
        for cause in marked(lines, WAREHOUSE_DOWN)[:1]:
            print(cause, file=sys.stderr)
        print(f"Full log: {log_path}", file=sys.stderr)
        return 1
    print(f"Report: {reports[-1].removeprefix('file://')}")
    print(f"Full log: {log_path} ({elapsed:.0f} s)")
    return 0


def _pgdata() -> Path:
    return Path(os.environ.get("INPRES_PGDATA") or LOCAL / "pgdata").absolute()


if __name__ == "__main__":
    sys.exit(main())
