"""The nightly job: inbox → raw (with the intake DAG's tasks: whatever it has not judged yet) → quality gate →
dbt → quality gate → reports → mail."""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag, get_current_context, task
from airflow.timetables.trigger import CronTriggerTimetable

from inpres import alerts
from inpres.orchestration import MARTS, OUTSIDE, REPORT, intake_tasks
from inpres.transform import dbt_build_group

# The month to report, offered by the UI's "Trigger with config" and given by `make run INPRES_PERIODE=…`;
# empty (a scheduled run) is INPRES_PERIODE if set, else the latest month with submissions.
PERIODE = Param(
    None,
    type=["null", "string"],
    pattern=r"^(\d{4}-(0[1-9]|1[0-2]))?$",
    title="Periode",
    description="The month to check and report, YYYY-MM (e.g. 2022-09). Empty: INPRES_PERIODE if "
    "set, else the latest month with submissions.",
)


@dag(
    dag_id="inpres_nightly",
    schedule=CronTriggerTimetable("0 1 * * *", timezone="Asia/Jakarta"),
    start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Jakarta"),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 0, "on_failure_callback": alerts.task_failed},
    params={"periode": PERIODE},
    tags=["inpres", "kemenko-pmk"],
    doc_md=__doc__,
)
def inpres_nightly():
    # The steps import their libraries (GX, Typst, matplotlib) when they run, not when the DAG is parsed.

    # The month every later task reads (its XCom), decided once after the load.
    @task
    def decide_periode() -> str:
        from inpres import nightly

        return nightly.decide_periode(get_current_context()["params"].get("periode"))

    @task
    def quality_gate_raw(periode: str) -> None:
        from inpres import nightly

        nightly.gate(nightly.RAW_SUITE, periode, get_current_context()["run_id"])

    @task(outlets=[MARTS])
    def quality_gate_marts(periode: str) -> None:
        from inpres import nightly

        nightly.gate(nightly.MARTS_SUITE, periode, get_current_context()["run_id"])

    @task(outlets=[REPORT])
    def report(periode: str) -> dict:
        from inpres import nightly

        return nightly.report(periode, get_current_context()["run_id"])

    # A retry mails only whom the failed try did not reach (audit.pengiriman).
    @task(**OUTSIDE)
    def deliver(report: dict) -> dict:
        from inpres import nightly

        return nightly.deliver(report)

    periode = decide_periode()
    loaded, answers = intake_tasks()
    loaded >> periode >> answers
    written = report(periode)
    quality_gate_raw(periode) >> dbt_build_group() >> quality_gate_marts(periode) >> written
    deliver(written)


inpres_nightly()
