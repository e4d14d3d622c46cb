"""A national night, timed: `make run`'s path and Airflow's own scheduler, then an incremental night.

    .venv/bin/python bench/night.py [--months 12] [--fresh 2022-10] [--only run|serve]

All 552 pelapor (generator: XLSX and CSV sets, some missing, late, revised and broken files) for `--months`
months of history and one fresh month. The generated inbox is kept under .local/bench/ (keyed by these
parameters and the generator's code): generating it takes minutes.

Untimed: the history is loaded through the real intake into a warehouse database on an embedded PostgreSQL
of the bench's own and built by `dbt build`, as the nights before would have left it; each path gets a copy
of that database. Timed, for each path, on the whole inbox (the history there again, unchanged, and the fresh
month): the full night; then one late file for the fresh month on top, and the incremental night.

- `make run`'s path: `python -m inpres.run` (airflow dags test) with an Airflow home of its own; stages from
  its own stage lines, the night from its log (first task start to last task end).
- The scheduler: `python -m inpres.serve` (LocalExecutor) on a fresh state folder; the full night is the
  scheduled run it creates on start (the night it missed), the incremental one triggered over the REST API.
  Stages and the time between tasks (no task running: scheduling and process start-up) from the task
  instances' start and end times; the night is the DAG run's start to end.

Aims (issue 11): a national night under the scheduler < 3 min, of which scheduling and start-up < 25 %; the
incremental night <= 0.1 x the full one. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import httpx
import psycopg
from airflow.sdk import ObjectStoragePath

from inpres import settings
from inpres.generate.national import (
    MANIFEST,
    Manifest,
    all_pelapor,
    build_submission,
    generate,
    months,
    restore_arrival,
)
from inpres.ingest.inbox import BPJS, LAPORAN, find_deliveries, load_deliveries
from inpres.paths import PROJECT_ROOT
from inpres.run import DAG_ID, TASK_ENDS, TASK_STARTS, TIMESTAMP, stage_of
from inpres.transform import compile_manifest, run_dbt
from inpres.warehouse import create_database, dbt_env, embedded_postgres, ensure_schemas, free_port

BENCH = PROJECT_ROOT / ".local" / "bench"
STAGES = ("pull", "load", "raw gate", "dbt", "marts gate", "report", "deliver")
STAGE_LINE = re.compile(r"^  (\w+(?: gate)?)\s+(\d+\.\d) s  (.*)$")
NIGHT_TIMEOUT = 3600
AIM_NIGHT, AIM_BETWEEN, AIM_INCREMENTAL = 180.0, 0.25, 0.10
# Generated as `make sample-inbox` does, the zip bomb and the oversized file left out (hundreds of MB).
GENERATE = dict(
    seed=1,
    scale=1.0,
    late=0.1,
    revised=0.05,
    broken=0.02,
    missing=0.05,
    skip_broken=("zip_bomb", "oversized"),
    formats=("xlsx", "csv"),
)


@dataclass
class Night:
    """One timed night: wall seconds per stage, the night, the time no task ran, and what the load did."""

    path: str
    kind: str
    stages: dict[str, float] = field(default_factory=dict)
    tasks: dict[str, int] = field(default_factory=dict)
    night: float = 0.0
    between: float = 0.0
    # The dbt stage's tasks after the build (sensors that only read its results): their time is start-up.
    followers: float = 0.0
    extra: list[str] = field(default_factory=list)
    ok: bool = True
    # make run's path: the night's full log, and the largest resident memory of one of its processes, per stage.
    log: Path | None = None
    peak_mb: dict[str, float] = field(default_factory=dict)


# --- the inbox ----------------------------------------------------------------------------------------------


def generator_code() -> str:
    """A hash of the generator's code: a cached inbox is generated again when it changes."""
    code = hashlib.sha256()
    for source in sorted((PROJECT_ROOT / "plugins" / "inpres" / "generate").glob("*.py")):
        code.update(source.read_bytes())
    return code.hexdigest()


