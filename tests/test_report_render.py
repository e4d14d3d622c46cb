"""Report rendering: real Typst and matplotlib runs into a file:// ObjectStoragePath."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pypdf
import pytest
from airflow.sdk import ObjectStoragePath

from inpres.reports import CoverageRow, RejectionRow, write_national_report
from inpres.reports.formatting import (
    format_angka,
    format_periode,
    format_persen,
    format_tanggal,
    nama_bulan,
)

PERIODE = "2022-10"
RUN_ID = "manual__2022-11-05T03:00:00+00:00"


def row(kode, nama, tingkat, segmen, sasaran, terlindungi, persen, periode=PERIODE):
    return CoverageRow(
        kode_wilayah=kode,
        nama_wilayah=nama,
        tingkat=tingkat,
        kode_provinsi=None if tingkat == "nasional" else kode[:2],
        periode=periode,
        segmen=segmen,
        sasaran=sasaran,
        terlindungi=terlindungi,
        persen_terlindungi=None if persen is None else Decimal(persen),
    )


# Deliberately unsorted; Maluku's only reporting kab/kota is Kota Ambon, so the province equals it.
ROWS = [
    row("81.71", "Kota Ambon", "kota", "pekerja_rentan", 70000, 40000, "57.14"),
    row("72", "Sulawesi Tengah", "provinsi", "non_asn", None, 12000, None),
    row("72", "Sulawesi Tengah", "provinsi", "pekerja_rentan", 978084, 474860, "48.55"),
    row("72.71", "Kota Palu", "kota", "pekerja_rentan", None, 7000, None),
    row("81", "Maluku", "provinsi", "pekerja_rentan", 70000, 40000, "57.14"),
    # The mart's figure is shown as given, even where it is not terlindungi/sasaran.
    row("81", "Maluku", "provinsi", "perangkat_desa", 1000, 900, "12.345"),
    row("00", "Indonesia", "nasional", "pekerja_rentan", 1048084, 514860, "49.12"),
    row("00", "Indonesia", "nasional", "non_asn", None, 12000, None),
    row("00", "Indonesia", "nasional", "perangkat_desa", 1000, 900, "12.35"),
    # Another period must not leak into this period's report.
    row("72", "Sulawesi Tengah", "provinsi", "pekerja_rentan", 900000, 400000, "44.44", periode="2022-09"),
]


PENOLAKAN = [RejectionRow("72.71_2022-10.xlsx", "72.71", "2022-10", [
    "lembar kepesertaan, baris 2, kolom terlindungi: '48,55' bukan bilangan bulat", "lembar klaim tidak ada"])]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("laporan")
    out = ObjectStoragePath(f"file://{root}") / PERIODE / "run1"
    written = write_national_report(ROWS, PERIODE, out, run_id=RUN_ID, penolakan=PENOLAKAN)
    return out, written


def read_csv(path: ObjectStoragePath) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8"))))


def pdf_text(path: ObjectStoragePath) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_writes_pdf_and_csvs_into_out(report):
    out, written = report
    assert [p.name for p in written] == [
        "laporan_nasional_2022-10.pdf",
        "cakupan_wilayah.csv",
        "cakupan_nasional.csv",
        "cakupan_provinsi.csv",
        "penolakan.csv",
        "peringatan_mutu.csv",
    ]
    assert all(p.exists() for p in written)
    assert (out / "laporan_nasional_2022-10.pdf").read_bytes().startswith(b"%PDF")
    assert {p.name for p in (out / "data").iterdir()} == {
        "cakupan_wilayah.csv",
        "cakupan_nasional.csv",
        "cakupan_provinsi.csv",
        "penolakan.csv",
        "peringatan_mutu.csv",
    }


def test_rejected_files_are_listed_in_the_annex_and_penolakan_csv(report):
    out, written = report
    assert read_csv(out / "data" / "penolakan.csv") == [{
        "file_name": "72.71_2022-10.xlsx", "pelapor": "72.71", "periode": "2022-10",
        "alasan": "lembar kepesertaan, baris 2, kolom terlindungi: '48,55' bukan bilangan bulat | "
                  "lembar klaim tidak ada"}]
    text = " ".join(pdf_text(written[0]).split())
    assert "Lampiran: berkas yang ditolak" in text
    assert "72.71_2022-10.xlsx" in text and "'48,55' bukan bilangan bulat" in text


def test_pdf_shows_figures_the_indonesian_way(report):
    out, _ = report
    text = pdf_text(out / "laporan_nasional_2022-10.pdf")
    assert "Laporan Nasional Pemantauan Inpres Nomor 2 Tahun" in text
    assert "Perlindungan Jaminan Sosial Ketenagakerjaan" in text
    assert "Oktober 2022" in text
    assert RUN_ID in text
    assert "978.084" in text and "474.860" in text and "48,55 %" in text
    assert "70.000" in text and "40.000" in text and "57,14 %" in text
    assert "1.048.084" in text and "49,12 %" in text
    assert "12,35 %" in text  # 12.345 rounded half up, not recomputed from 900/1000
    assert "Sulawesi Tengah" in text and "Maluku" in text
    assert "Pekerja rentan" in text and "Pegawai non-ASN" in text and "Perangkat desa" in text
    assert "– = tidak dilaporkan" in text
    # Kab/kota are in data/cakupan_wilayah.csv only; the other period is nowhere.
    assert "Kota Palu" not in text
    assert "44,44 %" not in text and "900.000" not in text


def test_cakupan_wilayah_csv_has_all_levels_sorted_with_exact_integers(report):
    out, _ = report
    path = out / "data" / "cakupan_wilayah.csv"
    assert path.read_bytes().decode("utf-8").splitlines()[0] == "kode_wilayah,periode,segmen,sasaran,terlindungi"
    rows = [tuple(r.values()) for r in read_csv(path)]
    assert rows == [
        ("00", "2022-10", "pekerja_rentan", "1048084", "514860"),
        ("00", "2022-10", "non_asn", "", "12000"),
        ("00", "2022-10", "perangkat_desa", "1000", "900"),
        ("72", "2022-10", "pekerja_rentan", "978084", "474860"),
        ("72", "2022-10", "non_asn", "", "12000"),
        ("72.71", "2022-10", "pekerja_rentan", "", "7000"),
        ("81", "2022-10", "pekerja_rentan", "70000", "40000"),
        ("81", "2022-10", "perangkat_desa", "1000", "900"),
        ("81.71", "2022-10", "pekerja_rentan", "70000", "40000"),
    ]


def test_csvs_match_the_pdf_tables(report):
    out, _ = report
    assert read_csv(out / "data" / "cakupan_nasional.csv") == [
        {"segmen": "pekerja_rentan", "sasaran": "1048084", "terlindungi": "514860", "persen_terlindungi": "49.12"},
        {"segmen": "non_asn", "sasaran": "", "terlindungi": "12000", "persen_terlindungi": ""},
        {"segmen": "perangkat_desa", "sasaran": "1000", "terlindungi": "900", "persen_terlindungi": "12.35"},
    ]
    provinsi = read_csv(out / "data" / "cakupan_provinsi.csv")
    assert list(provinsi[0]) == [
        "kode_wilayah", "nama_wilayah", "segmen", "sasaran", "terlindungi", "persen_terlindungi",
    ]
    assert [tuple(r.values()) for r in provinsi] == [
        ("72", "Sulawesi Tengah", "pekerja_rentan", "978084", "474860", "48.55"),
        ("72", "Sulawesi Tengah", "non_asn", "", "12000", ""),
        ("81", "Maluku", "pekerja_rentan", "70000", "40000", "57.14"),
        ("81", "Maluku", "perangkat_desa", "1000", "900", "12.35"),
    ]


def test_region_names_cannot_break_the_template(tmp_path):
    nama = 'Kota #Ambon* [x] $y$ "z" // _w_ @ref <l> \\'
    rows = [row("81", nama, "provinsi", "non_asn", 10, 5, "50")]
    written = write_national_report(rows, PERIODE, ObjectStoragePath(f"file://{tmp_path}"), run_id="r#1")
    text = pdf_text(written[0])
    assert nama in " ".join(text.split())  # the narrow name column wraps it over two lines
    assert "Data nasional belum tersedia" in text  # no nation row
    assert "Belum ada provinsi dengan cakupan pekerja rentan" in text  # so no chart
    assert read_csv(written[3])[0]["nama_wilayah"] == nama


@pytest.mark.parametrize(
    ("rows", "periode", "message"),
    [
        (ROWS, "2022-11", "no coverage rows"),
        (ROWS + [ROWS[1]], PERIODE, "duplicate"),
        (ROWS, "Oktober 2022", "YYYY-MM"),
    ],
)
def test_rejects_unusable_input(tmp_path, rows, periode, message):
    with pytest.raises(ValueError, match=message):
        write_national_report(rows, periode, ObjectStoragePath(f"file://{tmp_path}"), run_id="r")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "0"), (999, "999"), (1000, "1.000"), (978084, "978.084"), (1234567, "1.234.567"),
     (-1234, "-1.234"), (None, "–")],
)
def test_format_angka(n, expected):
    assert format_angka(n) == expected


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        (Decimal("48.55"), "48,55 %"),
        (Decimal("48.549"), "48,55 %"),
        (Decimal("0.005"), "0,01 %"),  # half up, not half even
        (Decimal("12.345"), "12,35 %"),
        (Decimal("100"), "100,00 %"),
        (Decimal("0"), "0,00 %"),
        (Decimal("1234.5"), "1.234,50 %"),
        (Decimal("-3.2"), "-3,20 %"),
        (None, "–"),
    ],
)
def test_format_persen(p, expected):
    assert format_persen(p) == expected


def test_nama_bulan_and_format_periode():
    assert nama_bulan(1) == "Januari"
    assert nama_bulan(8) == "Agustus"
    assert nama_bulan(12) == "Desember"
    assert format_periode("2022-10") == "Oktober 2022"
    assert format_periode("2021-03") == "Maret 2021"
    assert format_tanggal(date(2022, 11, 5)) == "5 November 2022"
    for bad in (0, 13):
        with pytest.raises(ValueError):
            nama_bulan(bad)
    for bad in ("2022-13", "2022-00", "2022/10", "22-10", "2022-1", ""):
        with pytest.raises(ValueError):
            format_periode(bad)
