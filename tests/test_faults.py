"""Faults an operator meets: a server that only lets in who has its password, a `make run` killed (SIGTERM,
kill -9) and the next one recovering by itself, two nights at once on one warehouse, a warehouse that dies
mid-night, files only their owner may read.

The nights run `python -m inpres.run` as `make run` does, on a small inbox, as real processes that are killed
for real. Each test's embedded PostgreSQL lives under .local/test/ (not pytest's temporary folder, which
another pytest starting meanwhile makes private to its owner again, out of reach of the server's system user
when run as root).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import psycopg
import pytest

from inpres.warehouse import embedded_postgres, free_port, password_file

ROOT = Path(__file__).resolve().parents[1]
ONCALL = "piket@kemenkopmk.example"
DISTRIBUSI = "deputi@kemenkopmk.example"


@pytest.fixture
def folder():
    """A folder of this test's own under .local/test/, removed afterwards."""
    path = ROOT / ".local" / "test" / f"faults-{os.getpid()}-{time.monotonic_ns()}"
    path.mkdir(parents=True)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _servers_on(pgdata: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        with contextlib.suppress(psutil.Error):
            if str(pgdata) in (process.info["cmdline"] or []):
                found.append(process)
    return found


def _alive(process: psutil.Process) -> bool:
    """Running, not a zombie nobody reaped (a detached server's parent may be a pid 1 that never reaps)."""
    with contextlib.suppress(psutil.Error):
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    return False


def _refused(url: str) -> str:
    with pytest.raises(psycopg.OperationalError) as refused:
        psycopg.connect(url, connect_timeout=10).close()
    return str(refused.value)


def test_the_embedded_server_asks_for_the_password_kept_for_its_owner(folder):
    pgdata = folder / "pgdata"
    lines = []
    with embedded_postgres(pgdata, free_port(55600), say=lines.append) as url:
        secret = password_file(pgdata)
        assert secret.stat().st_mode & 0o777 == 0o600
        password = secret.read_text().strip()
        assert len(password) >= 32 and f"postgres:{password}@127.0.0.1:" in url
        with psycopg.connect(url) as conn:
            assert conn.execute("select current_user").fetchone() == ("postgres",)
        port = url.rsplit(":", 1)[1].split("/")[0]
        assert "password authentication failed" in _refused(f"postgresql://postgres:wrong@127.0.0.1:{port}/inpres")
        assert "password" in _refused(f"postgresql://postgres@127.0.0.1:{port}/inpres?passfile=/dev/null")
        assert "trust" not in [
            line.split()[-1]
            for line in (pgdata / "pg_hba.conf").read_text().splitlines()
            if line.strip() and not line.startswith("#")
        ]
    assert lines == []
    # The password is made once: the next start uses the same.
    with embedded_postgres(pgdata, free_port(55600), say=lines.append) as again:
        assert secret.read_text().strip() == password and f":{password}@" in again
    assert lines == []


def test_a_data_folder_made_with_trust_is_moved_to_the_password(folder):
    from embedded_postgres import initdb

    from inpres.warehouse import _run_as_postgres_user

    pgdata = folder / "pgdata"
    pgdata.mkdir()
    as_user = _run_as_postgres_user()
    if as_user:
        import pwd

        from embedded_postgres.utils import ensure_prefix_permissions

        ensure_prefix_permissions(pgdata)
        entry = pwd.getpwnam(as_user["user"])
        os.chown(pgdata, entry.pw_uid, entry.pw_gid)
    # As the warehouse module made it before: every local user trusted.
    initdb(["--auth=trust", "--encoding=utf8", "--locale=C", "-U", "postgres"], pgdata=pgdata, **as_user)
    lines = []

    with embedded_postgres(pgdata, free_port(55610), say=lines.append) as url:
        port = url.rsplit(":", 1)[1].split("/")[0]
        assert "password authentication failed" in _refused(f"postgresql://postgres:x@127.0.0.1:{port}/inpres")
        with psycopg.connect(url) as conn:
            assert conn.execute("select 1").fetchone() == (1,)

    [migrated] = lines
    assert (
        migrated.startswith(f"Migrated: {pgdata} ") and "trust" in migrated and str(password_file(pgdata)) in migrated
    )


HOLD_A_SERVER = """
import sys, time
from pathlib import Path
from inpres.warehouse import embedded_postgres
with embedded_postgres(Path(sys.argv[1]), int(sys.argv[2])) as url:
    print("up", flush=True)
    time.sleep(600)
"""


def test_a_server_left_running_or_a_stale_pid_file_is_cleared_by_the_next_start(folder):
    pgdata = folder / "pgdata"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_A_SERVER, str(pgdata), str(free_port(55620))], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "up"
        _left_behind_and_a_stale_pid_file(pgdata, holder)
    finally:
        holder.kill()
        for left in _servers_on(pgdata):
            left.kill()


