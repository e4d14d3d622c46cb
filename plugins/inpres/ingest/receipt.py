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
JENIS = "tanda_terima"
TEMPLATE = "tanda_terima.typ"
WIB = ZoneInfo("Asia/Jakarta")
INSTANSI = "Kementerian Koordinator Bidang Pembangunan Manusia dan Kebudayaan (Kemenko PMK)"
JUDUL = "Tanda Terima Laporan Pemantauan Inpres 2/2021"
SEMENTARA = (
    'Angka "sebelum" adalah angka di gudang data saat tanda terima ini dibuat; angka "sesudah" dihitung dari '
    "berkas ini dan bersifat sementara sampai gudang data diperbarui malam ini, ketika semua laporan yang masuk "
    "dihitung bersama. Cakupan = terlindungi / sasaran, hanya dari angka yang sasarannya diisi."
)
PENUTUP = (
    "Tanda terima ini dibuat otomatis oleh sistem pemantauan Inpres 2/2021 Kemenko PMK; mohon tidak membalas "
    "surel ini. Sidik SHA-256 menunjukkan berkas mana yang dimaksud: berkas yang sama selalu memiliki sidik yang "
    "sama, dan berkas yang sama yang dikirim ulang tidak diproses dua kali."
)
# A file hash is no one's number, and masking it would break it: it is the one text kept as it is.
_SIDIK = re.compile(r"\b(?=[0-9]*[a-f])[0-9a-f]{64}\b")
# Where a reason points (contract.Alasan, and the reader's own messages): sheet, row, column.
_LOKASI = re.compile(r"lembar (?P<lembar>\w+)(?:, (?:sekitar )?baris (?P<baris>\d+))?(?:, kolom (?P<kolom>\w+))?:")
_LEMBAR = ("identitas", *contract.SHEETS)
_LEMBAR_DISEBUT = re.compile(rf"(?:\blembar |_)({'|'.join(_LEMBAR)})\b")


# --- the receipt ------------------------------------------------------------------------------------------


@dataclass
class Butir:
    teks: str
    rincian: str | None = None


@dataclass
class Bagian:
    judul: str
    paragraf: list[str] = field(default_factory=list)
    butir: list[Butir] = field(default_factory=list)


@dataclass
class TandaTerima:
    """One receipt, laid out once and written twice: as text (the mail's body, the .txt) and as the PDF."""

    status: str
    kepada: str
    pokok: list[tuple[str, str]]
    bagian: list[Bagian]

    @property
    def status_teks(self) -> str:
        if self.status == DITERIMA:
            return "DITERIMA: berkas telah dibaca dan dimuat ke gudang data."
        return "DITOLAK: berkas ditolak seluruhnya; tidak ada angka dari berkas ini yang dimuat."

    def teks(self) -> str:
        lines = [JUDUL, INSTANSI, "", f"Kepada: {self.kepada}", "", self.status_teks, ""]
        lines += [f"{label}: {nilai}" for label, nilai in self.pokok]
        for bagian in self.bagian:
            lines += ["", bagian.judul]
            lines += bagian.paragraf
            for butir in bagian.butir:
                lines.append(f"- {butir.teks}")
                if butir.rincian:
                    lines.append(f"  {butir.rincian}")
        lines += ["", PENUTUP]
        return _aman("\n".join(lines) + "\n")

    def data_pdf(self) -> dict:
        """What templates/tanda_terima.typ lays out: plain strings, masked, never read as markup."""
        return _aman_semua(
            {
                "judul": JUDUL,
                "instansi": INSTANSI,
                "kepada": self.kepada,
                "status": self.status,
                "status_teks": self.status_teks,
                "pokok": [list(p) for p in self.pokok],
                "bagian": [
                    {
                        "judul": b.judul,
                        "paragraf": b.paragraf,
                        "butir": [{"teks": x.teks, "rincian": x.rincian} for x in b.butir],
                    }
                    for b in self.bagian
                ],
                "penutup": PENUTUP,
            }
        )


