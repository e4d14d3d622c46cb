"""What whoever runs the night sees when a task fails: one line, which task and why."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

FAILED = "INPRES TASK FAILED"
REPORT = "INPRES REPORT WRITTEN"
REJECTED = "INPRES SUBMISSION REJECTED"


def failure_line(task_id: str, error: BaseException | str | None) -> str:
    reason = " ".join(str(error or "unknown error").split())
    return f"{FAILED} {task_id}: {reason}"


def task_failed(context) -> None:
    """on_failure_callback for every task of the nightly DAG."""
    log.error("%s", failure_line(context["task_instance"].task_id, context.get("exception")))
