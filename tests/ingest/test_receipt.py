"""Receipts (tanda terima) against a real PostgreSQL, real Typst and a real SMTP server: what each says, who gets
it, and that a file hash is answered once."""

from __future__ import annotations

import hashlib
import logging
import os
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from airflow.sdk import ObjectStoragePath
from pypdf import PdfReader

from inpres.ingest import contract
from inpres.ingest import receipt as receipt_module
from inpres.ingest.inbox import BPJS, LAPORAN, find_deliveries, load_deliveries
from inpres.ingest.receipt import send_receipts, write_receipts
from inpres.transform import run_dbt
from inpres.warehouse import dbt_env

TODAY = date(2026, 11, 24)
WIB = ZoneInfo("Asia/Jakarta")
AMBON = ["Disnaker@ambon.example", "operator@ambon.example"]
PALU = ["disnakertrans@palu.example"]
MEJA = "meja.inpres@kemenkopmk.example"
NIK = "3171234567890123"
MASKED = "3171********0123"
# A NIK in clear: sixteen digits in a row or in groups, or a float's mantissa; file hashes are no one's number.
CLEAR = re.compile(r"\d{16}|\d{4}[ .\-]\d{4}[ .\-]\d{4}[ .\-]\d{4}|\d\.\d{15}")
HEX_DIGEST = re.compile(r"[0-9a-f]{32,}")


@pytest.fixture
def conn(warehouse):
    with psycopg.connect(warehouse) as connection:
        yield connection


@pytest.fixture
def alamat(tmp_path, monkeypatch):
    """The pelapor's addresses (codes written as officers write them) and the ministry's desk."""
    csv = tmp_path / "alamat_pelapor.csv"
    csv.write_text(
        "kode_pelapor,email\n" + "".join(f"8171,{a}\n" for a in AMBON) + "".join(f" 72.71 ,{a}\n" for a in PALU),
        encoding="utf-8",
    )
    monkeypatch.setenv("INPRES_ALAMAT_PELAPOR", str(csv))
    monkeypatch.setenv("INPRES_ALAMAT_MEJA", MEJA)


def _store() -> Path:
    return Path(os.environ["INPRES_TANDA_TERIMA"])


def _arrive(path: Path, when: datetime) -> Path:
    os.utime(path, (when.timestamp(), when.timestamp()))
    return path


def _intake(conn, inbox: Path, source: str = LAPORAN):
    """What intake does (inpres.intake.load): judge the inbox, answering each file as soon as it is judged."""
    written = []
    summary = load_deliveries(
        conn,
        find_deliveries(ObjectStoragePath(inbox.as_uri()), source),
        TODAY,
        on_judged=lambda judgement: written.append(write_receipts(conn, [judgement])),
    )
    return summary, sum(written)


def _receipts(conn) -> dict[str, dict]:
    rows = conn.execute(
        """select file_name, sha256, status, pelapor, periode, teks, berkas_pdf, penerima, dikirim_pada, catatan
           from audit.tanda_terima"""
    ).fetchall()
    keys = (
        "file_name",
        "sha256",
        "status",
        "pelapor",
        "periode",
        "teks",
        "berkas_pdf",
        "penerima",
        "dikirim",
        "catatan",
    )
    return {row[0]: dict(zip(keys, row, strict=True)) for row in rows}


def _pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(BytesIO(data)).pages)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _persen(terlindungi: int, sasaran: int) -> str:
    p = (Decimal(100) * terlindungi / sasaran).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{p}".replace(".", ",") + " %"


def _attachments(message) -> dict[str, bytes]:
    return {
        part.get_filename(): part.get_payload(decode=True)
        for part in message.walk()
        if part.get_content_disposition() == "attachment"
    }


def _body(message) -> str:
    return "".join(
        part.get_payload(decode=True).decode() for part in message.walk() if part.get_content_type() == "text/html"
    )


def _by_recipient(messages) -> dict[str, list]:
    out: dict[str, list] = {}
    for recipients, message in messages:
        assert len(recipients) == 1, "every recipient gets a mail of their own"
        out.setdefault(recipients[0], []).append(message)
    return out


