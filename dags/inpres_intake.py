"""Intake every few minutes: each new file judged, loaded or rejected whole, and answered with a receipt
(tanda terima) to its pelapor; the ministry's intake status rewritten. The nightly DAG builds on it at 01:00."""

from __future__ import annotations

import pendulum
from airflow.sdk import dag
from airflow.timetables.trigger import CronTriggerTimetable

from inpres import alerts
from inpres.orchestration import intake_minutes, intake_tasks


@dag(
    dag_id="inpres_intake",
    schedule=CronTriggerTimetable(f"*/{intake_minutes()} * * * *", timezone="Asia/Jakarta"),
    start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Jakarta"),
    catchup=False,
    # Two intakes never overlap: a run that outlasts its interval delays the next one (and the intake lock
    # keeps the nightly DAG's own load from judging the same file).
    max_active_runs=1,
    default_args={"retries": 0, "on_failure_callback": alerts.task_failed},
    tags=["inpres", "kemenko-pmk"],
    doc_md=__doc__,
)
def inpres_intake():
    loaded, answers = intake_tasks()
    loaded >> answers


inpres_intake()
