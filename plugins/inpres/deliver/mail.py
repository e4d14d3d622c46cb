"""The reports by mail: who receives what, sent once per recipient and data version.

`kirim_semua(...)` mails the national report (PDF and workbook) to the distribution list and each
province's PDF to that province's addresses, through Airflow's SMTP provider and the connection `smtp_default`
(e.g. `AIRFLOW_CONN_SMTP_DEFAULT=smtp://mail.example:25?from_email=inpres%40kemenkopmk.go.id`); every
recipient gets a mail of their own (nobody sees the other addresses). Settings (environment):

- `INPRES_DISTRIBUSI`: addresses that receive the national report, comma-separated;
- `INPRES_ALAMAT_PROVINSI`: who receives each province's report, a CSV `kode_provinsi,email` (header row;
  several rows per province allowed), as a local path or a URL `ObjectStoragePath` understands.

The receipts of intake (inpres.ingest.receipt) go out the same way (`kirim_surel`), to the addresses of
`INPRES_ALAMAT_PELAPOR` (a CSV `kode_pelapor,email`, read like the provinces' list) or the ministry's desk,
`INPRES_ALAMAT_MEJA` (comma-separated, like the distribution list).

Neither set: a warning is logged and nothing is sent; the night does not fail for lack of a mail list. A
province report whose province has no address is logged (by code) and not sent.

**No double sending.** Each mail sent is recorded in `audit.pengiriman`, one row per recipient, unique on
(jenis, periode, penerima, hash_masukan). Before mailing a recipient, a report kind (`jenis`: `nasional`,
`provinsi_81`, ...) for a month is skipped when it was already sent to them with the same input hash; the row
is written (and committed) only after the SMTP server accepted the mail. So re-running a night on the same data
sends nothing, while a night whose inputs changed (a late or revised file) sends the revised report again,
marked as a revision. A recipient whose mail failed is retried by the next run; the others are not mailed twice.
Addresses are compared in lower case. Two runs mailing the same kind and month wait for each other (a
PostgreSQL advisory lock), so they cannot both send it.

Personal data: e-mail addresses are never logged, only counts.
"""

from __future__ import annotations

import csv
import html
import io
import logging
import os
import re
import shutil
import smtplib
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

from airflow.sdk import ObjectStoragePath
from psycopg.pq import TransactionStatus

from inpres.data_version import DataVersion
from inpres.deliver.manifest import MANIFEST
from inpres.privacy import mask_nik
from inpres.reports.formatting import format_date, format_periode

log = logging.getLogger(__name__)

DISTRIBUSI_ENV = "INPRES_DISTRIBUSI"
ALAMAT_PROVINSI_ENV = "INPRES_ALAMAT_PROVINSI"
ALAMAT_PELAPOR_ENV = "INPRES_ALAMAT_PELAPOR"
ALAMAT_MEJA_ENV = "INPRES_ALAMAT_MEJA"
SMTP_CONN_ID = "smtp_default"
NASIONAL = "nasional"
JAKARTA = ZoneInfo("Asia/Jakarta")

_CHUNK = 1 << 20
_ALAMAT = re.compile(r"[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+")
_KODE_PROVINSI = re.compile(r"\d{2}")


class PengirimanGagal(RuntimeError):
    """Some mails were not accepted by the SMTP server; what was sent is recorded, a re-run sends the rest."""

    def __init__(self, message: str, terkirim: Mapping[str, int] | None = None):
        super().__init__(message)
        self.terkirim = dict(terkirim or {})


# --- who receives what ------------------------------------------------------------------------------------


def daftar_distribusi() -> list[str]:
    """`INPRES_DISTRIBUSI`: the national report's recipients (lower case, each once)."""
    return daftar_alamat(DISTRIBUSI_ENV)


def alamat_meja() -> list[str]:
    """`INPRES_ALAMAT_MEJA`: the ministry's desk, which answers for a file whose pelapor has no address."""
    return daftar_alamat(ALAMAT_MEJA_ENV)


def daftar_alamat(variable: str) -> list[str]:
    """The addresses in the environment variable `variable`, comma- or semicolon-separated (lower case, each once)."""
    raw = os.environ.get(variable, "")
    alamat, salah = [], 0
    for item in re.split(r"[,;]", raw):
        if not (item := item.strip()):
            continue
        if _ALAMAT.fullmatch(item):
            alamat.append(item.lower())
        else:
            salah += 1
    if salah:
        log.warning("%s: %d entry(ies) are not e-mail addresses and are ignored", variable, salah)
    return _unik(alamat)


