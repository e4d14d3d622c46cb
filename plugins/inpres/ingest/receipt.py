"""Receipts (tanda terima): every regional file judged is answered to its pelapor, in Bahasa Indonesia.

`write_receipts(conn, judged)` writes one receipt per file hash, for each regional submission just loaded or
rejected (`LoadSummary.judged`):

- accepted (diterima): the file, its arrival, its SHA-256, what was read (sheets, rows, totals per segment),
  whether it revises an earlier file of the same pelapor and month, and what it changes for the pelapor's
  territory: coverage per segment as the marts hold it now, and as it will be with this file. The second is
  worked out here, not by dbt, and says so: it is provisional until the night's build counts every file together.
- rejected (ditolak): every reason with its sheet, row and column, what that cell should hold, and the template's
  columns of each sheet the reasons name.

The receipt is kept as text and PDF in `settings.tanda_terima()/<day of arrival, WIB>/` and recorded in
`audit.tanda_terima` (unique on the file's hash). `send_receipts(conn)` then mails each recorded receipt not yet
sent, text as body and PDF attached, through `inpres.deliver.mail` (the connection `smtp_default`), to the
pelapor's addresses (`INPRES_ALAMAT_PELAPOR`, CSV `kode_pelapor,email`), or to the ministry's desk
(`INPRES_ALAMAT_MEJA`) when the file's pelapor could not be read or has no address.

Once per hash: the same bytes sent again are "unchanged" for intake and get no receipt, and a receipt recorded
is never written again. Each address that the SMTP server accepted is recorded at once, and the receipt is
marked sent when every address has it, so a retry mails only those that are left. A receipt that cannot be made
whole (a PDF that does not compile, a store that cannot be written, a refused mail) is recorded with what went
wrong (`catatan`), never raised: the file is judged already, and one bad receipt must not stop the others.

BPJS Ketenagakerjaan's extracts get no receipt: they come from one national system over an agreed channel,
not from a regional officer who has to act on the answer, and their rejections reach the ministry through
the report's data-quality annex.

No NIK in a receipt: every text from a file (its name, its cells as the reasons quote them, the institution's
name) passes through `mask_nik`; only the file's hash, which is no one's number, is spared.
"""

from __future__ import annotations

import logging
import re
import smtplib
import tempfile
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from importlib.resources import as_file, files
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from airflow.sdk import ObjectStoragePath
from psycopg.pq import TransactionStatus

from inpres import settings, wilayah
from inpres.deliver import mail
from inpres.ingest import contract, values
from inpres.ingest.inbox import LAPORAN, Judgement
from inpres.privacy import mask_nik
from inpres.reports.pdf import compile_pdf

log = logging.getLogger(__name__)

DITERIMA, DITOLAK = "diterima", "ditolak"
KIND = "tanda_terima"
TEMPLATE = "tanda_terima.typ"
WIB = ZoneInfo("Asia/Jakarta")
MINISTRY = "Kementerian Koordinator Bidang Pembangunan Manusia dan Kebudayaan (Kemenko PMK)"
TITLE = "Tanda Terima Laporan Pemantauan Inpres 2/2021"
PROVISIONAL = (
    'Angka "sebelum" adalah angka di gudang data saat tanda terima ini dibuat; angka "sesudah" dihitung dari '
    "berkas ini dan bersifat sementara sampai gudang data diperbarui malam ini, ketika semua laporan yang masuk "
    "dihitung bersama. Cakupan = terlindungi / sasaran, hanya dari angka yang sasarannya diisi."
)
CLOSING = (
    "Tanda terima ini dibuat otomatis oleh sistem pemantauan Inpres 2/2021 Kemenko PMK; mohon tidak membalas "
    "surel ini. Sidik SHA-256 menunjukkan berkas mana yang dimaksud: berkas yang sama selalu memiliki sidik yang "
    "sama, dan berkas yang sama yang dikirim ulang tidak diproses dua kali."
)
# A file hash is no one's number, and masking it would break it: it is the one text kept as it is.
_FILE_HASH = re.compile(r"\b(?=[0-9]*[a-f])[0-9a-f]{64}\b")
# Where a reason points (contract.Alasan, and the reader's own messages): sheet, row, column.
_WHERE = re.compile(r"lembar (?P<lembar>\w+)(?:, (?:sekitar )?baris (?P<baris>\d+))?(?:, kolom (?P<kolom>\w+))?:")
_SHEETS = ("identitas", *contract.SHEETS)
_SHEET_NAMED = re.compile(rf"(?:\blembar |_)({'|'.join(_SHEETS)})\b")


