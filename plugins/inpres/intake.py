"""The intake's steps, as plain functions: the intake DAG runs them every few minutes, the nightly DAG once
before its build (so `make run` still does a whole night alone). Each file is judged once, whichever runs
first; the intake lock keeps two judges off the same file.

    pull → load (judge, load or reject, write each receipt) → send the receipts, write the intake status
"""

from __future__ import annotations

import csv
import logging
from dataclasses import asdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from inpres import settings, wilayah
from inpres.alerts import stage_done
from inpres.ingest.inbox import BPJS, LAPORAN, Delivery, find_deliveries, load_deliveries
from inpres.ingest.receipt import send_receipts, write_receipts
from inpres.reports.csv_files import safe_text
from inpres.transform import dbt_var
from inpres.warehouse import connect, ensure_schemas, intake_lock

log = logging.getLogger(__name__)

WIB = ZoneInfo("Asia/Jakarta")


def pull(source: str) -> list[dict]:
    """The deliveries waiting in the source's inbox (regional submissions or BPJS extracts)."""
    settings.apply_umask()
    inbox = settings.inbox() if source == LAPORAN else settings.bpjs_inbox()
    what = "submission(s)" if source == LAPORAN else "BPJS extract(s)"
    if source == BPJS and not inbox.exists():
        log.info("no BPJS inbox at %s", inbox)
        stage_done("pull", f"0 {what} (no BPJS inbox)")
        return []
    deliveries = find_deliveries(inbox, source)
    log.info("%d %s delivery(ies) in %s", len(deliveries), source, inbox)
    stage_done("pull", f"{len(deliveries)} {what}")
    return [asdict(d) for d in deliveries]


def load(deliveries: list[dict]) -> dict:
    """Judge what the inbox holds and the warehouse has not seen, and write a receipt for each file judged."""
    # What a task writes (the quarantine, receipts, reports) is for the night's owner only, unless INPRES_UMASK
    # says otherwise; a task run by a scheduler's worker does not inherit `make run`'s mask.
    settings.apply_umask()
    ensure_schemas()
    with connect() as conn, intake_lock(conn):
        # Each file's receipt right after its judgement, so a killed run leaves few unanswered; those it does
        # leave are answered by the next intake (receipt._completed).
        receipts = 0

        def answer(judgement) -> None:
            nonlocal receipts
            receipts += write_receipts(conn, [judgement])

        summary = load_deliveries(conn, [Delivery(**d) for d in deliveries], settings.today(), on_judged=answer)
    counts = f"loaded {len(summary.loaded)}, unchanged {len(summary.unchanged)}, rejected {len(summary.rejected)}"
    log.info("%s", counts)
    if not summary.loaded and not summary.rejected:
        counts += "; nothing new in the inbox"
    stage_done("load", counts)
    stage_done("receipts", f"{receipts} written")
    return summary.xcom()


def send() -> int:
    """Mail every receipt not mailed yet (a retry mails only what the failed try did not)."""
    with connect() as conn:
        sent = send_receipts(conn)
    stage_done("receipts", f"{sent} mailed")
    return sent


# --- the ministry's view of intake ------------------------------------------------------------------------

STATUS_COLUMNS = (
    "kode_pelapor",
    "nama_pemerintah",
    "kode_provinsi",
    "periode",
    "batas_lapor",
    "status",
    "diterima_pada",
    "tepat_waktu",
    "berkas_diterima",
    "ditolak_terakhir_pada",
    "berkas_ditolak_terakhir",
    "alasan_penolakan",
)
# What a pelapor's month stands at, in the words the ministry's desk uses.
SUDAH = "sudah mengirim"
DITOLAK = "ditolak, belum mengirim ulang"
BELUM = "belum mengirim"


def write_status(periode: str | None = None) -> str:
    """`<output>/penerimaan/penerimaan_<periode>.csv`: for every pelapor, whether this month's submission
    arrived and on time, or was rejected and not sent again, or has not come; written after every intake so
    the ministry can look at any hour. The month: `periode`, else INPRES_PERIODE, else the latest month with
    a submission or a rejection."""
    settings.apply_umask()
    with connect() as conn:
        periode = periode or settings.periode() or _latest_periode(conn)
        if periode is None:
            stage_done("status", "nothing received yet")
            return ""
        rows = _status_rows(conn, periode)
    folder = settings.output() / "penerimaan"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"penerimaan_{periode}.csv"
    # Written beside, then renamed: whoever opens the status meanwhile reads the previous one whole.
    partial = folder / f".{path.name}.partial"
    with partial.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(STATUS_COLUMNS)
        out.writerows([safe_text(v) for v in row] for row in rows)
    partial.rename(path)
    counts = {s: sum(r[5] == s for r in rows) for s in (SUDAH, DITOLAK, BELUM)}
    stage_done("status", f"periode {periode}: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    return str(path)


def _latest_periode(conn) -> str | None:
    [periode] = conn.execute(
        "select max(periode) from (select periode from raw.submission"
        " union all select periode from audit.penolakan where sumber = %s) as semua",
        (LAPORAN,),
    ).fetchone()
    return periode


def batas_lapor(periode: str) -> date:
    """The last day a month's submission is on time: day `batas_hari_lapor` of the next month (dbt var)."""
    year, month = map(int, periode.split("-"))
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next + timedelta(days=int(dbt_var("batas_hari_lapor")) - 1)


def _status_rows(conn, periode: str) -> list[tuple]:
    accepted = {
        pelapor: (received_at, file_name)
        for pelapor, received_at, file_name in conn.execute(
            """select distinct on (pelapor) pelapor, received_at, file_name from raw.submission
               where periode = %s order by pelapor, received_at desc""",
            (periode,),
        )
    }
    rejected = {
        pelapor: (received_at, file_name, alasan)
        for pelapor, received_at, file_name, alasan in conn.execute(
            """select distinct on (pelapor) pelapor, received_at, file_name, alasan from audit.penolakan
               where sumber = %s and periode = %s and pelapor is not null
               order by pelapor, received_at desc""",
            (LAPORAN, periode),
        )
    }
    batas = batas_lapor(periode)
    rows = []
    for kode, nama in sorted(wilayah.nama().items()):
        diterima, ditolak = accepted.get(kode), rejected.get(kode)
        # A rejection after the last accepted file still leaves the accepted one counted: "sudah mengirim".
        status = SUDAH if diterima else DITOLAK if ditolak else BELUM
        rows.append(
            (
                kode,
                nama,
                wilayah.provinsi(kode),
                periode,
                batas.isoformat(),
                status,
                _wib(diterima[0]) if diterima else "",
                ("ya" if diterima[0].astimezone(WIB).date() <= batas else "tidak") if diterima else "",
                diterima[1] if diterima else "",
                _wib(ditolak[0]) if ditolak else "",
                ditolak[1] if ditolak else "",
                "; ".join(ditolak[2]) if ditolak and not diterima else "",
            )
        )
    return rows


def _wib(moment: datetime) -> str:
    return moment.astimezone(WIB).strftime("%Y-%m-%d %H:%M")