def _left_behind_and_a_stale_pid_file(pgdata: Path, holder: subprocess.Popen) -> None:
    postmaster = psutil.Process(int((pgdata / "postmaster.pid").read_text().split()[0]))
    lines = []
    # While its starter runs, the server is used as it is (`make dbt` beside `make serve`) and left running.
    with embedded_postgres(pgdata, free_port(55620), say=lines.append) as url:
        with psycopg.connect(url) as conn:
            assert conn.execute("select 1").fetchone() == (1,)
    assert lines == [] and _alive(postmaster)

    holder.kill()  # kill -9: nothing of it runs, its server does
    holder.wait()
    assert _alive(postmaster)
    with embedded_postgres(pgdata, free_port(55620), say=lines.append) as url:
        with psycopg.connect(url) as conn:
            assert conn.execute("select 1").fetchone() == (1,)
    assert lines == [
        f"Recovered: stopped the PostgreSQL (pid {postmaster.pid}) that a killed run left running on {pgdata}"
    ]
    assert not _alive(postmaster) and _servers_on(pgdata) == []

    # A pid file naming a process that is not this folder's server (the machine restarted, the pid was reused).
    (pgdata / "postmaster.pid").write_text(
        f"{os.getpid()}\n{pgdata}\n1796221900\n55620\n{pgdata}\n127.0.0.1\n  5349525    163878\nready   \n"
    )
    lines.clear()
    with embedded_postgres(pgdata, free_port(55620), say=lines.append) as url:
        with psycopg.connect(url) as conn:
            assert conn.execute("select 1").fetchone() == (1,)
    assert lines == [
        f"Recovered: removed the pid file of a PostgreSQL that no longer runs ({pgdata / 'postmaster.pid'})"
    ]
    assert _servers_on(pgdata) == []


# --- Nights killed, nights at once, a warehouse that dies --------------------------------------------------

GOOD = [("81.71", "pekerja_rentan", 70_000, 40_000, None, None)]


def _inbox(folder: Path, submission) -> Path:
    """A good file, and one the intake rejects (terlindungi above sasaran), so the quarantine has a file."""
    inbox = folder / "inbox"
    submission(inbox / "81.71_2022-10.xlsx", pelapor="81.71", periode="2022-10", kepesertaan=GOOD)
    submission(
        inbox / "72.06_2022-10.xlsx",
        pelapor="72.06",
        periode="2022-10",
        kepesertaan=[("72.06", "pekerja_rentan", 30_000, 40_000, None, None)],
    )
    return inbox