def _aman(text: str) -> str:
    """`text` with every NIK-shaped run masked, the file hashes in it left whole."""
    parts = _SIDIK.split(text)
    hashes = _SIDIK.findall(text)
    return "".join(mask_nik(part) + (hashes[i] if i < len(hashes) else "") for i, part in enumerate(parts))


def _aman_semua(value):
    if isinstance(value, str):
        return _aman(value)
    if isinstance(value, list):
        return [_aman_semua(v) for v in value]
    if isinstance(value, dict):
        return {k: _aman_semua(v) for k, v in value.items()}
    return value


# --- writing ----------------------------------------------------------------------------------------------


def write_receipts(conn: psycopg.Connection, judged: list[Judgement]) -> int:
    """Write and record the receipt of each regional file in `judged` (loaded or rejected) that has none yet.

    Returns how many were written now. A receipt whose warehouse details cannot be read is written with what
    the judgement itself says; one whose PDF or files cannot be written is recorded without them; both with a
    `catatan`, and logged."""
    tempat = settings.tanda_terima()
    written = 0
    for judgement in judged:
        if judgement.source != LAPORAN or judgement.outcome not in ("loaded", "rejected") or not judgement.sha256:
            continue
        if conn.execute("select 1 from audit.tanda_terima where sha256 = %s", (judgement.sha256,)).fetchone():
            continue
        judgement = _lengkapi(conn, judgement)
        catatan = []
        try:
            tanda = _susun(conn, judgement)
        except Exception as error:
            # The file is judged already: its sender gets what the judgement says rather than nothing.
            _pulihkan(conn)
            catatan.append(f"rincian dari gudang data tidak dapat disusun ({type(error).__name__})")
            log.error("receipt of %s: %s: %s", judgement.name, catatan[-1], mask_nik(str(error))[:300])
            tanda = _susun(None, judgement)
        teks = tanda.teks()
        dibuat = datetime.now(WIB)
        berkas_pdf = None
        try:
            berkas_pdf = _simpan(tempat, judgement, teks, tanda.data_pdf(), dibuat)
        except Exception as error:
            # A typesetting or storage failure: the receipt is still recorded, and mailed without its PDF.
            catatan.append(f"berkas tanda terima tidak dapat ditulis ({type(error).__name__})")
            log.error("receipt of %s: %s: %s", judgement.name, catatan[-1], mask_nik(str(error))[:300])
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
                tanda.status,
                judgement.received_at or dibuat,
                dibuat,
                teks,
                berkas_pdf,
                "; ".join(catatan) or None,
            ),
        )
        conn.commit()
        written += 1
    if written:
        log.info("%d receipt(s) written in %s", written, tempat)
    return written


def _lengkapi(conn, judgement: Judgement) -> Judgement:
    """A rejection judged again only to finish its quarantine (a run killed before its receipt) says no more than
    its reasons: who sent it, for which month and when are in its record."""
    if judgement.outcome != "rejected" or judgement.received_at is not None:
        return judgement
    row = conn.execute(
        "select pelapor, periode, received_at from audit.penolakan where sha256 = %s", (judgement.sha256,)
    ).fetchone()
    if row is None:
        return judgement
    return replace(judgement, pelapor=row[0], periode=row[1], received_at=row[2])


def _simpan(tempat: ObjectStoragePath, judgement: Judgement, teks: str, data: dict, dibuat: datetime) -> str:
    """Write the text, then the PDF, in the folder of the day of arrival; returns the PDF's location.

    The hash is in the name: an officer who fixes a rejected file and sends it again under the same name the
    same day gets a second receipt beside the first, not over it."""
    hari = (judgement.received_at or dibuat).astimezone(WIB).date().isoformat()
    folder = tempat / hari
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{mask_nik(judgement.name)}.{judgement.sha256[:12]}.tanda-terima"
    (folder / f"{stem}.txt").write_text(teks, encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="inpres-tanda-terima-") as work:
        with as_file(files("inpres.ingest").joinpath("templates", TEMPLATE)) as template:
            Path(work, TEMPLATE).write_bytes(Path(template).read_bytes())
        pdf = compile_pdf(TEMPLATE, data, Path(work), created=dibuat)
    path = folder / f"{stem}.pdf"
    path.write_bytes(pdf)
    return str(path)


