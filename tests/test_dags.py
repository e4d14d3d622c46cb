"""The DAG folder imports cleanly and the nightly job runs its stages in the designed order."""

from __future__ import annotations

import pytest

from inpres.paths import PROJECT_ROOT


@pytest.fixture(scope="module")
def dagbag(manifest):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(PROJECT_ROOT / "dags"))


def test_dag_folder_imports_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {"inpres_nightly"}


def test_nightly_runs_at_one_in_the_morning_jakarta_time(dagbag):
    dag = dagbag.dags["inpres_nightly"]
    assert dag.timetable.summary == "0 1 * * *"
    assert str(dag.timetable._timezone) in ("Asia/Jakarta", "Timezone('Asia/Jakarta')")
    assert dag.catchup is False


def test_stages_run_in_order(dagbag):
    dag = dagbag.dags["inpres_nightly"]
    tasks = dag.task_dict
    dbt_tasks = {t for t in tasks if t.startswith("dbt_build.")}
    assert "dbt_build.fct_cakupan_wilayah_model_build" in dbt_tasks, sorted(dbt_tasks)
    assert "dbt_build.wilayah_provinsi_seed_build" in dbt_tasks, sorted(dbt_tasks)

    assert tasks["load_raw"].upstream_task_ids == {"pull_submissions", "pull_bpjs_extracts"}
    assert tasks["quality_gate_raw"].upstream_task_ids == {"load_raw"}
    # Everything dbt does waits for the raw gate, and the marts gate waits for everything dbt does.
    for task_id in dbt_tasks:
        assert "quality_gate_raw" in tasks[task_id].get_flat_relative_ids(upstream=True), task_id
        assert "quality_gate_marts" in tasks[task_id].get_flat_relative_ids(upstream=False), task_id
    assert tasks["report"].upstream_task_ids == {"quality_gate_marts"}
    assert {t.task_id for t in dag.roots} == {"pull_submissions", "pull_bpjs_extracts"}
    assert tasks["deliver"].upstream_task_ids == {"report"}
    assert {t.task_id for t in dag.leaves} == {"deliver"}