# --- the receipt ------------------------------------------------------------------------------------------


@dataclass
class Item:
    text: str
    detail: str | None = None


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)


@dataclass
class TandaTerima:
    """One receipt, laid out once and written twice: as text (the mail's body, the .txt) and as the PDF."""

    status: str
    addressee: str
    facts: list[tuple[str, str]]
    sections: list[Section]

    @property
    def status_text(self) -> str:
        if self.status == DITERIMA:
            return "DITERIMA: berkas telah dibaca dan dimuat ke gudang data."
        return "DITOLAK: berkas ditolak seluruhnya; tidak ada angka dari berkas ini yang dimuat."

    def text(self) -> str:
        lines = [TITLE, MINISTRY, "", f"Kepada: {self.addressee}", "", self.status_text, ""]
        lines += [f"{label}: {value}" for label, value in self.facts]
        for section in self.sections:
            lines += ["", section.title, *section.paragraphs]
            for item in section.items:
                lines.append(f"- {item.text}")
                if item.detail:
                    lines.append(f"  {item.detail}")
        lines += ["", CLOSING]
        return _masked("\n".join(lines) + "\n")

    def pdf_data(self) -> dict:
        """What templates/tanda_terima.typ lays out: plain strings, masked, never read as markup."""
        return _masked_all(
            {
                "title": TITLE,
                "ministry": MINISTRY,
                "addressee": self.addressee,
                "status": self.status,
                "status_text": self.status_text,
                "facts": [list(f) for f in self.facts],
                "sections": [
                    {
                        "title": s.title,
                        "paragraphs": s.paragraphs,
                        "items": [{"text": i.text, "detail": i.detail} for i in s.items],
                    }
                    for s in self.sections
                ],
                "closing": CLOSING,
            }
        )


def _masked(text: str) -> str:
    """`text` with every NIK-shaped run masked, the file hashes in it left whole."""
    parts = _FILE_HASH.split(text)
    hashes = _FILE_HASH.findall(text)
    return "".join(mask_nik(part) + (hashes[i] if i < len(hashes) else "") for i, part in enumerate(parts))


def _masked_all(value):
    if isinstance(value, str):
        return _masked(value)
    if isinstance(value, list):
        return [_masked_all(v) for v in value]
    if isinstance(value, dict):
        return {k: _masked_all(v) for k, v in value.items()}
    return value


# --- writing ----------------------------------------------------------------------------------------------


def write_receipts(conn: psycopg.Connection, judged: list[Judgement]) -> int:
    """Write and record the receipt of each regional file in `judged` (loaded or rejected) that has none yet.

    Returns how many were written now. A receipt whose warehouse details cannot be read is written with what
    the judgement itself says; one whose PDF or files cannot be written is recorded without them; both with a
    `catatan`, and logged."""
    store = settings.tanda_terima()
    written = 0
    for judgement in judged:
        if judgement.source != LAPORAN or judgement.outcome == "vanished" or not judgement.sha256:
            continue
        if conn.execute("select 1 from audit.tanda_terima where sha256 = %s", (judgement.sha256,)).fetchone():
            continue
        judgement = _completed(conn, judgement)
        if judgement.outcome == "unchanged":
            continue
        notes = []
        try:
            receipt = _compose(conn, judgement)
        except Exception as error:
            # The file is judged already: its sender gets what the judgement says rather than nothing.
            _recover(conn)
            notes.append(f"rincian dari gudang data tidak dapat disusun ({type(error).__name__})")
            log.error("receipt of %s: %s: %s", judgement.name, notes[-1], mask_nik(str(error))[:300])
            receipt = _compose(None, judgement)
        text = receipt.text()
        created = datetime.now(WIB)
        pdf = None
        try:
            pdf = _save(store, judgement, text, receipt.pdf_data(), created)
        except Exception as error:
            # A typesetting or storage failure: the receipt is still recorded, and mailed without its PDF.
            notes.append(f"berkas tanda terima tidak dapat ditulis ({type(error).__name__})")
            log.error("receipt of %s: %s: %s", judgement.name, notes[-1], mask_nik(str(error))[:300])
        conn.execute(
            """insert into audit.tanda_terima (sha256, file_name, sumber, pelapor, periode, status, received_at,
                                               dibuat_pada, teks, berkas_pdf, catatan)
               values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) on conflict (sha256) do nothing""",
            (
                judgement.sha256,
                mask_nik(judgement.name),
                judgement.source,
                judgement.pelapor,
                judgement.periode,
                receipt.status,
                judgement.received_at or created,
                created,
                text,
                pdf,
                "; ".join(notes) or None,
            ),
        )
        conn.commit()
        written += 1
    if written:
        log.info("%d receipt(s) written in %s", written, store)
    return written


