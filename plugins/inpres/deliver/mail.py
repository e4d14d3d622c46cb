"""The reports by mail: who receives what, sent once per recipient and data version.

`send_reports(...)` mails the national report (PDF and workbook) to the distribution list and each
province's PDF to that province's addresses, through Airflow's SMTP provider and the connection `smtp_default`
(e.g. `AIRFLOW_CONN_SMTP_DEFAULT=smtp://mail.example:25?from_email=inpres%40kemenkopmk.go.id`); every
recipient gets a mail of their own (nobody sees the other addresses). Settings (environment):

- `INPRES_DISTRIBUSI`: addresses that receive the national report, comma-separated;
- `INPRES_ALAMAT_PROVINSI`: who receives each province's report, a CSV `kode_provinsi,email` (header row;
  several rows per province allowed), as a local path or a URL `ObjectStoragePath` understands.

The receipts of intake (inpres.ingest.receipt) go out the same way (`send_mail`), to the addresses of
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

from inpres import settings
from inpres.data_version import DataVersion
from inpres.deliver.manifest import MANIFEST
from inpres.privacy import mask_nik
from inpres.reports.formatting import format_date, format_periode

log = logging.getLogger(__name__)

DISTRIBUTION_ENV = "INPRES_DISTRIBUSI"
PROVINSI_ADDRESSES_ENV = "INPRES_ALAMAT_PROVINSI"
PELAPOR_ADDRESSES_ENV = "INPRES_ALAMAT_PELAPOR"
DESK_ENV = "INPRES_ALAMAT_MEJA"
SMTP_CONN_ID = "smtp_default"
NATIONAL = "nasional"
JAKARTA = ZoneInfo("Asia/Jakarta")

_CHUNK = 1 << 20
_ADDRESS = re.compile(r"[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+")
_PROVINSI_CODE = re.compile(r"\d{2}")


class SendFailed(RuntimeError):
    """Some mails were not accepted by the SMTP server; what was sent is recorded, a re-run sends the rest."""

    def __init__(self, message: str, sent: Mapping[str, int] | None = None):
        super().__init__(message)
        self.sent = dict(sent or {})


# --- who receives what ------------------------------------------------------------------------------------


def distribution_list() -> list[str]:
    """`INPRES_DISTRIBUSI`: the national report's recipients (lower case, each once)."""
    return address_list(DISTRIBUTION_ENV)


def desk_addresses() -> list[str]:
    """`INPRES_ALAMAT_MEJA`: the ministry's desk, which answers for a file whose pelapor has no address."""
    return address_list(DESK_ENV)


def address_list(variable: str) -> list[str]:
    """The addresses in the environment variable `variable`, comma- or semicolon-separated (lower case, each once)."""
    raw = os.environ.get(variable, "")
    addresses, invalid = [], 0
    for item in re.split(r"[,;]", raw):
        if not (item := item.strip()):
            continue
        if _ADDRESS.fullmatch(item):
            addresses.append(item.lower())
        else:
            invalid += 1
    if invalid:
        log.warning("%s: %d entry(ies) are not e-mail addresses and are ignored", variable, invalid)
    return _unique(addresses)


def provinsi_addresses() -> dict[str, list[str]]:
    """`INPRES_ALAMAT_PROVINSI`: each province's recipients by two-digit code; {} when unset or unreadable."""
    from inpres.wilayah import nama

    def provinsi_code(cell: str) -> str | None:
        return cell if _PROVINSI_CODE.fullmatch(cell) and cell in nama() else None

    return addresses_csv(PROVINSI_ADDRESSES_ENV, "kode_provinsi", provinsi_code, "no province report is mailed")


