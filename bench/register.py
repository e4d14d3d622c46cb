"""Participant lists (template v1.1) at province scale: intake against bare COPY, and a key rotation.

    .venv/bin/python bench/register.py [--rows 1000000,10000000]

For each size: one submission of Provinsi Maluku whose `<stem>_peserta.csv` holds that many valid NIKs.
Prints the intake's time and rows/s against PostgreSQL's bare COPY of the same file (6 text columns, no
checks), the pseudonymisation alone (read, NIK check and HMAC, nothing sent), re-keying the list with a
new key, the peak memory of the process that loaded it, and the disk the file and raw.peserta take. Each
measurement runs in a process of its own on a fresh database of the embedded PostgreSQL.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import psycopg

from inpres.generate import peserta as people
from inpres.generate.writer import write_csv
from inpres.ingest import peserta
from inpres.warehouse import create_database, embedded_postgres, ensure_schemas, free_port

TODAY = date(2026, 11, 24)
PELAPOR, PERIODE = "81", "2022-10"
KAB_KOTA = ("81.01", "81.02", "81.03", "81.71", "81.72")


def write_inbox(folder: Path, rows: int) -> Path:
    """The submission's four sheets, and its list: the province's kab/kota in turn, every segment."""
    folder.mkdir(parents=True)
    identitas = {"kode_pelapor": PELAPOR, "periode": PERIODE, "nama_instansi": "Disnakertrans", "tanggal_laporan": ""}
    write_csv(
        folder,
        f"{PELAPOR}_{PERIODE}",
        identitas,
        {
            "kepesertaan": [(PELAPOR, "non_asn", 10, 5, None, "apbd")],
            "kepatuhan": [(None, None, None, "Ya", None)],
            "klaim": [],
        },
    )
    path = folder / f"{PELAPOR}_{PERIODE}_peserta.csv"
    segmen = peserta.catalogue.SEGMEN
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\r\n")
        out.writerow(peserta.COLUMNS)
        for i in range(rows):
            kode = KAB_KOTA[i % len(KAB_KOTA)]
            j = i // len(KAB_KOTA)
            out.writerow(
                (people.nik(kode, j), segmen[j % len(segmen)], kode, f"2{j:010d}" if j % 3 else "", "", "aktif")
            )
    return path


def child(step: str, url: str, inbox: str) -> None:
    """One measurement in this process; prints a JSON line with its figures and its peak memory."""
    from airflow.sdk import ObjectStoragePath

    from inpres.ingest import contract, pseudonym, reader, rotate
    from inpres.ingest.inbox import LAPORAN, find_deliveries, load_deliveries

    # Airflow configures itself on first use (its lineage plugins on the first file opened): not a cost of the rows.
    with ObjectStoragePath(next(Path(inbox).glob("*_identitas.csv")).as_uri()).open("rb"):
        pass
    peserta.nik_prefixes(), peserta.birth_dates()
    began = time.perf_counter()
    figures = {}
    if step == "intake":
        with psycopg.connect(url) as conn:
            summary = load_deliveries(conn, find_deliveries(ObjectStoragePath(Path(inbox).as_uri()), LAPORAN), TODAY)
            assert summary.rejected == {}, summary.rejected
    elif step == "pseudonymise":
        path = next(Path(inbox).glob("*_peserta.csv"))

        class Discard:
            def execute(self, *_):
                pass

            def cursor(self):
                return self

            def copy(self, _):
                return self

            def __enter__(self):
                return self

            def __exit__(self, *_):
                return False

            def write(self, _):
                pass

        with path.open("rb") as stream:
            records = reader.csv_records("peserta", stream, path.stat().st_size, peserta.MAX_CSV_BYTES)
            figures["rows"] = peserta.stage(Discard(), records, contract.Reasons(), pseudonym.nik_key())
    elif step == "rotate":
        with psycopg.connect(url) as conn:
            result = rotate.rotate(conn, ObjectStoragePath(Path(inbox).as_uri()))
        assert result.rekeyed == 1 and not result.missing, result
    elif step == "copy":
        path = next(Path(inbox).glob("*_peserta.csv"))
        with psycopg.connect(url) as conn:
            conn.execute(
                "create table bare (nik text, segmen text, kode_wilayah text, nomor_kpj text, tanggal_lahir text, "
                "status text)"
            )
            with path.open("rb") as f, conn.cursor().copy("copy bare from stdin (format csv, header)") as copy:
                while chunk := f.read(1 << 20):
                    copy.write(chunk)
    figures["seconds"] = time.perf_counter() - began
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def measure(step: str, url: str, inbox: Path, **env: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", step, url, str(inbox)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )
    if done.returncode:
        sys.exit(f"{step} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def fresh_database(server: str, name: str) -> str:
    create_database(server, name)
    url = f"{server}/{name}"
    ensure_schemas(url)
    return url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="1000000,10000000", help="list sizes, comma-separated")
    parser.add_argument("--child", nargs=3, metavar=("STEP", "URL", "INBOX"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    sizes = [int(s) for s in args.rows.split(",")]
    old_key, new_key = secrets.token_hex(32), secrets.token_hex(32)
    with (
        tempfile.TemporaryDirectory(prefix="bench-register-", dir=os.environ.get("INPRES_BENCH_TMP")) as tmp,
        embedded_postgres(Path(tmp) / "pgdata", free_port(55480)) as url,
    ):
        server = url.rsplit("/", 1)[0]
        for rows in sizes:
            inbox = Path(tmp) / f"inbox-{rows}"
            began = time.perf_counter()
            path = write_inbox(inbox, rows)
            written = time.perf_counter() - began
            bare = measure("copy", fresh_database(server, f"bare_{rows}"), inbox)
            url_rows = fresh_database(server, f"register_{rows}")
            pseudo = measure("pseudonymise", url_rows, inbox, INPRES_NIK_KEY=old_key)
            intake = measure("intake", url_rows, inbox, INPRES_NIK_KEY=old_key)
            rotation = measure("rotate", url_rows, inbox, INPRES_NIK_KEY=new_key)
            with psycopg.connect(url_rows) as conn:
                loaded, table = conn.execute(
                    "select count(*), pg_total_relation_size('raw.peserta') from raw.peserta"
                ).fetchone()
            assert loaded == rows, (loaded, rows)
            size = path.stat().st_size
            print(
                f"{rows:>11,} rows ({size / 1e6:,.0f} MB CSV, written in {written:.0f} s): "
                f"intake {intake['seconds']:.1f} s = {rows / intake['seconds']:,.0f} rows/s; "
                f"bare COPY {bare['seconds']:.1f} s = {rows / bare['seconds']:,.0f} rows/s; "
                f"intake/COPY speed {bare['seconds'] / intake['seconds']:.2f}; "
                f"pseudonymisation alone (read, check, HMAC) {pseudo['seconds']:.1f} s; "
                f"rotation {rotation['seconds']:.1f} s = {rows / rotation['seconds']:,.0f} rows/s; "
                f"peak RSS intake {intake['peak_mb']:.0f} MB, rotation {rotation['peak_mb']:.0f} MB, "
                f"bare COPY {bare['peak_mb']:.0f} MB; raw.peserta {table / 1e6:,.0f} MB on disk",
                flush=True,
            )
            path.unlink()
    if 45_000_000 not in sizes:
        print(
            "45,000,000 rows (every BPJS participant at once) not run by default: at the rates above it takes "
            "about 4.5 times the 10 M run, and 2.7 GB of CSV plus ~5 GB of table; run it with --rows 45000000"
        )


if __name__ == "__main__":
    main()