# --- what a receipt says ----------------------------------------------------------------------------------


def test_an_accepted_file_says_what_was_read_and_its_figures_per_segment(conn, submission, tmp_path):
    arrival = datetime(2026, 11, 20, 9, 5, tzinfo=WIB)
    path = _arrive(
        submission(
            tmp_path / "inbox" / "81.71_2022-10.xlsx",
            pelapor="81.71",
            periode="2022-10",
            kepesertaan=[
                ("81.71", "pekerja_rentan", 70_000, 40_000, 672_000_000, "bapak_asuh"),
                ("81.71", "non_asn", None, 2_850, None, "apbd"),
            ],
            klaim=[("JKM", "perangkat_desa", 2, 84_000_000)],
            nama_instansi="Dinas Tenaga Kerja Kota Ambon",
        ),
        arrival,
    )

    summary, written = _intake(conn, tmp_path / "inbox")

    assert summary.loaded == ["81.71_2022-10.xlsx"] and written == 1
    [r] = _receipts(conn).values()
    assert (r["status"], r["pelapor"], r["periode"], r["sha256"]) == ("diterima", "81.71", "2022-10", _sha(path))
    teks = r["teks"]
    for expected in (
        "Kepada: Pemerintah Kota Ambon (81.71)",
        "DITERIMA",
        "Berkas: 81.71_2022-10.xlsx",
        "Waktu tiba: 20 November 2026 pukul 09.05 WIB",
        f"SHA-256: {_sha(path)}",
        "Periode laporan: Oktober 2022 (2022-10)",
        "nama_instansi Dinas Tenaga Kerja Kota Ambon",
        "lembar kepesertaan: 2 baris isian",
        "lembar kepatuhan: 1 baris isian",
        "lembar klaim: 1 baris isian",
        "pekerja_rentan: 1 baris; sasaran 70.000; terlindungi 40.000; iuran Rp 672 juta",
        "non_asn: 1 baris; sasaran tidak diisi; terlindungi 2.850",
        "JKM: 2 kasus, Rp 84 juta",
        "laporan pertama yang diterima untuk Oktober 2022; bukan revisi",
        # A fresh warehouse: no marts yet.
        "Belum ada angka di gudang data untuk Kota Ambon, Oktober 2022",
        f"pekerja_rentan: belum ada angka menjadi {_persen(40_000, 70_000)} (40.000 terlindungi dari sasaran 70.000)",
        "non_asn: belum ada angka menjadi terlindungi 2.850, sasaran tidak diketahui",
        "sementara sampai gudang data diperbarui malam ini",
    ):
        assert expected in teks, expected
    # The text and the PDF beside it, in the folder of the day it arrived.
    pdf = Path(ObjectStoragePath(r["berkas_pdf"]).path)
    assert pdf.parent == _store() / "2026-11-20"
    assert pdf.name == f"81.71_2022-10.xlsx.{_sha(path)[:12]}.tanda-terima.pdf"
    assert pdf.with_suffix(".txt").read_text(encoding="utf-8") == teks
    shown = " ".join(_pdf_text(pdf.read_bytes()).split())
    for expected in ("DITERIMA", "Pemerintah Kota Ambon", _sha(path), "sasaran 70.000", _persen(40_000, 70_000)):
        assert expected in shown, expected