# A file loaded this long ago without a receipt was loaded before receipts existed: it is not answered now.
UNANSWERED_WITHIN = "1 day"


def _completed(conn, judgement: Judgement) -> Judgement:
    """What a receipt needs of a file judged by a run killed before its receipt. A rejection judged again only to
    finish its quarantine says no more than its reasons: who sent it, for which month and when are in its record.
    A file loaded by such a run is "unchanged" now: it is answered as loaded when it was loaded in the last day."""
    if judgement.outcome == "unchanged":
        row = conn.execute(
            f"""select submission_id, pelapor, periode, received_at from raw.submission
                where sha256 = %s and loaded_at > now() - interval '{UNANSWERED_WITHIN}'""",
            (judgement.sha256,),
        ).fetchone()
        if row is None:
            return judgement
        return replace(
            judgement, outcome="loaded", submission_id=row[0], pelapor=row[1], periode=row[2], received_at=row[3]
        )
    if judgement.outcome != "rejected" or judgement.received_at is not None:
        return judgement
    row = conn.execute(
        "select pelapor, periode, received_at from audit.penolakan where sha256 = %s", (judgement.sha256,)
    ).fetchone()
    if row is None:
        return judgement
    return replace(judgement, pelapor=row[0], periode=row[1], received_at=row[2])


def _save(store: ObjectStoragePath, judgement: Judgement, text: str, data: dict, created: datetime) -> str:
    """Write the text, then the PDF, in the folder of the day of arrival; returns the PDF's location.

    The hash is in the name: an officer who fixes a rejected file and sends it again under the same name the
    same day gets a second receipt beside the first, not over it."""
    day = (judgement.received_at or created).astimezone(WIB).date().isoformat()
    folder = store / day
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{mask_nik(judgement.name)}.{judgement.sha256[:12]}.tanda-terima"
    (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="inpres-tanda-terima-") as work:
        with as_file(files("inpres.ingest").joinpath("templates", TEMPLATE)) as template:
            Path(work, TEMPLATE).write_bytes(Path(template).read_bytes())
        pdf = compile_pdf(TEMPLATE, data, Path(work), created=created)
    path = folder / f"{stem}.pdf"
    path.write_bytes(pdf)
    return str(path)


def _recover(conn) -> None:
    """After a failed query, the session usable again (outside autocommit, the failed transaction is dropped)."""
    if conn.info.transaction_status == TransactionStatus.INERROR:
        conn.rollback()


# --- what a receipt says ----------------------------------------------------------------------------------


def _compose(conn, j: Judgement) -> TandaTerima:
    """The receipt of one judgement; without `conn`, only what the judgement itself says."""
    status = DITERIMA if j.outcome == "loaded" else DITOLAK
    facts = [("Berkas", j.name)]
    if j.received_at:
        facts.append(("Waktu tiba", _time(j.received_at)))
    facts.append(("SHA-256", j.sha256 or "-"))
    if j.periode:
        facts.append(("Periode laporan", f"{_month(j.periode)} ({j.periode})"))
    if status == DITOLAK:
        sections = _rejection(j)
    elif conn is None:
        sections = [Section("Rincian", ["Rincian isi berkas tidak dapat disusun saat ini; berkas telah dimuat."])]
    else:
        sections = _acceptance(conn, j)
    return TandaTerima(status, _addressee(j.pelapor, j.name), facts, sections)


