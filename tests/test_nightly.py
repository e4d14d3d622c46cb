"""The nightly job end to end, through Airflow, against a real PostgreSQL, dbt and GX."""

from __future__ import annotations

import csv
from pathlib import Path

import psycopg
from pypdf import PdfReader

from inpres.generate.national import MANIFEST, Manifest


def _csv(run, name: str) -> dict[tuple[str, str], dict]:
    with open(run.report.parent / "data" / name, newline="", encoding="utf-8") as f:
        return {(row["kode_wilayah"], row["segmen"]): row for row in csv.DictReader(f)}


def test_sample_inbox_becomes_the_national_report(run_nightly, warehouse, sample_inbox):
    run = run_nightly(sample_inbox)
    assert run.returncode == 0, run.stderr + run.log[-3000:]

    pdf = run.report
    assert pdf.name == "laporan_nasional_2022-10.pdf" and pdf.is_relative_to(run.output / "2022-10")
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Oktober 2022" in text and "978.084" in text and "48,55 %" in text

    coverage = _csv(run, "cakupan_wilayah.csv")
    ambon = coverage[("81.71", "pekerja_rentan")]
    assert (ambon["periode"], ambon["sasaran"], ambon["terlindungi"]) == ("2022-10", "70000", "40000")
    # Province-wide Sulawesi Tengah: the province's own rows plus every kab/kota, each counted once,
    # Palu's own report (7.000) winning over the province's figure for Palu (6.500).
    assert coverage[("72", "pekerja_rentan")]["sasaran"] == "978084"
    assert coverage[("72", "pekerja_rentan")]["terlindungi"] == "474860"
    assert coverage[("72.71", "pekerja_rentan")]["terlindungi"] == "7000"
    assert coverage[("72.06", "pekerja_rentan")]["terlindungi"] == "28000"
    # Every kab/kota in the data, every province with data, and the nation, per segment.
    provinces = {k for k, _ in coverage if "." not in k and k != "00"}
    assert provinces == {"72", "81"}
    national = coverage[("00", "pekerja_rentan")]
    regions = [r for (k, s), r in coverage.items() if s == "pekerja_rentan" and k in provinces]
    assert int(national["terlindungi"]) == sum(int(r["terlindungi"]) for r in regions)

    # dbt's own tests ran as tasks of the build, and passed.
    assert "dbt_build.fct_cakupan_wilayah.test" in run.log
    deliveries = {e.delivery for e in Manifest.load(sample_inbox / MANIFEST).files if e.kind != "bpjs"}
    with psycopg.connect(warehouse) as conn:
        loaded = {row[0] for row in conn.execute("select file_name from raw.submission")}
        before = conn.execute("select count(*), sum(terlindungi) from raw.kepesertaan").fetchone()
    assert loaded == deliveries

    # A second night on the same inbox changes nothing, in the warehouse or in the figures.
    again = run_nightly(sample_inbox)
    assert again.returncode == 0, again.stderr
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select count(*), sum(terlindungi) from raw.kepesertaan").fetchone() == before
    assert _csv(again, "cakupan_wilayah.csv") == coverage


def test_a_gate_failure_stops_the_run_before_the_report(run_nightly, warehouse, tmp_path):
    """Intake already refuses such a file; the gate is the second line, for rows that reach raw another
    way (a loader bug, a hand-made fix in the database). Such a row is put there directly."""
    with psycopg.connect(warehouse) as conn:
        conn.execute("""insert into raw.submission (submission_id, file_name, sha256, format, pelapor, periode,
                                                    received_at)
                        values (1, '81.71_2022-10.xlsx', 'x', 'xlsx', '81.71', '2022-10', now())""")
        conn.execute("""insert into raw.kepesertaan (submission_id, baris, kode_wilayah, segmen, sasaran, terlindungi)
                        values (1, 2, '81.71', 'pekerja_rentan', 40000, 70000)""")
    inbox = tmp_path / "inbox"
    inbox.mkdir()

    run = run_nightly(inbox)

    assert run.returncode == 1
    assert not list(run.output.rglob("*.pdf")) and not list(run.output.rglob("*.csv"))
    [failure] = [line for line in run.stderr.splitlines() if line.startswith("FAILED ")]
    assert failure.startswith("FAILED quality_gate_raw: gate raw_kepesertaan failed")
    assert "expect_column_pair_values_a_to_be_greater_than_b [terlindungi ≤ sasaran]" in failure
    assert "submission_id=1, baris=2, sasaran=40000, terlindungi=70000" in failure
    # The task log itself names the failed expectation, as the on-call engineer sees it in Airflow.
    assert "gate raw_kepesertaan: expect_column_pair_values_a_to_be_greater_than_b" in run.log
    assert "dbt_build" not in failure


def test_a_rejected_file_and_a_warning_let_the_report_go_out_and_both_are_in_its_annex(
        run_nightly, warehouse, tmp_path, submission):
    inbox = tmp_path / "inbox"
    submission(inbox / "81.71_2022-10.xlsx", pelapor="81.71", periode="2022-10",
               kepesertaan=[("81.71", "pekerja_rentan", 70_000, 40_000, None, None)])
    submission(inbox / "72.71_2022-10.xlsx", pelapor="72.71", periode="2022-10",
               kepesertaan=[("72.71", "pekerja_rentan", "26.000", "48,55", None, None)])
    # Unknown sasaran: a warning (coverage cannot be computed), not a reason to stop the report.
    submission(inbox / "72.06_2022-10.xlsx", pelapor="72.06", periode="2022-10",
               kepesertaan=[("72.06", "pekerja_rentan", None, 28_000, None, None)])

    run = run_nightly(inbox)

    assert run.returncode == 0, run.stderr
    assert ("Rejected: 72.71_2022-10.xlsx ditolak: lembar kepesertaan, baris 2, kolom terlindungi: "
            "'48,55' bukan bilangan bulat") in run.stdout
    coverage = _csv(run, "cakupan_wilayah.csv")
    assert ("81.71", "pekerja_rentan") in coverage and ("72.71", "pekerja_rentan") not in coverage
    assert coverage[("72.06", "pekerja_rentan")]["terlindungi"] == "28000"
    data = run.report.parent / "data"
    with open(data / "penolakan.csv", newline="", encoding="utf-8") as f:
        assert list(csv.DictReader(f)) == [{
            "file_name": "72.71_2022-10.xlsx", "pelapor": "72.71", "periode": "2022-10",
            "alasan": "lembar kepesertaan, baris 2, kolom terlindungi: '48,55' bukan bilangan bulat"}]
    assert (inbox / "karantina" / "72.71_2022-10.xlsx.alasan.txt").exists()
    assert not (inbox / "72.71_2022-10.xlsx").exists()

    with open(data / "peringatan_mutu.csv", newline="", encoding="utf-8") as f:
        [warning] = list(csv.DictReader(f))
    assert warning["aturan"] == "sasaran diisi (tanpa sasaran, cakupan tidak dapat dihitung)"
    assert warning["jumlah_baris"] == "1" and "sasaran=None" in warning["contoh"]
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(run.report).pages).split())
    assert "Lampiran: berkas yang ditolak" in text and "'48,55' bukan bilangan bulat" in text
    assert "Lampiran: peringatan mutu data" in text and "sasaran diisi" in text
    assert "WARNING gate raw_kepesertaan: expect_column_values_to_not_be_null" in run.log
    assert (run.report.parent / "data_docs" / "raw_kepesertaan" / "index.html").exists()
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select severity, success from audit.validation_result "
                            "where aturan like 'sasaran diisi%%'").fetchall() == [("warning", False)]
