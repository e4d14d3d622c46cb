"""The nightly job: inbox → raw → quality gate → dbt → quality gate → reports → mail."""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, dag, get_current_context, task
from airflow.timetables.trigger import CronTriggerTimetable

from inpres import alerts
from inpres.transform import dbt_build_group

RAW = Asset("inpres_raw_kepesertaan")
MARTS = Asset("inpres_marts_cakupan")
REPORT = Asset("inpres_laporan_nasional")
# Only what talks to another system is tried again (an object store or a mail server that is briefly away);
# loading, the gates, dbt and the report fail the same way twice, so they fail at once.
OUTSIDE = {"retries": 2, "retry_delay": timedelta(minutes=5)}


@dag(
    dag_id="inpres_nightly",
    schedule=CronTriggerTimetable("0 1 * * *", timezone="Asia/Jakarta"),
    start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Jakarta"),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 0, "on_failure_callback": alerts.task_failed},
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

    @task
    def quality_gate_raw() -> None:
        from inpres import nightly

        nightly.gate(nightly.RAW_SUITE, get_current_context()["run_id"])

    @task(outlets=[MARTS])
    def quality_gate_marts() -> None:
        from inpres import nightly

        nightly.gate(nightly.MARTS_SUITE, get_current_context()["run_id"])

    @task(outlets=[REPORT])
    def report() -> dict:
        from inpres import nightly

        return nightly.report(get_current_context()["run_id"])

    # A retry mails only whom the failed try did not reach (audit.pengiriman).
    @task(**OUTSIDE)
    def deliver(laporan: dict) -> dict:
        from inpres import nightly

        return nightly.deliver(laporan)

    loaded = load_raw(pull_submissions(), pull_bpjs_extracts())
    written = report()
    loaded >> quality_gate_raw() >> dbt_build_group() >> quality_gate_marts() >> written
    deliver(written)


inpres_nightly()