def _addressee(pelapor: str | None, file_name: str) -> str:
    if not pelapor:
        return f"pengirim berkas {file_name} (kode pelapor tidak dapat dibaca dari berkas)"
    name = wilayah.nama().get(_current_code(pelapor))
    if name is None:
        return f"pelapor {pelapor}"
    return f"Pemerintah {name if wilayah.is_kabupaten_kota(pelapor) else 'Provinsi ' + name} ({pelapor})"


def _rejection(j: Judgement) -> list[Section]:
    reasons = Section(
        f"Alasan penolakan ({len(j.reasons)})",
        ["Perbaiki hal berikut, lalu kirim ulang seluruh berkas (semua lembar):"],
        [Item(r, f"Isi yang diharapkan: {isi}" if (isi := _cell_should_hold(r)) else None) for r in j.reasons],
    )
    named = {m for r in j.reasons for m in _SHEET_NAMED.findall(r)}
    # A file nobody could read names no sheet: the whole template is what it should have been.
    sheets = [s for s in _SHEETS if s in named] or list(_SHEETS)
    return [reasons, *(_template_columns(s) for s in sheets)]


def _cell_should_hold(reason: str) -> str | None:
    """What the cell a reason points at should hold, from the template."""
    where = _WHERE.search(reason)
    if not where or not where.group("kolom"):
        return None
    lembar, kolom = where.group("lembar"), where.group("kolom")
    if lembar == "identitas":
        keys = [k for k in contract.IDENTITAS_KEYS if k in reason]
        if kolom == "nilai" and keys:
            return contract.IDENTITAS_ISI[keys[0]]
        return None
    return next((c.isi for c in contract.SHEETS.get(lembar, ()) if c.name == kolom), None)


def _template_columns(lembar: str) -> Section:
    if lembar == "identitas":
        return Section(
            "Templat: lembar identitas",
            ["Dua kolom, kunci dan nilai; satu baris untuk setiap kunci berikut:"],
            [
                Item(f"{k}{' (wajib)' if k in ('kode_pelapor', 'periode') else ''}", contract.IDENTITAS_ISI[k])
                for k in contract.IDENTITAS_KEYS
            ],
        )
    return Section(
        f"Templat: lembar {lembar}",
        ["Baris pertama berisi nama kolom berikut, isian mulai baris kedua:"],
        [Item(f"{c.name}{' (wajib)' if c.required else ''}", c.isi) for c in contract.SHEETS[lembar]],
    )


def _acceptance(conn, j: Judgement) -> list[Section]:
    row = conn.execute(
        """select submission_id, format, pelapor, periode, nama_instansi, tanggal_laporan, received_at
           from raw.submission where sha256 = %s""",
        (j.sha256,),
    ).fetchone()
    if row is None:
        return [Section("Rincian", ["Rincian isi berkas tidak ditemukan di gudang data; berkas telah dimuat."])]
    submission_id, file_format, pelapor, periode, nama_instansi, tanggal_laporan, received_at = row
    return [
        _what_was_read(conn, submission_id, file_format, pelapor, periode, nama_instansi, tanggal_laporan),
        *_totals(conn, submission_id),
        _revision(conn, submission_id, pelapor, periode, received_at),
        _impact(conn, submission_id, pelapor, periode, received_at),
    ]