def test_a_rejected_file_names_each_cell_what_it_should_hold_and_the_sheets_columns(conn, submission, tmp_path):
    submission(
        tmp_path / "inbox" / "72.71_2022-10.xlsx",
        pelapor="72.71",
        periode="2022-10",
        kepesertaan=[
            ("72.71", "pekerja_rentan", 70_000, "48,55", None, None),
            ("72.71", "petani", 10, 5, None, None),
        ],
    )

    summary, written = _intake(conn, tmp_path / "inbox")

    [reasons] = summary.rejected.values()
    assert written == 1 and len(reasons) == 2
    [r] = _receipts(conn).values()
    assert (r["status"], r["pelapor"], r["periode"]) == ("ditolak", "72.71", "2022-10")
    teks = r["teks"]
    assert "Kepada: Pemerintah Kota Palu (72.71)" in teks and "DITOLAK" in teks
    assert "Alasan penolakan (2)" in teks
    isi = {c.name: c.isi for c in contract.KEPESERTAAN}
    for reason, kolom in zip(reasons, ("terlindungi", "segmen"), strict=True):
        assert f"- {reason}\n  Isi yang diharapkan: {isi[kolom]}\n" in teks
    assert "lembar kepesertaan, baris 2, kolom terlindungi" in teks
    assert "lembar kepesertaan, baris 3, kolom segmen" in teks
    # The template's columns of the sheet the reasons name, and only of that sheet.
    assert "Templat: lembar kepesertaan" in teks
    for column in contract.KEPESERTAAN:
        assert f"- {column.name}{' (wajib)' if column.required else ''}\n  {column.isi}\n" in teks
    assert "Templat: lembar klaim" not in teks and "Templat: lembar identitas" not in teks
    shown = " ".join(_pdf_text(Path(ObjectStoragePath(r["berkas_pdf"]).path).read_bytes()).split())
    assert "DITOLAK" in shown and "kolom terlindungi" in shown and "Templat: lembar kepesertaan" in shown


def test_a_file_nobody_can_read_is_answered_with_the_whole_template(conn, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "laporan bulan ini.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")

    _, written = _intake(conn, inbox)

    [r] = _receipts(conn).values()
    assert written == 1 and r["status"] == "ditolak" and r["pelapor"] is None
    assert "Kepada: pengirim berkas laporan bulan ini.xlsx (kode pelapor tidak dapat dibaca dari berkas)" in r["teks"]
    for sheet in ("identitas", "kepesertaan", "kepatuhan", "klaim"):
        assert f"Templat: lembar {sheet}" in r["teks"]
    for key in contract.IDENTITAS_KEYS:
        assert f"- {key}" in r["teks"]


def test_a_rejection_whose_run_died_before_its_receipt_is_answered_by_the_next_run(conn, submission, tmp_path):
    inbox = tmp_path / "inbox"
    _arrive(
        submission(
            inbox / "72.71_2022-10.xlsx",
            pelapor="72.71",
            periode="2022-10",
            kepesertaan=[("72.71", "petani", 10, 5, None, None)],
        ),
        datetime(2026, 11, 20, 7, 45, tzinfo=WIB),
    )
    # Judged and recorded, then the run died before the quarantine's reasons file and the receipt.
    load_deliveries(conn, find_deliveries(ObjectStoragePath(inbox.as_uri()), LAPORAN), TODAY)
    for reasons in Path(os.environ["INPRES_KARANTINA"]).glob("*.alasan.txt"):
        reasons.unlink()

    summary, written = _intake(conn, inbox)

    assert [j.outcome for j in summary.judged] == ["rejected"] and written == 1
    [r] = _receipts(conn).values()
    assert (r["pelapor"], r["periode"]) == ("72.71", "2022-10")
    assert "Kepada: Pemerintah Kota Palu (72.71)" in r["teks"]
    assert "Waktu tiba: 20 November 2026 pukul 07.45 WIB" in r["teks"]
    assert Path(ObjectStoragePath(r["berkas_pdf"]).path).parent == _store() / "2026-11-20"


def test_a_file_loaded_by_a_run_that_died_before_its_receipt_is_answered_by_the_next_run(conn, submission, tmp_path):
    inbox = tmp_path / "inbox"
    submission(
        inbox / "72.71_2022-10.xlsx",
        pelapor="72.71",
        periode="2022-10",
        kepesertaan=[("72.71", "pekerja_rentan", 10_000, 4_000, None, None)],
    )
    load_deliveries(conn, find_deliveries(ObjectStoragePath(inbox.as_uri()), LAPORAN), TODAY)

    summary, written = _intake(conn, inbox)

    assert summary.unchanged == ["72.71_2022-10.xlsx"] and written == 1
    [r] = _receipts(conn).values()
    assert (r["status"], r["pelapor"], r["periode"]) == ("diterima", "72.71", "2022-10")
    # Answered once: the run after that has nothing to say.
    assert _intake(conn, inbox)[1] == 0
    # A file loaded before receipts existed (over a day ago) is not answered out of the blue.
    conn.execute("delete from audit.tanda_terima")
    conn.execute("update raw.submission set loaded_at = now() - interval '2 days'")
    conn.commit()
    assert _intake(conn, inbox)[1] == 0