def alamat_provinsi() -> dict[str, list[str]]:
    """`INPRES_ALAMAT_PROVINSI`: each province's recipients by two-digit code; {} when unset or unreadable."""
    from inpres.wilayah import nama

    def kode_provinsi(kode: str) -> str | None:
        return kode if _KODE_PROVINSI.fullmatch(kode) and kode in nama() else None

    return alamat_csv(ALAMAT_PROVINSI_ENV, "kode_provinsi", kode_provinsi, "no province report is mailed")


def alamat_pelapor() -> dict[str, list[str]]:
    """`INPRES_ALAMAT_PELAPOR`: each pelapor's addresses by dotted code (`81`, `81.71`); {} when unset or
    unreadable. A code may be written as the template allows (`8171`, ` 81.71 `)."""
    from inpres.ingest.values import kode_wilayah
    from inpres.wilayah import kode_dikenal

    def kode_pelapor(kode: str) -> str | None:
        try:
            kode = kode_wilayah(kode)
        except ValueError:
            return None
        return kode if kode in kode_dikenal() else None

    return alamat_csv(ALAMAT_PELAPOR_ENV, "kode_pelapor", kode_pelapor, "receipts go to the desk")


def alamat_csv(
    variable: str, kolom_kode: str, kode: Callable[[str], str | None], tanpa_daftar: str
) -> dict[str, list[str]]:
    """The CSV `<kolom_kode>,email` that the environment variable `variable` names: addresses by code.

    `kode` turns a cell into the code it stands for, or None when it is none; a row without a code or an
    address is logged by row number and ignored. Unset: {}; unreadable: {} and an error that ends with
    `tanpa_daftar` (what happens without the list)."""
    value = os.environ.get(variable, "").strip()
    if not value:
        return {}
    path = _location(value)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        log.error("%s=%s cannot be read (%s): %s", variable, value, type(error).__name__, tanpa_daftar)
        return {}
    reader = csv.DictReader(io.StringIO(text, newline=""))
    kolom = {(c or "").strip().lower(): c for c in reader.fieldnames or []}
    if not {kolom_kode, "email"} <= kolom.keys():
        log.error("%s: the CSV needs a header row %s,email: %s", variable, kolom_kode, tanpa_daftar)
        return {}
    hasil: dict[str, list[str]] = {}
    for baris, row in enumerate(reader, start=2):
        isi_kode = (row[kolom[kolom_kode]] or "").strip()
        email = (row[kolom["email"]] or "").strip()
        if not isi_kode and not email:
            continue
        if (dikenal := kode(isi_kode)) is None:
            log.warning("%s row %d: %r is not a %s; row ignored", variable, baris, mask_nik(isi_kode), kolom_kode)
        elif not _ALAMAT.fullmatch(email):
            log.warning("%s row %d: not an e-mail address; row ignored", variable, baris)
        else:
            hasil.setdefault(dikenal, []).append(email.lower())
    return {k: _unik(alamat) for k, alamat in hasil.items()}


def _location(value: str) -> ObjectStoragePath:
    if re.match(r"^[a-z][a-z0-9+.-]*://", value):
        return ObjectStoragePath(value)
    return ObjectStoragePath(Path(value).absolute().as_uri())


def _unik(alamat: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(a.strip().lower() for a in alamat if a.strip()))


# --- sending ----------------------------------------------------------------------------------------------


