"""dbt in one process (Cosmos WATCHER): a failing dbt test still fails its own task and stops the night before the
marts gate and the report. (That a passing night runs dbt once, with every node's task successful, is checked on
the night of tests/test_run.py that prints its stages.)"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import psycopg

GOOD = [("81.71", "pekerja_rentan", 70_000, 40_000, None, None)]


def _states() -> dict[str, str]:
    """Each task of the last night in this test session's Airflow metadata database, with its state."""
    with sqlite3.connect(Path(os.environ["AIRFLOW_HOME"]) / "airflow.db") as db:
        [run_id] = db.execute(
            "select run_id from dag_run where dag_id = 'inpres_nightly' order by id desc limit 1"
        ).fetchone()
        return dict(
            db.execute(
                "select task_id, state from task_instance where dag_id = 'inpres_nightly' and run_id = ?", (run_id,)
            ).fetchall()
        )


def test_a_failing_dbt_test_fails_its_task_and_stops_the_night_before_the_marts_gate(
    run_nightly, warehouse, tmp_path, submission
):
    inbox = tmp_path / "inbox"
    submission(inbox / "81.71_2022-10.xlsx", pelapor="81.71", periode="2022-10", kepesertaan=GOOD)
    # A rejection recorded under a source the project does not know (a hand-made fix in the database): dbt's
    # accepted_values test on stg_audit__penolakan.sumber fails. The raw gate does not read the audit schema.
    with psycopg.connect(warehouse) as conn:
        conn.execute("""insert into audit.penolakan (sumber, file_name, sha256, received_at, alasan)
                        values ('lainnya', 'lain.xlsx', 'lain', now(), array['contoh'])""")

    run = run_nightly(inbox)

    assert run.returncode == 1, run.stdout + run.stderr
    states = _states()
    # The model was built; its tests' task failed; what is built on it never ran, nor did the marts gate,
    # the report or the mail.
    assert states["dbt_build.stg_audit__penolakan.run"] == "success"
    assert states["dbt_build.stg_audit__penolakan.test"] == "failed"
    assert states["dbt_build.fct_pelapor_belum_pernah_lapor.run"] == "upstream_failed"
    for task_id in ("quality_gate_marts", "report", "deliver"):
        assert states[task_id] == "upstream_failed", task_id
    assert not list(run.output.rglob("*.pdf"))
    # The other branches of the build went on, and their tests passed.
    assert states["dbt_build.fct_cakupan_wilayah.run"] == "success"
    assert states["dbt_build.fct_cakupan_wilayah.test"] == "success"
    # The build itself failed, in one dbt process, and says which test.
    assert states["dbt_build.dbt_producer_watcher"] == "failed"
    assert run.log.count("Running with dbt=") == 1
    failures = [line for line in run.stderr.splitlines() if line.startswith("FAILED ")]
    assert any(line.startswith("FAILED dbt_build.stg_audit__penolakan.test: ") for line in failures), failures
    assert any(
        line.startswith("FAILED dbt_build.dbt_producer_watcher: ")
        and "accepted_values_stg_audit__penolakan_sumber" in line
        for line in failures
    ), failures