def _what_was_read(conn, submission_id, file_format, pelapor, periode, nama_instansi, tanggal_laporan) -> Section:
    counts = dict(
        conn.execute(
            """select 'kepesertaan', count(*) from raw.kepesertaan where submission_id = %(id)s
               union all select 'kepatuhan', count(*) from raw.kepatuhan where submission_id = %(id)s
               union all select 'klaim', count(*) from raw.klaim where submission_id = %(id)s""",
            {"id": submission_id},
        ).fetchall()
    )
    read_as = "satu buku kerja Excel (.xlsx)" if file_format == "xlsx" else "satu berkas CSV untuk setiap lembar"
    identitas = [
        f"kode_pelapor {pelapor} ({wilayah.nama().get(_current_code(pelapor), pelapor)})",
        f"periode {periode}",
    ]
    if nama_instansi:
        identitas.append(f"nama_instansi {nama_instansi}")
    if tanggal_laporan:
        identitas.append(f"tanggal_laporan {_date(tanggal_laporan)}")
    items = [Item(f"lembar identitas: {', '.join(identitas)}")]
    items += [Item(f"lembar {sheet}: {_number(counts.get(sheet, 0))} baris isian") for sheet in contract.SHEETS]
    # Template v1.1's list, when one was sent: how many persons, and that no NIK was kept.
    listed, aktif = conn.execute(
        "select count(*), count(*) filter (where status = 'aktif') from raw.peserta where submission_id = %s",
        (submission_id,),
    ).fetchone()
    if listed:
        items.append(
            Item(
                f"lembar peserta: {_number(listed)} orang ({_number(aktif)} aktif, {_number(listed - aktif)} "
                "nonaktif); NIK tidak disimpan, hanya pseudonimnya"
            )
        )
    return Section("Yang dibaca dari berkas", [f"Berkas dibaca sebagai {read_as}."], items)


def _totals(conn, submission_id) -> list[Section]:
    kepesertaan = conn.execute(
        """select segmen, count(*), count(distinct kode_wilayah), sum(sasaran), count(sasaran), sum(terlindungi),
                  sum(iuran_rp)
           from raw.kepesertaan where submission_id = %s group by segmen""",
        (submission_id,),
    ).fetchall()
    per_segmen = []
    for segmen, rows, territories, sasaran, with_sasaran, terlindungi, iuran in sorted(
        kepesertaan, key=lambda r: _segment_order(r[0])
    ):
        parts = [f"{_number(rows)} baris" + (f" ({_number(territories)} wilayah)" if territories > 1 else "")]
        if with_sasaran == 0:
            parts.append("sasaran tidak diisi")
        else:
            without = rows - with_sasaran
            parts.append(
                f"sasaran {_number(sasaran)}" + (f" ({_number(without)} baris tanpa sasaran)" if without else "")
            )
        parts.append(f"terlindungi {_number(terlindungi)}")
        if iuran is not None:
            parts.append(f"iuran {values.rupiah_teks(int(iuran))}")
        per_segmen.append(Item(f"{segmen}: {'; '.join(parts)}"))
    sections = [
        Section(
            "Jumlah per segmen (lembar kepesertaan)",
            [] if per_segmen else ["Lembar kepesertaan tidak berisi baris isian."],
            per_segmen,
        )
    ]
    klaim = conn.execute(
        "select program, sum(kasus), sum(nilai_rp) from raw.klaim where submission_id = %s group by program",
        (submission_id,),
    ).fetchall()
    if klaim:
        sections.append(
            Section(
                "Jumlah per program (lembar klaim)",
                items=[
                    Item(f"{program}: {_number(kasus)} kasus, {values.rupiah_teks(int(nilai))}")
                    for program, kasus, nilai in sorted(klaim, key=lambda r: values.PROGRAM.index(r[0]))
                ],
            )
        )
    return sections


def _versions(conn, submission_id, pelapor, periode, received_at):
    """The other loaded versions of this pelapor's month: those before this file, and those after it (by
    arrival, as the warehouse orders revisions)."""
    others = conn.execute(
        """select submission_id, file_name, sha256, received_at from raw.submission
           where pelapor = %s and periode = %s and submission_id <> %s order by received_at, submission_id""",
        (pelapor, periode, submission_id),
    ).fetchall()
    earlier = [o for o in others if (o[3], o[0]) < (received_at, submission_id)]
    later = [o for o in others if (o[3], o[0]) > (received_at, submission_id)]
    return earlier, later


