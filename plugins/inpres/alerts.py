"""What whoever runs the night sees when a task fails: one line, which task and why."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

FAILED = "INPRES TASK FAILED"
REPORT = "INPRES REPORT WRITTEN"
REJECTED = "INPRES SUBMISSION REJECTED"
# What a stage did (`make run` prints it beside the stage's seconds) and each gate warning (listed at the end).
STAGE = "INPRES STAGE"
GATE_WARNING = "INPRES GATE WARNING"


def stage_done(stage: str, summary: str) -> None:
    """One line for whoever watches the night: `stage` as `make run` names it, what it did."""
    log.info("%s %s: %s", STAGE, stage, summary)


def failure_line(task_id: str, error: BaseException | str | None) -> str:
    reason = " ".join(str(error or "unknown error").split())
    return f"{FAILED} {task_id}: {reason}"


def task_failed(context) -> None:
    """on_failure_callback for every task of the nightly DAG."""
    log.error("%s", failure_line(context["task_instance"].task_id, context.get("exception")))


def notify_oncall(subject: str, lines: list[str]) -> bool:
    """Mail whoever runs the night (`INPRES_ONCALL_EMAIL`) through the Airflow connection `smtp_default`.

    Returns whether a mail was sent; a night without an on-call address only logs.
    """
    import html
    import os

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