def _pulihkan(conn) -> None:
    """After a failed query, the session usable again (outside autocommit, the failed transaction is dropped)."""
    if conn.info.transaction_status == TransactionStatus.INERROR:
        conn.rollback()


# --- what a receipt says ----------------------------------------------------------------------------------


def _susun(conn, j: Judgement) -> TandaTerima:
    """The receipt of one judgement; without `conn`, only what the judgement itself says."""
    status = DITERIMA if j.outcome == "loaded" else DITOLAK
    pokok = [("Berkas", j.name)]
    if j.received_at:
        pokok.append(("Waktu tiba", _waktu(j.received_at)))
    pokok.append(("SHA-256", j.sha256 or "-"))
    if j.periode:
        pokok.append(("Periode laporan", f"{_bulan(j.periode)} ({j.periode})"))
    if status == DITOLAK:
        bagian = _penolakan(j)
    elif conn is None:
        bagian = [Bagian("Rincian", ["Rincian isi berkas tidak dapat disusun saat ini; berkas telah dimuat."])]
    else:
        bagian = _penerimaan(conn, j)
    return TandaTerima(status, _kepada(j.pelapor, j.name), pokok, bagian)


def _kepada(pelapor: str | None, name: str) -> str:
    if not pelapor:
        return f"pengirim berkas {name} (kode pelapor tidak dapat dibaca dari berkas)"
    nama = wilayah.nama().get(_kode_kini(pelapor))
    if nama is None:
        return f"pelapor {pelapor}"
    return f"Pemerintah {nama if wilayah.is_kabupaten_kota(pelapor) else 'Provinsi ' + nama} ({pelapor})"


def _penolakan(j: Judgement) -> list[Bagian]:
    alasan = Bagian(
        f"Alasan penolakan ({len(j.reasons)})",
        ["Perbaiki hal berikut, lalu kirim ulang seluruh berkas (semua lembar):"],
        [Butir(r, f"Isi yang diharapkan: {isi}" if (isi := _isi_sel(r)) else None) for r in j.reasons],
    )
    named = {m for r in j.reasons for m in _LEMBAR_DISEBUT.findall(r)}
    # A file nobody could read names no sheet: the whole template is what it should have been.
    sheets = [s for s in _LEMBAR if s in named] or list(_LEMBAR)
    return [alasan, *(_kolom_templat(s) for s in sheets)]


def _isi_sel(reason: str) -> str | None:
    """What the cell a reason points at should hold, from the template."""
    where = _LOKASI.search(reason)
    if not where or not where.group("kolom"):
        return None
    lembar, kolom = where.group("lembar"), where.group("kolom")
    if lembar == "identitas":
        keys = [k for k in contract.IDENTITAS_KEYS if k in reason]
        if kolom == "nilai" and keys:
            return contract.IDENTITAS_ISI[keys[0]]
        return None
    return next((c.isi for c in contract.SHEETS.get(lembar, ()) if c.name == kolom), None)


def _kolom_templat(lembar: str) -> Bagian:
    if lembar == "identitas":
        return Bagian(
            "Templat: lembar identitas",
            ["Dua kolom, kunci dan nilai; satu baris untuk setiap kunci berikut:"],
            [
                Butir(f"{k}{' (wajib)' if k in ('kode_pelapor', 'periode') else ''}", contract.IDENTITAS_ISI[k])
                for k in contract.IDENTITAS_KEYS
            ],
        )
    return Bagian(
        f"Templat: lembar {lembar}",
        ["Baris pertama berisi nama kolom berikut, isian mulai baris kedua:"],
        [Butir(f"{c.name}{' (wajib)' if c.required else ''}", c.isi) for c in contract.SHEETS[lembar]],
    )