def kirim_semua(
    conn,
    folder: ObjectStoragePath,
    *,
    periode: str,
    versi: DataVersion,
    laporan_nasional: Sequence[ObjectStoragePath],
    laporan_provinsi: Mapping[str, ObjectStoragePath],
) -> dict[str, int]:
    """Mail the national report (all of `laporan_nasional`, e.g. PDF and workbook) to `INPRES_DISTRIBUSI`,
    and each province's report (`laporan_provinsi`: two-digit code -> PDF) to that province's addresses in
    `INPRES_ALAMAT_PROVINSI`. `folder` is the run folder, named in the body as where everything else is.

    Returns, by report kind (`nasional`, `provinsi_<kode>`), how many recipients were mailed now (0: all of
    them already had this data version). Raises `PengirimanGagal` after trying every mail if any failed."""
    distribusi = daftar_distribusi()
    provinsi = alamat_provinsi()
    if not distribusi and not provinsi:
        log.warning("neither %s nor %s is set: no report was mailed", DISTRIBUSI_ENV, ALAMAT_PROVINSI_ENV)
        return {}
    bulan = format_periode(periode)
    terkirim: dict[str, int] = {}
    gagal: list[str] = []

    def kirim(jenis: str, **kwargs) -> None:
        try:
            terkirim[jenis] = _kirim(conn, jenis=jenis, periode=periode, versi=versi, **kwargs)
        except PengirimanGagal as error:
            terkirim[jenis] = error.terkirim.get(jenis, 0)
            gagal.append(str(error))

    if not distribusi:
        log.warning("%s is not set: the national report was not mailed", DISTRIBUSI_ENV)
    elif not laporan_nasional:
        log.warning("no national report file was given: the national report was not mailed")
    else:
        kirim(
            NASIONAL,
            penerima=distribusi,
            lampiran=laporan_nasional,
            judul=f"[Inpres 2/2021] Laporan nasional cakupan jaminan sosial ketenagakerjaan {bulan} "
            f"(versi data {versi.pendek})",
            isi=_isi("laporan nasional pemantauan", bulan, versi, folder, laporan_nasional),
        )

    from inpres.wilayah import nama

    tanpa_alamat = []
    for kode, pdf in sorted(laporan_provinsi.items()):
        if not provinsi.get(kode):
            tanpa_alamat.append(kode)
            continue
        wilayah = f"Provinsi {nama().get(kode, kode)}"
        kirim(
            f"provinsi_{kode}",
            penerima=provinsi[kode],
            lampiran=[pdf],
            judul=f"[Inpres 2/2021] Laporan cakupan {wilayah} {bulan} (versi data {versi.pendek})",
            isi=_isi(f"laporan pemantauan {wilayah}", bulan, versi, folder, [pdf]),
        )
    if tanpa_alamat and provinsi:
        log.warning(
            "%d province report(s) not mailed, no address in %s: %s",
            len(tanpa_alamat),
            ALAMAT_PROVINSI_ENV,
            ", ".join(tanpa_alamat),
        )
    elif tanpa_alamat:
        log.warning("%s is not set: %d province report(s) not mailed", ALAMAT_PROVINSI_ENV, len(tanpa_alamat))
    if gagal:
        raise PengirimanGagal("; ".join(gagal), terkirim)
    return terkirim


def kirim_laporan(
    conn,
    *,
    jenis: str,
    periode: str,
    versi: DataVersion,
    judul: str,
    isi: str,
    lampiran: Sequence[ObjectStoragePath],
    penerima: Sequence[str],
) -> bool:
    """Mail one report kind for a month to every recipient that does not have this data version yet.

    `isi` is plain text (paragraphs separated by a blank line). A recipient who had an earlier version gets
    the subject prefixed with "[Revisi]" and a sentence saying what it replaces. Commits `conn` after each
    mail recorded. Returns whether any mail was sent; raises `PengirimanGagal` after trying everyone if the
    SMTP server refused any."""
    return (
        _kirim(
            conn, jenis=jenis, periode=periode, versi=versi, judul=judul, isi=isi, lampiran=lampiran, penerima=penerima
        )
        > 0
    )


def _kirim(
    conn,
    *,
    jenis: str,
    periode: str,
    versi: DataVersion,
    judul: str,
    isi: str,
    lampiran: Sequence[ObjectStoragePath],
    penerima: Sequence[str],
) -> int:
    alamat = _unik(penerima)
    if not alamat:
        log.warning("%s %s: no recipient, nothing sent", jenis, periode)
        return 0
    with kunci_pengiriman(conn, jenis, periode):
        sudah = {
            row[0]
            for row in conn.execute(
                """select penerima from audit.pengiriman
               where jenis = %s and periode = %s and hash_masukan = %s and penerima = any(%s)""",
                (jenis, periode, versi.hash_masukan, alamat),
            )
        }
        belum = [a for a in alamat if a not in sudah]
        log.info(
            "%s %s (versi data %s): %d recipient(s) already have it, %d to mail",
            jenis,
            periode,
            versi.pendek,
            len(sudah),
            len(belum),
        )
        if not belum:
            return 0
        sebelumnya = {
            row[0]: (row[1], row[2])
            for row in conn.execute(
                """select distinct on (penerima) penerima, hash_masukan, dikirim_pada from audit.pengiriman
               where jenis = %s and periode = %s and hash_masukan <> %s and penerima = any(%s)
               order by penerima, dikirim_pada desc""",
                (jenis, periode, versi.hash_masukan, belum),
            )
        }
        nama_lampiran = [str(p) for p in lampiran]
        headers = {
            "X-Inpres-Jenis": jenis,
            "X-Inpres-Periode": periode,
            "X-Inpres-Versi-Data": versi.hash_masukan,
            "X-Inpres-Run-Id": versi.run_id,
        }
        terkirim, gagal = 0, []
        with tempfile.TemporaryDirectory(prefix="inpres-lampiran-") as tmp:
            files = salin_lampiran(lampiran, Path(tmp))
            with sesi_smtp() as smtp:
                for a in belum:
                    subjek, badan = judul, isi
                    if a in sebelumnya:
                        hash_lama, kapan = sebelumnya[a]
                        subjek = f"[Revisi] {judul}"
                        badan = (
                            f"Laporan ini menggantikan laporan yang dikirim kepada Anda pada "
                            f"{format_date(kapan.astimezone(JAKARTA).date())} (versi data "
                            f"{hash_lama[:12]}): data masukan telah berubah sejak itu.\n\n{isi}"
                        )
                    try:
                        kirim_surel(smtp, a, judul=subjek, isi=badan, files=files, headers=headers)
                    except (smtplib.SMTPException, OSError) as error:
                        # The exception's text may quote the address: log its kind and code only.
                        gagal.append(alasan_gagal(error))
                        continue
                    conn.execute(
                        """insert into audit.pengiriman (jenis, periode, penerima, hash_masukan, run_id, lampiran)
                           values (%s, %s, %s, %s, %s, %s) on conflict do nothing""",
                        (jenis, periode, a, versi.hash_masukan, versi.run_id, nama_lampiran),
                    )
                    conn.commit()
                    terkirim += 1
    log.info(
        "%s %s (versi data %s): mailed %d recipient(s), %d revision(s)",
        jenis,
        periode,
        versi.pendek,
        terkirim,
        sum(1 for a in belum if a in sebelumnya),
    )
    if gagal:
        message = (
            f"{jenis} {periode}: {len(gagal)} of {len(belum)} mail(s) not accepted "
            f"({', '.join(sorted(set(gagal)))}); a re-run mails only those"
        )
        log.error("%s", message)
        raise PengirimanGagal(message, {jenis: terkirim})
    return terkirim


