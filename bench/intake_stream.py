"""A month's 552 files arriving over one hour, answered by the intake DAG every few minutes (issue 13).

    .venv/bin/python bench/intake_stream.py [--interval 5] [--hour 60] [--seed 1] [--scale 1.0] [--no-scheduler]

Untimed: an embedded PostgreSQL warehouse of the bench's own; the bundled sample inbox (2022-09 and 2022-10)
loaded through the real intake (`load_deliveries`) and built by `dbt build`, so a receipt reads the marts as it
does after a night; the history's `loaded_at` set back a month, as if loaded then (a file loaded in the last
day without a receipt would otherwise be answered by the first intake). Its files stay in the inbox, where every
intake hashes them again. The marts hold the history only: a receipt finds no figures of the new month there,
but pays for looking. Then the new month (the generator: all 552 pelapor of 2022-11, 2 % broken, none late,
revised or missing), each file (an XLSX or a CSV set) given a seeded-random arrival, uniform over the hour.

The clock is simulated, not waited for: at each tick (every `--interval` minutes) the files that have arrived
by then are copied into the inbox and ONE real intake is run through Airflow, `airflow dags test inpres_intake`
(SQLite metadata, as `make run`), receipts mailed to a local SMTP server. A run that outlasts the interval
delays the next one, as the DAG's max_active_runs=1 does. A file's arrival-to-receipt time is

    (its run's start - its arrival) + (its receipt's dikirim_pada - the run's wall start)

Per file: the run's time over the files it judged, and the load task's time per file from consecutive
receipts' dibuat_pada (which includes hashing the unchanged files judged between them). One more tick with
nothing new gives a run's fixed cost.

Not in the simulation: a real scheduler's delay from the tick to the run's start and between its tasks (a
process per task). Unless --no-scheduler, one intake is then run by Airflow's own scheduler (LocalExecutor,
PostgreSQL metadata, as `make serve`, but with only the intake DAG, ticking every minute) on the same
warehouse with nothing new, and its tick-to-end time compared with `airflow dags test`'s nothing-new run.
Also not included: the BPJS extract of the new month (no receipt), files arriving while a run is under way
(taken at the next tick), and mail delivery beyond the local SMTP server.

Aims (issue 13): arrival-to-receipt p95 < 6 min with a 5-minute schedule; < 5 s of the run's work per file.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import logging
import math
import os
import random
import re
import secrets
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg
from aiosmtpd.controller import Controller
from airflow.sdk import ObjectStoragePath

from inpres import settings
from inpres.alerts import STAGE
from inpres.generate.national import MANIFEST, Manifest, all_pelapor, generate, restore_arrival
from inpres.ingest.inbox import BPJS, LAPORAN, find_deliveries, load_deliveries
from inpres.paths import PROJECT_ROOT, SAMPLE_INBOX
from inpres.run import AIRFLOW, TASK_ENDS, TASK_STARTS, TIMESTAMP, airflow_env
from inpres.serve import COMPONENTS, Components, serve_env, wait_until_healthy
from inpres.transform import compile_manifest, run_dbt
from inpres.warehouse import create_database, dbt_env, embedded_postgres, ensure_schemas, free_port, password_file

WORK = PROJECT_ROOT / ".local" / "bench" / "intake-stream"
DAG_ID = "inpres_intake"
MONTH = "2022-11"
RUN_TIMEOUT = 1800
AIM_P95, AIM_PER_FILE = 360.0, 5.0
KINDS = ("loaded", "rejected")
# The generator as the brief gives it: a full month, a few broken files (not the zip bomb or the oversized one).
GENERATE = dict(late=0, revised=0, broken=0.02, missing=0, skip_broken=("zip_bomb", "oversized"))


@dataclass
class Arrival:
    delivery: str
    paths: list[str]
    at: float  # seconds into the hour


@dataclass
class Run:
    tick: float  # simulated seconds
    start: float  # simulated seconds: the tick, or the previous run's end when that was later
    new: list[Arrival]
    wall: float = 0.0
    tasks: dict[str, tuple[float, float]] = field(default_factory=dict)
    # (file name, dibuat_pada, dikirim_pada) as seconds after the run's wall start
    receipts: list[tuple[str, float, float | None]] = field(default_factory=list)
    load: str = ""
    ok: bool = True

    def task(self, task_id: str) -> float:
        start, end = self.tasks.get(task_id, (0.0, 0.0))
        return end - start


# --- the warehouse and its history ----------------------------------------------------------------------------


def load_history(url: str, inbox: Path) -> int:
    """The sample inbox through the real intake, then marked as loaded a month ago."""
    # The history's own rejections (a warning each) are the sample's business, not the bench's.
    logging.getLogger("inpres.ingest").setLevel(logging.ERROR)
    loaded = 0
    with psycopg.connect(url) as conn:
        for source, folder in ((LAPORAN, inbox), (BPJS, inbox / "bpjs")):
            deliveries = find_deliveries(ObjectStoragePath(folder.as_uri()), source)
            summary = load_deliveries(
                conn, deliveries, settings.today(), karantina=ObjectStoragePath((WORK / "karantina").as_uri())
            )
            loaded += len(summary.loaded)
        conn.execute("update raw.submission set loaded_at = loaded_at - interval '30 days'")
        conn.execute("update raw.bpjs_extract set loaded_at = loaded_at - interval '30 days'")
    return loaded


def build_marts(url: str) -> None:
    with dbt_env(url):
        run_dbt("build", target=WORK / "dbt-target")


def arrivals(folder: Path, hour: float, seed: int, scale: float) -> list[Arrival]:
    """The new month's deliveries (BPJS's extract left out), each at a seeded-random moment of the hour."""
    generate(
        folder, start=MONTH, end=MONTH, seed=seed, scale=scale, formats=("xlsx", "csv"), progress=False, **GENERATE
    )
    restore_arrival(folder)
    by_delivery: dict[str, list[str]] = {}
    for entry in Manifest.load(folder / MANIFEST).files:
        if entry.kind != BPJS:
            by_delivery.setdefault(entry.delivery, []).append(entry.path)
    rng = random.Random(seed)
    return [Arrival(name, paths, rng.uniform(0, hour)) for name, paths in sorted(by_delivery.items())]


# --- one intake through `airflow dags test` -------------------------------------------------------------------


class Keep:
    """The stand-in mail server: counts what it is given."""

    def __init__(self):
        self.messages = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        return "250 OK"


def intake_env(smtp_port: int) -> dict[str, str]:
    addresses = WORK / "alamat_pelapor.csv"
    with addresses.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["kode_pelapor", "email"])
        out.writerows([kode, f"tu.{kode.replace('.', '')}@pelapor.example"] for kode in all_pelapor())
    return {
        "INPRES_INBOX": str(WORK / "inbox"),
        "INPRES_OUTPUT": str(WORK / "output"),
        "INPRES_KARANTINA": str(WORK / "karantina"),
        "INPRES_TANDA_TERIMA": str(WORK / "tanda_terima"),
        "INPRES_ALAMAT_PELAPOR": str(addresses),
        "AIRFLOW_CONN_SMTP_DEFAULT": (
            f"smtp://127.0.0.1:{smtp_port}?disable_tls=true&disable_ssl=true&from_email=inpres%40localhost"
            "&retry_limit=0"
        ),
    }


def without_local_settings(env: dict[str, str]) -> dict[str, str]:
    """The caller's own month, desk or BPJS inbox would change what the intake does."""
    drop = ("INPRES_PERIODE", "INPRES_BPJS_INBOX", "INPRES_ALAMAT_MEJA", "INPRES_ALAMAT_PROVINSI", "INPRES_DISTRIBUSI")
    return {k: v for k, v in env.items() if k not in drop}


