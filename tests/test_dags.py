"""The DAG folder imports cleanly and the nightly job runs its stages in the designed order."""

from __future__ import annotations

import json
import re

import pytest

from inpres.paths import PROJECT_ROOT


@pytest.fixture(scope="module")
def dagbag(manifest):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(PROJECT_ROOT / "dags"))


def test_dag_folder_imports_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {"inpres_nightly", "inpres_intake"}


def test_nightly_runs_at_one_in_the_morning_jakarta_time(dagbag):
    dag = dagbag.dags["inpres_nightly"]
    assert dag.timetable.summary == "0 1 * * *"
    assert str(dag.timetable._timezone) in ("Asia/Jakarta", "Timezone('Asia/Jakarta')")
    assert dag.catchup is False


def _as_the_scheduler_sees(dag):
    """The DAG as the scheduler and the api-server hold it (serialized), which check a run's parameters when
    it is created: triggered in the UI or over the API, or by `airflow dags test --conf`."""
    from airflow.serialization.serialized_objects import DagSerialization

    return DagSerialization.deserialize_dag(DagSerialization.serialize_dag(dag))


def test_the_month_is_a_parameter_the_trigger_form_offers(dagbag):
    dag = _as_the_scheduler_sees(dagbag.dags["inpres_nightly"])
    periode = dag.params.get_param("periode")
    # Empty by default: a scheduled run takes INPRES_PERIODE, else the latest month with submissions.
    assert periode.value is None
    assert periode.schema["type"] == ["null", "string"] and periode.schema["title"] == "Periode"
    assert "YYYY-MM" in periode.description
    for month in ("2022-09", "2031-12"):
        assert dag.params.deep_merge({"periode": month}).validate() == {"periode": month}
    assert dag.params.deep_merge({}).validate() == {"periode": None}
    # A field left empty in the form.
    assert dag.params.deep_merge({"periode": ""}).validate() == {"periode": ""}


def test_a_month_that_is_not_one_is_refused_when_the_run_is_triggered(dagbag):
    from airflow.exceptions import ParamValidationError

    dag = _as_the_scheduler_sees(dagbag.dags["inpres_nightly"])
    for wrong in ("2022-13", "09-2022", "2022-9", "september"):
        with pytest.raises(ParamValidationError) as refused:
            dag.params.deep_merge({"periode": wrong}).validate()
        assert str(refused.value).startswith(f"Invalid input for param periode: '{wrong}' does not match"), wrong


def test_stages_run_in_order(dagbag):
    dag = dagbag.dags["inpres_nightly"]
    tasks = dag.task_dict
    dbt_tasks = {t for t in tasks if t.startswith("dbt_build.")}
    assert {
        "dbt_build.fct_cakupan_wilayah.run",
        "dbt_build.fct_cakupan_wilayah.test",
        "dbt_build.wilayah_provinsi.seed",
        "dbt_build.snp_submissions__terkini.snapshot",
    } <= dbt_tasks, sorted(dbt_tasks)

    assert tasks["load_raw"].upstream_task_ids == {"pull_submissions", "pull_bpjs_extracts"}
    # The month is decided once, after the load, and read by every task that needs it.
    assert tasks["decide_periode"].upstream_task_ids == {"load_raw"}
    assert tasks["quality_gate_raw"].upstream_task_ids == {"decide_periode"}
    # Everything dbt does waits for the raw gate, and the marts gate waits for everything dbt does.
    for task_id in dbt_tasks:
        assert "quality_gate_raw" in tasks[task_id].get_flat_relative_ids(upstream=True), task_id
        assert "quality_gate_marts" in tasks[task_id].get_flat_relative_ids(upstream=False), task_id
    assert tasks["report"].upstream_task_ids == {"quality_gate_marts", "decide_periode"}
    assert "decide_periode" in tasks["quality_gate_marts"].upstream_task_ids
    assert {t.task_id for t in dag.roots} == {"pull_submissions", "pull_bpjs_extracts"}
    assert tasks["deliver"].upstream_task_ids == {"report"}
    # The night answers what it judged itself (whatever the intake DAG had not seen yet), once the month is
    # decided, beside the build, and whether or not the load and the decision succeeded.
    for answer in ("send_receipts", "write_intake_status"):
        assert tasks[answer].upstream_task_ids == {"decide_periode"}, answer
        assert tasks[answer].trigger_rule == "all_done", answer
    assert {t.task_id for t in dag.leaves} == {"deliver", "send_receipts", "write_intake_status"}


