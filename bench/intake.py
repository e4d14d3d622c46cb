"""Intake speed at national scale: rows per second for XLSX and for CSV submissions, against COPY.

    .venv/bin/python bench/intake.py [--months 3]

Generates all 552 pelapor for some months (once as XLSX, once as CSV sets), loads each inbox into a
fresh database on the embedded PostgreSQL through the real intake (read, validate, one transaction
per delivery), then loads the same rows with PostgreSQL's own COPY from one clean CSV. Then the peak
Python memory of loading ever larger CSV files (BPJS extracts), which should stay flat.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

import psycopg
from airflow.sdk import ObjectStoragePath

from inpres import wilayah
from inpres.generate.national import generate, restore_arrival
from inpres.ingest.inbox import BPJS, LAPORAN, find_deliveries, load_deliveries
from inpres.warehouse import create_database, embedded_postgres, ensure_schemas, free_port

TODAY = date(2026, 11, 24)
ROWS = (
    "select (select count(*) from raw.kepesertaan) + (select count(*) from raw.kepatuhan) + "
    "(select count(*) from raw.klaim)"
)


def fresh_database(server: str, name: str) -> str:
    create_database(server, name)
    url = f"{server}/{name}"
    ensure_schemas(url)
    return url


def load_inbox(url: str, inbox: Path, source: str = LAPORAN) -> tuple[int, float, int]:
    with psycopg.connect(url) as conn:
        deliveries = find_deliveries(ObjectStoragePath(inbox.as_uri()), source)
        started = time.perf_counter()
        summary = load_deliveries(conn, deliveries, TODAY)
        elapsed = time.perf_counter() - started
        rows = (
            conn.execute(ROWS).fetchone()[0]
            if source == LAPORAN
            else conn.execute("select count(*) from raw.bpjs_kepesertaan").fetchone()[0]
        )
    return rows, elapsed, len(summary.loaded)


def copy_rate(url: str) -> tuple[int, float]:
    """The same rows, written to clean CSVs (one per table), loaded by COPY into tables of the same shape."""
    rows, elapsed = 0, 0.0
    with psycopg.connect(url) as conn:
        for table in ("kepesertaan", "kepatuhan", "klaim"):
            buffer = io.BytesIO()
            with conn.cursor().copy(f"copy raw.{table} to stdout (format csv)") as out:
                for chunk in out:
                    buffer.write(chunk)
            conn.execute(f"create table copy_{table} (like raw.{table})")
            conn.commit()
            started = time.perf_counter()
            with conn.cursor().copy(f"copy copy_{table} from stdin (format csv)") as copy:
                copy.write(buffer.getvalue())
            conn.commit()
            elapsed += time.perf_counter() - started
            rows += conn.execute(f"select count(*) from copy_{table}").fetchone()[0]
    return rows, elapsed


def bpjs_file(path: Path, rows: int) -> None:
    kabupaten_kota = sorted(k for k in wilayah.nama() if wilayah.is_kabupaten_kota(k))
    segmen = ["pekerja_rentan", "non_asn", "perangkat_desa", "penyelenggara_pemilu", "pegawai_bumd"]
    rng = random.Random(rows)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["kode_wilayah", "periode", "segmen", "peserta_aktif", "peserta_baru", "iuran_diterima_rp"])
        n = 0
        for year in range(2021, 2027):
            for month in range(1, 13):
                periode = f"{year}-{month:02d}"
                if not "2021-04" <= periode <= "2026-10":
                    continue
                for kode in kabupaten_kota:
                    for s in segmen:
                        if n == rows:
                            return
                        aktif = rng.randint(0, 50_000)
                        writer.writerow([kode, periode, s, aktif, rng.randint(0, 500), aktif * 16_800])
                        n += 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=3, help="months of all 552 pelapor to load per format")
    args = parser.parse_args()
    end = f"2022-{args.months:02d}"
    with (
        tempfile.TemporaryDirectory(prefix="bench-intake-") as tmp,
        embedded_postgres(Path(tmp) / "pgdata", free_port(55470)) as url,
    ):
        server = url.rsplit("/", 1)[0]
        results = {}
        for fmt in ("xlsx", "csv"):
            inbox = Path(tmp) / f"inbox-{fmt}"
            generate(
                inbox, start="2022-01", end=end, scale=1.0, late=0, revised=0, broken=0, formats=(fmt,), progress=False
            )
            restore_arrival(inbox)
            db = fresh_database(server, f"bench_{fmt}")
            rows, elapsed, deliveries = load_inbox(db, inbox)
            results[fmt] = rows / elapsed
            print(
                f"intake {fmt.upper():4}: {deliveries} deliveries, {rows:,} rows in {elapsed:.1f} s "
                f"= {rows / elapsed:,.0f} rows/s"
            )
        copied, copy_elapsed = copy_rate(f"{server}/bench_csv")
        copy = copied / copy_elapsed
        print(f"COPY from clean CSVs: {copied:,} rows in {copy_elapsed:.2f} s = {copy:,.0f} rows/s")
        print(
            f"ratio to COPY: CSV intake {results['csv'] / copy:.1%}, XLSX intake {results['xlsx'] / copy:.1%} "
            "(aim for CSV: >= 50 %)"
        )

        for size in (10_000, 50_000, 170_000):
            inbox = Path(tmp) / f"bpjs-{size}"
            inbox.mkdir()
            bpjs_file(inbox / f"bpjs_{size}.csv", size)
            db = fresh_database(server, f"bench_bpjs_{size}")
            tracemalloc.start()
            rows, elapsed, _ = load_inbox(db, inbox, BPJS)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(
                f"BPJS extract {rows:>7,} rows: {rows / elapsed:,.0f} rows/s, peak Python memory {peak / 2**20:.1f} MiB"
            )


if __name__ == "__main__":
    main()
