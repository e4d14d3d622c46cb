"""The night as a service: `make serve`'s stack (embedded PostgreSQL, Airflow's api-server, scheduler with the
LocalExecutor, dag-processor, triggerer) started through its own entry point, the scheduler running the DAG.

One stack for the module, on a fresh warehouse and an inbox of its own: on its first start the scheduler runs
the latest night it missed (the schedule fires, catchup is off), which must end in a report; then a run
triggered over the REST API with a row the raw gate blocks, which must fail and mail on-call; then Ctrl-C,
which must leave nothing running.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psutil
import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[1]
DAG_ID = "inpres_nightly"
ONCALL = "piket@kemenkopmk.example"
# A bound, not an aim: the night of this inbox takes some 150 s here, and far longer while the machine is busy.
NIGHT_TIMEOUT = 1200
PELAPOR = ("81.71", "72.06", "72.71")


@dataclass
class Stack:
    process: subprocess.Popen
    home: Path
    pgdata: Path
    output: Path
    inbox: Path
    lines: list[str] = field(default_factory=list)
    base: str = ""
    password: str = ""
    warehouse: str = ""

    def wait_for_line(self, prefix: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if found := [line for line in self.lines if line.startswith(prefix)]:
                return found[0]
            if self.process.poll() is not None:
                break
            time.sleep(0.5)
        raise AssertionError(f"no line {prefix!r} from inpres.serve:\n" + "\n".join(self.lines))

    def connect(self) -> psycopg.Connection:
        from inpres.warehouse import password_file

        return psycopg.connect(self.warehouse, password=password_file(self.pgdata).read_text().strip())

    def api(self) -> httpx.Client:
        token = (
            httpx.post(f"{self.base}/auth/token", json={"username": "admin", "password": self.password}, timeout=30)
            .raise_for_status()
            .json()["access_token"]
        )
        return httpx.Client(base_url=f"{self.base}/api/v2", headers={"Authorization": f"Bearer {token}"}, timeout=30)


def _write_submission(path: Path, pelapor: str, sasaran, terlindungi) -> None:
    from inpres.generate.writer import write_xlsx

    identitas = {
        "kode_pelapor": pelapor,
        "periode": "2022-10",
        "nama_instansi": "Dinas Tenaga Kerja",
        "tanggal_laporan": "2022-10-28",
    }
    write_xlsx(
        path,
        identitas,
        {
            "kepesertaan": [(pelapor, "pekerja_rentan", sasaran, terlindungi, None, None)],
            "kepatuhan": [(None, None, None, "Tidak", None)],
            "klaim": [],
        },
    )


def _any_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _left_running(stack: Stack) -> list[psutil.Process]:
    """Processes of this stack still alive: anything started with its state folder in its environment
    (every Airflow component and task), and its PostgreSQL (named by its data folder)."""
    left = []
    for process in psutil.process_iter(["cmdline", "status"]):
        try:
            if process.info["status"] == psutil.STATUS_ZOMBIE or process.pid == os.getpid():
                continue
            if str(stack.pgdata) in " ".join(process.info["cmdline"] or []) or process.environ().get(
                "INPRES_SERVE_DIR"
            ) == str(stack.home):
                left.append(process)
        except psutil.Error:
            continue
    return left


@pytest.fixture(scope="module")
def stack(manifest, request):
    # Not under pytest's temporary folder: another pytest starting meanwhile makes that folder private to its
    # owner again, and the embedded PostgreSQL (its own system user when run as root) loses its data folder.
    tmp = ROOT / ".local" / "test" / f"serve-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    inbox = tmp / "inbox"
    inbox.mkdir(parents=True)
    for pelapor, sasaran, terlindungi in zip(PELAPOR, (70_000, 30_000, 26_000), (40_000, 28_000, 13_000), strict=True):
        _write_submission(inbox / f"{pelapor}_2022-10.xlsx", pelapor, sasaran, terlindungi)
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in (
            "AIRFLOW_CONN_WAREHOUSE",
            "AIRFLOW_CONN_SMTP_DEFAULT",
            "INPRES_PERIODE",
            "INPRES_DISTRIBUSI",
            "INPRES_ALAMAT_PROVINSI",
        )
    }
    env.update(
        {
            "INPRES_SERVE_DIR": str(tmp / "home"),
            "INPRES_PGDATA": str(tmp / "pgdata"),
            "INPRES_PG_PORT": str(_any_port()),
            "AIRFLOW__API__PORT": str(_any_port()),
            "INPRES_INBOX": str(inbox),
            "INPRES_OUTPUT": str(tmp / "output"),
            "INPRES_KARANTINA": str(tmp / "karantina"),
            "INPRES_TANDA_TERIMA": str(tmp / "tanda_terima"),
            "INPRES_ONCALL_EMAIL": ONCALL,
            # The intake DAG every two minutes, so that a test sees it run on its schedule.
            "INPRES_INTAKE_MENIT": "2",
        }
    )
    # Its own session, as `make serve` at a terminal: a Ctrl-C there reaches the whole foreground group.
    process = subprocess.Popen(
        [sys.executable, "-m", "inpres.serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    stack = Stack(process, tmp / "home", tmp / "pgdata", tmp / "output", inbox)
    threading.Thread(
        target=lambda: stack.lines.extend(line.rstrip("\n") for line in process.stdout), daemon=True
    ).start()
    failed_before = request.session.testsfailed
    try:
        ui = stack.wait_for_line("UI: ", timeout=400)
        stack.base = ui.split()[1]
        stack.password = ui.split("login: admin / ")[1].split()[0]
        # Printed without its password, which is kept beside the data folder.
        stack.warehouse = stack.wait_for_line("PostgreSQL", timeout=1).split("warehouse ")[1].split(",")[0]
        yield stack
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                process.kill()
        for left in _left_running(stack):
            left.kill()
        # Kept when a test failed: the services' logs (home/logs/) and each task's (home/airflow/logs/).
        if request.session.testsfailed == failed_before:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"\nthe stack's folders are kept in {tmp}", file=sys.stderr)


def _wait_for_run(api: httpx.Client, run_id: str) -> dict:
    deadline = time.monotonic() + NIGHT_TIMEOUT
    while time.monotonic() < deadline:
        run = api.get(f"/dags/{DAG_ID}/dagRuns/{run_id}").raise_for_status().json()
        if run["state"] in ("success", "failed"):
            return run
        time.sleep(5)
    raise AssertionError(f"run {run_id} still {run['state']} after {NIGHT_TIMEOUT} s")


def _task_states(api: httpx.Client, run_id: str) -> dict[str, tuple[str, int]]:
    found = api.get(f"/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances", params={"limit": 500}).raise_for_status()
    return {ti["task_id"]: (ti["state"], ti["try_number"]) for ti in found.json()["task_instances"]}


def test_only_tasks_that_talk_to_other_systems_are_retried(manifest):
    from airflow.dag_processing.dagbag import DagBag

    from inpres.paths import PROJECT_ROOT

    dag = DagBag(dag_folder=str(PROJECT_ROOT / "dags")).dags[DAG_ID]
    retried = {t.task_id: (t.retries, t.retry_delay) for t in dag.tasks if t.retries}
    assert retried == {
        name: (2, timedelta(minutes=5))
        for name in ("pull_submissions", "pull_bpjs_extracts", "send_receipts", "deliver")
    }
    assert len(dag.tasks) > 10  # loading, the gates, every dbt task and the report: none retried


def test_the_scheduler_runs_the_night_it_missed_to_a_report(stack):
    # The login printed is the one kept, readable by its owner only, as are the keys the components share.
    passwords = stack.home / "passwords.json"
    assert json.loads(passwords.read_text()) == {"admin": stack.password}
    assert passwords.stat().st_mode & 0o777 == 0o600
    assert (stack.home / "secrets.json").stat().st_mode & 0o777 == 0o600
    for component in ("api-server", "scheduler", "dag-processor", "triggerer"):
        assert any(line.startswith(component) for line in stack.lines), stack.lines
    # The database's password is not printed (the UI's login is, for whoever started it).
    from inpres.warehouse import password_file

    assert password_file(stack.pgdata).read_text().strip() not in "\n".join(stack.lines)
    api = stack.api()
    deadline = time.monotonic() + 120
    while not (runs := api.get(f"/dags/{DAG_ID}/dagRuns").raise_for_status().json()["dag_runs"]):
        assert time.monotonic() < deadline, "the scheduler created no run"
        time.sleep(2)
    [scheduled] = runs
    assert scheduled["run_type"] == "scheduled"

    run = _wait_for_run(api, scheduled["dag_run_id"])

    states = _task_states(api, run["dag_run_id"])
    assert run["state"] == "success", {task: state for task, state in states.items() if state[0] != "success"}
    assert {state for state, _ in states.values()} == {"success"}
    assert sum(task.startswith("dbt_build.") for task in states) > 10
    [pdf] = stack.output.glob("2022-10/*/laporan_nasional_2022-10.pdf")
    assert pdf.parent.name.startswith("scheduled__") and pdf.read_bytes().startswith(b"%PDF")
    with stack.connect() as conn:
        loaded = conn.execute("select pelapor, periode, file_name from raw.submission order by pelapor").fetchall()
        assert loaded == [(p, "2022-10", f"{p}_2022-10.xlsx") for p in sorted(PELAPOR)]
        assert conn.execute("select sum(terlindungi) from raw.kepesertaan").fetchone() == (81_000,)


def test_a_blocked_gate_fails_the_run_and_mails_on_call(stack, smtp_server):
    api = stack.api()
    # The mail server as an operator would give it, in the UI or over the API: a connection in Airflow.
    smtp = urlsplit(os.environ["AIRFLOW_CONN_SMTP_DEFAULT"])
    api.post(
        "/connections",
        json={
            "connection_id": "smtp_default",
            "conn_type": "smtp",
            "host": smtp.hostname,
            "port": smtp.port,
            "extra": json.dumps(
                {"disable_tls": True, "disable_ssl": True, "from_email": "inpres@localhost", "retry_limit": 0}
            ),
        },
    ).raise_for_status()
    # A row that reached raw another way than the intake (which refuses it): more protected than targeted.
    with stack.connect() as conn:
        [submission_id] = conn.execute("""
            insert into raw.submission (file_name, sha256, format, pelapor, periode, received_at)
            values ('81.71_2022-10.xlsx', 'diperbaiki-manual', 'xlsx', '81.71', '2022-10', now())
            returning submission_id""").fetchone()
        conn.execute(
            """insert into raw.kepesertaan (submission_id, baris, kode_wilayah, segmen, sasaran, terlindungi)
                        values (%s, 2, '81.71', 'pekerja_rentan', 40000, 70000)""",
            (submission_id,),
        )

    triggered = api.post(f"/dags/{DAG_ID}/dagRuns", json={"logical_date": None}).raise_for_status().json()
    run = _wait_for_run(api, triggered["dag_run_id"])

    assert run["state"] == "failed"
    states = _task_states(api, run["dag_run_id"])
    assert states["load_raw"][0] == "success"
    # A blocking gate fails the same way twice: no retry, the run fails at once.
    assert states["quality_gate_raw"] == ("failed", 1)
    assert states["report"][0] == states["deliver"][0] == "upstream_failed"
    assert not [pdf for pdf in stack.output.rglob("*.pdf") if pdf.parent.name.startswith("manual__")]
    [(recipients, mail)] = smtp_server.messages
    assert recipients == [ONCALL]
    assert "gerbang mutu raw_kepesertaan gagal" in mail["Subject"]
    body = next(part for part in mail.walk() if part.get_content_type() == "text/html").get_payload(decode=True)
    assert f"submission_id={submission_id}, baris=2, sasaran=40000, terlindungi=70000" in body.decode()


def test_the_intake_dag_answers_a_new_file_on_its_schedule(stack):
    _write_submission(stack.inbox / "72.03_2022-10.xlsx", "72.03", 10_000, 5_000)
    deadline = time.monotonic() + 420
    while _intake_status(stack).get("72.03") != "sudah mengirim":
        assert time.monotonic() < deadline, "no intake run judged the new file"
        time.sleep(5)
    with stack.connect() as conn:
        assert conn.execute("select 1 from raw.submission where pelapor = '72.03'").fetchone()
        receipt = conn.execute("select status from audit.tanda_terima where file_name = '72.03_2022-10.xlsx'")
        assert receipt.fetchone() == ("diterima",)
    api = stack.api()
    runs = api.get("/dags/inpres_intake/dagRuns", params={"limit": 100}).raise_for_status().json()["dag_runs"]
    assert runs and {r["run_type"] for r in runs} == {"scheduled"}
    assert "success" in {r["state"] for r in runs}
    # Never two at once (max_active_runs=1): no two runs' times overlap.
    spans = sorted((r["start_date"], r["end_date"] or "9999") for r in runs if r["start_date"])
    assert all(end <= start for (_, end), (start, _) in itertools.pairwise(spans)), spans
    assert _intake_status(stack)["72.01"] == "belum mengirim"


def _intake_status(stack: Stack) -> dict[str, str]:
    path = stack.output / "penerimaan" / "penerimaan_2022-10.csv"
    if not path.exists():
        return {}
    with open(path, newline="", encoding="utf-8") as f:
        return {row["kode_pelapor"]: row["status"] for row in csv.DictReader(f)}


def test_ctrl_c_stops_every_process_and_the_database(stack):
    assert _left_running(stack), "the stack was not running"
    os.killpg(stack.process.pid, signal.SIGINT)

    assert stack.process.wait(timeout=120) == 0
    time.sleep(1)
    assert stack.lines[-1].startswith("Stopped: "), stack.lines[-5:]
    assert _left_running(stack) == []
    for url in (stack.base, stack.warehouse):
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", urlsplit(url).port), timeout=5).close()
