"""The intake DAG through Airflow (`airflow dags test inpres_intake`): every new file judged once, loaded or
rejected whole, and answered with a receipt mailed to its sender; the ministry's intake status written."""

from __future__ import annotations

import csv
import shutil
import uuid

import psycopg
from airflow.sdk import ObjectStoragePath

from inpres import settings, wilayah
from inpres.ingest.inbox import LAPORAN, find_deliveries, load_deliveries
from inpres.transform import run_dbt
from inpres.warehouse import dbt_env

PALU, AMBON, MEJA = "disnaker@palukota.example", "disnaker@ambon.example", "meja@kemenkopmk.example"


def _inbox(tmp_path, submission):
    inbox = tmp_path / "inbox"
    submission(
        inbox / "72.71_2022-10.xlsx",
        pelapor="72.71",
        periode="2022-10",
        kepesertaan=[("72.71", "pekerja_rentan", 10_000, 4_000, None, None)],
    )
    # More protected than targeted: rejected whole, with the row and column to fix.
    submission(
        inbox / "81.71_2022-10.xlsx",
        pelapor="81.71",
        periode="2022-10",
        kepesertaan=[("81.71", "pekerja_rentan", 5_000, 6_000, None, None)],
    )
    # A pelapor code nobody has: the receipt goes to the ministry's desk.
    submission(
        inbox / "laporan_oktober.xlsx",
        pelapor="99.99",
        periode="2022-10",
        kepesertaan=[("99.99", "pekerja_rentan", 1_000, 500, None, None)],
    )
    return inbox


def _addresses(tmp_path):
    path = tmp_path / "alamat_pelapor.csv"
    path.write_text(f"kode_pelapor,email\n72.71,{PALU}\n81.71,{AMBON}\n", encoding="utf-8")
    return {"INPRES_ALAMAT_PELAPOR": str(path), "INPRES_ALAMAT_MEJA": MEJA}


def test_each_new_file_is_judged_once_and_answered_to_its_sender(
    run_intake, submission, smtp_server, warehouse, tmp_path
):
    inbox = _inbox(tmp_path, submission)
    run = run_intake(inbox, **_addresses(tmp_path))
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    mails = {tuple(to): message for to, message in smtp_server.messages}
    assert set(mails) == {(PALU,), (AMBON,), (MEJA,)}
    assert "72.71_2022-10.xlsx diterima" in mails[(PALU,)]["Subject"]
    assert "81.71_2022-10.xlsx ditolak" in mails[(AMBON,)]["Subject"]
    assert mails[(MEJA,)]["Subject"].startswith("[Meja]")
    for message in mails.values():
        [pdf] = [p for p in message.walk() if p.get_filename()]
        assert pdf.get_filename().endswith(".pdf") and pdf.get_payload(decode=True).startswith(b"%PDF")
    body = next(p for p in mails[(AMBON,)].walk() if p.get_content_maintype() == "text").get_payload(decode=True)
    assert "lembar kepesertaan, baris 2" in body.decode()

    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select pelapor from raw.submission").fetchall() == [("72.71",)]
        receipts = conn.execute(
            "select file_name, status, penerima, dikirim_pada is not null from audit.tanda_terima order by file_name"
        ).fetchall()
    assert receipts == [
        ("72.71_2022-10.xlsx", "diterima", [PALU], True),
        ("81.71_2022-10.xlsx", "ditolak", [AMBON], True),
        ("laporan_oktober.xlsx", "ditolak", [MEJA], True),
    ]

    # The ministry's view: every pelapor of the month, whether it has sent, was rejected, or is still awaited.
    with open(run.output / "penerimaan" / "penerimaan_2022-10.csv", newline="", encoding="utf-8") as f:
        status = {row["kode_pelapor"]: row for row in csv.DictReader(f)}
    assert len(status) == len(wilayah.nama()) == 552
    assert status["72.71"]["status"] == "sudah mengirim" and status["72.71"]["berkas_diterima"] == "72.71_2022-10.xlsx"
    assert status["81.71"]["status"] == "ditolak, belum mengirim ulang"
    assert "terlindungi" in status["81.71"]["alasan_penolakan"]
    assert status["72.06"]["status"] == "belum mengirim"

    # The next intake: the same files, and one sent again under another name: nothing judged, nothing mailed.
    shutil.copy(inbox / "72.71_2022-10.xlsx", inbox / "72.71_2022-10 (1).xlsx")
    again = run_intake(inbox, **_addresses(tmp_path))
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert len(smtp_server.messages) == 3
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select count(*) from raw.submission").fetchone() == (1,)
        assert conn.execute("select count(*) from audit.tanda_terima").fetchone() == (3,)


