"""The steps of the nightly job, as plain functions; the DAG file only wires them together."""

from __future__ import annotations

import logging
import tempfile
from dataclasses import asdict
from pathlib import Path

from inpres import settings
from inpres.alerts import REPORT
from inpres.ingest.inbox import BPJS, LAPORAN, Delivery, find_deliveries, load_deliveries
from inpres.alerts import notify_oncall
from inpres.quality.gate import GateFailed, run_gate
from inpres.storage import upload_tree
from inpres.transform import publish_dbt_docs
from inpres.reports.exports import write_exports
from inpres.reports.national import CoverageRow, RejectionRow, WarningRow, write_national_report
from inpres.warehouse import connect, ensure_schemas, warehouse_url

log = logging.getLogger(__name__)

RAW_SUITE = "raw_kepesertaan"
MARTS_SUITE = "marts_cakupan_wilayah"


def pull(source: str) -> list[dict]:
    """The deliveries waiting in the source's inbox (regional submissions or BPJS extracts)."""
    inbox = settings.inbox() if source == LAPORAN else settings.bpjs_inbox()
    if source == BPJS and not inbox.exists():
        log.info("no BPJS inbox at %s", inbox)
        return []
    deliveries = find_deliveries(inbox, source)
    log.info("%d %s delivery(ies) in %s", len(deliveries), source, inbox)
    return [asdict(d) for d in deliveries]


def load(deliveries: list[dict]) -> dict:
    ensure_schemas()
    with connect() as conn:
        summary = load_deliveries(conn, [Delivery(**d) for d in deliveries], settings.today())
    log.info("loaded %d, unchanged %d, rejected %d", len(summary.loaded), len(summary.unchanged),
             len(summary.rejected))
    return asdict(summary)


def gate(suite: str, run_id: str) -> None:
    """Run a quality gate; its Data Docs go beside the report, a blocking failure is mailed to on-call."""
    with connect() as conn:
        folder = _run_folder(_report_periode(conn), run_id)
    with tempfile.TemporaryDirectory(prefix="data-docs-") as docs:
        try:
            run_gate(suite, warehouse_url(), run_id, Path(docs))
        except GateFailed as failed:
            notify_oncall(f"[Inpres 2/2021] Laporan malam ini dihentikan: gerbang mutu {suite} gagal",
                          [o.line() for o in failed.outcomes])
            raise
        finally:
            upload_tree(Path(docs), folder / "data_docs" / suite)


def report(run_id: str) -> str:
    """Write the national report for the chosen month; returns where it is."""
    with connect() as conn:
        periode = _report_periode(conn)
        rows = _coverage(conn, periode)
        penolakan = _penolakan(conn, periode)
        peringatan = _peringatan(conn, run_id)
        if not rows:
            raise RuntimeError(f"no coverage figures for periode {periode}: nothing to report")
        folder = _run_folder(periode, run_id)
        written = write_national_report(rows, periode, folder, run_id=run_id, penolakan=penolakan,
                                       peringatan=peringatan)
        write_exports(conn, periode, folder)
    publish_dbt_docs(folder / "dbt_docs")
    pdf = next(str(p) for p in written if str(p).endswith(".pdf"))
    log.info("%s %s", REPORT, pdf)
    return pdf


def _report_periode(conn) -> str:
    """`INPRES_PERIODE`, or the latest month that has a loaded submission."""
    if chosen := settings.periode():
        return chosen
    row = conn.execute("select max(periode) from raw.submission").fetchone()
    if not row or row[0] is None:
        raise RuntimeError("no submission has been loaded yet: nothing to check or report")
    return row[0]


def _run_folder(periode: str, run_id: str):
    return settings.output() / periode / _safe(run_id)


def _coverage(conn, periode: str) -> list[CoverageRow]:
    cursor = conn.execute(
        """select kode_wilayah, nama_wilayah, tingkat, kode_provinsi, periode, segmen,
                  sasaran, terlindungi, persen_terlindungi
           from marts.fct_cakupan_wilayah where periode = %s
           order by kode_wilayah, segmen""",
        (periode,),
    )
    return [CoverageRow(*row) for row in cursor.fetchall()]


def _penolakan(conn, periode: str) -> list[RejectionRow]:
    """Rejections about this month, and those whose month could not even be read."""
    cursor = conn.execute(
        """select file_name, pelapor, periode, alasan from audit.penolakan
           where periode = %s or periode is null order by file_name""",
        (periode,),
    )
    return [RejectionRow(*row) for row in cursor.fetchall()]


def _peringatan(conn, run_id: str) -> list[WarningRow]:
    """Tonight's failed warnings: they let the report go out, and the annex lists them."""
    cursor = conn.execute(
        """select suite, aturan, unexpected_count, sample from audit.validation_result
           where run_id = %s and not success and severity = 'warning' order by validation_id""",
        (run_id,),
    )
    return [WarningRow(suite, aturan, count, "; ".join(", ".join(f"{k}={v}" for k, v in row.items()) for row in sample))
            for suite, aturan, count, sample in cursor.fetchall()]


def _safe(run_id: str) -> str:
    """Run ids carry ':' and '+', which some object stores and Windows shares refuse."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in run_id)