def pelapor_addresses() -> dict[str, list[str]]:
    """`INPRES_ALAMAT_PELAPOR`: each pelapor's addresses by dotted code (`81`, `81.71`); {} when unset or
    unreadable. A code may be written as the template allows (`8171`, ` 81.71 `)."""
    from inpres.ingest.values import kode_wilayah
    from inpres.wilayah import kode_dikenal

    def pelapor_code(cell: str) -> str | None:
        try:
            code = kode_wilayah(cell)
        except ValueError:
            return None
        return code if code in kode_dikenal() else None

    return addresses_csv(PELAPOR_ADDRESSES_ENV, "kode_pelapor", pelapor_code, "receipts go to the desk")


def addresses_csv(
    variable: str, code_column: str, code_of: Callable[[str], str | None], without_list: str
) -> dict[str, list[str]]:
    """The CSV `<code_column>,email` that the environment variable `variable` names: addresses by code.

    `code_of` turns a cell into the code it stands for, or None when it is none; a row without a code or an
    address is logged by row number and ignored. Unset: {}; unreadable: {} and an error that ends with
    `without_list` (what happens without the list)."""
    value = os.environ.get(variable, "").strip()
    if not value:
        return {}
    path = settings.location(value)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        log.error("%s=%s cannot be read (%s): %s", variable, value, type(error).__name__, without_list)
        return {}
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = {(c or "").strip().lower(): c for c in reader.fieldnames or []}
    if not {code_column, "email"} <= columns.keys():
        log.error("%s: the CSV needs a header row %s,email: %s", variable, code_column, without_list)
        return {}
    by_code: dict[str, list[str]] = {}
    for row_number, row in enumerate(reader, start=2):
        cell = (row[columns[code_column]] or "").strip()
        email = (row[columns["email"]] or "").strip()
        if not cell and not email:
            continue
        if (code := code_of(cell)) is None:
            log.warning("%s row %d: %r is not a %s; row ignored", variable, row_number, mask_nik(cell), code_column)
        elif not _ADDRESS.fullmatch(email):
            log.warning("%s row %d: not an e-mail address; row ignored", variable, row_number)
        else:
            by_code.setdefault(code, []).append(email.lower())
    return {code: _unique(addresses) for code, addresses in by_code.items()}


def _unique(addresses: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(a.strip().lower() for a in addresses if a.strip()))


# --- sending ----------------------------------------------------------------------------------------------


def send_reports(
    conn,
    folder: ObjectStoragePath,
    *,
    periode: str,
    version: DataVersion,
    national_files: Sequence[ObjectStoragePath],
    provinsi_files: Mapping[str, ObjectStoragePath],
) -> dict[str, int]:
    """Mail the national report (all of `national_files`, e.g. PDF and workbook) to `INPRES_DISTRIBUSI`,
    and each province's report (`provinsi_files`: two-digit code -> PDF) to that province's addresses in
    `INPRES_ALAMAT_PROVINSI`. `folder` is the run folder, named in the body as where everything else is.

    Returns, by report kind (`nasional`, `provinsi_<kode>`), how many recipients were mailed now (0: all of
    them already had this data version). Raises `SendFailed` after trying every mail if any failed."""
    distribution = distribution_list()
    by_provinsi = provinsi_addresses()
    if not distribution and not by_provinsi:
        log.warning("neither %s nor %s is set: no report was mailed", DISTRIBUTION_ENV, PROVINSI_ADDRESSES_ENV)
        return {}
    month = format_periode(periode)
    sent: dict[str, int] = {}
    failures: list[str] = []

    def send(kind: str, **kwargs) -> None:
        try:
            sent[kind] = _send(conn, kind=kind, periode=periode, version=version, **kwargs)
        except SendFailed as error:
            sent[kind] = error.sent.get(kind, 0)
            failures.append(str(error))

    if not distribution:
        log.warning("%s is not set: the national report was not mailed", DISTRIBUTION_ENV)
    elif not national_files:
        log.warning("no national report file was given: the national report was not mailed")
    else:
        send(
            NATIONAL,
            recipients=distribution,
            attachments=national_files,
            subject=f"[Inpres 2/2021] Laporan nasional cakupan jaminan sosial ketenagakerjaan {month} "
            f"(versi data {version.short})",
            body=_body("laporan nasional pemantauan", month, version, folder, national_files),
        )

    from inpres.wilayah import nama

    without_address = []
    for code, pdf in sorted(provinsi_files.items()):
        if not by_provinsi.get(code):
            without_address.append(code)
            continue
        place = f"Provinsi {nama().get(code, code)}"
        send(
            f"provinsi_{code}",
            recipients=by_provinsi[code],
            attachments=[pdf],
            subject=f"[Inpres 2/2021] Laporan cakupan {place} {month} (versi data {version.short})",
            body=_body(f"laporan pemantauan {place}", month, version, folder, [pdf]),
        )
    if without_address and by_provinsi:
        log.warning(
            "%d province report(s) not mailed, no address in %s: %s",
            len(without_address),
            PROVINSI_ADDRESSES_ENV,
            ", ".join(without_address),
        )
    elif without_address:
        log.warning("%s is not set: %d province report(s) not mailed", PROVINSI_ADDRESSES_ENV, len(without_address))
    if failures:
        raise SendFailed("; ".join(failures), sent)
    return sent