def cached_inbox(start: str, end: str, scale: float) -> Path:
    """The generated inbox for start..end, generated once per parameters and generator code."""
    key = hashlib.sha256(
        json.dumps(
            {"start": start, "end": end, **GENERATE, "scale": scale, "code": generator_code()},
            sort_keys=True,
            default=list,
        ).encode()
    ).hexdigest()[:12]
    inbox = BENCH / f"inbox-{start}-{end}-{key}"
    if (inbox / ".done").exists():
        restore_arrival(inbox)
        print(f"inbox: {inbox} (cached)", flush=True)
        return inbox
    shutil.rmtree(inbox, ignore_errors=True)
    started = time.perf_counter()
    generate(inbox, start=start, end=end, progress=True, **{**GENERATE, "scale": scale})
    (inbox / ".done").touch()
    print(f"inbox: generated {inbox} in {time.perf_counter() - started:.0f} s", flush=True)
    return inbox


def linked_copy(source: Path, target: Path, periodes: set[str] | None = None) -> None:
    """`source`'s files (only those of `periodes`, if given) hard-linked into `target`: the same bytes and
    arrival times, no copy."""
    shutil.rmtree(target, ignore_errors=True)
    for entry in Manifest.load(source / MANIFEST).files:
        if periodes is None or entry.periode in periodes:
            (target / entry.path).parent.mkdir(parents=True, exist_ok=True)
            os.link(source / entry.path, target / entry.path)


def late_file(inbox: Path, fresh: str) -> Path:
    """A pelapor that had not sent the fresh month sends it late (signed and arrived on the 25th of the next
    month): written into .late/ of the cached inbox once, linked into a night's inbox on top."""
    manifest = Manifest.load(inbox / MANIFEST)
    sent = {e.pelapor for e in manifest.files if e.periode == fresh}
    # Below --scale 1 a month may have no missing pelapor: then one outside the generated share.
    pelapor = min(
        [p for p, periode in manifest.missing if periode == fresh] or [p for p in all_pelapor() if p not in sent]
    )
    year, month = divmod(int(fresh[:4]) * 12 + int(fresh[5:]), 12)
    tanggal = date(year, month + 1, 25)
    folder = inbox / ".late"
    folder.mkdir(exist_ok=True)
    [path] = build_submission(GENERATE["seed"], pelapor, fresh, tanggal=tanggal).write(folder, f"{pelapor}_{fresh}")
    stamp = datetime(tanggal.year, tanggal.month, tanggal.day, 10).timestamp()
    os.utime(path, (stamp, stamp))
    return path


# --- the history --------------------------------------------------------------------------------------------


def prepare_history(server: str, inbox: Path, history: set[str]) -> str:
    """A database with the history loaded through the intake and built by dbt (untimed); returns its name."""
    name = "bench_history"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"drop database if exists {name} with (force)")
    create_database(server, name)
    url = f"{server}/{name}"
    ensure_schemas(url)
    folder = BENCH / "inbox-history"
    linked_copy(inbox, folder, history)
    # One log line per delivery is the night's business, not the preparation's.
    logging.getLogger("inpres.ingest").setLevel(logging.WARNING)
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        loaded = 0
        for source, where in ((LAPORAN, folder), (BPJS, folder / "bpjs")):
            deliveries = find_deliveries(ObjectStoragePath(where.as_uri()), source)
            summary = load_deliveries(
                conn, deliveries, settings.today(), karantina=ObjectStoragePath((BENCH / "karantina-history").as_uri())
            )
            loaded += len(summary.loaded)
    print(
        f"history: {loaded:,} deliveries of {min(history)}..{max(history)} loaded in "
        f"{time.perf_counter() - started:.0f} s (untimed)",
        flush=True,
    )
    started = time.perf_counter()
    with dbt_env(url):
        run_dbt("build", target=BENCH / "dbt-target")
    print(f"history: dbt build in {time.perf_counter() - started:.0f} s (untimed)", flush=True)
    return name


def copy_database(server: str, template: str, name: str) -> str:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"drop database if exists {name} with (force)")
        conn.execute(f"create database {name} template {template}")
    return f"{server}/{name}"


def night_env(warehouse: str, inbox: Path, name: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "INPRES_PERIODE",
            "AIRFLOW_CONN_SMTP_DEFAULT",
            "INPRES_DISTRIBUSI",
            "INPRES_ALAMAT_PROVINSI",
            "INPRES_BPJS_INBOX",
            "AIRFLOW_HOME",
        )
    }
    shutil.rmtree(BENCH / f"output-{name}", ignore_errors=True)
    shutil.rmtree(BENCH / f"karantina-{name}", ignore_errors=True)
    env.update(
        {
            "AIRFLOW_CONN_WAREHOUSE": warehouse,
            "INPRES_INBOX": str(inbox),
            "INPRES_OUTPUT": str(BENCH / f"output-{name}"),
            "INPRES_KARANTINA": str(BENCH / f"karantina-{name}"),
        }
    )
    return env


