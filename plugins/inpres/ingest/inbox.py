"""From the inbox to the raw schema: one transaction per delivery, rejected whole or loaded whole.

A delivery is one XLSX workbook, or the CSV files of one submission (`<stem>_<sheet>.csv`), or one
BPJS extract. A delivery whose bytes were seen before (loaded or rejected) changes nothing.

The inbox is only read (it may be a read-only mount or an object store the regions write to). A rejected
delivery is first recorded in `audit.penolakan` (committed), then copied to the quarantine
(`settings.karantina()`) with its reasons beside it; the reasons file is written last and marks the copy
done. A run killed in between leaves the rejection recorded and the file in the inbox, and the next run
finishes the copy: a rejection is never lost, and never judged twice.

A file name may carry a NIK (`3171234567890123.xlsx`): a delivery holds its names masked, so nothing it
is turned into (XCom, log, audit, quarantine, reports) shows the number; the real file is found again in
its folder by its masked name when it is read.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import logging
import re
import shutil
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import psycopg
from airflow.sdk import ObjectStoragePath

from inpres import settings
from inpres.alerts import REJECTED
from inpres.ingest import contract, peserta, reader
from inpres.ingest.reader import Unreadable, check_size, csv_sheet, xlsx_sheets
from inpres.privacy import mask_nik

log = logging.getLogger(__name__)

LAPORAN, BPJS = "laporan", "bpjs"
REASONS_SUFFIX = ".alasan.txt"
_CSV_SHEET = re.compile(r"^(?P<stem>.+)_(?P<sheet>identitas|kepesertaan|kepatuhan|klaim|peserta)\.csv$", re.IGNORECASE)
_NAME_HINT = re.compile(r"^(?P<pelapor>\d{2}(?:\.?\d{2})?)_(?P<periode>\d{4}-\d{2})")


@dataclass
class Delivery:
    """One delivery; `name` and the file names in `files` are masked (see the module's docstring)."""

    name: str
    source: str
    files: list[str]

    def __post_init__(self):
        self.name = mask_nik(self.name)
        self.files = [_masked_path(f) for f in self.files]


@dataclass
class Judgement:
    """What became of one delivery: what a receipt (tanda terima) answers its sender with.

    `outcome`: "loaded", "rejected", "unchanged" (these bytes were judged before) or "vanished" (the file left
    the inbox before it was read). `pelapor` and `periode` as read from the file (or, for a rejection, its
    name); `submission_id` the raw.submission row of a loaded regional submission.
    """

    name: str
    source: str
    outcome: str
    reasons: list[str] = field(default_factory=list)
    sha256: str | None = None
    received_at: datetime | None = None
    pelapor: str | None = None
    periode: str | None = None
    submission_id: int | None = None


@dataclass
class LoadSummary:
    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: dict[str, list[str]] = field(default_factory=dict)
    # The deliveries judged now (loaded or rejected), in the order they were judged.
    judged: list[Judgement] = field(default_factory=list)

    def xcom(self) -> dict:
        """What the load hands on to later tasks: the names, not the judgements (receipts come from the audit)."""
        return {"loaded": self.loaded, "unchanged": self.unchanged, "rejected": self.rejected}


def find_deliveries(inbox: ObjectStoragePath, source: str) -> list[Delivery]:
    """The deliveries waiting directly in `inbox`, in name order so a night is repeatable."""
    if not inbox.exists():
        raise FileNotFoundError(f"inbox {inbox} does not exist")
    groups: dict[str, list[str]] = {}
    for path in inbox.iterdir():
        name = path.name
        # A reasons file is what an older version wrote beside a rejected file in the inbox.
        if not path.is_file() or name.startswith(".") or name.endswith(REASONS_SUFFIX):
            continue
        match = _CSV_SHEET.match(name) if source == LAPORAN else None
        groups.setdefault(match.group("stem") if match else name, []).append(str(path))
    return [Delivery(name, source, sorted(files)) for name, files in sorted(groups.items())]


def load_deliveries(
    conn: psycopg.Connection,
    deliveries: Iterable[Delivery],
    today: date,
    karantina: ObjectStoragePath | None = None,
    on_judged: Callable[[Judgement], object] | None = None,
) -> LoadSummary:
    """Load each delivery on its own: a bad one never stops, or half-writes, the others.

    `karantina`: where rejected files are copied; by default `settings.karantina()`. `on_judged` is called
    with each delivery's judgement as soon as it is committed (the intake writes its receipt there).
    """
    summary = LoadSummary()
    for delivery in deliveries:
        judgement = load_delivery(conn, delivery, today, karantina)
        if on_judged:
            on_judged(judgement)
        if judgement.outcome == "loaded":
            summary.loaded.append(delivery.name)
        elif judgement.outcome == "unchanged":
            summary.unchanged.append(delivery.name)
        elif judgement.outcome == "rejected":
            summary.rejected[delivery.name] = judgement.reasons
        if judgement.outcome in ("loaded", "rejected"):
            summary.judged.append(judgement)
    return summary


class _Rejected(Exception):
    """Raised inside the delivery's transaction so that nothing of it is kept."""


def load_delivery(
    conn: psycopg.Connection, delivery: Delivery, today: date, karantina: ObjectStoragePath | None = None
) -> Judgement:
    """Judge one delivery and load it whole or reject it whole."""
    _own_transactions(conn)
    karantina = karantina or settings.karantina()
    paths, alike = _real_paths(delivery.files)
    if not paths:
        log.warning("%s left the inbox before it was read", delivery.name)
        return Judgement(delivery.name, delivery.source, "vanished")
    sha256 = _content_hash(paths)
    if _loaded(conn, sha256):
        return Judgement(delivery.name, delivery.source, "unchanged", sha256=sha256)
    if recorded := _rejected_before(conn, sha256):
        # The same bad bytes again (a read-only inbox keeps them): judged once. Only a quarantine a
        # killed run left unfinished is finished.
        texts, folder = recorded
        if _quarantined(folder, delivery.name):
            return Judgement(delivery.name, delivery.source, "unchanged", sha256=sha256)
        _quarantine(paths, delivery.name, texts, folder)
        log.warning("%s %s ditolak: %s", REJECTED, delivery.name, "; ".join(texts))
        # Counted as tonight's rejection again; its receipt was written when it was first judged.
        return Judgement(delivery.name, delivery.source, "rejected", texts, sha256)
    received_at = max(_received_at(p) for p in paths)
    reasons = contract.Reasons()
    if alike:
        reasons.add(
            f"ada beberapa berkas bernama {delivery.name} yang hanya berbeda pada nomor 16 digit; "
            "jangan menulis NIK pada nama berkas"
        )
    who: contract.Identitas | None = None
    submission_id: int | None = None
    try:
        with conn.transaction(), contextlib.ExitStack() as streams:
            if delivery.source == LAPORAN:
                who, submission_id = _load_laporan(conn, delivery, paths, sha256, received_at, reasons, today, streams)
            else:
                _load_bpjs(conn, delivery, paths, sha256, received_at, reasons, today, streams)
            if reasons:
                raise _Rejected
    except Unreadable as unreadable:
        for reason in unreadable.reasons:
            reasons.add(reason)
    except UnicodeDecodeError:
        reasons.add("berkas CSV tidak dapat dibaca: simpan sebagai CSV UTF-8 atau Windows-1252")
    except csv.Error:
        # The reader turns these into a sentence with the sheet and row; this is the last resort.
        reasons.add("berkas CSV rusak dan tidak dapat dibaca; simpan ulang sebagai CSV dari Excel")
    except _Rejected:
        pass
    if not reasons:
        log.info("loaded %s (%s)", delivery.name, delivery.source)
        return Judgement(
            delivery.name,
            delivery.source,
            "loaded",
            sha256=sha256,
            received_at=received_at,
            pelapor=who.pelapor if who else None,
            periode=who.periode if who else None,
            submission_id=submission_id,
        )
    texts = reasons.texts()
    pelapor, periode = _reject(conn, delivery, paths, sha256, received_at, who, texts, today, karantina)
    return Judgement(delivery.name, delivery.source, "rejected", texts, sha256, received_at, pelapor, periode)


def _load_laporan(conn, delivery, paths, sha256, received_at, reasons, today, streams):
    sheets = _sheets(delivery, paths, streams)
    who = contract.identitas(sheets.get("identitas"), reasons, today)
    if who is None:
        return None, None
    submission_id = conn.execute(
        """insert into raw.submission (file_name, sha256, format, pelapor, periode, nama_instansi,
                                       tanggal_laporan, received_at)
           values (%s, %s, %s, %s, %s, %s, %s, %s) returning submission_id""",
        (
            delivery.name,
            sha256,
            "xlsx" if len(paths) == 1 else "csv",
            who.pelapor,
            who.periode,
            who.nama_instansi,
            who.tanggal_laporan,
            received_at,
        ),
    ).fetchone()[0]
    parent = ("submission_id", submission_id)
    _copy(
        conn,
        "raw.kepesertaan",
        contract.KEPESERTAAN,
        submission_id,
        contract.rows(
            sheets.get("kepesertaan"), "kepesertaan", contract.KEPESERTAAN, reasons, contract.kepesertaan_check(who)
        ),
    )
    contract.duplicates(conn, "raw.kepesertaan", parent, ("kode_wilayah", "segmen"), "kepesertaan", reasons)
    before = len(reasons.items) + reasons.dropped
    count = _copy(
        conn,
        "raw.kepatuhan",
        contract.KEPATUHAN,
        submission_id,
        contract.rows(sheets.get("kepatuhan"), "kepatuhan", contract.KEPATUHAN, reasons),
    )
    # Only rows without a fault are written: a faulty single row has its own reason already.
    if count != 1 and "kepatuhan" in sheets and len(reasons.items) + reasons.dropped == before:
        reasons.add(f"harus berisi tepat satu baris isian, ada {count}", "kepatuhan")
    _copy(
        conn,
        "raw.klaim",
        contract.KLAIM,
        submission_id,
        contract.rows(sheets.get("klaim"), "klaim", contract.KLAIM, reasons),
    )
    contract.duplicates(conn, "raw.klaim", parent, ("program", "segmen"), "klaim", reasons)
    if "peserta" in sheets:  # template v1.1; a v1 submission has none
        peserta.load(conn, submission_id, who, sheets["peserta"], reasons)
    return who, submission_id


def _load_bpjs(conn, delivery, paths, sha256, received_at, reasons, today, streams):
    [path] = paths
    if not path.name.lower().endswith(".csv"):
        raise Unreadable("ekstrak BPJS harus berupa berkas .csv")
    size = path.stat()["size"]
    per_participant = peserta.BPJS_NAME.match(path.name)
    if not per_participant:
        sheet = csv_sheet("bpjs", streams.enter_context(path.open("rb")), size)
    extract_id = conn.execute(
        "insert into raw.bpjs_extract (file_name, sha256, received_at) values (%s, %s, %s) returning extract_id",
        (delivery.name, sha256, received_at),
    ).fetchone()[0]
    if per_participant:
        peserta.load_bpjs(conn, extract_id, streams.enter_context(path.open("rb")), size, reasons, today)
        return
    _copy(
        conn,
        "raw.bpjs_kepesertaan",
        contract.BPJS,
        extract_id,
        contract.rows(sheet, "bpjs", contract.BPJS, reasons, contract.bpjs_check(today)),
    )
    contract.duplicates(
        conn, "raw.bpjs_kepesertaan", ("extract_id", extract_id), ("kode_wilayah", "periode", "segmen"), "bpjs", reasons
    )


def _sheets(delivery: Delivery, paths: list[ObjectStoragePath], streams) -> dict:
    """The sheets by name; `peserta`, when sent, as records (header first) for `peserta.load`."""
    if len(paths) == 1 and paths[0].name.lower().endswith(".xlsx"):
        check_size(paths[0].stat()["size"])
        sheets = xlsx_sheets(paths[0].read_bytes())
        if "peserta" in sheets:
            sheets["peserta"] = peserta.sheet_records(sheets["peserta"])
        return sheets
    sheets = {}
    for path in paths:
        match = _CSV_SHEET.match(path.name)
        if not match:
            raise Unreadable(
                "format berkas tidak didukung: kirim satu berkas Excel (.xlsx) atau CSV per lembar "
                "bernama <kode_pelapor>_<TAHUN-BULAN>_<lembar>.csv"
            )
        sheet = match.group("sheet").lower()
        try:
            stream, size = streams.enter_context(path.open("rb")), path.stat()["size"]
            if sheet == "peserta":
                sheets[sheet] = reader.csv_records(sheet, stream, size, peserta.MAX_CSV_BYTES)
            else:
                sheets[sheet] = csv_sheet(sheet, stream, size)
        except Unreadable as unreadable:
            # In a set of four files, say which one (an empty klaim.csv, a binary kepesertaan.csv).
            raise Unreadable(*(f"{path.name}: {r}" for r in unreadable.reasons)) from None
    return sheets


def _copy(conn, table: str, columns, parent_id: int, rows) -> int:
    names = ", ".join(
        ["submission_id" if table != "raw.bpjs_kepesertaan" else "extract_id", "baris", *(c.name for c in columns)]
    )
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
    return (
        conn.execute(
            """select 1 from raw.submission where sha256 = %(h)s
           union all select 1 from raw.bpjs_extract where sha256 = %(h)s""",
            {"h": sha256},
        ).fetchone()
        is not None
    )


def _rejected_before(conn, sha256: str) -> tuple[list[str], ObjectStoragePath] | None:
    """The reasons and quarantine folder of an earlier rejection of the same bytes."""
    row = conn.execute("select alasan, karantina from audit.penolakan where sha256 = %s", (sha256,)).fetchone()
    if not row:
        return None
    alasan, folder = row
    return alasan, ObjectStoragePath(folder) if folder else settings.karantina()


def _own_transactions(conn) -> None:
    """Each delivery commits on its own: with autocommit, `conn.transaction()` is a real transaction.

    Without it the first query opens an implicit transaction and every later block is only a savepoint
    inside it: a run killed mid-load would lose every rejection recorded so far.
    """
    if not conn.autocommit:
        conn.commit()
        conn.autocommit = True


def _reject(
    conn, delivery, paths, sha256, received_at, who, texts: list[str], today: date, karantina: ObjectStoragePath
) -> tuple[str | None, str | None]:
    """Record and quarantine a rejection; the pelapor and month it is filed under."""
    # The annex lists a rejection under the month it is about: the content's month when it is a real
    # one (a typo like 2202-10 is not), else the month in the file name.
    hint = _NAME_HINT.match(delivery.name)
    pelapor = who.pelapor if who else (hint.group("pelapor") if hint else None)
    if who and contract.check_periode(who.periode, today) is None:
        periode = who.periode
    else:
        periode = hint.group("periode") if hint else None
    # Recorded (committed) first, copied after: see the module's docstring.
    with conn.transaction():
        conn.execute(
            """insert into audit.penolakan (sumber, file_name, sha256, pelapor, periode, received_at, alasan, karantina)
               values (%s, %s, %s, %s, %s, %s, %s, %s) on conflict (sha256) do nothing""",
            (delivery.source, delivery.name, sha256, pelapor, periode, received_at, texts, str(karantina)),
        )
    _quarantine(paths, delivery.name, texts, karantina)
    log.warning("%s %s ditolak: %s", REJECTED, delivery.name, "; ".join(texts))
    return pelapor, periode


def _quarantined(folder: ObjectStoragePath, name: str) -> bool:
    return (folder / f"{name}{REASONS_SUFFIX}").exists()


def _quarantine(paths: list[ObjectStoragePath], name: str, texts: list[str], folder: ObjectStoragePath) -> None:
    """Copy the files to the quarantine, then the reasons beside them for the regional officer.

    The inbox is never written. A failure is logged, not raised: the rejection is recorded already and
    the next run tries the copy again; one unwritable folder must not stop the night.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        skipped, personal = [], []
        for path in paths:
            if _holds_participants(path):
                personal.append(mask_nik(path.name))  # clear NIKs: kept where the pelapor put them, nowhere else
                continue
            if path.stat()["size"] > reader.MAX_FILE_BYTES:
                skipped.append(mask_nik(path.name))  # the officer has it; a copy would only fill the disk
                continue
            with path.open("rb") as source, (folder / mask_nik(path.name)).open("wb") as target:
                shutil.copyfileobj(source, target, 1 << 20)
        (folder / f"{name}{REASONS_SUFFIX}").write_text(
            f"Berkas {name} ditolak seluruhnya. Perbaiki hal berikut lalu kirim ulang:\n"
            + "".join(f"- {t}\n" for t in texts)
            + "".join(f"(Berkas {s} tidak disalin ke karantina karena terlalu besar.)\n" for s in skipped)
            + "".join(f"(Berkas {s} tidak disalin ke karantina karena berisi NIK.)\n" for s in personal),
            encoding="utf-8",
        )
    except OSError as error:
        log.error("could not quarantine %s in %s (%s); the next run tries again", name, folder, mask_nik(str(error)))


_SHEET_NAME = re.compile(rb"<sheet\b[^>]*\bname=\"\s*peserta\s*\"", re.IGNORECASE)


def _holds_participants(path: ObjectStoragePath) -> bool:
    """Whether a file carries a participant list (clear NIKs): a `_peserta.csv`, or a workbook with a sheet
    `peserta` (read from the workbook's directory, not its cells)."""
    if (sheet := _CSV_SHEET.match(path.name)) and sheet.group("sheet").lower() == "peserta":
        return True
    if not path.name.lower().endswith(".xlsx"):
        return False
    try:
        with path.open("rb") as f, zipfile.ZipFile(f) as workbook:
            return bool(_SHEET_NAME.search(workbook.read("xl/workbook.xml")))
    except (OSError, KeyError, zipfile.BadZipFile):
        return False


def _masked_path(file: str) -> str:
    folder, slash, name = file.rpartition("/")
    return f"{folder}{slash}{mask_nik(name)}"


def _real_paths(files: list[str]) -> tuple[list[ObjectStoragePath], bool]:
    """The files a delivery's (masked) names stand for, and whether one name stood for several.

    A name without a NIK is the file's own; a masked one is looked up among its folder's files.
    """
    paths, alike = [], False
    for file in files:
        path = ObjectStoragePath(file)
        if path.exists():
            paths.append(path)
            continue
        if not path.parent.exists():
            continue
        found = sorted(
            (p for p in path.parent.iterdir() if p.is_file() and mask_nik(p.name) == path.name), key=lambda p: p.name
        )
        alike = alike or len(found) > 1
        paths.extend(found)
    return paths, alike


def _received_at(path: ObjectStoragePath) -> datetime:
    """When the file reached the inbox, as the object store says; it orders revisions."""
    info = path.stat()
    stamp = info.get("mtime") or info.get("LastModified") or info.get("created")
    if isinstance(stamp, datetime):
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    if isinstance(stamp, (int, float)):
        return datetime.fromtimestamp(stamp, tz=UTC)
    return datetime.now(UTC)
