"""`make run` as its user sees it: refused settings, a line per stage, a month without data, nothing new."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from inpres.run import Progress, airflow_env
from inpres.settings import NO_TELEMETRY


def _line(at: str, text: str, logger: str = "airflow.sdk.definitions.dag") -> str:
    return f"2026-12-02T{at}Z [info     ] {text} [{logger}] loc=x.py:1\n"


def test_each_stage_is_one_line_with_its_seconds_and_what_it_did():
    out = io.StringIO()
    progress = Progress(out)
    for line in [
        _line("01:00:00.0", "[DAG TEST] starting task_id=pull_bpjs_extracts map_index=-1"),
        _line("01:00:01.0", "INPRES STAGE pull: 2 BPJS extract(s)", "inpres.alerts"),
        _line("01:00:01.5", "[DAG TEST] end task task_id=pull_bpjs_extracts map_index=-1"),
        _line("01:00:01.5", "[DAG TEST] starting task_id=pull_submissions map_index=-1"),
        _line("01:00:02.0", "INPRES STAGE pull: 57 submission(s)", "inpres.alerts"),
        _line("01:00:02.5", "[DAG TEST] end task task_id=pull_submissions map_index=-1"),
        _line("01:00:02.5", "[DAG TEST] starting task_id=load_raw map_index=-1"),
        _line("01:00:03.0", "INPRES STAGE load: loaded 59, unchanged 0, rejected 1", "inpres.alerts"),
        _line("01:00:03.5", "[DAG TEST] end task task_id=load_raw map_index=-1"),
        _line("01:00:04.0", "[DAG TEST] starting task_id=dbt_build.stg_a_model_build map_index=-1"),
        _line("01:00:10.0", "[DAG TEST] end task task_id=dbt_build.stg_a_model_build map_index=-1"),
        _line("01:00:10.0", "[DAG TEST] starting task_id=dbt_build.fct_b_model_build map_index=-1"),
        _line("01:00:24.0", "[DAG TEST] end task task_id=dbt_build.fct_b_model_build map_index=-1"),
        _line("01:00:24.0", "[DAG TEST] starting task_id=quality_gate_marts map_index=-1"),
        _line(
            "01:00:30.0", "INPRES TASK FAILED quality_gate_marts: gate marts_cakupan_wilayah failed", "inpres.alerts"
        ),
        _line("01:00:30.1", "[DAG TEST] end task task_id=quality_gate_marts map_index=-1"),
    ]:
        progress.feed(line)
    assert out.getvalue().splitlines() == [
        "  pull          2.5 s  2 BPJS extract(s); 57 submission(s)",
        "  load          1.0 s  loaded 59, unchanged 0, rejected 1",
        "  dbt          20.0 s  2 task(s): seeds, models, snapshots and their tests",
    ]
    progress.finish()
    assert out.getvalue().splitlines()[-1] == "  marts gate    6.1 s  FAILED"


def test_a_month_that_is_not_a_month_is_refused_before_anything_starts(tmp_path):
    # The project root moved to an empty folder: had anything started, it would have written under it.
    env = {**os.environ, "INPRES_PERIODE": "2022-13", "INPRES_PROJECT_ROOT": str(tmp_path)}
    env.pop("AIRFLOW_CONN_WAREHOUSE", None)
    done = subprocess.run([sys.executable, "-m", "inpres.run"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stdout == ""
    [sentence] = done.stderr.splitlines()
    assert "INPRES_PERIODE='2022-13'" in sentence and "YYYY-MM" in sentence and "nothing was run" in sentence
    assert list(tmp_path.iterdir()) == []


def test_a_file_mask_that_is_not_one_is_refused_before_anything_starts(tmp_path):
    env = {**os.environ, "INPRES_UMASK": "rw-r--r--", "INPRES_PROJECT_ROOT": str(tmp_path)}
    env.pop("AIRFLOW_CONN_WAREHOUSE", None)
    done = subprocess.run([sys.executable, "-m", "inpres.run"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "INPRES_UMASK='rw-r--r--' is not a file-creation mask written in octal, such as 077 or 022: nothing was run."
    ]
    assert list(tmp_path.iterdir()) == []


def test_the_night_runs_without_telemetry(tmp_path):
    env = airflow_env(tmp_path / "airflow", "postgresql://127.0.0.1/inpres")
    assert {k: env[k] for k in NO_TELEMETRY} == NO_TELEMETRY
    # What Cosmos itself decides in that environment (it reads it once, at import).
    decided = subprocess.run(
        [sys.executable, "-c", "from cosmos import telemetry; print(telemetry.should_emit())"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert decided.stdout.splitlines()[-1] == "False", decided.stderr[-2000:]


def test_a_month_without_data_stops_after_the_load_and_says_so(run_nightly, warehouse, tmp_path):
    with psycopg.connect(warehouse) as conn:
        conn.execute("""insert into raw.submission (submission_id, file_name, sha256, format, pelapor, periode,
                                                    received_at)
                        values (1, '81.71_2022-10.xlsx', 'x', 'xlsx', '81.71', '2022-10', now())""")
    inbox = tmp_path / "inbox"
    inbox.mkdir()

    run = run_nightly(inbox, INPRES_PERIODE="2022-11")

    assert run.returncode == 1
    stages = [line.split()[0] for line in run.stdout.splitlines() if line.startswith("  ")]
    # The receipts and the intake status follow the load, beside the month's decision; nothing after it runs.
    assert stages[:2] == ["pull", "load"] and set(stages) <= {"pull", "load", "receipts", "status"}, stages
    [load] = [line for line in run.stdout.splitlines() if line.startswith("  load")]
    assert "FAILED: loaded 0, unchanged 0, rejected 0; nothing new in the inbox" in load
    [failure] = [line for line in run.stderr.splitlines() if line.startswith("FAILED ")]
    assert failure == (
        "FAILED decide_periode: no submission for periode 2022-11 in the warehouse or the inbox: "
        "nothing to report for that month (the latest month with submissions is 2022-10)"
    )
    assert "starting task_id=dbt_build" not in run.log


def test_make_dbt_runs_dbt_against_the_named_warehouse(warehouse, tmp_path):
    env = {**os.environ, "AIRFLOW_CONN_WAREHOUSE": warehouse}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "inpres.dbt_cli",
            "dbt",
            "run",
            "--select",
            "stg_inbox__submissions",
            "--target-path",
            str(tmp_path / "target"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select count(*) from staging.stg_inbox__submissions").fetchone() == (0,)

    usage = subprocess.run(
        [sys.executable, "-m", "inpres.dbt_cli"], env=env, capture_output=True, text=True, timeout=120
    )
    assert usage.returncode == 2 and 'make dbt ARGS="build --select fct_cakupan_wilayah"' in usage.stderr


def _states() -> dict[str, str]:
    """Each task of the last night in this test session's Airflow metadata database, with its state."""
    with contextlib.closing(sqlite3.connect(Path(os.environ["AIRFLOW_HOME"]) / "airflow.db")) as db:
        [run_id] = db.execute(
            "select run_id from dag_run where dag_id = 'inpres_nightly' order by id desc limit 1"
        ).fetchone()
        return dict(
            db.execute(
                "select task_id, state from task_instance where dag_id = 'inpres_nightly' and run_id = ?", (run_id,)
            ).fetchall()
        )


