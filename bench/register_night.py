"""The register through whole nights: every pelapor's participant list for one month, `make run`'s path.

    .venv/bin/python bench/register_night.py [--rows 1000000,10000000]

For each size: a generated inbox of all 552 pelapor for one month (CSV sets, each with its `peserta` list,
and BPJS's per-participant extract), the lists together `--rows` person rows with the generator's known
share of persons listed twice (a kab/kota's people who moved in from the next one, a province's who are
also one of its kab/kota's). The inbox is kept under .local/bench/ (keyed by size and the generator's code).

Timed on an empty warehouse: the full night (`python -m inpres.run`, airflow dags test, as bench/night.py
runs it) with its stages, and within dbt the register's models (staging the lists, de-duplication and the
marts) from dbt's own lines in the night's log; then a few pelapor revise their lists (a person less each)
and the incremental night, which amends the month by their persons. Printed: the times, the peak RSS of the
night's largest process per stage, the warehouse's size on disk, whether the national figures are the generator's
answer key, and whether the amended month is what grouping it whole gives (a full refresh, timed too). Aims (issue 14):
the whole night < 15 min at 45 M rows, RSS flat; the incremental night <= 0.1 x the full one. Printed, never
asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).parent))
from inpres.generate.national import MANIFEST, Manifest, all_pelapor, build_submission, generate  # noqa: E402
from inpres.transform import compile_manifest, run_dbt  # noqa: E402
from inpres.warehouse import create_database, dbt_env, embedded_postgres, ensure_schemas, free_port  # noqa: E402
from night import BENCH, generator_code, make_run_night, night_env, show  # noqa: E402

PERIODE = "2022-10"
# Fixed, so a cached inbox's BPJS extract (pseudonymised by "BPJS" with it) matches the night's pseudonyms.
KEY = hashlib.sha256(b"inpres bench register key").hexdigest()
REVISING = 5
REGISTER_MODELS = (
    "int_peserta__terkini",
    "int_bpjs__peserta_terkini",
    "int_peserta__kelompok",
    "fct_register_wilayah",
    "fct_register_ganda",
)
# dbt's line for a finished model, as the night's log carries it:
# "... OK created sql table model marts.x ... [SELECT 12 in 3.45s]" (an incremental one: [INSERT 0 12 in ...])
ANSI = re.compile(r"\x1b\[[0-9;]*m")
DBT_MODEL_LINE = re.compile(r"OK created sql \w+ model \w+\.(\w+) .*\[[A-Z ]*[\d -]* in (\d+\.\d+)s\]")


def claimed(periode: str) -> int:
    """The month's terlindungi over every pelapor's own rows: what a scale factor of 1 lists, about."""
    return sum(row[3] or 0 for p in all_pelapor() for row in build_submission(1, p, periode).sheets["kepesertaan"])


def register_inbox(rows: int) -> Path:
    inbox = BENCH / f"register-{rows}-{generator_code()[:12]}"
    if (inbox / ".done").exists():
        print(f"inbox: {inbox} (cached)", flush=True)
        return inbox
    shutil.rmtree(inbox, ignore_errors=True)
    began = time.perf_counter()
    generate(
        inbox,
        start=PERIODE,
        end=PERIODE,
        late=0.05,
        revised=0.0,
        broken=0.0,
        formats=("csv",),
        peserta=rows / claimed(PERIODE),
        nik_key=bytes.fromhex(KEY),
    )
    (inbox / ".done").touch()
    print(f"inbox: generated {inbox} in {time.perf_counter() - began:.0f} s", flush=True)
    return inbox


def revise(inbox: Path, work: Path, count: int) -> list[str]:
    """`count` pelapor send their set again a week later (`_revisi1`), their list a person shorter."""
    sets = sorted(
        e.path.removesuffix("_peserta.csv")
        for e in Manifest.load(inbox / MANIFEST).files
        if e.path.endswith("_peserta.csv")
    )
    chosen = sets[:: max(1, len(sets) // count)][:count]
    for stem in chosen:
        for source in inbox.glob(f"{stem}_*.csv"):
            target = work / source.name.replace(stem, f"{stem}_revisi1")
            if source.name.endswith("_peserta.csv"):
                lines = source.read_bytes().splitlines(keepends=True)
                target.write_bytes(b"".join(lines[:-1]))
            else:
                shutil.copyfile(source, target)
            later = source.stat().st_mtime + 7 * 86400
            os.utime(target, (later, later))
    return chosen


def amended_as_whole(warehouse: str) -> str:
    """Whether int_peserta__kelompok after the incremental night holds what a full refresh builds."""
    table = "intermediate.int_peserta__kelompok"
    with psycopg.connect(warehouse, autocommit=True) as conn:
        conn.execute(f"create temp table amended as select * from {table}")
        began = time.perf_counter()
        with dbt_env(warehouse):
            run_dbt("run", "--select", "int_peserta__kelompok", "--full-refresh")
        took = time.perf_counter() - began
        [differ] = conn.execute(
            f"""select count(*) from ((table amended except all table {table})
                union all (table {table} except all table amended)) as d"""
        ).fetchone()
        [rows] = conn.execute("select count(*) from amended").fetchone()
    verdict = "the same" if differ == 0 else f"DIFFERENT in {differ:,} rows"
    return f"amended month ({rows:,} rows) against grouping it whole ({took:.1f} s): {verdict}"


def model_times(log: Path | None) -> dict[str, float]:
    found = {}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if log else []:
        if match := DBT_MODEL_LINE.search(ANSI.sub("", line)):
            found[match[1]] = float(match[2])
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="1000000,10000000", help="person rows over all lists, comma-separated")
    args = parser.parse_args()
    BENCH.mkdir(parents=True, exist_ok=True)
    (BENCH.parent / "run").mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(BENCH.parent / "run"))
    compile_manifest()
    for rows in (int(r) for r in args.rows.split(",")):
        inbox = register_inbox(rows)
        manifest = Manifest.load(inbox / MANIFEST)
        key = manifest.peserta[PERIODE]
        listed = sum(1 for e in manifest.files if e.path.endswith("_peserta.csv"))
        work = BENCH / "inbox-register"
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(inbox, work, copy_function=os.link)
        with embedded_postgres(BENCH / "pgdata-register", free_port(55560)) as url:
            server = url.rsplit("/", 1)[0]
            with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
                conn.execute("drop database if exists bench_register with (force)")
            create_database(server, "bench_register")
            warehouse = f"{server}/bench_register"
            ensure_schemas(warehouse)
            env = night_env(warehouse, work, "register")
            env |= {"AIRFLOW_HOME": str(BENCH / "airflow-register"), "INPRES_NIK_KEY": KEY}
            shutil.rmtree(BENCH / "airflow-register", ignore_errors=True)
            print(f"\n{rows:,} person rows asked; {listed} lists of {PERIODE}", flush=True)
            full = make_run_night(env, "full")
            show(full)
            with psycopg.connect(warehouse) as conn:
                [persons] = conn.execute("select count(*) from raw.peserta").fetchone()
                national = conn.execute(
                    """select orang_unik, orang_tercatat_ganda, orang_tidak_aktif_bpjs from marts.fct_register_wilayah
                       where kode_wilayah = '00' and segmen = 'semua' and periode = %s""",
                    (PERIODE,),
                ).fetchone()
                [size] = conn.execute("select pg_database_size(current_database())").fetchone()
            expected = (key["orang_unik"], key["orang_tercatat_ganda"], key["orang_tidak_aktif_bpjs"])
            print(
                f"  {persons:,} person rows loaded; national (unique, listed twice, not active at BPJS) "
                f"{national} against the answer key {expected}: {'the same' if national == expected else 'DIFFERENT'}"
            )
            times = model_times(full.log)
            print(
                "  register models (dbt's own times): "
                + ", ".join(f"{m} {times[m]:.1f} s" for m in REGISTER_MODELS if m in times)
            )
            print(f"  warehouse {size / 1e9:.2f} GB on disk")
            chosen = revise(inbox, work, REVISING)
            incremental = make_run_night(env, "incremental")
            show(incremental, full)
            times = model_times(incremental.log)
            print(f"  revised: {', '.join(chosen)}")
            print(
                "  register models (dbt's own times): "
                + ", ".join(f"{m} {times[m]:.1f} s" for m in REGISTER_MODELS if m in times)
            )
            print(f"  {amended_as_whole(warehouse)}", flush=True)


if __name__ == "__main__":
    main()