def send_report(
    conn,
    *,
    kind: str,
    periode: str,
    version: DataVersion,
    subject: str,
    body: str,
    attachments: Sequence[ObjectStoragePath],
    recipients: Sequence[str],
) -> bool:
    """Mail one report kind for a month to every recipient that does not have this data version yet.

    `body` is plain text (paragraphs separated by a blank line). A recipient who had an earlier version gets
    the subject prefixed with "[Revisi]" and a sentence saying what it replaces. Commits `conn` after each
    mail recorded. Returns whether any mail was sent; raises `SendFailed` after trying everyone if the
    SMTP server refused any."""
    return (
        _send(
            conn,
            kind=kind,
            periode=periode,
            version=version,
            subject=subject,
            body=body,
            attachments=attachments,
            recipients=recipients,
        )
        > 0
    )


def _send(
    conn,
    *,
    kind: str,
    periode: str,
    version: DataVersion,
    subject: str,
    body: str,
    attachments: Sequence[ObjectStoragePath],
    recipients: Sequence[str],
) -> int:
    addresses = _unique(recipients)
    if not addresses:
        log.warning("%s %s: no recipient, nothing sent", kind, periode)
        return 0
    with sending_lock(conn, kind, periode):
        already = {
            row[0]
            for row in conn.execute(
                """select penerima from audit.pengiriman
               where jenis = %s and periode = %s and hash_masukan = %s and penerima = any(%s)""",
                (kind, periode, version.input_hash, addresses),
            )
        }
        pending = [a for a in addresses if a not in already]
        log.info(
            "%s %s (versi data %s): %d recipient(s) already have it, %d to mail",
            kind,
            periode,
            version.short,
            len(already),
            len(pending),
        )
        if not pending:
            return 0
        earlier = {
            row[0]: (row[1], row[2])
            for row in conn.execute(
                """select distinct on (penerima) penerima, hash_masukan, dikirim_pada from audit.pengiriman
               where jenis = %s and periode = %s and hash_masukan <> %s and penerima = any(%s)
               order by penerima, dikirim_pada desc""",
                (kind, periode, version.input_hash, pending),
            )
        }
        attachment_names = [str(p) for p in attachments]
        headers = {
            "X-Inpres-Jenis": kind,
            "X-Inpres-Periode": periode,
            "X-Inpres-Versi-Data": version.input_hash,
            "X-Inpres-Run-Id": version.run_id,
        }
        sent, failures = 0, []
        with tempfile.TemporaryDirectory(prefix="inpres-lampiran-") as tmp:
            files = copy_attachments(attachments, Path(tmp))
            with smtp_session() as smtp:
                for a in pending:
                    mail_subject, mail_body = subject, body
                    if a in earlier:
                        old_hash, sent_at = earlier[a]
                        mail_subject = f"[Revisi] {subject}"
                        mail_body = (
                            f"Laporan ini menggantikan laporan yang dikirim kepada Anda pada "
                            f"{format_date(sent_at.astimezone(JAKARTA).date())} (versi data "
                            f"{old_hash[:12]}): data masukan telah berubah sejak itu.\n\n{body}"
                        )
                    try:
                        send_mail(smtp, a, subject=mail_subject, body=mail_body, files=files, headers=headers)
                    except (smtplib.SMTPException, OSError) as error:
                        # The exception's text may quote the address: log its kind and code only.
                        failures.append(failure_reason(error))
                        continue
                    conn.execute(
                        """insert into audit.pengiriman (jenis, periode, penerima, hash_masukan, run_id, lampiran)
                           values (%s, %s, %s, %s, %s, %s) on conflict do nothing""",
                        (kind, periode, a, version.input_hash, version.run_id, attachment_names),
                    )
                    conn.commit()
                    sent += 1
    log.info(
        "%s %s (versi data %s): mailed %d recipient(s), %d revision(s)",
        kind,
        periode,
        version.short,
        sent,
        sum(1 for a in pending if a in earlier),
    )
    if failures:
        message = (
            f"{kind} {periode}: {len(failures)} of {len(pending)} mail(s) not accepted "
            f"({', '.join(sorted(set(failures)))}); a re-run mails only those"
        )
        log.error("%s", message)
        raise SendFailed(message, {kind: sent})
    return sent