# --- make run's path ----------------------------------------------------------------------------------------


def make_run_night(env: dict[str, str], kind: str) -> Night:
    night = Night("make run", kind)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "inpres.run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    samples: list[tuple[float, float]] = []
    sampler = threading.Thread(target=sample_memory, args=(process, samples), daemon=True)
    sampler.start()
    try:
        stdout, stderr = process.communicate(timeout=NIGHT_TIMEOUT)
    finally:
        process.kill()
    sampler.join()
    done = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    command = time.perf_counter() - started
    for line in done.stdout.splitlines():
        if match := STAGE_LINE.match(line):
            night.stages[match[1]] = float(match[2])
            if match[1] == "load":
                night.extra.append(f"load: {match[3]}")
    log = next(
        (
            line.removeprefix("Full log: ").split(" (")[0]
            for line in (done.stdout + done.stderr).splitlines()
            if line.startswith("Full log: ")
        ),
        None,
    )
    night.log = Path(log) if log else None
    intervals, running, spans = [], {}, []
    for line in Path(log).read_text(encoding="utf-8", errors="replace").splitlines() if log else []:
        stamp = TIMESTAMP.match(line)
        if stamp and (match := TASK_STARTS.search(line)):
            running[match[1]] = datetime.fromisoformat(stamp[1]).timestamp()
            night.tasks[stage_of(match[1])] = night.tasks.get(stage_of(match[1]), 0) + 1
        elif stamp and (match := TASK_ENDS.search(line)) and match[1] in running:
            intervals.append((running.pop(match[1]), datetime.fromisoformat(stamp[1]).timestamp()))
            spans.append((stage_of(match[1]), *intervals[-1]))
    # The log's times are UTC wall clock, as time.time() is.
    for stage, begin, end in spans:
        during = [mb for at, mb in samples if begin <= at <= end]
        if during:
            night.peak_mb[stage] = max(night.peak_mb.get(stage, 0.0), max(during))
    night.peak_mb["whole command"] = max((mb for _, mb in samples), default=0.0)
    if intervals:
        night.night = max(e for _, e in intervals) - min(s for s, _ in intervals)
        night.between = night.night - covered(intervals)
    night.extra.append(f"the command: {command:.0f} s (with airflow db migrate, dbt parse and DAG parsing)")
    if done.returncode != 0:
        night.ok = False
        night.extra.append("FAILED: " + " | ".join(done.stderr.strip().splitlines()[-4:]))
    return night


def sample_memory(process: subprocess.Popen, samples: list[tuple[float, float]]) -> None:
    """Twice a second until `process` ends: (time, MB) of the largest resident set among it and its descendants
    (dbt's and Typst's subprocesses included; the warehouse's PostgreSQL is not one of them)."""
    while process.poll() is None:
        children: dict[int, list[int]] = {}
        rss: dict[int, float] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid = int(stat.parent.name)
            children.setdefault(int(fields[1]), []).append(pid)
            rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        tree, largest = [process.pid], 0.0
        while tree:
            pid = tree.pop()
            largest = max(largest, rss.get(pid, 0.0))
            tree.extend(children.get(pid, []))
        samples.append((time.time(), largest))
        time.sleep(0.5)


def covered(intervals: list[tuple[float, float]]) -> float:
    """Seconds during which at least one of `intervals` runs."""
    total, end = 0.0, float("-inf")
    for s, e in sorted(intervals):
        if e > end:
            total += e - max(s, end)
            end = e
    return total


# --- the scheduler ------------------------------------------------------------------------------------------


