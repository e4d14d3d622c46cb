"""dbt at national scale: a full build, then an incremental night that adds one month, and the gates.

    .venv/bin/python bench/dbt_build.py [--months 60]

All 552 pelapor for N months plus one (from the generator, CSV sets), loaded through the real intake into
a fresh database on the embedded PostgreSQL; `dbt build --full-refresh` timed on the first N months; the
last month loaded and `dbt build` timed again (the incremental night); then both quality gates timed.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

import psycopg
from airflow.sdk import ObjectStoragePath

from inpres.generate.national import generate, months, restore_arrival
from inpres.ingest.inbox import BPJS, LAPORAN, find_deliveries, load_deliveries
from inpres.quality.gate import GateFailed, run_gate
from inpres.transform import compile_manifest, run_dbt
from inpres.warehouse import dbt_env, embedded_postgres, ensure_schemas, free_port

TODAY = date(2026, 11, 24)


def load(url: str, inbox: Path, periodes: set[str]) -> int:
    loaded = 0
    with psycopg.connect(url) as conn:
        for source, folder in ((LAPORAN, inbox), (BPJS, inbox / "bpjs")):
            deliveries = [
                d
                for d in find_deliveries(ObjectStoragePath(folder.as_uri()), source)
                if any(p in d.name for p in periodes)
            ]
            loaded += len(load_deliveries(conn, deliveries, TODAY).loaded)
    return loaded


def dbt_build(*extra: str) -> float:
    started = time.perf_counter()
    run_dbt("build", *extra)
    return time.perf_counter() - started


def gates(url: str) -> float:
    started = time.perf_counter()
    for suite in ("raw_kepesertaan", "marts_cakupan_wilayah"):
        try:
            run_gate(suite, url, "bench")
        except GateFailed:
            pass  # generated data may trip a blocking rule; the time is what is measured here
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=60)
    args = parser.parse_args()
    all_months = months("2021-04", "2031-12")[: args.months + 1]
    history, night = set(all_months[:-1]), all_months[-1]
    compile_manifest()
    with (
        tempfile.TemporaryDirectory(prefix="bench-dbt-") as tmp,
        embedded_postgres(Path(tmp) / "pgdata", free_port(55480)) as url,
        dbt_env(url),
    ):
        inbox = Path(tmp) / "inbox"
        started = time.perf_counter()
        generate(inbox, start=all_months[0], end=night, scale=1.0, broken=0, formats=("csv",), progress=False)
        restore_arrival(inbox)
        print(f"generated 552 pelapor x {len(all_months)} months in {time.perf_counter() - started:.0f} s")
        ensure_schemas(url)
        started = time.perf_counter()
        loaded = load(url, inbox, history)
        print(
            f"loaded {loaded:,} deliveries ({all_months[0]}..{all_months[-2]}) in {time.perf_counter() - started:.0f} s"
        )

        full = dbt_build("--full-refresh")
        print(f"dbt build --full-refresh, {len(history)} months: {full:.1f} s")
        load(url, inbox, {night})
        incremental = dbt_build()
        print(
            f"dbt build, incremental night adding {night}: {incremental:.1f} s "
            f"({incremental / full:.0%} of the full build; aim < 10 %)"
        )
        gate_time = gates(url)
        print(f"quality gates (raw + marts): {gate_time:.1f} s ({gate_time / full:.0%} of the full build; aim < 25 %)")


if __name__ == "__main__":
    main()