def _revision(conn, submission_id, pelapor, periode, received_at) -> Section:
    earlier, later = _versions(conn, submission_id, pelapor, periode, received_at)
    paragraphs = []
    if earlier:
        _, name, sha, when = earlier[-1]
        paragraphs.append(
            f"Berkas ini adalah revisi (versi ke-{len(earlier) + 1}) laporan {_month(periode)}: menggantikan "
            f"seluruhnya berkas {name} yang diterima {_time(when)} (SHA-256 {sha})."
        )
    else:
        paragraphs.append(f"Berkas ini adalah laporan pertama yang diterima untuk {_month(periode)}; bukan revisi.")
    if later:
        _, name, sha, when = later[-1]
        paragraphs.append(
            f"Namun sudah ada berkas yang diterima lebih kemudian untuk bulan yang sama, {name} ({_time(when)}, "
            f"SHA-256 {sha}); berkas itulah yang berlaku, dan berkas ini tidak mengubah angka."
        )
    return Section("Revisi", paragraphs)


# --- what it changes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """Coverage of one segment: sasaran (the known targets), terlindungi, and the part of it with a known target."""

    sasaran: int | None
    terlindungi: int
    terlindungi_bersasaran: int | None

    @property
    def persen(self) -> Decimal | None:
        if not self.sasaran or self.terlindungi_bersasaran is None:
            return None
        share = Decimal(100) * self.terlindungi_bersasaran / self.sasaran
        return share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def __str__(self) -> str:
        if self.persen is None:
            return f"terlindungi {_number(self.terlindungi)}, sasaran tidak diketahui"
        return (
            f"{_percent(self.persen)} ({_number(self.terlindungi_bersasaran)} terlindungi dari sasaran "
            f"{_number(self.sasaran)})"
        )

    def replaced(self, old: Coverage | None, new: Coverage | None) -> Coverage:
        """This coverage with `old`'s part taken out and `new`'s put in (never below zero: the marts may not
        hold `old` yet, and a receipt shows no negative count)."""

        def part(mine, taken, added):
            if mine is None and added is None:
                return None
            return max(0, (mine or 0) - (taken or 0) + (added or 0))

        old = old or Coverage(None, 0, None)
        new = new or Coverage(None, 0, None)
        return Coverage(
            part(self.sasaran, old.sasaran, new.sasaran),
            part(self.terlindungi, old.terlindungi, new.terlindungi),
            part(self.terlindungi_bersasaran, old.terlindungi_bersasaran, new.terlindungi_bersasaran),
        )


def _impact(conn, submission_id, pelapor, periode, received_at) -> Section:
    code = _current_code(pelapor)
    name = wilayah.nama().get(code, code)
    territory = name if wilayah.is_kabupaten_kota(code) else f"Provinsi {name} (seluruh provinsi)"
    marts = _marts_coverage(conn, code, periode)
    before = marts or {}
    earlier, later = _versions(conn, submission_id, pelapor, periode, received_at)
    new = _contribution(conn, submission_id, pelapor, periode)
    old = _contribution(conn, earlier[-1][0], pelapor, periode) if earlier else {}
    paragraphs = []
    if marts is None:
        paragraphs.append(
            f"Belum ada angka di gudang data untuk {territory}, {_month(periode)}: angka sesudah adalah angka "
            "berkas ini sendiri."
        )
    if later:
        paragraphs.append("Berkas ini tidak mengubah angka: berkas yang diterima lebih kemudian yang berlaku.")
        after = dict(before)
    elif marts is None:
        after = dict(new)
    elif wilayah.is_kabupaten_kota(code):
        # A kab/kota's own figures are its territory's figures whole; a segment it no longer reports is gone,
        # one it never reported keeps what its province reported for it.
        after = {s: new.get(s) if s in new or s in old else before.get(s) for s in {*before, *new, *old}}
    else:
        # A province-wide figure is every government's rows: only this province's own part is swapped.
        paragraphs.append(
            "Untuk kabupaten/kota yang melaporkan angkanya sendiri, angka kabupaten/kota itulah yang dihitung, "
            "bukan baris provinsi untuknya."
        )
        empty = Coverage(None, 0, None)
        after = {s: before.get(s, empty).replaced(old.get(s), new.get(s)) for s in {*before, *new, *old}}
    items = []
    for segmen in sorted({*before, *after}, key=_segment_order):
        was, becomes = before.get(segmen), after.get(segmen)
        was_text = str(was) if was else "belum ada angka"
        if was == becomes:
            items.append(Item(f"{segmen}: {was_text}, tidak berubah"))
        else:
            items.append(Item(f"{segmen}: {was_text} menjadi {becomes if becomes else 'tidak dilaporkan'}"))
    if not items:
        paragraphs.append("Berkas ini tidak berisi angka kepesertaan untuk wilayah ini.")
    return Section(f"Dampak pada angka {territory}, {_month(periode)} (sementara)", [*paragraphs, PROVISIONAL], items)


