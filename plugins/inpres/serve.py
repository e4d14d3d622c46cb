"""`make serve`: the nightly job as a service, run by Airflow's own scheduler, on this machine.

Starts the embedded PostgreSQL (the warehouse `inpres`, as `make run` uses it, and a database `airflow` for
Airflow's metadata), then Airflow's api-server (the UI, on 127.0.0.1), scheduler (LocalExecutor),
dag-processor and triggerer, each in a process group of its own. One line per component as it becomes
healthy, then the UI's address and the admin login. Ctrl-C or SIGTERM stops every process it started and
then the database; nothing is left running.

State under `INPRES_SERVE_DIR` (default .local/serve/): Airflow's home, the components' logs, and two files
only the owner may read: the admin password (Airflow's simple auth manager reads it there) and the secrets
every component must share (JWT, API and Fernet keys), generated once. The warehouse's data is in
`INPRES_PGDATA` (default .local/pgdata/, the one `make run` uses).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import psutil

from inpres import settings
from inpres.paths import PROJECT_ROOT
from inpres.run import AIRFLOW, DAG_ID, airflow_env, local_nik_key
from inpres.transform import compile_manifest
from inpres.warehouse import CONN_ENV, create_database, embedded_postgres, free_port, owner_only_file

LOCAL = PROJECT_ROOT / ".local"
WIB = ZoneInfo("Asia/Jakarta")
ADMIN = "admin"
SIMPLE_AUTH_MANAGER = "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
METADATA_DB = "airflow"
# The components whose health the api-server reports (`/api/v2/monitor/health`), by the names it uses there.
WATCHED = {"scheduler": "scheduler", "dag-processor": "dag_processor", "triggerer": "triggerer"}
COMPONENTS = ("api-server", *WATCHED)
STARTUP_TIMEOUT = 300.0
# How long the components get to finish what they do (a running task included) after SIGTERM.
GRACE = 30.0


class Stop(Exception):
    """Ctrl-C or SIGTERM: stop everything, in order."""


def _stop_signal(signum, frame):
    # The stop is bounded (GRACE) and must finish: a second Ctrl-C does not interrupt it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    print(f"{signal.Signals(signum).name}: stopping…", flush=True)
    raise Stop()


def _private(path: Path, create) -> dict:
    """A JSON file only the owner may read, created once with `create()`'s values."""
    return json.loads(owner_only_file(path, lambda: json.dumps(create()) + "\n"))


def _new_secrets() -> dict:
    from cryptography.fernet import Fernet

    return {
        "jwt_secret": secrets.token_urlsafe(48),
        "api_secret_key": secrets.token_urlsafe(48),
        "fernet_key": Fernet.generate_key().decode(),
    }


