"""Report rendering pieces: Indonesian formats, one table rendered as CSV, PDF cells and data dictionary,
and the Typst templates compiled for real."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from decimal import Decimal

import pypdf
import pytest

from inpres.reports.csv_files import write_csv, write_dictionary
from inpres.reports.formatting import (
    MINUS,
    format_change,
    format_date,
    format_number,
    format_percent,
    format_periode,
    format_periode_short,
    format_points,
    format_range,
    format_range_short,
    format_rupiah,
    month_name,
)
from inpres.reports.pdf import compile_pdf, table_pdf
from inpres.reports.tables import Column, Table, select

TABLE = Table(
    "contoh",
    "Cakupan per wilayah",
    (
        Column("kode_wilayah", "Kode", "kode", "Kode wilayah."),
        Column("nama_wilayah", "Wilayah", "teks", "Nama wilayah."),
        Column("sasaran", "Sasaran", "angka", "Sasaran."),
        Column("persen_terlindungi", "Cakupan", "persen", "Cakupan."),
        Column("perubahan", "Δ", "poin", "Perubahan.", in_pdf=False),
        Column("nilai_rp", "Nilai", "rupiah", "Klaim."),
        Column("diterima", "Diterima", "tanggal", "Tiba."),
        Column("status_regulasi", "Regulasi", "status", "Status."),
        Column("perubahan_terlindungi", "Δ terlindungi", "selisih", "Perubahan.", group="Bulan lalu"),
        Column("periode", "Bulan", "bulan", "Bulan."),
        Column("pemda", "Pemda", "rasio", "Dihitung/diharapkan.", in_files=False),
    ),
    [
        (
            "72",
            "Sulawesi Tengah",
            978084,
            Decimal("48.5503"),
            Decimal("-1.2"),
            600_000_000,
            datetime(2022, 11, 9, 20, 0, tzinfo=UTC),
            "terpenuhi",
            -94,
            "2022-10",
            (14, 14),
        ),
        ("11.10", "Kabupaten Aceh Singkil", None, None, None, None, None, "tidak_diketahui", None, None, None),
    ],
    note="Catatan kaki.",
)


def test_one_table_as_csv_keeps_exact_values_and_empty_for_unknown(tmp_path):
    write_csv(TABLE, tmp_path / "contoh.csv")
    with open(tmp_path / "contoh.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == [k.name for k in TABLE.columns if k.in_files]
    # The moment is shown in Jakarta: 20:00 UTC on the 9th is the 10th in WIB.
    # Plain digits and a hyphen-minus for machines; ISO months; no PDF-only column.
    assert rows[1] == [
        "72",
        "Sulawesi Tengah",
        "978084",
        "48.55",
        "-1.20",
        "600000000",
        "2022-11-10T03:00:00+07:00",
        "terpenuhi",
        "-94",
        "2022-10",
    ]
    assert rows[2] == ["11.10", "Kabupaten Aceh Singkil", "", "", "", "", "", "tidak_diketahui", "", ""]


def test_the_pdf_cells_are_formatted_the_indonesian_way_and_wide_columns_left_out():
    t = table_pdf(TABLE)
    assert [k["label"] for k in t["columns"]] == [
        "Kode",
        "Wilayah",
        "Sasaran",
        "Cakupan",
        "Nilai",
        "Diterima",
        "Regulasi",
        "Δ terlindungi",
        "Bulan",
        "Pemda",
    ]
    assert t["rows"][0] == [
        "72",
        "Sulawesi Tengah",
        "978.084",
        "48,55 %",
        "Rp 600 juta",
        "10 November 2022",
        "●",
        "\u221294",
        "Okt 2022",
        "14/14",
    ]
    assert t["rows"][1] == ["11.10", "Kabupaten Aceh Singkil", "–", "–", "–", "–", "?", "–", "–", "–"]
    assert [k["group"] for k in t["columns"]][-3:] == ["Bulan lalu", "", ""]
    assert [k["right"] for k in t["columns"]][-3:] == [True, False, True]
    assert t["csv"] == "data/contoh.csv"


def test_data_dictionary_names_every_column(tmp_path):
    write_dictionary([TABLE], tmp_path / "KAMUS_DATA.md")
    text = (tmp_path / "KAMUS_DATA.md").read_text(encoding="utf-8")
    assert "## contoh.csv — Cakupan per wilayah" in text
    for k in TABLE.columns:
        if k.in_files:
            assert f"| `{k.name}` | {k.title} | {k.kind} | {k.description} |" in text
    assert "| `perubahan_terlindungi` | Bulan lalu Δ terlindungi |" in text
    assert "`pemda`" not in text  # printed only, never a file's column


def test_select_keeps_the_rows_that_match():
    assert [r[0] for r in select(TABLE, lambda r: r["kode_wilayah"].startswith("11")).rows] == ["11.10"]


def test_a_row_of_the_wrong_width_is_refused():
    with pytest.raises(ValueError, match="2 cells for 11 columns"):
        Table("x", "x", TABLE.columns, [("72", "Sulawesi Tengah")])


def test_region_names_cannot_break_the_template(tmp_path):
    nasty = '#panic("x") *tebal* $x$ <label> @ref \\ ] ) }'
    t = Table("x", "Uji", TABLE.columns[:2], [("72", nasty)])
    data = {
        "title": "Uji",
        "periode": "Oktober 2022",
        "provinsi": nasty,
        "version": "abc",
        "cover": [["Periode", "Oktober 2022"]],
        "summary": [["Cakupan", nasty]],
        "standing": table_pdf(t),
        "poin": [],
        "kabupaten_kota": table_pdf(t),
        "comparison": table_pdf(t),
        "belum_pernah": [nasty],
        "blockers": {"belum_lapor": [nasty], "actions": [nasty], "sasaran_kosong": [nasty]},
        "selisih": table_pdf(t),
        "penolakan": table_pdf(t),
        "register": {"ada": True, "kalimat": nasty, "wilayah": table_pdf(t), "ganda": table_pdf(t)},
    }
    pdf = compile_pdf("provinsi.typ", data, tmp_path, created=datetime(2022, 11, 10, tzinfo=UTC))
    (tmp_path / "x.pdf").write_bytes(pdf)
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "x.pdf").pages)
    assert '#panic("x")' in text and "*tebal*" in text


def test_format_rupiah_poin_and_perubahan():
    assert format_rupiah(600_000_000) == "Rp 600 juta"
    assert format_rupiah(1_250_000_000) == "Rp 1,25 miliar"
    assert format_rupiah(3 * 10**12) == "Rp 3 triliun"
    assert format_rupiah(750_000) == "Rp 750.000"
    assert format_rupiah(None) == "–"
    assert format_points(Decimal("1.5")) == "+1,50 poin"
    assert format_points(Decimal("-2.345")) == "\u22122,35 poin"  # the minus sign, not a hyphen
    assert format_points(Decimal("0")) == "±0,00 poin"
    assert format_change(-1200) == "\u22121.200" and format_change(5) == "+5" and format_change(None) == "–"
    assert format_change(0) == "±0"
    assert format_rupiah(-750_000) == "Rp \u2212750.000" and format_rupiah(-1_250_000_000) == "Rp \u22121,25 miliar"


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "0"),
        (999, "999"),
        (1000, "1.000"),
        (978084, "978.084"),
        (1234567, "1.234.567"),
        (-1234, "\u22121.234"),
        (None, "–"),
    ],
)
def test_format_angka(n, expected):
    assert format_number(n) == expected


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
        (Decimal("-3.2"), "\u22123,20 %"),
        (None, "–"),
    ],
)
def test_format_persen(p, expected):
    assert format_percent(p) == expected


def test_nama_bulan_and_format_periode():
    assert month_name(1) == "Januari"
    assert month_name(8) == "Agustus"
    assert month_name(12) == "Desember"
    assert format_periode("2022-10") == "Oktober 2022"
    assert format_periode("2021-03") == "Maret 2021"
    assert format_date(date(2022, 11, 5)) == "5 November 2022"
    for bad in (0, 13):
        with pytest.raises(ValueError):
            month_name(bad)
    for bad in ("2022-13", "2022-00", "2022/10", "22-10", "2022-1", ""):
        with pytest.raises(ValueError):
            format_periode(bad)
        with pytest.raises(ValueError):
            format_periode_short(bad)


def test_short_months_and_the_months_a_sum_covers():
    assert format_periode_short("2022-10") == "Okt 2022" and format_periode_short("2022-05") == "Mei 2022"
    assert format_range("2022-01", "2022-10") == "Januari–Oktober 2022"
    assert format_range("2022-07", "2022-07") == "Juli 2022"
    assert format_range("2021-11", "2022-10") == "November 2021–Oktober 2022"
    assert format_range_short("2022-01", "2022-10") == "Jan–Okt 2022"
    assert format_range_short("2021-12", "2022-01") == "Des 2021–Jan 2022"
    assert MINUS == "\u2212"


def _pdf_text(tmp_path, t: dict, *, empty: str) -> str:
    """A one-table document through the shared layout (_common.typ), as its text."""
    (tmp_path / "uji.typ").write_text(
        '#import "_common.typ": *\n#let data = json("data.json")\n'
        f"#report-table(data.t)\nAkhir.\n#report-table(data.kosong, empty: [{empty}])\n",
        encoding="utf-8",
    )
    empty_table = table_pdf(Table("kosong", "Judul tabel kosong", TABLE.columns[:2], []))
    pdf = compile_pdf("uji.typ", {"t": t, "kosong": empty_table}, tmp_path, created=datetime(2022, 11, 10, tzinfo=UTC))
    (tmp_path / "uji.pdf").write_bytes(pdf)
    return " ".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "uji.pdf").pages).replace("\xa0", " ")


def test_grouped_header_once_and_an_empty_table_says_only_its_sentence(tmp_path):
    grouped = Table(
        "k",
        "Basis per provinsi",
        (
            Column("nama_wilayah", "Provinsi", "teks", "Nama."),
            Column("pemerintah_dihitung", "dihitung", "angka", "D.", group="Pemerintah daerah"),
            Column("pemerintah_diharapkan", "diharapkan", "angka", "H.", group="Pemerintah daerah"),
            Column("persen", "Cakupan", "persen", "C."),
        ),
        [("Maluku", 11, 12, Decimal("35.57"))],
    )
    text = _pdf_text(tmp_path, table_pdf(grouped), empty="Tidak ada berkas yang ditolak.")
    assert text.count("Pemerintah daerah") == 1 and "dihitung" in text and "diharapkan" in text
    assert "Maluku" in text and "35,57 %" in text
    # The empty table's own sentence stands alone: no caption repeating the heading above it.
    assert "Tidak ada berkas yang ditolak." in text and "Judul tabel kosong" not in text


def test_a_figure_keeps_its_unit_on_its_line_in_text_cells(tmp_path):
    t = Table(
        "c",
        "Contoh",
        (Column("contoh", "Contoh", "teks", "Teks."),),
        [("Kabupaten Bolaang Mongondow Selatan, pekerja rentan: dilaporkan 66.849 (selisih −12,57 %), +0,93 poin",)],
    )
    text = _pdf_text(tmp_path, table_pdf(t), empty="-")
    assert "\u221212,57 %" in text and "+0,93 poin" in text
    pdf = pypdf.PdfReader(tmp_path / "uji.pdf").pages[0].extract_text()
    assert "12,57\xa0%" in pdf and "0,93\xa0poin" in pdf
