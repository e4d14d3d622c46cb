"""Real components for every test: an embedded PostgreSQL 18, a project-local Airflow, dbt's manifest."""

from __future__ import annotations

import email
import logging
import os
import socket
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[1]
LOCAL = ROOT / ".local" / "test"
# Each pytest process its own Airflow home: two suites at once must not share one SQLite metadata file.
AIRFLOW_HOME = LOCAL / f"airflow-{os.getpid()}"

# Airflow reads its configuration once, at import: point it at a test home before anything imports it.
os.environ.update(
    {
        "AIRFLOW_HOME": str(AIRFLOW_HOME),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{AIRFLOW_HOME / 'airflow.db'}",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
)
# As every night runs: no usage statistics to Cosmos, dbt or GX (inpres.settings imports nothing of Airflow).
from inpres.settings import NO_TELEMETRY  # noqa: E402

os.environ.update(NO_TELEMETRY)
(LOCAL / "run").mkdir(parents=True, exist_ok=True, mode=0o700)
os.environ.setdefault("XDG_RUNTIME_DIR", str(LOCAL / "run"))


# Fixtures that run a whole night through Airflow: a test using one is end-to-end (`make test-fast` skips it).
NIGHT_FIXTURES = {"run_nightly", "run_intake", "stack"}


def pytest_collection_modifyitems(items):
    for item in items:
        if NIGHT_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.e2e)


# Where a night copies rejected files and writes receipts: by default beside the output folder, which for a test
# must never be the repository's.
STORES = {"INPRES_KARANTINA": "karantina", "INPRES_TANDA_TERIMA": "tanda_terima"}


@pytest.fixture(scope="session", autouse=True)
def _session_stores(tmp_path_factory):
    """Module- and session-scoped fixtures that load files start before any test's own stores are set: theirs go
    to the session's temporary folder."""
    before = dict(os.environ)
    for variable, name in STORES.items():
        os.environ[variable] = str(tmp_path_factory.mktemp(name))
    yield
    for variable in STORES:
        if variable in before:
            os.environ[variable] = before[variable]
        else:
            del os.environ[variable]


@pytest.fixture(autouse=True)
def _stores(tmp_path, monkeypatch):
    """Rejected files and receipts of a test go to its own folders."""
    for variable, name in STORES.items():
        monkeypatch.setenv(variable, str(tmp_path / name))


@pytest.fixture(scope="session")
def manifest() -> Path:
    from inpres.paths import DBT_MANIFEST
    from inpres.transform import compile_manifest

    compile_manifest()
    return DBT_MANIFEST


@pytest.fixture(scope="session")
def pg_server() -> str:
    """One PostgreSQL for the session, with a password of its own (pg_password beside its data, both removed at
    the end); each test gets a database of its own. Not under pytest's temporary folder: another pytest
    starting meanwhile makes that folder private to its owner again, out of reach of the server's own system
    user when run as root."""
    import shutil

    from inpres.warehouse import embedded_postgres, free_port

    home = LOCAL / f"pg-{os.getpid()}"
    shutil.rmtree(home, ignore_errors=True)
    try:
        with embedded_postgres(home / "pgdata", free_port(55432)) as url:
            server = url.rsplit("/", 1)[0]
            # A throwaway cluster: durability only costs time (every test creates a database; the shutdown
            # checkpoint of a hundred of them took a minute).
            with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
                for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                    conn.execute(f"alter system set {setting} = off")
                conn.execute("select pg_reload_conf()")
            yield server
    finally:
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def warehouse(pg_server) -> str:
    """URL of a fresh, empty warehouse database with the raw and audit schemas."""
    from inpres.warehouse import create_database, ensure_schemas

    name = f"test_{uuid.uuid4().hex[:12]}"
    create_database(pg_server, name)
    url = f"{pg_server}/{name}"
    ensure_schemas(url)
    return url


@dataclass
class NightlyRun:
    returncode: int
    stdout: str
    stderr: str
    log: str
    output: Path

    @property
    def report(self) -> Path:
        """The PDF this run printed as its report."""
        [line] = [line for line in self.stdout.splitlines() if line.startswith("Report: ")]
        return Path(line.removeprefix("Report: "))


