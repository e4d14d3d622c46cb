"""From the inbox to the raw schema: one transaction per delivery, rejected whole or loaded whole.

A delivery is one XLSX workbook, or the CSV files of one submission (`<stem>_<sheet>.csv`), or one
BPJS extract. A delivery whose bytes were seen before (loaded or rejected) changes nothing.
A rejected delivery is moved to `karantina/` in its inbox with its reasons beside it, and recorded
in `audit.penolakan`.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Iterable

import psycopg
from airflow.sdk import ObjectStoragePath

from inpres.alerts import REJECTED
from inpres.ingest import contract
from inpres.ingest.reader import Unreadable, check_size, csv_sheet, xlsx_sheets

log = logging.getLogger(__name__)

LAPORAN, BPJS = "laporan", "bpjs"
QUARANTINE = "karantina"
REASONS_SUFFIX = ".alasan.txt"
_CSV_SHEET = re.compile(r"^(?P<stem>.+)_(?P<sheet>identitas|kepesertaan|kepatuhan|klaim)\.csv$", re.IGNORECASE)
_NAME_HINT = re.compile(r"^(?P<pelapor>\d{2}(?:\.?\d{2})?)_(?P<periode>\d{4}-\d{2})")


@dataclass
class Delivery:
    name: str
    source: str
    files: list[str]


@dataclass
class LoadSummary:
    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: dict[str, list[str]] = field(default_factory=dict)


def find_deliveries(inbox: ObjectStoragePath, source: str) -> list[Delivery]:
    """The deliveries waiting directly in `inbox`, in name order so a night is repeatable."""
    if not inbox.exists():
        raise FileNotFoundError(f"inbox {inbox} does not exist")
    groups: dict[str, list[str]] = {}
    for path in inbox.iterdir():
        name = path.name
        if not path.is_file() or name.startswith(".") or name.endswith(REASONS_SUFFIX):
            continue
        match = _CSV_SHEET.match(name) if source == LAPORAN else None
        groups.setdefault(match.group("stem") if match else name, []).append(str(path))
    return [Delivery(name, source, sorted(files)) for name, files in sorted(groups.items())]


def load_deliveries(conn: psycopg.Connection, deliveries: Iterable[Delivery], today: date) -> LoadSummary:
    """Load each delivery on its own: a bad one never stops, or half-writes, the others."""
    summary = LoadSummary()
    for delivery in deliveries:
        outcome, reasons = load_delivery(conn, delivery, today)
        if outcome == "loaded":
            summary.loaded.append(delivery.name)
        elif outcome == "unchanged":
            summary.unchanged.append(delivery.name)
        else:
            summary.rejected[delivery.name] = reasons
    return summary


class _Rejected(Exception):
    """Raised inside the delivery's transaction so that nothing of it is kept."""


def load_delivery(conn: psycopg.Connection, delivery: Delivery, today: date) -> tuple[str, list[str]]:
    paths = [ObjectStoragePath(f) for f in delivery.files]
    sha256 = _content_hash(paths)
    if _loaded(conn, sha256):
        return "unchanged", []
    if earlier := _rejected_before(conn, sha256):
        # The same bad bytes sent again: same verdict, no second record.
        _quarantine(paths, delivery.name, earlier)
        return "rejected", earlier
    received_at = max(_received_at(p) for p in paths)
    reasons = contract.Reasons()
    who: contract.Identitas | None = None
    try:
        with conn.transaction(), contextlib.ExitStack() as streams:
            if delivery.source == LAPORAN:
                who = _load_laporan(conn, delivery, paths, sha256, received_at, reasons, today, streams)
            else:
                _load_bpjs(conn, delivery, paths, sha256, received_at, reasons, today, streams)
            if reasons:
                raise _Rejected
    except Unreadable as unreadable:
        reasons.add(str(unreadable))
    except UnicodeDecodeError:
        reasons.add("berkas CSV tidak dapat dibaca: simpan sebagai CSV UTF-8 atau Windows-1252")
    except csv.Error as error:
        # e.g. a quote never closed, or a cell larger than the csv module allows
        reasons.add(f"berkas CSV rusak dan tidak dapat dibaca ({error})")
    except _Rejected:
        pass
    if not reasons:
        log.info("loaded %s (%s)", delivery.name, delivery.source)
        return "loaded", []
    texts = reasons.texts()
    _reject(conn, delivery, paths, sha256, received_at, who, texts, today)
    return "rejected", texts


def _load_laporan(conn, delivery, paths, sha256, received_at, reasons, today, streams):
    sheets = _sheets(delivery, paths, streams)
    who = contract.identitas(sheets.get("identitas"), reasons, today)
    if who is None:
        return None
    submission_id = conn.execute(
        """insert into raw.submission (file_name, sha256, format, pelapor, periode, nama_instansi,
                                       tanggal_laporan, received_at)
           values (%s, %s, %s, %s, %s, %s, %s, %s) returning submission_id""",
        (delivery.name, sha256, "xlsx" if len(paths) == 1 else "csv", who.pelapor, who.periode,
         who.nama_instansi, who.tanggal_laporan, received_at),
    ).fetchone()[0]
    parent = ("submission_id", submission_id)
    _copy(conn, "raw.kepesertaan", contract.KEPESERTAAN, submission_id, contract.rows(
        sheets.get("kepesertaan"), "kepesertaan", contract.KEPESERTAAN, reasons, contract.kepesertaan_check(who)))
    contract.duplicates(conn, "raw.kepesertaan", parent, ("kode_wilayah", "segmen"), "kepesertaan", reasons)
    count = _copy(conn, "raw.kepatuhan", contract.KEPATUHAN, submission_id, contract.rows(
        sheets.get("kepatuhan"), "kepatuhan", contract.KEPATUHAN, reasons))
    if count != 1 and "kepatuhan" in sheets:
        reasons.add(f"harus berisi tepat satu baris isian, ada {count}", "kepatuhan")
    _copy(conn, "raw.klaim", contract.KLAIM, submission_id, contract.rows(
        sheets.get("klaim"), "klaim", contract.KLAIM, reasons))
    contract.duplicates(conn, "raw.klaim", parent, ("program", "segmen"), "klaim", reasons)
    return who