def run_intake(env: dict[str, str], url: str, run: Run, number: int) -> None:
    """One `airflow dags test`, timed; its tasks from its log, its receipts from audit.tanda_terima."""
    with psycopg.connect(url) as conn:
        [last_receipt] = conn.execute("select coalesce(max(tanda_terima_id), 0) from audit.tanda_terima").fetchone()
    started = time.time()
    done = subprocess.run(
        [AIRFLOW, "dags", "test", DAG_ID], env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT
    )
    run.wall = time.time() - started
    output = done.stdout + done.stderr
    (WORK / "logs" / f"run-{number:02d}.log").write_text(output, encoding="utf-8")
    run.ok = done.returncode == 0
    running = {}
    for line in output.splitlines():
        stamp = TIMESTAMP.match(line)
        at = datetime.fromisoformat(stamp[1]).replace(tzinfo=UTC).timestamp() - started if stamp else None
        if at is not None and (match := TASK_STARTS.search(line)):
            running[match[1]] = at
        elif at is not None and (match := TASK_ENDS.search(line)) and match[1] in running:
            run.tasks[match[1]] = (running.pop(match[1]), at)
        elif f"{STAGE} load: " in line:
            run.load = re.sub(r"\s+\[[\w.]+\].*$", "", line.split(f"{STAGE} load: ", 1)[1]).strip()
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            """select file_name, extract(epoch from dibuat_pada), extract(epoch from dikirim_pada)
               from audit.tanda_terima where tanda_terima_id > %s order by tanda_terima_id""",
            (last_receipt,),
        ).fetchall()
    run.receipts = [
        (name, float(made) - started, None if sent is None else float(sent) - started) for name, made, sent in rows
    ]