def _marts_coverage(conn, code: str, periode: str) -> dict[str, Coverage] | None:
    """The marts' coverage of a territory and month by segment; None when the marts were never built."""
    if conn.execute("select to_regclass('marts.fct_cakupan_wilayah')").fetchone()[0] is None:
        return None
    rows = conn.execute(
        """select segmen, sasaran, terlindungi, terlindungi_bersasaran from marts.fct_cakupan_wilayah
           where kode_wilayah = %s and periode = %s""",
        (code, periode),
    ).fetchall()
    return {segmen: Coverage(*figures) for segmen, *figures in rows}


def _contribution(conn, submission_id, pelapor: str, periode: str) -> dict[str, Coverage]:
    """What a submission adds to its pelapor's territory, by segment. A province's row for one of its kab/kota
    counts only while that kab/kota has no figure of its own for the segment (the kab/kota's own wins)."""
    rows = conn.execute(
        """select k.segmen, sum(k.sasaran), sum(k.terlindungi), sum(k.terlindungi) filter (where k.sasaran is not null)
           from raw.kepesertaan k
           where k.submission_id = %(id)s
             and (k.kode_wilayah = %(pelapor)s or not exists (
                    select 1 from raw.kepesertaan sendiri join raw.submission s using (submission_id)
                    where s.pelapor = k.kode_wilayah and s.periode = %(periode)s
                      and sendiri.kode_wilayah = k.kode_wilayah and sendiri.segmen = k.segmen))
           group by k.segmen""",
        {"id": submission_id, "pelapor": pelapor, "periode": periode},
    ).fetchall()
    return {
        segmen: Coverage(_int(sasaran), int(terlindungi), _int(bersasaran))
        for segmen, sasaran, terlindungi, bersasaran in rows
    }


def _int(value) -> int | None:
    return None if value is None else int(value)


# --- sending ----------------------------------------------------------------------------------------------


def send_receipts(conn: psycopg.Connection) -> int:
    """Mail every recorded receipt not yet sent; returns how many were sent whole now.

    To the pelapor's addresses (`INPRES_ALAMAT_PELAPOR`), else the desk (`INPRES_ALAMAT_MEJA`). No address at
    all: a warning, and the receipts wait for the next run. Each address the server accepted is recorded at
    once; what failed is recorded in `catatan` and logged (kinds and counts, never an address)."""
    with mail.sending_lock(conn, KIND, "semua"):
        pending = conn.execute(
            """select tanda_terima_id, sha256, file_name, pelapor, status, teks, berkas_pdf,
                      coalesce(penerima, '{}')
               from audit.tanda_terima where dikirim_pada is null order by tanda_terima_id"""
        ).fetchall()
        conn.commit()
        if not pending:
            return 0
        by_pelapor, desk = mail.pelapor_addresses(), mail.desk_addresses()
        plan = []
        for row in pending:
            recipients, desk_because = _recipients(row[3], by_pelapor, desk)
            if recipients:
                plan.append((row, recipients, desk_because))
            else:
                _note(conn, row[0], "tidak ada alamat: pelapor tanpa alamat dan meja Kemenko PMK tidak diatur")
        if len(plan) < len(pending):
            log.warning(
                "%d receipt(s) not mailed: no address for their pelapor in %s and no desk in %s",
                len(pending) - len(plan),
                mail.PELAPOR_ADDRESSES_ENV,
                mail.DESK_ENV,
            )
        if not plan:
            return 0
        sent = 0
        try:
            with mail.smtp_session() as smtp:
                for row, recipients, desk_because in plan:
                    sent += _send_one(conn, smtp, row, recipients, desk_because)
        except (smtplib.SMTPException, OSError) as error:
            # Only opening or closing the session lands here (each mail's failure is recorded by _send_one). The
            # receipts not sent wait; the task fails, so that Airflow tries again and on-call hears of it.
            log.error("receipts: the SMTP server cannot be used (%s)", mail.failure_reason(error))
            raise
        log.info("%d receipt(s) mailed, %d left for the next run", sent, len(pending) - sent)
        return sent


