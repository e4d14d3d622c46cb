"""The nightly job: inbox → raw → quality gate → dbt → quality gate → reports → mail."""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, Param, dag, get_current_context, task
from airflow.timetables.trigger import CronTriggerTimetable

from inpres import alerts
from inpres.transform import dbt_build_group

RAW = Asset("inpres_raw_kepesertaan")
MARTS = Asset("inpres_marts_cakupan")
REPORT = Asset("inpres_laporan_nasional")
# Only what talks to another system is tried again (an object store or a mail server that is briefly away);
# loading, the gates, dbt and the report fail the same way twice, so they fail at once.
OUTSIDE = {"retries": 2, "retry_delay": timedelta(minutes=5)}
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
    @task(**OUTSIDE)
    def pull_submissions() -> list[dict]:
        from inpres import nightly

        return nightly.pull("laporan")

    @task(**OUTSIDE)
    def pull_bpjs_extracts() -> list[dict]:
        from inpres import nightly

        return nightly.pull("bpjs")

    @task(outlets=[RAW])
    def load_raw(submissions: list[dict], extracts: list[dict]) -> dict:
        from inpres import nightly

        return nightly.load(submissions + extracts)

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
    def deliver(laporan: dict) -> dict:
        from inpres import nightly

        return nightly.deliver(laporan)

    periode = decide_periode()
    load_raw(pull_submissions(), pull_bpjs_extracts()) >> periode
    written = report(periode)
    quality_gate_raw(periode) >> dbt_build_group() >> quality_gate_marts(periode) >> written
    deliver(written)


inpres_nightly()