def test_a_bpjs_extract_gets_no_receipt(conn, tmp_path):
    inbox = tmp_path / "bpjs"
    inbox.mkdir()
    (inbox / "bpjs_2022-10.csv").write_text(
        "kode_wilayah,periode,segmen,peserta_aktif,peserta_baru,iuran_diterima_rp\n"
        "81.71,2022-10,pekerja_rentan,39000,100,600000000\n",
        encoding="utf-8",
    )

    summary, written = _intake(conn, inbox, BPJS)

    assert summary.loaded == ["bpjs_2022-10.csv"] and written == 0 and _receipts(conn) == {}


def _build_marts(url: str, tmp_path: Path) -> None:
    """The coverage mart as a night builds it, from what is loaded (dbt's own target folder left alone)."""
    with dbt_env(url):
        run_dbt(
            "build",
            "--select",
            "+fct_cakupan_wilayah",
            "--exclude-resource-type",
            "test",
            "--exclude-resource-type",
            "unit_test",
            target=tmp_path / "dbt-target",
        )


def test_a_revision_names_what_it_replaces_and_what_it_changes_against_the_marts(conn, warehouse, submission, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    monday = datetime(2026, 11, 16, 10, 0, tzinfo=WIB)
    ambon_v1 = _arrive(
        submission(
            first / "81.71_2022-10.xlsx",
            pelapor="81.71",
            periode="2022-10",
            kepesertaan=[
                ("81.71", "pekerja_rentan", 70_000, 40_000, None, None),
                ("81.71", "non_asn", 1_000, 800, None, None),
            ],
        ),
        monday,
    )
    # Maluku reports its own staff, and Kota Ambon's on its behalf: Ambon's own figure wins for the province.
    _arrive(
        submission(
            first / "81_2022-10.xlsx",
            pelapor="81",
            periode="2022-10",
            kepesertaan=[("81", "non_asn", 500, 400, None, None), ("81.71", "non_asn", 2_000, 1_000, None, None)],
        ),
        monday,
    )
    _intake(conn, first)
    _build_marts(warehouse, tmp_path)
    thursday = datetime(2026, 11, 19, 14, 30, tzinfo=WIB)
    _arrive(
        submission(
            second / "81.71_2022-10 revisi.xlsx",
            pelapor="81.71",
            periode="2022-10",
            kepesertaan=[("81.71", "pekerja_rentan", 70_000, 45_000, None, None)],
        ),
        thursday,
    )
    _arrive(
        submission(
            second / "81_2022-10 revisi.xlsx",
            pelapor="81",
            periode="2022-10",
            kepesertaan=[("81", "non_asn", 500, 450, None, None), ("81.71", "non_asn", 2_000, 1_500, None, None)],
        ),
        thursday,
    )

    _, written = _intake(conn, second)

    assert written == 2
    receipts = _receipts(conn)
    ambon = receipts["81.71_2022-10 revisi.xlsx"]["teks"]
    assert (
        "Berkas ini adalah revisi (versi ke-2) laporan Oktober 2022: menggantikan seluruhnya berkas "
        f"81.71_2022-10.xlsx yang diterima 16 November 2026 pukul 10.00 WIB (SHA-256 {_sha(ambon_v1)})."
    ) in ambon
    assert "Dampak pada angka Kota Ambon, Oktober 2022 (sementara)" in ambon
    assert (
        f"pekerja_rentan: {_persen(40_000, 70_000)} (40.000 terlindungi dari sasaran 70.000) menjadi "
        f"{_persen(45_000, 70_000)} (45.000 terlindungi dari sasaran 70.000)"
    ) in ambon
    # The revision leaves non_asn out: Kota Ambon's figure for it goes with the version it replaces.
    assert f"non_asn: {_persen(800, 1_000)} (800 terlindungi dari sasaran 1.000) menjadi tidak dilaporkan" in ambon

    maluku = receipts["81_2022-10 revisi.xlsx"]["teks"]
    assert "Dampak pada angka Provinsi Maluku (seluruh provinsi), Oktober 2022 (sementara)" in maluku
    # Province-wide non_asn in the marts: Maluku's own 400 of 500 and Ambon's own 800 of 1.000 (not Maluku's
    # row for Ambon). With this file Maluku's own part becomes 450 of 500.
    assert (
        f"non_asn: {_persen(1_200, 1_500)} (1.200 terlindungi dari sasaran 1.500) menjadi "
        f"{_persen(1_250, 1_500)} (1.250 terlindungi dari sasaran 1.500)"
    ) in maluku
    assert (
        f"pekerja_rentan: {_persen(40_000, 70_000)} (40.000 terlindungi dari sasaran 70.000), tidak berubah" in maluku
    )


def test_an_older_file_arriving_late_says_it_changes_nothing(conn, submission, tmp_path):
    inbox = tmp_path / "inbox"
    _arrive(
        submission(
            inbox / "81.71_2022-10 baru.xlsx",
            pelapor="81.71",
            periode="2022-10",
            kepesertaan=[("81.71", "pekerja_rentan", 70_000, 45_000, None, None)],
        ),
        datetime(2026, 11, 19, 8, 0, tzinfo=WIB),
    )
    _intake(conn, inbox)
    late = tmp_path / "late"
    _arrive(
        submission(
            late / "81.71_2022-10 lama.xlsx",
            pelapor="81.71",
            periode="2022-10",
            kepesertaan=[("81.71", "pekerja_rentan", 70_000, 40_000, None, None)],
        ),
        datetime(2026, 11, 18, 8, 0, tzinfo=WIB),
    )

    _intake(conn, late)

    teks = _receipts(conn)["81.71_2022-10 lama.xlsx"]["teks"]
    assert "berkas ini tidak mengubah angka" in teks and "81.71_2022-10 baru.xlsx (19 November 2026" in teks


# --- who gets it, once -------------------------------------------------------------------------------------


def _two_files(submission, inbox: Path) -> None:
    submission(
        inbox / "81.71_2022-10.xlsx",
        pelapor="81.71",
        periode="2022-10",
        kepesertaan=[("81.71", "pekerja_rentan", 70_000, 40_000, None, None)],
    )
    submission(
        inbox / "72.71_2022-10.xlsx",
        pelapor="72.71",
        periode="2022-10",
        kepesertaan=[("72.71", "petani", 10, 5, None, None)],
    )


def test_each_receipt_goes_to_its_pelapors_addresses_once_per_file_hash(
    conn, warehouse, submission, tmp_path, smtp_server, alamat, caplog
):
    inbox = tmp_path / "inbox"
    _two_files(submission, inbox)
    _intake(conn, inbox)
    caplog.set_level(logging.INFO)

    # Sent by another task than the one that wrote them: a connection of its own, not in autocommit.
    with psycopg.connect(warehouse) as sender:
        assert send_receipts(sender) == 2

    mails = _by_recipient(smtp_server.messages)
    assert sorted(mails) == sorted(a.lower() for a in AMBON + PALU)
    receipts = _receipts(conn)
    for addresses, name, status in ((AMBON, "81.71_2022-10.xlsx", "diterima"), (PALU, "72.71_2022-10.xlsx", "ditolak")):
        r = receipts[name]
        pdf = Path(ObjectStoragePath(r["berkas_pdf"]).path)
        for address in addresses:
            [message] = mails[address.lower()]
            assert message["Subject"] == f"[Inpres 2/2021] Tanda terima: {name} {status}"
            assert message["X-Inpres-SHA256"] == r["sha256"]
            assert _attachments(message) == {pdf.name: pdf.read_bytes()}
            assert r["sha256"] in _body(message) and status.upper() in _body(message)
        assert sorted(r["penerima"]) == sorted(a.lower() for a in addresses) and r["dikirim"] is not None
    # Addresses never reach the log (the stand-in server's own log, mail.log, is not ours).
    assert "@" not in "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail."))

    # Sent already: nothing again. The same bytes sent again, under another name: no second receipt.
    assert send_receipts(conn) == 0
    again = tmp_path / "again"
    again.mkdir()
    (again / "81.71_2022-10 kirim ulang.xlsx").write_bytes((inbox / "81.71_2022-10.xlsx").read_bytes())
    summary, written = _intake(conn, again)
    assert summary.unchanged == ["81.71_2022-10 kirim ulang.xlsx"] and written == 0
    assert send_receipts(conn) == 0
    assert len(smtp_server.messages) == 3 and len(_receipts(conn)) == 2