def _penerimaan(conn, j: Judgement) -> list[Bagian]:
    row = conn.execute(
        """select submission_id, format, pelapor, periode, nama_instansi, tanggal_laporan, received_at
           from raw.submission where sha256 = %s""",
        (j.sha256,),
    ).fetchone()
    if row is None:
        return [Bagian("Rincian", ["Rincian isi berkas tidak ditemukan di gudang data; berkas telah dimuat."])]
    submission_id, format_, pelapor, periode, nama_instansi, tanggal_laporan, received_at = row
    return [
        _dibaca(conn, submission_id, format_, pelapor, periode, nama_instansi, tanggal_laporan),
        *_jumlah(conn, submission_id),
        _revisi(conn, submission_id, pelapor, periode, received_at),
        _dampak(conn, submission_id, pelapor, periode, received_at),
    ]


def _dibaca(conn, submission_id, format_, pelapor, periode, nama_instansi, tanggal_laporan) -> Bagian:
    counts = dict(
        conn.execute(
            """select 'kepesertaan', count(*) from raw.kepesertaan where submission_id = %(id)s
               union all select 'kepatuhan', count(*) from raw.kepatuhan where submission_id = %(id)s
               union all select 'klaim', count(*) from raw.klaim where submission_id = %(id)s""",
            {"id": submission_id},
        ).fetchall()
    )
    bentuk = "satu buku kerja Excel (.xlsx)" if format_ == "xlsx" else "satu berkas CSV untuk setiap lembar"
    identitas = [f"kode_pelapor {pelapor} ({wilayah.nama().get(_kode_kini(pelapor), pelapor)})", f"periode {periode}"]
    if nama_instansi:
        identitas.append(f"nama_instansi {nama_instansi}")
    if tanggal_laporan:
        identitas.append(f"tanggal_laporan {_tanggal(tanggal_laporan)}")
    return Bagian(
        "Yang dibaca dari berkas",
        [f"Berkas dibaca sebagai {bentuk}."],
        [Butir(f"lembar identitas: {', '.join(identitas)}")]
        + [Butir(f"lembar {lembar}: {_angka(counts.get(lembar, 0))} baris isian") for lembar in contract.SHEETS],
    )