STAGE_LINE = re.compile(r"^  (\w+(?: gate)?)\s+(\d+\.\d) s  (.*)$")


def test_a_night_prints_each_stage_as_it_ends_then_the_gate_warnings(run_nightly, tmp_path, submission):
    inbox = tmp_path / "inbox"
    submission(
        inbox / "81.71_2022-10.xlsx",
        pelapor="81.71",
        periode="2022-10",
        kepesertaan=[("81.71", "pekerja_rentan", 70_000, 40_000, None, None)],
    )
    # Unknown sasaran: a warning of the raw gate.
    submission(
        inbox / "72.06_2022-10.xlsx",
        pelapor="72.06",
        periode="2022-10",
        kepesertaan=[("72.06", "pekerja_rentan", None, 28_000, None, None)],
    )

    run = run_nightly(inbox)

    assert run.returncode == 0, run.stderr + run.log[-3000:]
    stages = {m[1]: (float(m[2]), m[3]) for line in run.stdout.splitlines() if (m := STAGE_LINE.match(line))}
    # The receipts and the intake status go beside the build, once the month is decided.
    assert [s for s in stages if s not in ("receipts", "status")] == [
        "pull",
        "load",
        "raw gate",
        "dbt",
        "marts gate",
        "report",
        "deliver",
    ]
    assert stages["receipts"][1] == "2 written; 0 mailed"  # no address configured: they wait
    assert (
        stages["status"][1] == "periode 2022-10: 2 sudah mengirim, 0 ditolak, belum mengirim ulang, 550 belum mengirim"
    )
    assert sorted(stages["pull"][1].split("; ")) == ["0 BPJS extract(s) (no BPJS inbox)", "2 submission(s)"]
    assert stages["load"][1] == "loaded 2, unchanged 0, rejected 0"
    assert stages["raw gate"][1].startswith("passed, ") and stages["raw gate"][1].endswith(", 1 warning(s)")
    # dbt in one process (Cosmos WATCHER): one `dbt build`, and every node's task followed it to success.
    assert run.log.count("Running with dbt=") == 1
    dbt = {task: state for task, state in _states().items() if task.startswith("dbt_build.")}
    assert len(dbt) > 40 and set(dbt.values()) == {"success"}, dbt
    assert stages["dbt"][0] > 0 and stages["dbt"][1].startswith(f"{len(dbt)} task(s)"), stages["dbt"]
    assert stages["report"][1].startswith("periode 2022-10")
    assert stages["deliver"][1].startswith("nothing mailed")
    out = run.stdout.splitlines()
    warnings = out[out.index("Gate warnings (the report lists them in its data-quality annex):") + 1 :]
    assert "  raw_kepesertaan: sasaran diisi (tanpa sasaran, cakupan tidak dapat dihitung) (1 row(s))" in warnings
    assert out[-2].startswith("Report: ") and out[-1].startswith("Full log: ")
    # No usage statistics were attempted (Cosmos logs each attempt it makes).
    assert "usage metrics" not in run.log and "scarf" not in run.log.lower()