def test_a_pelapor_without_an_address_is_answered_through_the_desk(conn, submission, tmp_path, smtp_server, alamat):
    inbox = tmp_path / "inbox"
    submission(
        inbox / "72.03_2022-10.xlsx",
        pelapor="72.03",
        periode="2022-10",
        kepesertaan=[("72.03", "pekerja_rentan", 1_000, 500, None, None)],
    )
    (inbox / "tanpa nama.xlsx").write_bytes(b"not a workbook")
    _intake(conn, inbox)

    assert send_receipts(conn) == 2

    [(to_donggala, donggala), (to_unknown, unknown)] = sorted(
        smtp_server.messages, key=lambda m: m[1]["Subject"].endswith("ditolak")
    )
    assert to_donggala == to_unknown == [MEJA]
    assert donggala["Subject"] == "[Meja] [Inpres 2/2021] Tanda terima: 72.03_2022-10.xlsx diterima"
    assert "belum ada alamat surel untuk pelapor 72.03" in _body(donggala)
    assert "Kepada: Pemerintah Kabupaten Donggala (72.03)" in _body(donggala)
    assert unknown["Subject"] == "[Meja] [Inpres 2/2021] Tanda terima: tanpa nama.xlsx ditolak"
    assert "kode pelapor tidak dapat dibaca dari berkas" in _body(unknown)
    assert all(r["penerima"] == [MEJA] for r in _receipts(conn).values())


