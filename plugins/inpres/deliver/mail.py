"""The reports by mail: who receives what, sent once per recipient and data version.

`kirim_semua(...)` mails the national report (PDF and workbook) to the distribution list and each
province's PDF to that province's addresses, through Airflow's SMTP provider and the connection `smtp_default`
(e.g. `AIRFLOW_CONN_SMTP_DEFAULT=smtp://mail.example:25?from_email=inpres%40kemenkopmk.go.id`); every
recipient gets a mail of their own (nobody sees the other addresses). Settings (environment):

- `INPRES_DISTRIBUSI`: addresses that receive the national report, comma-separated;
- `INPRES_ALAMAT_PROVINSI`: who receives each province's report, a CSV `kode_provinsi,email` (header row;
  several rows per province allowed), as a local path or a URL `ObjectStoragePath` understands.

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
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

from airflow.sdk import ObjectStoragePath
from psycopg.pq import TransactionStatus

from inpres.data_version import DataVersion
from inpres.deliver.manifest import MANIFEST
from inpres.reports.formatting import format_periode, format_tanggal

log = logging.getLogger(__name__)

DISTRIBUSI_ENV = "INPRES_DISTRIBUSI"
ALAMAT_PROVINSI_ENV = "INPRES_ALAMAT_PROVINSI"
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
    raw = os.environ.get(DISTRIBUSI_ENV, "")
    alamat, salah = [], 0
    for item in re.split(r"[,;]", raw):
        if not (item := item.strip()):
            continue
        if _ALAMAT.fullmatch(item):
            alamat.append(item.lower())
        else:
            salah += 1
    if salah:
        log.warning("%s: %d entry(ies) are not e-mail addresses and are ignored", DISTRIBUSI_ENV, salah)
    return _unik(alamat)


def alamat_provinsi() -> dict[str, list[str]]:
    """`INPRES_ALAMAT_PROVINSI`: each province's recipients by two-digit code; {} when unset or unreadable."""
    value = os.environ.get(ALAMAT_PROVINSI_ENV, "").strip()
    if not value:
        return {}
    path = _location(value)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        log.error(
            "%s=%s cannot be read (%s): no province report is mailed", ALAMAT_PROVINSI_ENV, value, type(error).__name__
        )
        return {}
    reader = csv.DictReader(io.StringIO(text, newline=""))
    kolom = {(c or "").strip().lower(): c for c in reader.fieldnames or []}
    if not {"kode_provinsi", "email"} <= kolom.keys():
        log.error(
            "%s: the CSV needs a header row kode_provinsi,email: no province report is mailed", ALAMAT_PROVINSI_ENV
        )
        return {}
    from inpres.wilayah import nama

    hasil: dict[str, list[str]] = {}
    for baris, row in enumerate(reader, start=2):
        kode = (row[kolom["kode_provinsi"]] or "").strip()
        email = (row[kolom["email"]] or "").strip()
        if not kode and not email:
            continue
        if not _KODE_PROVINSI.fullmatch(kode) or kode not in nama():
            log.warning("%s row %d: %r is not a province code; row ignored", ALAMAT_PROVINSI_ENV, baris, kode)
        elif not _ALAMAT.fullmatch(email):
            log.warning("%s row %d: not an e-mail address; row ignored", ALAMAT_PROVINSI_ENV, baris)
        else:
            hasil.setdefault(kode, []).append(email.lower())
    return {kode: _unik(alamat) for kode, alamat in hasil.items()}


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
    with _kunci(conn, jenis, periode):
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
        from airflow.providers.smtp.hooks.smtp import SmtpHook

        with tempfile.TemporaryDirectory(prefix="inpres-lampiran-") as tmp:
            files = _salin(lampiran, Path(tmp))
            with SmtpHook(smtp_conn_id=SMTP_CONN_ID) as smtp:
                for a in belum:
                    subjek, badan = judul, isi
                    if a in sebelumnya:
                        hash_lama, kapan = sebelumnya[a]
                        subjek = f"[Revisi] {judul}"
                        badan = (
                            f"Laporan ini menggantikan laporan yang dikirim kepada Anda pada "
                            f"{format_tanggal(kapan.astimezone(JAKARTA).date())} (versi data "
                            f"{hash_lama[:12]}): data masukan telah berubah sejak itu.\n\n{isi}"
                        )
                    try:
                        smtp.send_email_smtp(
                            to=[a], subject=subjek, html_content=_html(badan), files=files, custom_headers=headers
                        )
                    except (smtplib.SMTPException, OSError) as error:
                        # The exception's text may quote the address: log its kind and code only.
                        gagal.append(_alasan(error))
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


@contextmanager
def _kunci(conn, jenis: str, periode: str) -> Iterator[None]:
    """A session advisory lock per report kind and month: two runs never mail the same report at once."""
    key = f"inpres.pengiriman:{jenis}:{periode}"
    conn.execute("select pg_advisory_lock(hashtextextended(%s, 0))", (key,))
    try:
        yield
    finally:
        if conn.info.transaction_status == TransactionStatus.INERROR:  # the unlock needs a usable session
            conn.rollback()
        conn.execute("select pg_advisory_unlock(hashtextextended(%s, 0))", (key,))
        conn.commit()


def _salin(lampiran: Sequence[ObjectStoragePath], tmp: Path) -> list[str]:
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


def _alasan(error: BaseException) -> str:
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__} {code}" if code else type(error).__name__
