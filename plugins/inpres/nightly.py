"""The steps of the nightly job, as plain functions; the DAG file only wires them together."""

from __future__ import annotations

import logging
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from airflow.sdk import ObjectStoragePath

from inpres import settings
from inpres.alerts import GATE_WARNING, REPORT, stage_done
from inpres.data_version import DataVersion, data_version
from inpres.deliver.mail import send_reports
from inpres.deliver.manifest import write_manifest
from inpres.quality.gate import WARNING, run_gate
from inpres.reports.exports import write_exports
from inpres.reports.figures import load_figures, load_semester
from inpres.reports.national import write_monthly_reports
from inpres.reports.semester import write_semester_report
from inpres.storage import upload_tree
from inpres.transform import publish_dbt_docs
from inpres.warehouse import connect, warehouse_url

log = logging.getLogger(__name__)

WIB = ZoneInfo("Asia/Jakarta")
RAW_SUITE = "raw_kepesertaan"
MARTS_SUITE = "marts_cakupan_wilayah"


def decide_periode(parameter: str | None) -> str:
    """The month this night checks and reports, decided once, right after the load, for every later task: the
    run's `periode` parameter (Trigger with config, `make run INPRES_PERIODE=…`), else `INPRES_PERIODE`, else
    the latest month with a loaded submission. A month without one stops the night here, not after dbt."""
    chosen = settings.month(parameter, "periode") or settings.periode()
    with connect() as conn:
        [terakhir] = conn.execute("select max(periode) from raw.submission").fetchone()
        if terakhir is None:
            raise RuntimeError(
                "the warehouse holds no submission and the inbox brought none: nothing to check or report"
            )
        if chosen and not conn.execute("select 1 from raw.submission where periode = %s limit 1", (chosen,)).fetchone():
            raise RuntimeError(
                f"no submission for periode {chosen} in the warehouse or the inbox: nothing to "
                f"report for that month (the latest month with submissions is {terakhir})"
            )
    periode = chosen or terakhir
    log.info("periode %s (%s)", periode, "chosen" if chosen else "the latest month with submissions")
    return periode


def gate(suite: str, periode: str, run_id: str) -> None:
    """Run a quality gate; its Data Docs go beside the report. A blocking failure raises GateFailed, which the
    DAG's failure callback mails to on-call with the failed expectations (alerts.task_failed)."""
    settings.apply_umask()
    folder = _run_folder(periode, run_id)
    with tempfile.TemporaryDirectory(prefix="data-docs-") as docs:
        try:
            outcomes = run_gate(suite, warehouse_url(), run_id, Path(docs))
        finally:
            upload_tree(Path(docs), folder / "data_docs" / suite)
    warnings = [o for o in outcomes if not o.success and o.severity == WARNING]
    for o in warnings:
        log.warning("%s %s: %s (%d row(s))", GATE_WARNING, suite, o.rule, o.unexpected_count)
    stage_done(
        "raw gate" if suite == RAW_SUITE else "marts gate",
        f"passed, {len(outcomes)} expectation(s), {len(warnings)} warning(s)",
    )


def report(periode: str, run_id: str) -> dict:
    """Write the reports for the night's month and its semester, then the manifest of everything in the folder."""
    settings.apply_umask()
    created = datetime.now(WIB)
    with connect() as conn:
        figures = load_figures(conn, periode, run_id)
        if not figures.cakupan:
            raise RuntimeError(f"no coverage figures for periode {periode}: nothing to report")
        version = data_version(conn, run_id)
        folder = _run_folder(periode, run_id)
        monthly = write_monthly_reports(figures, folder, version=version, created=created)
        semester = write_semester_report(load_semester(conn, periode), folder, version=version, created=created)
        write_exports(conn, periode, folder)
        # The next night lists the rejections that arrive after this one (a re-run keeps the first time).
        conn.execute(
            "insert into audit.report_run (run_id, periode) values (%s, %s) on conflict (run_id) do nothing",
            (run_id, periode),
        )
    publish_dbt_docs(folder / "dbt_docs")
    write_manifest(folder, periode=periode, version=version, created=created)
    log.info("%s %s", REPORT, folder / monthly.pdf)
    stage_done("report", f"periode {periode}, {len(monthly.provinsi)} province report(s)")
    return {
        "folder": str(folder),
        "periode": periode,
        "run_id": version.run_id,
        "hash_masukan": version.input_hash,
        "nasional": [monthly.pdf, monthly.workbook, semester],
        "provinsi": monthly.provinsi,
    }


def deliver(report: dict) -> dict[str, int]:
    """Mail tonight's reports (`report`: what report() returned); a report already mailed with the same data
    version is not mailed again."""
    folder = ObjectStoragePath(report["folder"])
    version = DataVersion(report["run_id"], report["hash_masukan"])
    with connect() as conn:
        sent = send_reports(
            conn,
            folder,
            periode=report["periode"],
            version=version,
            national_files=[folder / name for name in report["nasional"]],
            provinsi_files={code: folder / name for code, name in report["provinsi"].items()},
        )
    if not sent:
        stage_done("deliver", "nothing mailed: no distribution list or province address is set")
    else:
        stage_done(
            "deliver",
            f"{sum(sent.values())} mail(s) sent for {len(sent)} report(s) "
            "(a recipient who has this data version already is not mailed again)",
        )
    return sent


def _run_folder(periode: str, run_id: str):
    return settings.output() / periode / settings.run_folder_name(run_id)