def test_a_run_parameter_that_is_not_a_month_is_refused_with_a_sentence(monkeypatch):
    from inpres import nightly

    # Refused before the warehouse is asked anything: there is none here.
    monkeypatch.setenv("AIRFLOW_CONN_WAREHOUSE", "postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(ValueError) as refused:
        nightly.decide_periode("2022-13")
    assert str(refused.value) == "periode='2022-13' is not a month written YYYY-MM"


def test_the_month_given_reaches_every_task(run_nightly, tmp_path, submission, smtp_server, monkeypatch):
    """Two months in the inbox, the earlier one asked for: its gates' Data Docs, its reports and its mail,
    in its own folder; nothing for the later month, which a night without the parameter would report."""
    inbox = tmp_path / "inbox"
    for periode, terlindungi in (("2022-09", 38_000), ("2022-10", 40_000)):
        submission(
            inbox / f"81.71_{periode}.xlsx",
            pelapor="81.71",
            periode=periode,
            kepesertaan=[("81.71", "pekerja_rentan", 70_000, terlindungi, None, None)],
        )
    monkeypatch.setenv("INPRES_DISTRIBUSI", "deputi@kemenkopmk.example")

    run = run_nightly(inbox, INPRES_PERIODE="2022-09")

    assert run.returncode == 0, run.stderr + run.log[-3000:]
    [folder] = (run.output / "2022-09").iterdir()
    assert sorted(p.name for p in run.output.iterdir()) == ["2022-09", "penerimaan"]
    assert run.report == folder / "laporan_nasional_2022-09.pdf"
    for suite in ("raw_kepesertaan", "marts_cakupan_wilayah"):
        assert (folder / "data_docs" / suite / "index.html").exists(), suite
    assert (folder / "dbt_docs" / "index.html").exists()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["periode"] == "2022-09"
    # make run gave the month as the run's parameter, which the DAG run carries.
    with contextlib.closing(sqlite3.connect(Path(os.environ["AIRFLOW_HOME"]) / "airflow.db")) as db:
        [(conf,)] = db.execute(
            "select conf from dag_run where run_id = ?", (manifest["versi_data"]["run_id"],)
        ).fetchall()
    assert json.loads(conf) == {"periode": "2022-09"}
    [(recipients, mail)] = smtp_server.messages
    assert recipients == ["deputi@kemenkopmk.example"] and mail["X-Inpres-Periode"] == "2022-09"
