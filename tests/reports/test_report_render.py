"""Report rendering pieces: Indonesian formats, one table rendered as CSV, PDF cells and data dictionary,
and the Typst templates compiled for real."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from decimal import Decimal

import pypdf
import pytest

from inpres.reports.formatting import (
    MINUS,
    format_angka,
    format_periode,
    format_periode_singkat,
    format_persen,
    format_perubahan,
    format_poin,
    format_rentang,
    format_rentang_singkat,
    format_rupiah,
    format_tanggal,
    nama_bulan,
)
from inpres.reports.pdf import compile_pdf, tabel_pdf
from inpres.reports.tables import Kolom, Tabel, pilih, write_csv, write_kamus

TABEL = Tabel(
    "contoh",
    "Cakupan per wilayah",
    (
        Kolom("kode_wilayah", "Kode", "kode", "Kode wilayah."),
        Kolom("nama_wilayah", "Wilayah", "teks", "Nama wilayah."),
        Kolom("sasaran", "Sasaran", "angka", "Sasaran."),
        Kolom("persen_terlindungi", "Cakupan", "persen", "Cakupan."),
        Kolom("perubahan", "Δ", "poin", "Perubahan.", di_pdf=False),
        Kolom("nilai_rp", "Nilai", "rupiah", "Klaim."),
        Kolom("diterima", "Diterima", "tanggal", "Tiba."),
        Kolom("status_regulasi", "Regulasi", "status", "Status."),
        Kolom("perubahan_terlindungi", "Δ terlindungi", "selisih", "Perubahan.", grup="Bulan lalu"),
        Kolom("periode", "Bulan", "bulan", "Bulan."),
        Kolom("pemda", "Pemda", "rasio", "Dihitung/diharapkan.", di_berkas=False),
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
    catatan="Catatan kaki.",
)


def test_one_table_as_csv_keeps_exact_values_and_empty_for_unknown(tmp_path):
    write_csv(TABEL, tmp_path / "contoh.csv")
    with open(tmp_path / "contoh.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == [k.nama for k in TABEL.kolom if k.di_berkas]
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
    t = tabel_pdf(TABEL)
    assert [k["label"] for k in t["kolom"]] == [
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
    assert t["baris"][0] == [
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
    assert t["baris"][1] == ["11.10", "Kabupaten Aceh Singkil", "–", "–", "–", "–", "?", "–", "–", "–"]
    assert [k["grup"] for k in t["kolom"]][-3:] == ["Bulan lalu", "", ""]
    assert [k["kanan"] for k in t["kolom"]][-3:] == [True, False, True]
    assert t["csv"] == "data/contoh.csv"


def test_data_dictionary_names_every_column(tmp_path):
    write_kamus([TABEL], tmp_path / "KAMUS_DATA.md")
    text = (tmp_path / "KAMUS_DATA.md").read_text(encoding="utf-8")
    assert "## contoh.csv — Cakupan per wilayah" in text
    for k in TABEL.kolom:
        if k.di_berkas:
            assert f"| `{k.nama}` | {k.judul} | {k.jenis} | {k.keterangan} |" in text
    assert "| `perubahan_terlindungi` | Bulan lalu Δ terlindungi |" in text
    assert "`pemda`" not in text  # printed only, never a file's column


def test_pilih_keeps_the_rows_that_match():
    assert [r[0] for r in pilih(TABEL, lambda r: r["kode_wilayah"].startswith("11")).baris] == ["11.10"]


def test_a_row_of_the_wrong_width_is_refused():
    with pytest.raises(ValueError, match="2 cells for 11 columns"):
        Tabel("x", "x", TABEL.kolom, [("72", "Sulawesi Tengah")])


def test_region_names_cannot_break_the_template(tmp_path):
    nasty = '#panic("x") *tebal* $x$ <label> @ref \\ ] ) }'
    t = Tabel("x", "Uji", TABEL.kolom[:2], [("72", nasty)])
    data = {
        "judul": "Uji",
        "periode": "Oktober 2022",
        "provinsi": nasty,
        "versi_pendek": "abc",
        "info": [["Periode", "Oktober 2022"]],
        "ringkasan": [["Cakupan", nasty]],
        "kedudukan": tabel_pdf(t),
        "poin": [],
        "kabupaten_kota": tabel_pdf(t),
        "banding": tabel_pdf(t),
        "belum_pernah": [nasty],
        "penghambat": {"belum_lapor": [nasty], "diwakili": [nasty], "tindakan": [nasty], "sasaran_kosong": [nasty]},
        "selisih": tabel_pdf(t),
        "penolakan": tabel_pdf(t),
    }
    pdf = compile_pdf("provinsi.typ", data, tmp_path, dibuat=datetime(2022, 11, 10, tzinfo=UTC))
    (tmp_path / "x.pdf").write_bytes(pdf)
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "x.pdf").pages)
    assert '#panic("x")' in text and "*tebal*" in text


def test_format_rupiah_poin_and_perubahan():
    assert format_rupiah(600_000_000) == "Rp 600 juta"
    assert format_rupiah(1_250_000_000) == "Rp 1,25 miliar"
    assert format_rupiah(3 * 10**12) == "Rp 3 triliun"
    assert format_rupiah(750_000) == "Rp 750.000"
    assert format_rupiah(None) == "–"
    assert format_poin(Decimal("1.5")) == "+1,50 poin"
    assert format_poin(Decimal("-2.345")) == "\u22122,35 poin"  # the minus sign, not a hyphen
    assert format_poin(Decimal("0")) == "±0,00 poin"
    assert format_perubahan(-1200) == "\u22121.200" and format_perubahan(5) == "+5" and format_perubahan(None) == "–"
    assert format_perubahan(0) == "±0"
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
        (Decimal("-3.2"), "\u22123,20 %"),
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
        with pytest.raises(ValueError):
            format_periode_singkat(bad)


def test_short_months_and_the_months_a_sum_covers():
    assert format_periode_singkat("2022-10") == "Okt 2022" and format_periode_singkat("2022-05") == "Mei 2022"
    assert format_rentang("2022-01", "2022-10") == "Januari–Oktober 2022"
    assert format_rentang("2022-07", "2022-07") == "Juli 2022"
    assert format_rentang("2021-11", "2022-10") == "November 2021–Oktober 2022"
    assert format_rentang_singkat("2022-01", "2022-10") == "Jan–Okt 2022"
    assert format_rentang_singkat("2021-12", "2022-01") == "Des 2021–Jan 2022"
    assert MINUS == "\u2212"


def _pdf_teks(tmp_path, t: dict, *, kosong: str) -> str:
    """A one-table document through the shared layout (_umum.typ), as its text."""
    (tmp_path / "uji.typ").write_text(
        '#import "_umum.typ": *\n#let data = json("data.json")\n'
        f"#tabel(data.t)\nAkhir.\n#tabel(data.kosong, kosong: [{kosong}])\n",
        encoding="utf-8",
    )
    kosong_t = tabel_pdf(Tabel("kosong", "Judul tabel kosong", TABEL.kolom[:2], []))
    pdf = compile_pdf("uji.typ", {"t": t, "kosong": kosong_t}, tmp_path, dibuat=datetime(2022, 11, 10, tzinfo=UTC))
    (tmp_path / "uji.pdf").write_bytes(pdf)
    return " ".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "uji.pdf").pages).replace("\xa0", " ")


def test_grouped_header_once_and_an_empty_table_says_only_its_sentence(tmp_path):
    kelompok = Tabel(
        "k",
        "Basis per provinsi",
        (
            Kolom("nama_wilayah", "Provinsi", "teks", "Nama."),
            Kolom("pemerintah_dihitung", "dihitung", "angka", "D.", grup="Pemerintah daerah"),
            Kolom("pemerintah_diharapkan", "diharapkan", "angka", "H.", grup="Pemerintah daerah"),
            Kolom("persen", "Cakupan", "persen", "C."),
        ),
        [("Maluku", 11, 12, Decimal("35.57"))],
    )
    text = _pdf_teks(tmp_path, tabel_pdf(kelompok), kosong="Tidak ada berkas yang ditolak.")
    assert text.count("Pemerintah daerah") == 1 and "dihitung" in text and "diharapkan" in text
    assert "Maluku" in text and "35,57 %" in text
    # The empty table's own sentence stands alone: no caption repeating the heading above it.
    assert "Tidak ada berkas yang ditolak." in text and "Judul tabel kosong" not in text


def test_a_figure_keeps_its_unit_on_its_line_in_text_cells(tmp_path):
    t = Tabel(
        "c",
        "Contoh",
        (Kolom("contoh", "Contoh", "teks", "Teks."),),
        [("Kabupaten Bolaang Mongondow Selatan, pekerja rentan: dilaporkan 66.849 (selisih −12,57 %), +0,93 poin",)],
    )
    text = _pdf_teks(tmp_path, tabel_pdf(t), kosong="-")
    assert "\u221212,57 %" in text and "+0,93 poin" in text
    pdf = pypdf.PdfReader(tmp_path / "uji.pdf").pages[0].extract_text()
    assert "12,57\xa0%" in pdf and "0,93\xa0poin" in pdf
