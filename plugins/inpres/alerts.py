"""What whoever runs the night sees when a task fails: one line, which task and why, and a mail to on-call."""

from __future__ import annotations

import logging
import os
import re

from inpres.privacy import mask_nik

log = logging.getLogger(__name__)

FAILED = "INPRES TASK FAILED"
REPORT = "INPRES REPORT WRITTEN"
REJECTED = "INPRES SUBMISSION REJECTED"
# What a stage did (`make run` prints it beside the stage's seconds) and each gate warning (listed at the end).
STAGE = "INPRES STAGE"
GATE_WARNING = "INPRES GATE WARNING"
# The warehouse stopped answering: said once, with the task it stopped and what to do.
WAREHOUSE_DOWN = "INPRES WAREHOUSE DOWN"
SUBJECT = "[Inpres 2/2021] Laporan malam ini dihentikan"
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def stage_done(stage: str, summary: str) -> None:
    """One line for whoever watches the night: `stage` as `make run` names it, what it did."""
    log.info("%s %s: %s", STAGE, stage, summary)


def clean(text: str) -> str:
    """A message as it may be logged or mailed: no NIK, no e-mail address (a refused recipient, a sender)."""
    return _ADDRESS.sub("<alamat>", mask_nik(text))


def failure_line(task_id: str, error: BaseException | str | None) -> str:
    reason = " ".join(str(error or "unknown error").split())
    return clean(f"{FAILED} {task_id}: {reason}")


def task_failed(context) -> None:
    """on_failure_callback for every task of the nightly DAG: one line in the log, and on-call is mailed, once
    per failed task (Airflow calls this after the last try only). A task the warehouse's stop took down says
    so in place of the driver's error, and the stop itself is said in a line of its own."""
    task_id = context["task_instance"].task_id
    error = context.get("exception")
    where = warehouse_down()
    cause = None
    if where:
        cause = warehouse_down_line(where, task_id)
        log.error("%s %s", WAREHOUSE_DOWN, cause)
        line = failure_line(task_id, f"the warehouse at {where} did not answer")
    else:
        line = failure_line(task_id, error)
    log.error("%s", line)
    outcomes = getattr(error, "outcomes", None)
    if outcomes is not None and getattr(error, "suite", None):
        subject = f"{SUBJECT}: gerbang mutu {error.suite} gagal"
        lines = [clean(outcome.line()) for outcome in outcomes]
    else:
        subject = f"{SUBJECT}: tugas {task_id} gagal"
        lines = [line.removeprefix(f"{FAILED} ")] + ([cause] if cause else [])
    try:
        notify_oncall(subject, lines)
    except Exception as failed:  # a mail server away must not hide the task's own failure
        log.error("on-call could not be mailed about %s: %s", task_id, clean(f"{type(failed).__name__}: {failed}"))


def warehouse_down() -> str | None:
    """`host:port` of the warehouse when it does not answer now; None when it does (or none is named)."""
    from urllib.parse import urlsplit

    import psycopg

    from inpres.warehouse import CONN_ENV, libpq_url

    url = os.environ.get(CONN_ENV)
    if not url:
        return None
    try:
        with psycopg.connect(libpq_url(url), connect_timeout=10) as conn:
            conn.execute("select 1")
        return None
    except psycopg.OperationalError as error:
        if "authentication" in str(error):  # it answers, and refuses: another problem
            return None
        parts = urlsplit(url)
        return f"{parts.hostname}:{parts.port or 5432}"


def warehouse_down_line(where: str, task_id: str) -> str:
    server_log = os.environ.get("INPRES_WAREHOUSE_LOG")
    check = f"check the server ({server_log})" if server_log else "check the database server"
    return (
        f"The warehouse at {where} stopped answering during {task_id}: {check} and run the night again; "
        "nothing half-written stays (each load and each dbt model is written in one transaction)"
    )


def notify_oncall(subject: str, lines: list[str]) -> bool:
    """Mail whoever runs the night (`INPRES_ONCALL_EMAIL`) through the Airflow connection `smtp_default`.

    Returns whether a mail was sent; a night without an on-call address only logs.
    """
    import html

    recipients = [a.strip() for a in os.environ.get("INPRES_ONCALL_EMAIL", "").split(",") if a.strip()]
    if not recipients:
        log.warning("INPRES_ONCALL_EMAIL is not set: nobody was mailed about: %s", subject)
        return False
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    body = "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"
    with SmtpHook(smtp_conn_id="smtp_default") as smtp:
        smtp.send_email_smtp(to=recipients, subject=subject, html_content=body)
    log.info("mailed %d on-call address(es) about: %s", len(recipients), subject)
    return True