def test_without_any_address_the_receipts_wait_and_nothing_fails(conn, submission, tmp_path, smtp_server, caplog):
    inbox = tmp_path / "inbox"
    _two_files(submission, inbox)
    _intake(conn, inbox)
    caplog.set_level(logging.WARNING)

    assert send_receipts(conn) == 0

    assert smtp_server.messages == []
    assert "2 receipt(s) not mailed" in caplog.text
    assert all(r["dikirim"] is None and r["catatan"].startswith("tidak ada alamat") for r in _receipts(conn).values())


def test_a_mail_server_that_does_not_answer_fails_the_task_and_the_receipts_wait(
    conn, submission, tmp_path, alamat, monkeypatch
):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", f"smtp://127.0.0.1:{closed}?disable_tls=true&retry_limit=0")
    inbox = tmp_path / "inbox"
    _two_files(submission, inbox)
    _intake(conn, inbox)

    # Raised, so that Airflow tries the task again and on-call hears of it when it keeps failing.
    with pytest.raises(OSError):
        send_receipts(conn)
    assert all(r["dikirim"] is None for r in _receipts(conn).values())


def test_a_refused_address_is_tried_again_alone(conn, submission, tmp_path, smtp_server, alamat):
    inbox = tmp_path / "inbox"
    _two_files(submission, inbox)
    _intake(conn, inbox)
    smtp_server.refuse = {AMBON[1]}

    assert send_receipts(conn) == 1

    ambon = _receipts(conn)["81.71_2022-10.xlsx"]
    assert ambon["dikirim"] is None and ambon["penerima"] == [AMBON[0].lower()]
    assert "surel ditolak (SMTPRecipientsRefused)" in ambon["catatan"]
    smtp_server.refuse = set()

    assert send_receipts(conn) == 1

    mails = _by_recipient(smtp_server.messages)
    assert {a: len(m) for a, m in mails.items()} == {a.lower(): 1 for a in AMBON + PALU}
    ambon = _receipts(conn)["81.71_2022-10.xlsx"]
    assert ambon["dikirim"] is not None and ambon["catatan"] is None