class Stack:
    """`make serve`'s entry point on a state folder and PostgreSQL of its own; stopped with Ctrl-C's signal."""

    def __init__(self, env: dict[str, str]):
        home = BENCH / "serve"
        shutil.rmtree(home, ignore_errors=True)
        env = {
            **env,
            "INPRES_SERVE_DIR": str(home / "home"),
            "INPRES_PGDATA": str(home / "pgdata"),
            "INPRES_PG_PORT": str(free_port(55530)),
            "AIRFLOW__API__PORT": str(free_port(28080)),
        }
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "inpres.serve"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(
            target=lambda: self.lines.extend(line.rstrip("\n") for line in self.process.stdout), daemon=True
        ).start()
        ui = self.wait_for_line("UI: ", 600)
        self.base, password = ui.split()[1], ui.split("login: admin / ")[1].split()[0]
        token = (
            httpx.post(f"{self.base}/auth/token", json={"username": "admin", "password": password}, timeout=30)
            .raise_for_status()
            .json()["access_token"]
        )
        self.api = httpx.Client(
            base_url=f"{self.base}/api/v2", headers={"Authorization": f"Bearer {token}"}, timeout=60
        )

    def wait_for_line(self, prefix: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if found := [line for line in self.lines if line.startswith(prefix)]:
                return found[0]
            time.sleep(0.5)
        raise SystemExit("inpres.serve did not start:\n" + "\n".join(self.lines[-20:]))

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=180)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def scheduled_run(self) -> str:
        """The run the scheduler creates on its own when it starts (the night it missed)."""
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            runs = self.api.get(f"/dags/{DAG_ID}/dagRuns").raise_for_status().json()["dag_runs"]
            if runs:
                return runs[0]["dag_run_id"]
            time.sleep(2)
        raise SystemExit("the scheduler created no run")

    def trigger(self) -> str:
        return (
            self.api.post(f"/dags/{DAG_ID}/dagRuns", json={"logical_date": None})
            .raise_for_status()
            .json()["dag_run_id"]
        )

    def night(self, run_id: str, kind: str) -> Night:
        deadline = time.monotonic() + NIGHT_TIMEOUT
        while (run := self.api.get(f"/dags/{DAG_ID}/dagRuns/{run_id}").raise_for_status().json())["state"] not in (
            "success",
            "failed",
        ):
            if time.monotonic() > deadline:
                raise SystemExit(f"run {run_id} still {run['state']} after {NIGHT_TIMEOUT} s")
            time.sleep(3)
        found = self.api.get(f"/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances", params={"limit": 1000})
        tis = [ti for ti in found.raise_for_status().json()["task_instances"] if ti["start_date"] and ti["end_date"]]
        night = Night("scheduler", kind, ok=run["state"] == "success")
        intervals = []
        by_stage: dict[str, list[tuple[float, float]]] = {}
        for ti in tis:
            span = (_time(ti["start_date"]), _time(ti["end_date"]))
            intervals.append(span)
            by_stage.setdefault(stage_of(ti["task_id"]), []).append(span)
        for stage, spans in by_stage.items():
            night.stages[stage] = max(e for _, e in spans) - min(s for s, _ in spans)
            night.tasks[stage] = len(spans)
        night.night = _time(run["end_date"]) - _time(run["start_date"])
        night.between = night.night - covered(intervals)
        producer = next((ti for ti in tis if ti["task_id"] == "dbt_build.dbt_producer_watcher"), None)
        if producer and "dbt" in by_stage:
            build = _time(producer["end_date"]) - _time(producer["start_date"])
            night.followers = max(e for _, e in by_stage["dbt"]) - _time(producer["end_date"])
            night.extra.append(
                f"dbt: the build itself (producer) {build:.1f} s; its {len(by_stage['dbt']) - 1} "
                f"follower tasks end {night.followers:.1f} s after it"
            )
        loaded = self.api.get(
            f"/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances/load_raw/xcomEntries/return_value",
            params={"deserialize": True, "stringify": False},
        )
        if loaded.status_code == 200 and isinstance(value := loaded.json()["value"], dict):
            night.extra.append(
                f"load: loaded {len(value['loaded'])}, unchanged {len(value['unchanged'])}, "
                f"rejected {len(value['rejected'])}"
            )
        if not night.ok:
            night.extra.append("FAILED: " + ", ".join(sorted(ti["task_id"] for ti in tis if ti["state"] == "failed")))
        return night