def smtp_session():
    """A session with the SMTP server of the connection `smtp_default` (a context manager: one login, many mails)."""
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    return SmtpHook(smtp_conn_id=SMTP_CONN_ID)


def send_mail(smtp, address: str, *, subject: str, body: str, files: Sequence[str], headers: Mapping[str, str]) -> None:
    """One mail to one address in an open `smtp_session()`: `body` plain text (paragraphs separated by a blank
    line), `files` local paths attached. Raises smtplib.SMTPException or OSError when the server refuses it."""
    smtp.send_email_smtp(
        to=[address], subject=subject, html_content=_html(body), files=list(files), custom_headers=dict(headers)
    )


@contextmanager
def sending_lock(conn, kind: str, periode: str) -> Iterator[None]:
    """A session advisory lock per mail kind and month: two runs never mail the same thing at once."""
    key = f"inpres.pengiriman:{kind}:{periode}"
    conn.execute("select pg_advisory_lock(hashtextextended(%s, 0))", (key,))
    try:
        yield
    finally:
        if conn.info.transaction_status == TransactionStatus.INERROR:  # the unlock needs a usable session
            conn.rollback()
        conn.execute("select pg_advisory_unlock(hashtextextended(%s, 0))", (key,))
        conn.commit()


def copy_attachments(attachments: Sequence[ObjectStoragePath], tmp: Path) -> list[str]:
    """Copy the attachments, streamed, into a local folder under their own names (the SMTP hook reads files)."""
    files = []
    for source in attachments:
        local = tmp / source.name
        if local.exists():
            raise ValueError(f"two attachments are named {source.name}: a mail cannot carry both")
        with source.open("rb") as src, open(local, "wb") as dst:
            shutil.copyfileobj(src, dst, _CHUNK)
        files.append(str(local))
    return files


def _body(
    what: str, month: str, version: DataVersion, folder: ObjectStoragePath, attachments: Sequence[ObjectStoragePath]
) -> str:
    names = ", ".join(p.name for p in attachments)
    return (
        "Yth. Bapak/Ibu,\n\n"
        f"Terlampir {what} pelaksanaan Instruksi Presiden Nomor 2 Tahun 2021 tentang Optimalisasi Pelaksanaan "
        f"Program Jaminan Sosial Ketenagakerjaan untuk periode {month}: {names}.\n\n"
        f"Versi data: {version.short} (sidik lengkap {version.input_hash}, proses {version.run_id}). Versi data "
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


def failure_reason(error: BaseException) -> str:
    """Why a mail failed, without the server's text (which may quote the address): its kind and code."""
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__} {code}" if code else type(error).__name__