def _recipients(pelapor: str | None, by_pelapor: dict, desk: list[str]) -> tuple[list[str], str | None]:
    """The addresses a receipt goes to, and why it goes to the desk instead of its pelapor (None: it does not)."""
    if pelapor and (found := by_pelapor.get(pelapor) or by_pelapor.get(_current_code(pelapor))):
        return found, None
    if pelapor:
        return desk, f"belum ada alamat surel untuk pelapor {pelapor} dalam daftar alamat pelapor"
    return desk, "kode pelapor tidak dapat dibaca dari berkas"


def _send_one(conn, smtp, row, recipients: list[str], desk_because: str | None) -> int:
    """Mail one receipt to each recipient that does not have it yet; 1 when every one has it now."""
    tanda_terima_id, sha256, file_name, _, status, text, pdf, already = row
    subject = f"[Inpres 2/2021] Tanda terima: {file_name} {status}"
    body = text
    if desk_because:
        subject = f"[Meja] {subject}"
        body = (
            f"Untuk meja Kemenko PMK: tanda terima ini tidak dikirim langsung kepada pelapornya karena "
            f"{desk_because}. Mohon diteruskan kepada pengirim berkas.\n\n{text}"
        )
    headers = {"X-Inpres-Jenis": KIND, "X-Inpres-SHA256": sha256, "X-Inpres-Status": status}
    notes = []
    failed = 0
    with tempfile.TemporaryDirectory(prefix="inpres-tanda-terima-") as tmp:
        attachments = []
        if pdf:
            try:
                attachments = mail.copy_attachments([ObjectStoragePath(pdf)], Path(tmp))
            except OSError as error:
                notes.append(f"PDF tidak dapat dilampirkan ({type(error).__name__}); dikirim tanpa PDF")
        for address in recipients:
            if address in already:
                continue
            try:
                mail.send_mail(
                    smtp, address, subject=_masked(subject), body=_masked(body), files=attachments, headers=headers
                )
            except (smtplib.SMTPException, OSError) as error:
                failed += 1
                notes.append(f"surel ditolak ({mail.failure_reason(error)})")
                continue
            conn.execute(
                "update audit.tanda_terima set penerima = array_append(coalesce(penerima, '{}'), %s) "
                "where tanda_terima_id = %s",
                (address, tanda_terima_id),
            )
            conn.commit()
    if failed:
        log.error("receipt of %s: %d address(es) refused; the next run tries them again", file_name, failed)
    conn.execute(
        """update audit.tanda_terima set dikirim_pada = case when %s then now() end, catatan = %s
           where tanda_terima_id = %s""",
        (failed == 0, "; ".join(dict.fromkeys(notes)) or None, tanda_terima_id),
    )
    conn.commit()
    return 1 if failed == 0 else 0


def _note(conn, tanda_terima_id: int, note: str) -> None:
    conn.execute("update audit.tanda_terima set catatan = %s where tanda_terima_id = %s", (note, tanda_terima_id))
    conn.commit()


# --- Indonesian ways of writing ----------------------------------------------------------------------------


def _current_code(code: str) -> str:
    """Today's code of a pelapor (Papua's pre-2022 codes moved)."""
    return wilayah.kode_lama().get(code, (code, None))[0]


def _segment_order(segmen: str) -> int:
    return values.SEGMEN.index(segmen) if segmen in values.SEGMEN else len(values.SEGMEN)


def _number(n) -> str:
    return f"{int(n):,}".replace(",", ".")


def _percent(p: Decimal) -> str:
    whole, cents = f"{p:.2f}".split(".")
    return f"{_number(int(whole))},{cents} %"


def _month(periode: str) -> str:
    year, month = periode.split("-")
    return f"{values.BULAN[int(month) - 1].capitalize()} {year}"


def _date(d) -> str:
    return f"{d.day} {values.BULAN[d.month - 1].capitalize()} {d.year}"


def _time(when: datetime) -> str:
    local = when.astimezone(WIB)
    return f"{_date(local)} pukul {local:%H.%M} WIB"