def serve_env(home: Path, warehouse_url: str, metadata_url: str, port: int, shared: dict, passwords: Path) -> dict:
    """What every component must agree on; none of it is documented in one place by Airflow."""
    env = airflow_env(home / "airflow", warehouse_url)
    env.update(
        {
            **settings.NO_TELEMETRY,
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_url,
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__AUTH_MANAGER": SIMPLE_AUTH_MANAGER,
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(port),
            # Task processes report to the api-server's Execution API; Airflow's default is localhost:8080.
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
            # Tokens one component signs, another checks: one key for all, not one made up by each at start.
            "AIRFLOW__API_AUTH__JWT_SECRET": shared["jwt_secret"],
            "AIRFLOW__API__SECRET_KEY": shared["api_secret_key"],
            "AIRFLOW__CORE__FERNET_KEY": shared["fernet_key"],
            # A scheduler runs only unpaused DAGs; the operator may still pause it in the UI, which then sticks.
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            # The LocalExecutor starts tasks with `airflow` from PATH.
            "PATH": f"{Path(AIRFLOW).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        }
    )
    return env


class Components:
    """Airflow's processes, each the leader of a process group of its own, so that a Ctrl-C at the terminal
    reaches only this program, which then stops them in order."""

    def __init__(self, env: dict, logs: Path):
        self.env, self.logs = env, logs
        self.running: dict[str, subprocess.Popen] = {}

    def run_once(self, name: str, *args: str) -> None:
        """A command that must succeed before the services start (`airflow db migrate`)."""
        process = self._start(name, *args)
        if process.wait() != 0:
            raise RuntimeError(f"airflow {' '.join(args)} failed; see {self.logs / (name + '.log')}")
        del self.running[name]

    def start(self, name: str) -> None:
        self._start(name, name)

    def _start(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")
        with log:
            self.running[name] = subprocess.Popen(
                [AIRFLOW, *args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=PROJECT_ROOT,
                start_new_session=True,
            )
        return self.running[name]

    def exited(self) -> str | None:
        """The first component that has ended on its own, if any."""
        return next((name for name, p in self.running.items() if p.poll() is not None), None)

    def stop(self) -> None:
        """The scheduler, dag-processor and triggerer first, while the api-server still takes what their
        tasks report, then the api-server. Each gets SIGTERM to its group and GRACE seconds to finish; then
        SIGKILL to whatever is left of it, tasks included (a task runs in a process group of its own)."""
        for names in (WATCHED, ("api-server",)):
            self._stop([name for name in names if name in self.running])
        self.running.clear()

    def _stop(self, names: list[str]) -> None:
        tree = {}
        for name in names:
            pid = self.running[name].pid
            with contextlib.suppress(psutil.Error):
                tree[name] = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + GRACE
        for name in names:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.running[name].wait(timeout=max(0.1, deadline - time.monotonic()))
        for name in names:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.running[name].pid, signal.SIGKILL)
            for left in tree.get(name, []):
                with contextlib.suppress(psutil.Error):
                    left.kill()
            self.running[name].wait()


def _adopt_orphans() -> None:
    """Become the parent of any process whose own parent dies before it (Linux: PR_SET_CHILD_SUBREAPER), so a
    task left behind by a killed scheduler is still ours to stop."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)


def _stop_the_rest(spare: set[int]) -> None:
    """Whatever is still below this process once everything was stopped (but the helpers in `spare`, such as
    Python's own multiprocessing resource tracker): killed, and reaped."""
    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if child.pid not in spare and child.status() != psutil.STATUS_ZOMBIE:
                child.kill()
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _get(url: str, token: str | None = None) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def _token(base: str, password: str) -> str:
    body = json.dumps({"username": ADMIN, "password": password}).encode()
    request = urllib.request.Request(f"{base}/auth/token", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["access_token"]


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=f"{parts.username}@{parts.netloc.rpartition('@')[2]}").geturl()


def _say(what: str, state: str, detail: str = "") -> None:
    print(f"{what:<15}{state:<8}{detail}".rstrip(), flush=True)


def wait_until_healthy(base: str, components: Components, started: datetime) -> None:
    """One line per component as it becomes healthy: the api-server when it answers, the others when the
    api-server reports a heartbeat of theirs newer than this start."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    healthy: set[str] = set()
    while len(healthy) < len(COMPONENTS):
        if name := components.exited():
            raise RuntimeError(f"{name} ended while starting; see {components.logs / (name + '.log')}")
        if time.monotonic() > deadline:
            waiting = ", ".join(c for c in COMPONENTS if c not in healthy)
            raise RuntimeError(f"not healthy after {STARTUP_TIMEOUT:.0f} s: {waiting}; see {components.logs}/")
        try:
            health = _get(f"{base}/api/v2/monitor/health")
        except (urllib.error.URLError, OSError, ValueError):
            time.sleep(1)
            continue
        if "api-server" not in healthy:
            healthy.add("api-server")
            _say("api-server", "ready", base)
        for name, key in WATCHED.items():
            report = health.get(key) or {}
            beat = report.get(f"latest_{key}_heartbeat")
            if (
                name not in healthy
                and report.get("status") == "healthy"
                and beat
                and datetime.fromisoformat(beat) >= started
            ):
                healthy.add(name)
                _say(name, "healthy")
        time.sleep(1)


def wait_for_dag(base: str, token: str) -> None:
    """The DAG as the dag-processor stored it: unpaused, and when it runs next; or why it did not load."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        try:
            dag = _get(f"{base}/api/v2/dags/{DAG_ID}", token)
        except urllib.error.HTTPError as error:
            if error.code != 404:
                raise
            errors = _get(f"{base}/api/v2/importErrors", token).get("import_errors", [])
            if errors:
                first = (errors[0].get("stack_trace") or errors[0].get("stacktrace") or "").strip().splitlines()[-1:]
                _say(DAG_ID, "BROKEN", f"{errors[0]['filename']}: {' '.join(first)} (the UI shows the whole error)")
                return
            time.sleep(1)
            continue
        if dag["is_paused"]:
            _say(DAG_ID, "paused", "(paused in the UI; the scheduler runs it once it is unpaused there)")
        else:
            after = dag.get("next_dagrun_run_after")
            when = datetime.fromisoformat(after).astimezone(WIB) if after else None
            _say(DAG_ID, "ready", f"next run {when:%Y-%m-%d %H:%M} WIB" if when else "no run scheduled")
        return
    raise RuntimeError(f"{DAG_ID} was not loaded by the dag-processor within {STARTUP_TIMEOUT:.0f} s")


def serve(home: Path, pgdata: Path) -> int:
    started_at = time.monotonic()
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    logs = home / "logs"
    logs.mkdir(exist_ok=True)
    shared = _private(home / "secrets.json", _new_secrets)
    passwords = home / "passwords.json"
    password = _private(passwords, lambda: {ADMIN: secrets.token_urlsafe(12)})[ADMIN]
    port = free_port(int(os.environ.get("AIRFLOW__API__PORT") or 8080))
    base = f"http://127.0.0.1:{port}"
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(embedded_postgres(pgdata, int(os.environ.get("INPRES_PG_PORT", "54329"))))
        server = url.rsplit("/", 1)[0]
        create_database(server, METADATA_DB)
        # As with `make run`, AIRFLOW_CONN_WAREHOUSE names another warehouse; Airflow's records stay here.
        warehouse = os.environ.get(CONN_ENV) or url
        _say(
            "PostgreSQL",
            "ready",
            f"warehouse {_without_password(warehouse)}, Airflow metadata {_without_password(server)}/{METADATA_DB}",
        )
        metadata = f"{server.replace('postgresql://', 'postgresql+psycopg2://')}/{METADATA_DB}"
        components = Components(serve_env(home, warehouse, metadata, port, shared, passwords), logs)
        stack.callback(components.stop)
        components.run_once("db-migrate", "db", "migrate")
        _say("metadata", "ready", f"airflow db migrate done ({time.monotonic() - started_at:.0f} s so far)")
        started = datetime.now(UTC)
        for name in COMPONENTS:
            components.start(name)
        wait_until_healthy(base, components, started)
        wait_for_dag(base, _token(base, password))
        print(f"UI: {base}  login: {ADMIN} / {password}  (kept in {passwords})", flush=True)
        print(f"Logs: {logs}/  Airflow home: {home / 'airflow'}  Ctrl-C stops everything.", flush=True)
        while not (name := components.exited()):
            time.sleep(1)
        print(
            f"{name} ended on its own (exit code {components.running[name].returncode}); stopping the rest. "
            f"See {logs / (name + '.log')}",
            file=sys.stderr,
            flush=True,
        )
        return 1


def main() -> int:
    try:
        settings.periode()
    except ValueError as error:
        print(f"{error}: nothing was started.", file=sys.stderr)
        return 2
    home = Path(os.environ.get("INPRES_SERVE_DIR") or LOCAL / "serve").absolute()
    pgdata = Path(os.environ.get("INPRES_PGDATA") or LOCAL / "pgdata").absolute()
    runtime = LOCAL / "run"
    runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    # Read by the components at start: a connection inpres_nik_key added in the UI later is not seen over it.
    local_nik_key()
    # The DAG is rendered from dbt's manifest: it must exist before the dag-processor reads the DAG.
    compile_manifest()
    spare = {child.pid for child in psutil.Process().children(recursive=True)}
    _adopt_orphans()
    signal.signal(signal.SIGINT, _stop_signal)
    signal.signal(signal.SIGTERM, _stop_signal)
    code = 1
    try:
        code = serve(home, pgdata)
    except Stop:
        code = 0
    except RuntimeError as error:
        print(f"FAILED {error}", file=sys.stderr, flush=True)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _stop_the_rest(spare)
    print(f"Stopped: {', '.join(COMPONENTS)} and PostgreSQL; nothing is left running.", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
