"""The national report at national scale: how long the PDF with its 38 province annexes takes to render.

    .venv/bin/python bench/report.py [--months 13]

All 552 pelapor for N months (generator, CSV), loaded through the real intake, built by dbt; then the
report stage timed piece by piece: reading the marts, the national PDF alone (aim < 30 s), and the whole
monthly set (national PDF, workbook, CSV files, 38 province PDFs) and the semester report.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from airflow.sdk import ObjectStoragePath

from dbt_build import dbt_build, load
from inpres.data_version import data_version
from inpres.generate.national import generate, months, restore_arrival
from inpres.reports import build, national
from inpres.reports.figures import load_figures, load_semester
from inpres.reports.semester import write_semester_report
from inpres.transform import compile_manifest
from inpres.warehouse import dbt_env, embedded_postgres, ensure_schemas, free_port


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=13, help="months of history (13 gives a year-on-year change)")
    args = parser.parse_args()
    periodes = months("2021-10", "2031-12")[: args.months]
    compile_manifest()
    with (
        tempfile.TemporaryDirectory(prefix="bench-report-") as tmp,
        embedded_postgres(Path(tmp) / "pgdata", free_port(55490)) as url,
        dbt_env(url),
    ):
        inbox = Path(tmp) / "inbox"
        generate(inbox, start=periodes[0], end=periodes[-1], scale=1.0, broken=0.01, formats=("csv",), progress=False)
        restore_arrival(inbox)
        ensure_schemas(url)
        load(url, inbox, set(periodes))
        dbt_build("--full-refresh")
        out = ObjectStoragePath((Path(tmp) / "out").as_uri())
        created = datetime.now(ZoneInfo("Asia/Jakarta"))
        with psycopg.connect(url) as conn:
            started = time.perf_counter()
            figures = load_figures(conn, periodes[-1], "bench")
            print(
                f"reading the marts for {periodes[-1]}: {time.perf_counter() - started:.2f} s "
                f"({len(figures.cakupan):,} coverage rows)"
            )
            version = data_version(conn, "bench")

            rendered = []
            original = build.compile_pdf

            def timed(template, *a, **k):
                started = time.perf_counter()
                pdf = original(template, *a, **k)
                rendered.append((template, time.perf_counter() - started, len(pdf)))
                return pdf

            build.compile_pdf = timed
            started = time.perf_counter()
            monthly = national.write_monthly_reports(figures, out, version=version, created=created)
            total = time.perf_counter() - started
            [(_, pdf_time, size)] = [r for r in rendered if r[0] == "nasional.typ"]
            pages = len(__import__("pypdf").PdfReader(Path(tmp) / "out" / monthly.pdf).pages)
            print(
                f"national PDF with 38 province annexes (charts drawn before, Typst compile): {pdf_time:.1f} s, "
                f"{pages} pages, {size / 1e6:.1f} MB (aim < 30 s)"
            )
            print(
                f"whole monthly set (national PDF, workbook, {len(monthly.csv)} CSV, 38 province PDFs): {total:.1f} s"
            )
            started = time.perf_counter()
            write_semester_report(load_semester(conn, periodes[-1]), out, version=version, created=created)
            print(f"semester report: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