def _jumlah(conn, submission_id) -> list[Bagian]:
    segmen = conn.execute(
        """select segmen, count(*), count(distinct kode_wilayah), sum(sasaran), count(sasaran), sum(terlindungi),
                  sum(iuran_rp)
           from raw.kepesertaan where submission_id = %s group by segmen""",
        (submission_id,),
    ).fetchall()
    per_segmen = []
    for seg, baris, wilayah_, sasaran, bersasaran, terlindungi, iuran in sorted(segmen, key=lambda r: _urutan(r[0])):
        parts = [f"{_angka(baris)} baris" + (f" ({_angka(wilayah_)} wilayah)" if wilayah_ > 1 else "")]
        if bersasaran == 0:
            parts.append("sasaran tidak diisi")
        else:
            tanpa = baris - bersasaran
            parts.append(f"sasaran {_angka(sasaran)}" + (f" ({_angka(tanpa)} baris tanpa sasaran)" if tanpa else ""))
        parts.append(f"terlindungi {_angka(terlindungi)}")
        if iuran is not None:
            parts.append(f"iuran {values.rupiah_teks(int(iuran))}")
        per_segmen.append(Butir(f"{seg}: {'; '.join(parts)}"))
    bagian = [
        Bagian(
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
        bagian.append(
            Bagian(
                "Jumlah per program (lembar klaim)",
                butir=[
                    Butir(f"{program}: {_angka(kasus)} kasus, {values.rupiah_teks(int(nilai))}")
                    for program, kasus, nilai in sorted(klaim, key=lambda r: values.PROGRAM.index(r[0]))
                ],
            )
        )
    return bagian


def _versi(conn, submission_id, pelapor, periode, received_at):
    """The other loaded versions of this pelapor's month: those before this file, and those after it (by
    arrival, as the warehouse orders revisions)."""
    others = conn.execute(
        """select submission_id, file_name, sha256, received_at from raw.submission
           where pelapor = %s and periode = %s and submission_id <> %s order by received_at, submission_id""",
        (pelapor, periode, submission_id),
    ).fetchall()
    before = [o for o in others if (o[3], o[0]) < (received_at, submission_id)]
    after = [o for o in others if (o[3], o[0]) > (received_at, submission_id)]
    return before, after


def _revisi(conn, submission_id, pelapor, periode, received_at) -> Bagian:
    before, after = _versi(conn, submission_id, pelapor, periode, received_at)
    paragraf = []
    if before:
        _, name, sha, when = before[-1]
        paragraf.append(
            f"Berkas ini adalah revisi (versi ke-{len(before) + 1}) laporan {_bulan(periode)}: menggantikan "
            f"seluruhnya berkas {name} yang diterima {_waktu(when)} (SHA-256 {sha})."
        )
    else:
        paragraf.append(f"Berkas ini adalah laporan pertama yang diterima untuk {_bulan(periode)}; bukan revisi.")
    if after:
        _, name, sha, when = after[-1]
        paragraf.append(
            f"Namun sudah ada berkas yang diterima lebih kemudian untuk bulan yang sama, {name} ({_waktu(when)}, "
            f"SHA-256 {sha}); berkas itulah yang berlaku, dan berkas ini tidak mengubah angka."
        )
    return Bagian("Revisi", paragraf)


# --- what it changes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Angka:
    """Coverage figures of one segment: sasaran (known targets), terlindungi, and the part of it with a target."""

    sasaran: int | None
    terlindungi: int
    bersasaran: int | None

    @property
    def persen(self) -> Decimal | None:
        if not self.sasaran or self.bersasaran is None:
            return None
        return (Decimal(100) * self.bersasaran / self.sasaran).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def __str__(self) -> str:
        if self.persen is None:
            return f"terlindungi {_angka(self.terlindungi)}, sasaran tidak diketahui"
        return f"{_persen(self.persen)} ({_angka(self.bersasaran)} terlindungi dari sasaran {_angka(self.sasaran)})"

    def ganti(self, lama: Angka | None, baru: Angka | None) -> Angka:
        """These figures with `lama`'s part taken out and `baru`'s put in (never below zero: the marts may not
        hold `lama` yet, and a receipt shows no negative count)."""

        def part(mine, old, new):
            if mine is None and new is None:
                return None
            return max(0, (mine or 0) - (old or 0) + (new or 0))

        lama = lama or Angka(None, 0, None)
        baru = baru or Angka(None, 0, None)
        return Angka(
            part(self.sasaran, lama.sasaran, baru.sasaran),
            part(self.terlindungi, lama.terlindungi, baru.terlindungi),
            part(self.bersasaran, lama.bersasaran, baru.bersasaran),
        )


def _dampak(conn, submission_id, pelapor, periode, received_at) -> Bagian:
    kode = _kode_kini(pelapor)
    nama = wilayah.nama().get(kode, kode)
    wilayah_teks = nama if wilayah.is_kabupaten_kota(kode) else f"Provinsi {nama} (seluruh provinsi)"
    judul = f"Dampak pada angka {wilayah_teks}, {_bulan(periode)} (sementara)"
    gudang = _gudang(conn, kode, periode)
    sebelum = gudang or {}
    earlier, later = _versi(conn, submission_id, pelapor, periode, received_at)
    baru = _sumbangan(conn, submission_id, pelapor, periode)
    lama = _sumbangan(conn, earlier[-1][0], pelapor, periode) if earlier else {}
    paragraf = []
    if gudang is None:
        paragraf.append(
            f"Belum ada angka di gudang data untuk {wilayah_teks}, {_bulan(periode)}: angka sesudah adalah angka "
            "berkas ini sendiri."
        )
    if later:
        paragraf.append("Berkas ini tidak mengubah angka: berkas yang diterima lebih kemudian yang berlaku.")
        sesudah = dict(sebelum)
    elif gudang is None:
        sesudah = dict(baru)
    elif wilayah.is_kabupaten_kota(kode):
        # A kab/kota's own figures are its territory's figures whole; a segment it no longer reports is gone,
        # one it never reported keeps what its province reported for it.
        sesudah = {s: baru.get(s) if s in baru or s in lama else sebelum.get(s) for s in {*sebelum, *baru, *lama}}
    else:
        # A province-wide figure is every government's rows: only this province's own part is swapped.
        paragraf.append(
            "Untuk kabupaten/kota yang melaporkan angkanya sendiri, angka kabupaten/kota itulah yang dihitung, "
            "bukan baris provinsi untuknya."
        )
        kosong = Angka(None, 0, None)
        sesudah = {s: sebelum.get(s, kosong).ganti(lama.get(s), baru.get(s)) for s in {*sebelum, *baru, *lama}}
    butir = []
    for segmen in sorted({*sebelum, *sesudah}, key=_urutan):
        a, b = sebelum.get(segmen), sesudah.get(segmen)
        sebelum_teks = str(a) if a else "belum ada angka"
        sesudah_teks = str(b) if b else "tidak dilaporkan"
        if a == b:
            butir.append(Butir(f"{segmen}: {sebelum_teks}, tidak berubah"))
        else:
            butir.append(Butir(f"{segmen}: {sebelum_teks} menjadi {sesudah_teks}"))
    if not butir:
        paragraf.append("Berkas ini tidak berisi angka kepesertaan untuk wilayah ini.")
    return Bagian(judul, [*paragraf, SEMENTARA], butir)


def _gudang(conn, kode: str, periode: str) -> dict[str, Angka] | None:
    """The marts' coverage of a territory and month by segment; None when the marts were never built."""
    if conn.execute("select to_regclass('marts.fct_cakupan_wilayah')").fetchone()[0] is None:
        return None
    rows = conn.execute(
        """select segmen, sasaran, terlindungi, terlindungi_bersasaran from marts.fct_cakupan_wilayah
           where kode_wilayah = %s and periode = %s""",
        (kode, periode),
    ).fetchall()
    return {segmen: Angka(sasaran, terlindungi, bersasaran) for segmen, sasaran, terlindungi, bersasaran in rows}


def _sumbangan(conn, submission_id, pelapor: str, periode: str) -> dict[str, Angka]:
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
        segmen: Angka(_int(sasaran), int(terlindungi), _int(bersasaran))
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
    with mail.kunci_pengiriman(conn, JENIS, "semua"):
        pending = conn.execute(
            """select tanda_terima_id, sha256, file_name, pelapor, status, teks, berkas_pdf,
                      coalesce(penerima, '{}')
               from audit.tanda_terima where dikirim_pada is null order by tanda_terima_id"""
        ).fetchall()
        conn.commit()
        if not pending:
            return 0
        pelapor_alamat, meja = mail.alamat_pelapor(), mail.alamat_meja()
        plan = []
        for row in pending:
            penerima, meja_karena = _penerima(row[3], pelapor_alamat, meja)
            if penerima:
                plan.append((row, penerima, meja_karena))
            else:
                _catat(conn, row[0], "tidak ada alamat: pelapor tanpa alamat dan meja Kemenko PMK tidak diatur")
        if len(plan) < len(pending):
            log.warning(
                "%d receipt(s) not mailed: no address for their pelapor in %s and no desk in %s",
                len(pending) - len(plan),
                mail.ALAMAT_PELAPOR_ENV,
                mail.ALAMAT_MEJA_ENV,
            )
        if not plan:
            return 0
        sent = 0
        try:
            with mail.sesi_smtp() as smtp:
                for row, penerima, meja_karena in plan:
                    sent += _kirim(conn, smtp, row, penerima, meja_karena)
        except (smtplib.SMTPException, OSError) as error:
            # Only opening or closing the session lands here (each mail's failure is recorded by _kirim): the
            # receipts not sent wait for the next run.
            log.error("receipts: the SMTP server cannot be used (%s)", mail.alasan_gagal(error))
        log.info("%d receipt(s) mailed, %d left for the next run", sent, len(pending) - sent)
        return sent


def _penerima(pelapor: str | None, pelapor_alamat: dict, meja: list[str]) -> tuple[list[str], str | None]:
    """The addresses a receipt goes to, and why it goes to the desk instead of its pelapor (None: it does not)."""
    if pelapor and (alamat := pelapor_alamat.get(pelapor) or pelapor_alamat.get(_kode_kini(pelapor))):
        return alamat, None
    if pelapor:
        why = f"belum ada alamat surel untuk pelapor {pelapor} dalam daftar alamat pelapor"
    else:
        why = "kode pelapor tidak dapat dibaca dari berkas"
    return meja, why


def _kirim(conn, smtp, row, penerima: list[str], meja_karena: str | None) -> int:
    tanda_terima_id, sha256, file_name, _, status, teks, berkas_pdf, sudah = row
    judul = f"[Inpres 2/2021] Tanda terima: {file_name} {status}"
    isi = teks
    if meja_karena:
        judul = f"[Meja] {judul}"
        isi = (
            f"Untuk meja Kemenko PMK: tanda terima ini tidak dikirim langsung kepada pelapornya karena {meja_karena}. "
            f"Mohon diteruskan kepada pengirim berkas.\n\n{teks}"
        )
    headers = {"X-Inpres-Jenis": JENIS, "X-Inpres-SHA256": sha256, "X-Inpres-Status": status}
    catatan = []
    gagal = 0
    with tempfile.TemporaryDirectory(prefix="inpres-tanda-terima-") as tmp:
        lampiran = []
        if berkas_pdf:
            try:
                lampiran = mail.salin_lampiran([ObjectStoragePath(berkas_pdf)], Path(tmp))
            except OSError as error:
                catatan.append(f"PDF tidak dapat dilampirkan ({type(error).__name__}); dikirim tanpa PDF")
        for alamat in penerima:
            if alamat in sudah:
                continue
            try:
                mail.kirim_surel(smtp, alamat, judul=_aman(judul), isi=_aman(isi), files=lampiran, headers=headers)
            except (smtplib.SMTPException, OSError) as error:
                gagal += 1
                catatan.append(f"surel ditolak ({mail.alasan_gagal(error)})")
                continue
            conn.execute(
                "update audit.tanda_terima set penerima = array_append(coalesce(penerima, '{}'), %s) "
                "where tanda_terima_id = %s",
                (alamat, tanda_terima_id),
            )
            conn.commit()
    selesai = gagal == 0
    if gagal:
        log.error(
            "receipt of %s: %d of %d address(es) refused; the next run tries them again",
            file_name,
            gagal,
            len(penerima),
        )
    conn.execute(
        """update audit.tanda_terima set dikirim_pada = case when %s then now() end, catatan = %s
           where tanda_terima_id = %s""",
        (selesai, "; ".join(dict.fromkeys(catatan)) or None, tanda_terima_id),
    )
    conn.commit()
    return 1 if selesai else 0


def _catat(conn, tanda_terima_id: int, catatan: str) -> None:
    conn.execute("update audit.tanda_terima set catatan = %s where tanda_terima_id = %s", (catatan, tanda_terima_id))
    conn.commit()


# --- Indonesian ways of writing ----------------------------------------------------------------------------


def _kode_kini(kode: str) -> str:
    """Today's code of a pelapor (Papua's pre-2022 codes moved)."""
    return wilayah.kode_lama().get(kode, (kode, None))[0]


def _urutan(segmen: str) -> int:
    return values.SEGMEN.index(segmen) if segmen in values.SEGMEN else len(values.SEGMEN)


def _angka(n) -> str:
    return f"{int(n):,}".replace(",", ".")


def _persen(p: Decimal) -> str:
    whole, cents = f"{p:.2f}".split(".")
    return f"{_angka(int(whole))},{cents} %"


def _bulan(periode: str) -> str:
    tahun, bulan = periode.split("-")
    return f"{values.BULAN[int(bulan) - 1].capitalize()} {tahun}"


def _tanggal(d) -> str:
    return f"{d.day} {values.BULAN[d.month - 1].capitalize()} {d.year}"


def _waktu(when: datetime) -> str:
    local = when.astimezone(WIB)
    return f"{_tanggal(local)} pukul {local:%H.%M} WIB"