def test_a_receipt_whose_pdf_cannot_be_made_is_recorded_and_mailed_as_text(
    conn, submission, tmp_path, smtp_server, alamat, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("typst: font not found")

    monkeypatch.setattr(receipt_module, "compile_pdf", broken)
    inbox = tmp_path / "inbox"
    _two_files(submission, inbox)

    _, written = _intake(conn, inbox)

    assert written == 2
    assert all(
        r["berkas_pdf"] is None and r["catatan"] == "berkas tanda terima tidak dapat ditulis (RuntimeError)"
        for r in _receipts(conn).values()
    )
    assert send_receipts(conn) == 2
    assert all(_attachments(m) == {} and "Tanda terima" in _body(m) for _, m in smtp_server.messages)


# --- personal data -----------------------------------------------------------------------------------------


def test_no_nik_in_any_receipt_text_pdf_or_mail(conn, submission, tmp_path, smtp_server, alamat):
    inbox = tmp_path / "inbox"
    # Accepted: the NIK in the file's name and in the institution's name.
    submission(
        inbox / f"NIK {NIK} 81.71_2022-10.xlsx",
        pelapor="81.71",
        periode="2022-10",
        kepesertaan=[("81.71", "pekerja_rentan", 70_000, 40_000, None, None)],
        nama_instansi=f"Disnaker, operator NIK {NIK}",
    )
    # Rejected: the NIK in the name and in cells of every kind, as Excel keeps it and as people type it.
    submission(
        inbox / f"{NIK}_2022-10.xlsx",
        pelapor="72.71",
        periode="2022-10",
        kepesertaan=[
            ("72.71", "pekerja_rentan", 70_000, int(NIK), None, None),
            ("72.71", f"NIK {NIK} a.n. Budi", 10, 5, float(NIK), None),
            ("3171 2345 6789 0123", "non_asn", 10, 5, None, f"'{NIK}"),
        ],
        klaim=[("JKM", "non_asn", "3.171234567890123e+15", f"{NIK}.0")],
    )

    _, written = _intake(conn, inbox)
    assert written == 2 and send_receipts(conn) == 2

    receipts = _receipts(conn)
    seen = {}
    for name, r in receipts.items():
        pdf = Path(ObjectStoragePath(r["berkas_pdf"]).path)
        seen[f"audit {name}"] = " ".join(str(v) for v in r.values())
        seen[f"txt {name}"] = pdf.with_suffix(".txt").read_text(encoding="utf-8")
        seen[f"pdf {name}"] = _pdf_text(pdf.read_bytes())
    seen["store names"] = " ".join(p.name for p in _store().rglob("*"))
    for i, (_, message) in enumerate(smtp_server.messages):
        attachments = _attachments(message)
        raw = message.as_string()
        for part in message.walk():
            # The MIME boundary is a random number of up to 19 digits, the mail library's, no one's NIK.
            raw = raw.replace(part.get_boundary() or "\0", " ")
        seen[f"mail {i}"] = raw
        seen[f"mail {i} body"] = _body(message)
        seen[f"mail {i} attachments"] = " ".join([*attachments, *(_pdf_text(data) for data in attachments.values())])
    assert {where: CLEAR.findall(HEX_DIGEST.sub(" ", text)) for where, text in seen.items()} == {w: [] for w in seen}
    # ... and yet the NIK was there, masked, where an officer would look for it.
    assert all(MASKED in seen[f"txt {name}"] for name in receipts)
    assert MASKED in seen["store names"] and all(MASKED in _body(m) for _, m in smtp_server.messages)