def sesi_smtp():
    """A session with the SMTP server of the connection `smtp_default` (a context manager: one login, many mails)."""
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    return SmtpHook(smtp_conn_id=SMTP_CONN_ID)


def kirim_surel(smtp, alamat: str, *, judul: str, isi: str, files: Sequence[str], headers: Mapping[str, str]) -> None:
    """One mail to one address in an open `sesi_smtp()`: `isi` plain text (paragraphs separated by a blank
    line), `files` local paths attached. Raises smtplib.SMTPException or OSError when the server refuses it."""
    smtp.send_email_smtp(
        to=[alamat], subject=judul, html_content=_html(isi), files=list(files), custom_headers=dict(headers)
    )


@contextmanager
def kunci_pengiriman(conn, jenis: str, periode: str) -> Iterator[None]:
    """A session advisory lock per mail kind and month: two runs never mail the same thing at once."""
    key = f"inpres.pengiriman:{jenis}:{periode}"
    conn.execute("select pg_advisory_lock(hashtextextended(%s, 0))", (key,))
    try:
        yield
    finally:
        if conn.info.transaction_status == TransactionStatus.INERROR:  # the unlock needs a usable session
            conn.rollback()
        conn.execute("select pg_advisory_unlock(hashtextextended(%s, 0))", (key,))
        conn.commit()


def salin_lampiran(lampiran: Sequence[ObjectStoragePath], tmp: Path) -> list[str]:
    """Copy the attachments, streamed, into a local folder under their own names (the SMTP hook reads files)."""
    files = []
    for source in lampiran:
        local = tmp / source.name
        if local.exists():
            raise ValueError(f"two attachments are named {source.name}: a mail cannot carry both")
        with source.open("rb") as src, open(local, "wb") as dst:
            shutil.copyfileobj(src, dst, _CHUNK)
        files.append(str(local))
    return files


def _isi(
    apa: str, bulan: str, versi: DataVersion, folder: ObjectStoragePath, lampiran: Sequence[ObjectStoragePath]
) -> str:
    daftar = ", ".join(p.name for p in lampiran)
    return (
        "Yth. Bapak/Ibu,\n\n"
        f"Terlampir {apa} pelaksanaan Instruksi Presiden Nomor 2 Tahun 2021 tentang Optimalisasi Pelaksanaan "
        f"Program Jaminan Sosial Ketenagakerjaan untuk periode {bulan}: {daftar}.\n\n"
        f"Versi data: {versi.pendek} (sidik lengkap {versi.hash_masukan}, proses {versi.run_id}). Versi data "
        "adalah sidik isi seluruh berkas masukan yang telah dimuat; laporan dengan versi data yang sama "
        "dihitung dari berkas masukan yang sama. Bila ada laporan daerah yang terlambat atau direvisi, laporan "
        "ini dikirim ulang dengan versi data yang baru.\n\n"
        f"Seluruh keluaran proses ini beserta daftar isinya ({MANIFEST}) tersimpan di {folder}.\n\n"
        "Surel ini dikirim secara otomatis oleh sistem pemantauan Inpres 2/2021 Kemenko PMK; mohon tidak "
        "membalas surel ini."
    )


def _html(text: str) -> str:
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def alasan_gagal(error: BaseException) -> str:
    """Why a mail failed, without the server's text (which may quote the address): its kind and code."""
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__} {code}" if code else type(error).__name__