def _load_bpjs(conn, delivery, paths, sha256, received_at, reasons, today, streams):
    [path] = paths
    if not path.name.lower().endswith(".csv"):
        raise Unreadable("ekstrak BPJS harus berupa berkas .csv")
    size = path.stat()["size"]
    sheet = csv_sheet("bpjs", streams.enter_context(path.open("rb")), size)
    extract_id = conn.execute(
        "insert into raw.bpjs_extract (file_name, sha256, received_at) values (%s, %s, %s) returning extract_id",
        (delivery.name, sha256, received_at),
    ).fetchone()[0]
    _copy(conn, "raw.bpjs_kepesertaan", contract.BPJS, extract_id, contract.rows(
        sheet, "bpjs", contract.BPJS, reasons, contract.bpjs_check(today)))
    contract.duplicates(conn, "raw.bpjs_kepesertaan", ("extract_id", extract_id),
                        ("kode_wilayah", "periode", "segmen"), "bpjs", reasons)


def _sheets(delivery: Delivery, paths: list[ObjectStoragePath], streams) -> dict:
    if len(paths) == 1 and paths[0].name.lower().endswith(".xlsx"):
        check_size(paths[0].stat()["size"])
        return xlsx_sheets(paths[0].read_bytes())
    sheets = {}
    for path in paths:
        match = _CSV_SHEET.match(path.name)
        if not match:
            raise Unreadable("format berkas tidak didukung: kirim satu berkas Excel (.xlsx) atau CSV per lembar "
                             "bernama <kode_pelapor>_<TAHUN-BULAN>_<lembar>.csv")
        sheet = match.group("sheet").lower()
        sheets[sheet] = csv_sheet(sheet, streams.enter_context(path.open("rb")), path.stat()["size"])
    return sheets


def _copy(conn, table: str, columns, parent_id: int, rows) -> int:
    names = ", ".join(["submission_id" if table != "raw.bpjs_kepesertaan" else "extract_id", "baris",
                       *(c.name for c in columns)])
    count = 0
    with conn.cursor().copy(f"copy {table} ({names}) from stdin") as copy:
        for row in rows:
            copy.write_row((parent_id, *row))
            count += 1
    return count


def _content_hash(paths: list[ObjectStoragePath]) -> str:
    """SHA-256 of the bytes; for a CSV set, of its files' names and hashes, so a set is one version."""
    digests = []
    for path in paths:
        digest = hashlib.sha256()
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
        digests.append((path.name, digest.hexdigest()))
    if len(digests) == 1:
        return digests[0][1]
    return hashlib.sha256("\n".join(f"{n} {d}" for n, d in sorted(digests)).encode()).hexdigest()


def _loaded(conn, sha256: str) -> bool:
    return conn.execute(
        """select 1 from raw.submission where sha256 = %(h)s
           union all select 1 from raw.bpjs_extract where sha256 = %(h)s""",
        {"h": sha256},
    ).fetchone() is not None


def _rejected_before(conn, sha256: str) -> list[str] | None:
    row = conn.execute("select alasan from audit.penolakan where sha256 = %s", (sha256,)).fetchone()
    return row[0] if row else None


def _reject(conn, delivery, paths, sha256, received_at, who, texts: list[str], today: date) -> None:
    # The annex lists a rejection under the month it is about: the content's month when it is a real
    # one (a typo like 2202-10 is not), else the month in the file name.
    hint = _NAME_HINT.match(delivery.name)
    pelapor = who.pelapor if who else (hint.group("pelapor") if hint else None)
    if who and contract.check_periode(who.periode, today) is None:
        periode = who.periode
    else:
        periode = hint.group("periode") if hint else None
    quarantine = _quarantine(paths, delivery.name, texts)
    with conn.transaction():
        conn.execute(
            """insert into audit.penolakan (sumber, file_name, sha256, pelapor, periode, received_at, alasan, karantina)
               values (%s, %s, %s, %s, %s, %s, %s, %s) on conflict (sha256) do nothing""",
            (delivery.source, delivery.name, sha256, pelapor, periode, received_at, texts, quarantine),
        )
    log.warning("%s %s ditolak: %s", REJECTED, delivery.name, "; ".join(texts))


def _quarantine(paths: list[ObjectStoragePath], name: str, texts: list[str]) -> str:
    """Move the files out of the inbox, with the reasons beside them for the regional officer."""
    folder = paths[0].parent / QUARANTINE
    folder.mkdir(parents=True, exist_ok=True)
    for path in paths:
        path.move(folder / path.name)
    (folder / f"{name}{REASONS_SUFFIX}").write_text(
        f"Berkas {name} ditolak seluruhnya. Perbaiki hal berikut lalu kirim ulang:\n"
        + "".join(f"- {t}\n" for t in texts),
        encoding="utf-8",
    )
    return str(folder)


def _received_at(path: ObjectStoragePath) -> datetime:
    """When the file reached the inbox, as the object store says; it orders revisions."""
    info = path.stat()
    stamp = info.get("mtime") or info.get("LastModified") or info.get("created")
    if isinstance(stamp, datetime):
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)
    if isinstance(stamp, (int, float)):
        return datetime.fromtimestamp(stamp, tz=timezone.utc)
    return datetime.now(timezone.utc)