def _time(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


# --- the figures --------------------------------------------------------------------------------------------


def show(night: Night, full: Night | None = None) -> None:
    print(f"\n{night.path}, {night.kind} night{'' if night.ok else ' (FAILED)'}:")
    for stage in STAGES:
        if stage in night.stages:
            print(f"  {stage:<11}{night.stages[stage]:7.1f} s  ({night.tasks.get(stage, '?')} task(s))")
    for line in night.extra:
        print(f"  {line}")
    if night.peak_mb:
        print("  peak RSS of one process: " + ", ".join(f"{k} {mb:,.0f} MB" for k, mb in night.peak_mb.items()))
    share = night.between / night.night if night.night else 0.0
    between = f"between tasks (no task running) {night.between:.1f} s = {share:.0%} of the night"
    if night.path == "scheduler":
        between += f" (aim < {AIM_BETWEEN:.0%})"
    print(f"  {between}")
    if night.followers:
        overhead = night.between + night.followers
        print(
            f"  with the dbt followers after the build counted as start-up: {overhead:.1f} s = "
            f"{overhead / night.night:.0%} of the night"
        )
    night_line = f"  night {night.night:.1f} s"
    if night.path == "scheduler" and full is None:
        night_line += f" (aim < {AIM_NIGHT:.0f} s: {'met' if night.night < AIM_NIGHT else 'NOT met'})"
    if full is not None and full.night:
        ratio = night.night / full.night
        night_line += (
            f" = {ratio:.2f} x the full night (aim <= {AIM_INCREMENTAL}: "
            f"{'met' if ratio <= AIM_INCREMENTAL else 'NOT met'})"
        )
    print(night_line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=12, help="months of history before the fresh month")
    parser.add_argument("--fresh", default="2022-10", help="the fresh month, YYYY-MM")
    parser.add_argument("--only", choices=("run", "serve"), help="one path only")
    parser.add_argument("--scale", type=float, default=1.0, help="share of the 552 pelapor (a quick try: 0.05)")
    args = parser.parse_args()
    periodes = [p for p in months("2021-04", args.fresh)][-(args.months + 1) :]
    history = set(periodes[:-1])
    BENCH.mkdir(parents=True, exist_ok=True)
    (BENCH.parent / "run").mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(BENCH.parent / "run"))
    compile_manifest()
    inbox = cached_inbox(periodes[0], args.fresh, args.scale)
    late = late_file(inbox, args.fresh)
    print(
        f"fresh month {args.fresh} on {len(history)} months of history; late file for the incremental night: "
        f"{late.name}",
        flush=True,
    )
    results = []
    with embedded_postgres(BENCH / "pgdata", free_port(55510)) as url:
        server = url.rsplit("/", 1)[0]
        template = prepare_history(server, inbox, history)
        if args.only != "serve":
            work = BENCH / "inbox-run"
            linked_copy(inbox, work)
            env = night_env(copy_database(server, template, "bench_run"), work, "run")
            env["AIRFLOW_HOME"] = str(BENCH / "airflow-run")
            shutil.rmtree(BENCH / "airflow-run", ignore_errors=True)
            full = make_run_night(env, "full")
            show(full)
            os.link(late, work / late.name)
            results.append((full, make_run_night(env, "incremental")))
            show(results[-1][1], full)
        if args.only != "run":
            work = BENCH / "inbox-serve"
            linked_copy(inbox, work)
            stack = Stack(night_env(copy_database(server, template, "bench_serve"), work, "serve"))
            try:
                full = stack.night(stack.scheduled_run(), "full")
                show(full)
                os.link(late, work / late.name)
                results.append((full, stack.night(stack.trigger(), "incremental")))
                show(results[-1][1], full)
            finally:
                stack.stop()
    print("\nsummary (seconds):")
    print(f"  {'path':<11}{'kind':<7}" + "".join(f"{s:>11}" for s in STAGES) + f"{'between':>10}")
    for full, incremental in results:
        for night in (full, incremental):
            stages = "".join(f"{night.stages.get(s, 0):11.1f}" for s in STAGES)
            print(f"  {night.path:<11}{night.kind[:5]:<7}{stages}{night.between:10.1f}  night {night.night:.1f}")
    if len(results) == 2:
        # The same work in one process (make run) and in a process per task (the scheduler).
        for (run, serve), kind in zip(zip(*results, strict=True), ("full", "incremental"), strict=True):
            cost = serve.night - run.night
            print(
                f"  the scheduler's own cost, {kind} night (its night minus make run's): {cost:.1f} s = "
                f"{cost / serve.night:.0%} of its night"
            )


if __name__ == "__main__":
    main()