def test_intake_runs_every_few_minutes_never_twice_at_once(dagbag, monkeypatch):
    dag = dagbag.dags["inpres_intake"]
    assert dag.timetable.summary == "*/5 * * * *"
    assert dag.max_active_runs == 1 and dag.catchup is False
    tasks = dag.task_dict
    assert set(tasks) == {
        "pull_submissions",
        "pull_bpjs_extracts",
        "load_raw",
        "send_receipts",
        "write_intake_status",
    }
    assert tasks["load_raw"].upstream_task_ids == {"pull_submissions", "pull_bpjs_extracts"}
    assert [a.name for a in tasks["load_raw"].outlets] == ["inpres_raw_kepesertaan"]
    for answer in ("send_receipts", "write_intake_status"):
        assert tasks[answer].upstream_task_ids == {"load_raw"} and tasks[answer].trigger_rule == "all_done"
    # Only what talks to another system (the inbox's store, the mail server) is tried again.
    assert {t: tasks[t].retries for t in tasks} == {
        "pull_submissions": 2,
        "pull_bpjs_extracts": 2,
        "load_raw": 0,
        "send_receipts": 2,
        "write_intake_status": 0,
    }


def test_the_intake_interval_is_configurable_and_checked(monkeypatch):
    from inpres.orchestration import intake_minutes

    monkeypatch.setenv("INPRES_INTAKE_MENIT", "2")
    assert intake_minutes() == 2
    for wrong in ("0", "61", "lima", "-5"):
        monkeypatch.setenv("INPRES_INTAKE_MENIT", wrong)
        with pytest.raises(ValueError, match="INPRES_INTAKE_MENIT"):
            intake_minutes()


def test_dbt_runs_in_one_task_and_every_node_has_a_task_that_follows_it(dagbag, manifest):
    """One `dbt build` (Cosmos' WATCHER producer); each seed, model and snapshot, and each model's tests, a
    sensor that reads what that build did to it: no dbt process per node."""
    from cosmos.operators._watcher.base import BaseConsumerSensor
    from cosmos.operators.watcher import DbtProducerWatcherOperator, DbtTestWatcherOperator

    dag = dagbag.dags["inpres_nightly"]
    dbt_tasks = {t: task for t, task in dag.task_dict.items() if t.startswith("dbt_build.")}
    [producer] = [task for task in dbt_tasks.values() if isinstance(task, DbtProducerWatcherOperator)]
    assert producer.task_id == "dbt_build.dbt_producer_watcher"
    assert producer.base_cmd == ["build"] and producer.upstream_task_ids == {"quality_gate_raw"}
    sensors = {t: task for t, task in dbt_tasks.items() if isinstance(task, BaseConsumerSensor)}
    assert set(dbt_tasks) - set(sensors) == {producer.task_id, "dbt_build.dbt_producer_watcher_done"}

    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"]
    built = {uid for uid, node in nodes.items() if node["resource_type"] in ("seed", "model", "snapshot")}
    tests_of = {}  # the tests dbt puts on each node (a relationships test from fct_x to dim_wilayah is fct_x's)
    for uid, node in nodes.items():
        if node["resource_type"] == "test" and node["attached_node"]:
            tests_of.setdefault(node["attached_node"], set()).add(uid)
    tests_followed = {s.model_unique_id: s for s in sensors.values() if isinstance(s, DbtTestWatcherOperator)}
    followed = {s.model_unique_id: s for s in sensors.values() if not isinstance(s, DbtTestWatcherOperator)}
    assert set(followed) == built
    assert set(tests_followed) == set(tests_of)
    # A node's tests task passes when the tests dbt puts on that node passed, and fails when one failed.
    assert {uid: set(tests) for uid, tests in producer.tests_per_model.items() if uid in built and tests} == tests_of
    # It runs after the node's own task, and what is built on the node waits for it.
    for uid, test_task in tests_followed.items():
        assert test_task.upstream_task_ids == {followed[uid].task_id}, uid
        assert followed[uid].downstream_task_ids == {test_task.task_id}, uid
    # In the UI: dbt_build.<node>.run (or .seed, .snapshot) and dbt_build.<node>.test.
    assert all(re.fullmatch(r"dbt_build\.\w+\.(run|seed|snapshot|test)", task_id) for task_id in sensors)

    # The sensors start once the build has ended (failed too), never before: under `airflow dags test`, which
    # runs one task at a time, a sensor started first would wait for ever for a producer that never starts.
    for task_id, sensor in sensors.items():
        assert producer.task_id in sensor.get_flat_relative_ids(upstream=True), task_id
        if producer.task_id in sensor.upstream_task_ids:
            assert sensor.trigger_rule == "one_done", task_id
        assert sensor.poke_interval <= 5 and sensor.deferrable, task_id