class Night:
    """`python -m inpres.run` as a process of its own, as `make run` starts it."""

    def __init__(self, env: dict, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.out, self.err = folder / "stdout", folder / "stderr"
        with open(self.out, "w") as out, open(self.err, "w") as err:
            # A session of its own: a signal sent here reaches `make run`'s process only, as `timeout` and
            # `kill` send it.
            self.process = subprocess.Popen(
                [sys.executable, "-m", "inpres.run"], env=env, stdout=out, stderr=err, start_new_session=True
            )

    @property
    def stdout(self) -> str:
        return self.out.read_text()

    @property
    def stderr(self) -> str:
        return self.err.read_text()

    @property
    def log(self) -> Path:
        [line] = [line for line in self.stdout.splitlines() if line.startswith("Running the night; full log: ")]
        return Path(line.rsplit(": ", 1)[1])

    def wait_for(self, text: str, timeout: float = 400) -> None:
        """Until the night's log shows `text`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the night ended first:\n{self.stdout}\n{self.stderr}"
            with contextlib.suppress(ValueError, FileNotFoundError):
                if text in self.log.read_text(errors="replace"):
                    return
            time.sleep(0.5)
        raise AssertionError(f"{text!r} not in the log after {timeout} s")

    def wait(self, timeout: float = 600) -> int:
        return self.process.wait(timeout=timeout)


def _night_token(airflow_home: Path) -> str:
    return json.loads((airflow_home / "inpres_night.json").read_text())["night"]


def _processes_of(night: str) -> list[psutil.Process]:
    """Every process started for a night (each carries its token in its environment)."""
    found = []
    for process in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            if process.environ().get("INPRES_NIGHT") == night and _alive(process):
                found.append(process)
    return found


def _until(condition, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while not (result := condition()) and time.monotonic() < deadline:
        time.sleep(0.5)
    return result


def _private(path: Path) -> list[str]:
    """What under `path` (itself included) its group or others may read, write or enter."""
    return [f"{p} {oct(p.stat().st_mode & 0o777)}" for p in [path, *path.rglob("*")] if p.stat().st_mode & 0o077]


@pytest.mark.e2e
def test_a_night_stopped_by_sigterm_takes_its_processes_with_it_and_the_next_one_recovers(
    warehouse, manifest, tmp_path, submission, smtp_server
):
    airflow_home = Path(os.environ["AIRFLOW_HOME"])
    output, karantina = tmp_path / "output", tmp_path / "karantina"
    env = {
        **os.environ,
        "AIRFLOW_CONN_WAREHOUSE": warehouse,
        "INPRES_INBOX": str(_inbox(tmp_path, submission)),
        "INPRES_OUTPUT": str(output),
        "INPRES_KARANTINA": str(karantina),
        "INPRES_DISTRIBUSI": DISTRIBUSI,
    }
    env.pop("INPRES_UMASK", None)
    first = Night(env, tmp_path / "first")
    # dbt starts after the raw gate wrote its Data Docs into the night's folder: a half-written folder.
    first.wait_for("starting task_id=dbt_build")
    token = _night_token(airflow_home)
    night_processes = _processes_of(token)
    assert any("dags" in p.cmdline() and "test" in p.cmdline() for p in night_processes)

    # Meanwhile another night on the same warehouse from elsewhere (its own Airflow home), and one from here.
    for name, home in (("elsewhere", tmp_path / "other-airflow"), ("here", airflow_home)):
        other = subprocess.run(
            [sys.executable, "-m", "inpres.run"],
            env={**env, "AIRFLOW_HOME": str(home)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert other.returncode == 1, (name, other.stdout, other.stderr)
        [said] = other.stderr.splitlines()
        assert said.startswith("a night is already running since ") and said.endswith(": this run did nothing."), said
        # Who holds it: the warehouse's lock knows the session, this home's lock the process.
        holder = (
            f"inpres make run pid {first.process.pid} on " if name == "elsewhere" else f"(pid {first.process.pid}, "
        )
        assert holder in said, said
        assert "Running the night" not in other.stdout and not (home / "airflow.db").exists() or name == "here"

    first.process.send_signal(signal.SIGTERM)
    assert first.wait(timeout=120) == 128 + signal.SIGTERM
    [said] = first.stderr.splitlines()
    assert said.startswith("Interrupted by SIGTERM: the night was stopped with every process it had started")
    assert _until(lambda: not _processes_of(token), 10), _processes_of(token)
    assert not [p for p in night_processes if _alive(p)]
    with psycopg.connect(warehouse) as conn:
        others = "select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()"
        assert _until(lambda: conn.execute(others).fetchone() == (0,), 30), "sessions of the night remain"
        # Nothing the night loaded was lost or half-written: the load committed, dbt had not begun.
        assert conn.execute("select count(*) from raw.submission").fetchone() == (1,)
    assert smtp_server.messages == []
    [unfinished] = output.glob("2022-10/*")
    assert not (unfinished / "manifest.json").exists()
    time.sleep(1.5)  # not to matter, but the next night's log would be named apart even in the same second

    again = Night(env, tmp_path / "again")
    assert again.wait() == 0, again.stdout + again.stderr
    recovered = [line for line in again.stdout.splitlines() if line.startswith("Recovered: ")]
    assert len(recovered) == 2, again.stdout
    assert recovered[0].startswith("Recovered: the night manual__") and recovered[0].endswith(": marked failed")
    assert recovered[1] == (
        f"Recovered: the report folder of that night was never finished: renamed {unfinished}.tidak-selesai"
    )
    assert Path(f"{unfinished}.tidak-selesai").is_dir() and not unfinished.exists()
    assert {tuple(to) for to, _ in smtp_server.messages} == {(DISTRIBUSI,)}
    assert again.log != first.log and again.log.name.endswith(f"-{again.process.pid}.log")

    # What the night wrote is its owner's only: reports, the quarantine, the log.
    assert (karantina / "72.06_2022-10.xlsx").exists()
    assert _private(output) == [] and _private(karantina) == [] and _private(again.log) == []
    assert again.log.parent.stat().st_mode & 0o077 == 0


@pytest.mark.e2e
def test_a_killed_run_leaves_its_server_to_the_next_whose_warehouse_then_dies_mid_night(
    folder, manifest, tmp_path, submission, smtp_server
):
    pgdata = folder / "pgdata"
    port = free_port(55630)
    env = {key: value for key, value in os.environ.items() if key not in ("AIRFLOW_CONN_WAREHOUSE", "INPRES_UMASK")}
    env.update(
        {
            "INPRES_PGDATA": str(pgdata),
            "INPRES_PG_PORT": str(port),
            "INPRES_INBOX": str(_inbox(tmp_path, submission)),
            "INPRES_OUTPUT": str(tmp_path / "output"),
            "INPRES_KARANTINA": str(tmp_path / "karantina"),
            "INPRES_ONCALL_EMAIL": ONCALL,
        }
    )
    airflow_home = Path(os.environ["AIRFLOW_HOME"])

    first = Night(env, tmp_path / "first")
    first.wait_for("starting task_id=load_raw")
    token = _night_token(airflow_home)
    left = psutil.Process(int((pgdata / "postmaster.pid").read_text().split()[0]))
    first.process.kill()  # kill -9: no word to anyone
    first.wait(timeout=30)
    # Airflow goes with it (the kernel kills it); the server, detached, stays for the next run to clear.
    assert _until(lambda: not _processes_of(token), 20), _processes_of(token)
    assert _alive(left)

    second = Night(env, tmp_path / "second")
    second.wait_for("starting task_id=dbt_build")
    assert not _alive(left)
    pid, _, _, port = (pgdata / "postmaster.pid").read_text().splitlines()[:4]  # the port may differ: TIME_WAIT
    psutil.Process(int(pid)).send_signal(signal.SIGQUIT)  # the server stops at once (immediate shutdown), as in a crash
    assert second.wait() == 1

    recovered = [line for line in second.stdout.splitlines() if line.startswith("Recovered: ")]
    assert (
        recovered[0] == f"Recovered: stopped the PostgreSQL (pid {left.pid}) that a killed run left running on {pgdata}"
    )
    assert recovered[1].startswith("Recovered: the night manual__") and recovered[1].endswith(": marked failed")
    assert len(recovered) == 2, second.stdout  # killed during the load: no report folder was begun

    failed = [line for line in second.stderr.splitlines() if line.startswith("FAILED ")]
    assert failed and all(line.endswith(f": the warehouse at 127.0.0.1:{port} did not answer") for line in failed)
    [cause] = [line for line in second.stderr.splitlines() if line.startswith("The warehouse ")]
    first_failed = failed[0].split()[1].rstrip(":")
    assert cause == (
        f"The warehouse at 127.0.0.1:{port} stopped answering during {first_failed}: check the server "
        f"({pgdata / 'server.log'}) and run the night again; nothing half-written stays (each load "
        "and each dbt model is written in one transaction)"
    )
    assert "refused" not in second.stderr.lower()
    # On-call is mailed once for every task that failed, and no address is written in the log.
    assert sorted(message["Subject"] for _, message in smtp_server.messages) == sorted(
        f"[Inpres 2/2021] Laporan malam ini dihentikan: tugas {line.split()[1].rstrip(':')} gagal" for line in failed
    )
    assert {tuple(to) for to, _ in smtp_server.messages} == {(ONCALL,)}
    assert ONCALL not in second.log.read_text()
    assert _servers_on(pgdata) == [] and _processes_of(_night_token(airflow_home)) == []


def test_a_failed_task_mails_on_call_once_with_no_nik_or_address(smtp_server, monkeypatch, caplog):
    from types import SimpleNamespace

    from inpres.alerts import task_failed
    from inpres.quality.gate import GateFailed, Outcome

    monkeypatch.setenv("INPRES_ONCALL_EMAIL", ONCALL)
    monkeypatch.delenv("AIRFLOW_CONN_WAREHOUSE", raising=False)
    error = RuntimeError("SMTP refused gubernur@sultengprov.example; NIK 3171234567890123 in 72.06_2022-10.xlsx")
    task_failed({"task_instance": SimpleNamespace(task_id="report"), "exception": error})
    blocking = Outcome(
        "raw_kepesertaan",
        "expect_x",
        "terlindungi ≤ sasaran",
        "blocking",
        False,
        1,
        [{"submission_id": 1, "baris": 2, "terlindungi": 3171234567890123}],
    )
    task_failed(
        {
            "task_instance": SimpleNamespace(task_id="quality_gate_raw"),
            "exception": GateFailed("raw_kepesertaan", [blocking]),
        }
    )

    subjects = [message["Subject"] for _, message in smtp_server.messages]
    assert subjects == [
        "[Inpres 2/2021] Laporan malam ini dihentikan: tugas report gagal",
        "[Inpres 2/2021] Laporan malam ini dihentikan: gerbang mutu raw_kepesertaan gagal",
    ]
    bodies = [
        part.get_payload(decode=True).decode()
        for _, m in smtp_server.messages
        for part in m.walk()
        if not part.is_multipart()
    ]
    logged = caplog.text
    for text in (*bodies, logged):
        assert "3171234567890123" not in text and "gubernur@" not in text
    assert "report: SMTP refused <alamat>; NIK 3171********0123 in 72.06_2022-10.xlsx" in logged
    assert "terlindungi=3171********0123" in bodies[1]
    assert ONCALL not in logged


def test_gate_samples_and_lines_carry_no_nik(warehouse, tmp_path, caplog):
    from inpres.quality.gate import GateFailed, run_gate

    nik = 3171234567890123
    with psycopg.connect(warehouse) as conn:
        conn.execute("""insert into raw.submission (submission_id, file_name, sha256, format, pelapor, periode,
                                                    received_at)
                        values (1, '81_2022-10.xlsx', 'x', 'xlsx', '81', '2022-10', now())""")
        # Rows that reached raw another way than the intake (which refuses them): a NIK as a count, as a code.
        conn.execute(
            """insert into raw.kepesertaan (submission_id, baris, kode_wilayah, segmen, sasaran, terlindungi)
                        values (1, 2, '81.71', 'non_asn', 10, %s), (1, 3, %s, 'non_asn', 10, 5)""",
            (nik, str(nik)),
        )

    with pytest.raises(GateFailed) as failed:
        run_gate("raw_kepesertaan", warehouse, "malam-1", tmp_path / "docs")

    with psycopg.connect(warehouse) as conn:
        samples = [
            json.dumps(s) for [s] in conn.execute("select sample from audit.validation_result where not success")
        ]
    assert any("3171********0123" in s for s in samples) and not any(str(nik) in s for s in samples)
    assert {"submission_id": 1, "baris": 2, "sasaran": 10, "terlindungi": "3171********0123"} in [
        row for o in failed.value.outcomes for row in o.sample
    ]
    assert str(nik) not in str(failed.value) and "3171********0123" in str(failed.value)
    assert str(nik) not in caplog.text and "3171********0123" in caplog.text