def _build(url: str, tmp_path) -> None:
    """The dbt project as the night's build runs it (its tests left to the night), dbt's own target left alone."""
    with dbt_env(url):
        run_dbt("build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test", target=tmp_path)


def _marts(url: str) -> dict[str, list[tuple]]:
    """What the reports read, without the columns that say when a row was built."""
    with psycopg.connect(url) as conn:
        return {
            table: conn.execute(f"select * from marts.{table} order by 1, 2, 3").fetchall()
            for table in ("fct_cakupan_wilayah", "fct_laporan_pelapor", "fct_kelengkapan_laporan")
        }


def test_a_night_after_intake_builds_the_same_marts_and_reports_a_mistyped_month(
    run_intake, run_nightly, pg_server, warehouse, submission, tmp_path
):
    from pypdf import PdfReader

    from inpres.warehouse import create_database, ensure_schemas

    inbox = tmp_path / "inbox"
    for pelapor, sasaran, terlindungi in (("72.71", 10_000, 4_000), ("72.06", 20_000, 15_000)):
        submission(
            inbox / f"{pelapor}_2022-10.xlsx",
            pelapor=pelapor,
            periode="2022-10",
            kepesertaan=[(pelapor, "pekerja_rentan", sasaran, terlindungi, None, None)],
        )
    # A year typed wrong: rejected (a month not yet come), and filed under 2202-10, which no report is about.
    submission(
        inbox / "72.08_2202-10.xlsx",
        pelapor="72.08",
        periode="2202-10",
        kepesertaan=[("72.08", "pekerja_rentan", 5_000, 1_000, None, None)],
    )

    assert run_intake(inbox).returncode == 0
    night = run_nightly(inbox)
    assert night.returncode == 0, night.stderr + night.log[-3000:]
    assert "loaded 0, unchanged 3, rejected 0" in night.stdout

    name = f"alone_{uuid.uuid4().hex[:12]}"
    create_database(pg_server, name)
    alone = f"{pg_server}/{name}"
    ensure_schemas(alone)
    # The same files loaded and built without any intake run before: the marts are the same.
    with psycopg.connect(alone) as conn:
        summary = load_deliveries(conn, find_deliveries(ObjectStoragePath(inbox.as_uri()), LAPORAN), settings.today())
    assert (len(summary.loaded), len(summary.rejected)) == (2, 1)
    _build(alone, tmp_path)
    built = _marts(warehouse)
    assert all(built.values()) and built == _marts(alone)

    # Tonight's report names the mistyped file: the national annex, penolakan.csv and the province's PDF.
    with open(night.report.parent / "data" / "penolakan.csv", newline="", encoding="utf-8") as f:
        [rejected] = list(csv.DictReader(f))
    assert (rejected["file_name"], rejected["periode"]) == ("72.08_2202-10.xlsx", "2202-10")
    assert rejected["received_at"] and rejected["rejected_at"]
    national = " ".join(page.extract_text() for page in PdfReader(night.report).pages)
    assert "72.08_2202-10.xlsx" in national
    [province] = night.report.parent.glob("provinsi/*_72_2022-10.pdf")
    assert "72.08_2202-10.xlsx" in " ".join(page.extract_text() for page in PdfReader(province).pages)
