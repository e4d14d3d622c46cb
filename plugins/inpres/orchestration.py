"""What the DAGs share: the Assets between them, the retry rule, and the intake's tasks, which the intake DAG
runs every few minutes and the nightly DAG once before its build. Importing this module does no work: each
task imports its step when it runs."""

from __future__ import annotations

import os
from datetime import timedelta

from airflow.sdk import Asset, TriggerRule, XComArg, task

RAW = Asset("inpres_raw_kepesertaan")
MARTS = Asset("inpres_marts_cakupan")
REPORT = Asset("inpres_laporan_nasional")
# Only what talks to another system is tried again (an object store or a mail server that is briefly away);
# loading, the gates, dbt and the report fail the same way twice, so they fail at once.
OUTSIDE = {"retries": 2, "retry_delay": timedelta(minutes=5)}

INTAKE_MINUTES_DEFAULT = 5


def intake_minutes() -> int:
    """How often the intake DAG looks at the inbox (`INPRES_INTAKE_MENIT`, minutes, 1–60)."""
    value = os.environ.get("INPRES_INTAKE_MENIT", "").strip() or str(INTAKE_MINUTES_DEFAULT)
    if not value.isdigit() or not 1 <= int(value) <= 60:
        raise ValueError(f"INPRES_INTAKE_MENIT={value!r} is not a number of minutes from 1 to 60")
    return int(value)


def intake_tasks() -> tuple[XComArg, list[XComArg]]:
    """pull (both inboxes) → load_raw (judge, load, write each receipt); and the answers, send_receipts and
    write_intake_status, which the DAG places after load_raw (the nightly after the month's decision).

    The answers run whatever became of the tasks before them: a load that failed half-way has written the
    receipts of the files it judged, and they are mailed; the status is written at every intake."""

    @task(**OUTSIDE)
    def pull_submissions() -> list[dict]:
        from inpres import intake

        return intake.pull("laporan")

    @task(**OUTSIDE)
    def pull_bpjs_extracts() -> list[dict]:
        from inpres import intake

        return intake.pull("bpjs")

    @task(outlets=[RAW])
    def load_raw(submissions: list[dict], extracts: list[dict]) -> dict:
        from inpres import intake

        return intake.load(submissions + extracts)

    # A retry mails only the receipts the failed try did not (audit.tanda_terima).
    @task(trigger_rule=TriggerRule.ALL_DONE, **OUTSIDE)
    def send_receipts() -> int:
        from inpres import intake

        return intake.send()

    @task(trigger_rule=TriggerRule.ALL_DONE)
    def write_intake_status() -> str:
        from inpres import intake

        return intake.write_status()

    return load_raw(pull_submissions(), pull_bpjs_extracts()), [send_receipts(), write_intake_status()]