# --- one intake under Airflow's own scheduler -----------------------------------------------------------------


def scheduled_intake(url: str, env: dict[str, str]) -> dict | None:
    """The stack `make serve` starts (LocalExecutor, PostgreSQL metadata), on a DAG folder holding only the intake
    DAG, ticking every minute; the first run ticked after the stack was healthy, timed from the API."""
    home = WORK / "scheduler"
    (home / "logs").mkdir(parents=True)
    (home / "dags").mkdir()
    shutil.copy(PROJECT_ROOT / "dags" / f"{DAG_ID}.py", home / "dags")
    server = url.rsplit("/", 1)[0]
    create_database(server, "airflow_scheduler")
    password = secrets.token_urlsafe(12)
    passwords = home / "passwords.json"
    passwords.write_text(json.dumps({"admin": password}), encoding="utf-8")
    passwords.chmod(0o600)
    from cryptography.fernet import Fernet

    shared = {
        "jwt_secret": secrets.token_urlsafe(48),
        "api_secret_key": secrets.token_urlsafe(48),
        "fernet_key": Fernet.generate_key().decode(),
    }
    port = free_port(28180)
    base = f"http://127.0.0.1:{port}"
    metadata = f"{server.replace('postgresql://', 'postgresql+psycopg2://')}/airflow_scheduler"
    stack_env = serve_env(home, url, metadata, port, shared, passwords)
    stack_env.update({**env, "AIRFLOW__CORE__DAGS_FOLDER": str(home / "dags"), "INPRES_INTAKE_MENIT": "1"})
    stack_env = without_local_settings(stack_env)
    components = Components(stack_env, home / "logs")
    try:
        components.run_once("db-migrate", "db", "migrate")
        started = datetime.now(UTC)
        for name in COMPONENTS:
            components.start(name)
        with contextlib.redirect_stdout(io.StringIO()):
            wait_until_healthy(base, components, started)
        ready = time.time()
        token = httpx.post(f"{base}/auth/token", json={"username": "admin", "password": password}, timeout=30)
        api = httpx.Client(
            base_url=f"{base}/api/v2",
            headers={"Authorization": f"Bearer {token.raise_for_status().json()['access_token']}"},
            timeout=60,
        )
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            runs = api.get(f"/dags/{DAG_ID}/dagRuns", params={"limit": 100}).raise_for_status().json()["dag_runs"]
            after = [r for r in runs if r.get("run_after") and _time(r["run_after"]) >= ready]
            run = min(after, key=lambda r: _time(r["run_after"]), default=None)
            if run and run["state"] in ("success", "failed"):
                found = api.get(f"/dags/{DAG_ID}/dagRuns/{run['dag_run_id']}/taskInstances").raise_for_status()
                return {"run": run, "tasks": found.json()["task_instances"]}
            time.sleep(3)
        print("scheduler: no intake run ended within 10 minutes of the stack being healthy")
        return None
    finally:
        components.stop()
        passwords.unlink()