@pytest.fixture
def run_nightly(warehouse, manifest, tmp_path):
    """`make run`'s own entry point, through `airflow dags test`, on a given inbox and this test's warehouse."""

    def run(inbox: Path, **env: str) -> NightlyRun:
        output = tmp_path / "output"
        environment = {
            **os.environ,
            "AIRFLOW_CONN_WAREHOUSE": warehouse,
            "INPRES_INBOX": str(inbox),
            "INPRES_OUTPUT": str(output),
            "INPRES_KARANTINA": str(tmp_path / "karantina"),
            **env,
        }
        done = subprocess.run(
            [sys.executable, "-m", "inpres.run"], env=environment, capture_output=True, text=True, timeout=600
        )
        log_line = next(line for line in (done.stdout + done.stderr).splitlines() if line.startswith("Full log: "))
        log_path = Path(log_line.removeprefix("Full log: ").split(" (")[0])
        return NightlyRun(done.returncode, done.stdout, done.stderr, log_path.read_text(encoding="utf-8"), output)

    return run


@dataclass
class IntakeRun:
    returncode: int
    stdout: str
    stderr: str
    output: Path


@pytest.fixture
def run_intake(warehouse, manifest, tmp_path):
    """The intake DAG once, through `airflow dags test inpres_intake`, on a given inbox and this test's warehouse."""
    airflow = str(Path(sys.executable).parent / "airflow")

    def run(inbox: Path, **env: str) -> IntakeRun:
        output = tmp_path / "output"
        environment = {
            **os.environ,
            "AIRFLOW_CONN_WAREHOUSE": warehouse,
            "INPRES_INBOX": str(inbox),
            "INPRES_OUTPUT": str(output),
            **env,
        }
        subprocess.run([airflow, "db", "migrate"], env=environment, capture_output=True, check=True, timeout=600)
        done = subprocess.run(
            [airflow, "dags", "test", "inpres_intake"], env=environment, capture_output=True, text=True, timeout=600
        )
        return IntakeRun(done.returncode, done.stdout, done.stderr, output)

    return run


@pytest.fixture
def sample_inbox(tmp_path) -> Path:
    """A copy of the bundled sample inbox with its arrival times, as `make run` sees it."""
    import shutil

    from inpres.generate.national import restore_arrival
    from inpres.paths import SAMPLE_INBOX

    inbox = tmp_path / "sample_inbox"
    shutil.copytree(SAMPLE_INBOX, inbox)
    restore_arrival(inbox)
    return inbox


def _write_submission(
    path: Path,
    *,
    pelapor: str,
    periode: str,
    kepesertaan,
    kepatuhan=None,
    klaim=(),
    nama_instansi: str = "Dinas Tenaga Kerja",
) -> Path:
    from inpres.generate.writer import write_xlsx

    path.parent.mkdir(parents=True, exist_ok=True)
    identitas = {
        "kode_pelapor": pelapor,
        "periode": periode,
        "nama_instansi": nama_instansi,
        "tanggal_laporan": f"{periode}-28",
    }
    sheets = {
        "kepesertaan": list(kepesertaan),
        "kepatuhan": [kepatuhan or (None, None, None, "Tidak", None)],
        "klaim": list(klaim),
    }
    return write_xlsx(path, identitas, sheets)


@pytest.fixture
def submission():
    """Writes a template-v1 workbook, as a regional officer would send it."""
    return _write_submission


@pytest.fixture
def smtp_server(monkeypatch):
    """A real SMTP server on loopback that keeps what it receives and refuses the addresses in `refuse`."""

    class Keep:
        def __init__(self):
            self.messages = []
            self.refuse = set()

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address in self.refuse:
                return "550 5.1.1 mailbox unavailable"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Keep()
    # The stand-in server's own log names every recipient; it is not the product's log, which the tests
    # search for addresses.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv(
        "AIRFLOW_CONN_SMTP_DEFAULT",
        f"smtp://127.0.0.1:{port}?disable_tls=true&disable_ssl=true&from_email=inpres%40localhost&retry_limit=0",
    )
    yield handler
    controller.stop()