def _time(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


# --- the figures ----------------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def covered(intervals: list[tuple[float, float]]) -> float:
    total, end = 0.0, float("-inf")
    for s, e in sorted(intervals):
        if e > end:
            total += e - max(s, end)
            end = e
    return total


def show_runs(runs: list[Run]) -> None:
    print("\n tick  start   new  run s  start-up  pull  load_raw  send  status   s/file judged  load s/file  mailed")
    for run in runs:
        judged = len(run.receipts)
        first_task = min((s for s, _ in run.tasks.values()), default=0.0)
        pulls = [run.tasks[t] for t in ("pull_submissions", "pull_bpjs_extracts") if t in run.tasks]
        pull = max(e for _, e in pulls) - min(b for b, _ in pulls) if pulls else 0.0
        steps = load_steps(run)
        per_load = f"{percentile(steps, 0.5):11.2f}" if steps else f"{'-':>11}"
        per_file = f"{run.wall / judged:15.2f}" if judged else f"{'-':>15}"
        mailed = sum(sent is not None for _, _, sent in run.receipts)
        print(
            f"{run.tick / 60:5.0f} {run.start / 60:6.1f} {len(run.new):5d} {run.wall:6.1f} {first_task:9.1f} "
            f"{pull:5.1f} {run.task('load_raw'):9.1f} {run.task('send_receipts'):5.1f} "
            f"{run.task('write_intake_status'):7.1f} {per_file} {per_load}  {mailed:6d}"
            + ("" if run.ok else "  FAILED")
        )
    print(
        "(seconds; start-up: from the command to its first task; pull also holds `airflow dags test` starting its "
        "in-process API; s/file judged: the run over the receipts it wrote; load s/file: median between receipts)"
    )


def load_steps(run: Run) -> list[float]:
    """Seconds between consecutive receipts of a run: one file's load and receipt (and the unchanged files
    hashed between them)."""
    made = sorted(made for _, made, _ in run.receipts)
    return [b - a for a, b in zip(made, made[1:], strict=False)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--interval", type=int, default=5, help="minutes between intake ticks (1-60)")
    parser.add_argument("--hour", type=float, default=60, help="minutes over which the files arrive")
    parser.add_argument("--seed", type=int, default=1, help="the generator's and the arrivals' seed")
    parser.add_argument("--scale", type=float, default=1.0, help="share of the 552 pelapor (a quick try: 0.05)")
    parser.add_argument("--no-scheduler", action="store_true", help="skip the one run under the real scheduler")
    args = parser.parse_args()
    if not 1 <= args.interval <= 60:
        parser.error("--interval is minutes from 1 to 60, as INPRES_INTAKE_MENIT")
    began = time.perf_counter()
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "logs").mkdir(parents=True)
    (PROJECT_ROOT / ".local" / "run").mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(PROJECT_ROOT / ".local" / "run"))
    compile_manifest()
    handler = Keep()
    # The stand-in server's own log names every recipient.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    smtp = Controller(handler, hostname="127.0.0.1", port=free_port(28125))
    smtp.start()
    try:
        with embedded_postgres(WORK / "pgdata", free_port(55550)) as url:
            server = url.rsplit("/", 1)[0]
            create_database(server, "bench_stream")
            url = f"{server}/bench_stream"
            ensure_schemas(url)
            inbox = WORK / "inbox"
            shutil.copytree(SAMPLE_INBOX, inbox)
            restore_arrival(inbox)
            (inbox / MANIFEST).unlink()
            started = time.perf_counter()
            history = load_history(url, inbox)
            print(
                f"history: {history} deliveries of 2022-09..10 (BPJS's extracts among them) loaded in "
                f"{time.perf_counter() - started:.0f} s (untimed)"
            )
            started = time.perf_counter()
            build_marts(url)
            print(f"history: dbt build (marts for the receipts) in {time.perf_counter() - started:.0f} s (untimed)")
            coming = arrivals(WORK / "generated", args.hour * 60, args.seed, args.scale)
            print(
                f"new month {MONTH}: {len(coming)} files (deliveries) arriving over {args.hour:.0f} min; "
                f"a tick every {args.interval} min"
            )
            stores = intake_env(smtp.port)
            env = without_local_settings(airflow_env(WORK / "airflow", url))
            env.update({**stores, "INPRES_INTAKE_MENIT": str(args.interval)})
            started = time.perf_counter()
            subprocess.run([AIRFLOW, "db", "migrate"], env=env, capture_output=True, check=True, timeout=600)
            print(f"airflow db migrate in {time.perf_counter() - started:.0f} s (untimed)", flush=True)

            runs: list[Run] = []
            waiting = sorted(coming, key=lambda a: a.at)
            clock, tick = 0.0, 0.0
            while waiting or not runs or runs[-1].new:
                tick += args.interval * 60
                start = max(tick, clock)
                due = [a for a in waiting if a.at <= start]
                waiting = waiting[len(due) :]
                for arrival in due:
                    for path in arrival.paths:
                        shutil.copy2(WORK / "generated" / path, inbox / Path(path).name)
                run = Run(tick, start, due)
                run_intake(env, url, run, len(runs) + 1)
                clock = start + run.wall
                runs.append(run)
                print(
                    f"tick {tick / 60:4.0f} min: {len(due):3d} new, run {run.wall:5.1f} s, {len(run.receipts)} receipts"
                    + ("" if run.ok else " FAILED"),
                    flush=True,
                )
            scheduled = None if args.no_scheduler else scheduled_intake(url, stores)
    finally:
        smtp.stop()

    stream, idle = runs[:-1], runs[-1]
    show_runs(runs)
    waits, within, totals, unanswered = [], [], [], 0
    for run in stream:
        sent = {name: mailed for name, _, mailed in run.receipts}
        for arrival in run.new:
            mailed = sent.get(arrival.delivery)
            if mailed is None:
                unanswered += 1
                continue
            waits.append(run.start - arrival.at)
            within.append(mailed)
            totals.append(run.start - arrival.at + mailed)
    judged = sum(len(r.receipts) for r in stream)
    work = sum(r.wall for r in stream)
    steps = [step for r in stream for step in load_steps(r)]
    print(f"\narrival to receipt mailed, {len(totals)} files (simulated clock; `airflow dags test` runs):")
    print(f"  {'':<30}{'p50':>8}{'p95':>8}{'max':>8}")
    for label, values in (
        ("waiting for the tick", waits),
        ("tick to its mail, in the run", within),
        ("arrival to receipt", totals),
    ):
        if values:
            print(f"  {label:<30}{percentile(values, 0.5):7.0f}s{percentile(values, 0.95):7.0f}s{max(values):7.0f}s")
    if totals:
        p95 = percentile(totals, 0.95)
        print(
            f"  p95 {p95 / 60:.1f} min (aim < {AIM_P95 / 60:.0f} min with a 5-minute schedule: "
            f"{'met' if p95 < AIM_P95 else 'NOT met'})"
        )
    if unanswered:
        print(f"  {unanswered} file(s) not answered by mail in the run that took them (left out above)")
    if judged:
        per_file = work / judged
        counts = {k: sum(int(m[1]) for r in stream if (m := re.search(rf"{k} (\d+)", r.load))) for k in KINDS}
        print(f"\nfiles judged: {judged} receipts ({', '.join(f'{k} {n}' for k, n in counts.items())})")
        print(
            f"the run's own time per file: {work:.0f} s of runs for {judged} files judged = {per_file:.2f} s/file "
            f"(aim < {AIM_PER_FILE:.0f} s: {'met' if per_file < AIM_PER_FILE else 'NOT met'}); "
            f"load and receipt per file (consecutive dibuat_pada) p50 {percentile(steps, 0.5):.2f} s, "
            f"p95 {percentile(steps, 0.95):.2f} s"
        )
        sends = [r.task("send_receipts") / len(r.receipts) for r in stream if r.receipts]
        print(f"  mailing per receipt (send_receipts over its receipts): p50 {percentile(sends, 0.5):.2f} s")
    first_task = min((s for s, _ in idle.tasks.values()), default=0.0)
    print(
        f"a run with nothing new (fixed cost): {idle.wall:.1f} s, of which {first_task:.1f} s before its first task "
        f"(process start, DAG parsing; `airflow dags test`'s first task also starts its in-process API) and "
        f"load_raw {idle.task('load_raw'):.1f} s (the inbox's deliveries judged unchanged by their hash: "
        f"{idle.load}); {handler.messages} mails received in all"
    )
    if scheduled:
        run, tasks = scheduled["run"], scheduled["tasks"]
        spans = [(_time(t["start_date"]), _time(t["end_date"])) for t in tasks if t["start_date"] and t["end_date"]]
        tick_at, begun, ended = _time(run["run_after"]), _time(run["start_date"]), _time(run["end_date"])
        between = (ended - begun) - covered(spans)
        difference = ended - tick_at - idle.wall
        print(
            f"\nunder Airflow's own scheduler (LocalExecutor), one intake with nothing new ({run['state']}): "
            f"tick to run start {begun - tick_at:.1f} s, run {ended - begun:.1f} s of which {between:.1f} s "
            f"between tasks (no task running); tick to end {ended - tick_at:.1f} s against {idle.wall:.1f} s for "
            f"`airflow dags test`'s nothing-new run: a scheduled run takes {abs(difference):.1f} s "
            f"{'longer' if difference > 0 else 'less'} than the simulation counts"
        )
    else:
        print("\nnot measured (--no-scheduler): a real scheduler's delay from the tick to the run and between tasks")
    print(
        "not in the simulation: a real scheduler's queueing (above, once), the new month's BPJS extract, files "
        "arriving during a run (taken at the next tick), mail beyond the local SMTP server; other processes on "
        f"this machine add noise. Bench wall time {time.perf_counter() - began:.0f} s."
    )
    # The logs, receipts and status files stay for a look; the database and its password go.
    shutil.rmtree(WORK / "pgdata", ignore_errors=True)
    password_file(WORK / "pgdata").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
