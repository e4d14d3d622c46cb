"""The report workbook, written with xlsxwriter and read back with openpyxl: values, formats, layout, charts."""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest

from inpres.reports.tables import Chart, Column, Table
from inpres.reports.workbook import AUTHOR, write_workbook

TITLE = "Laporan Nasional Pemantauan Inpres Nomor 2 Tahun 2021 — Oktober 2022"
COVER = [("Periode", "Oktober 2022"), ("Dibuat", "5 November 2022 pukul 10.00 WIB"), ("Versi data", "a1b2c3d4")]

PROVINSI = Table(
    "cakupan_provinsi",
    "Cakupan per provinsi: pekerja rentan, Oktober 2022",
    (
        Column("kode_wilayah", "Kode", "kode", "Kode wilayah."),
        Column("nama_wilayah", "Provinsi", "teks", "Nama wilayah."),
        Column("sasaran", "Sasaran", "angka", "Sasaran."),
        Column("terlindungi", "Terlindungi", "angka", "Terlindungi."),
        Column("persen_terlindungi", "Cakupan", "persen", "100 × terlindungi / sasaran."),
        Column("perubahan_persen", "Δ bulan lalu", "poin", "Perubahan, poin persen."),
        Column("anggaran", "Anggaran iuran", "rupiah", "Anggaran."),
        Column("diterima", "Laporan diterima", "tanggal", "Saat laporan diterima."),
    ),
    [
        (
            "72",
            "Sulawesi Tengah",
            978084,
            474860,
            Decimal("48.55"),
            Decimal("1.25"),
            600000000,
            datetime(2022, 11, 4, 20, 30, tzinfo=UTC),
        ),  # 5 November 03.30 WIB
        ("11.10", "Kabupaten Aceh Singkil", None, 1200, None, Decimal("-0.40"), None, date(2022, 11, 10)),
        ("81", "Maluku", 350000, 100000, Decimal("28.57"), Decimal("0"), Decimal("1250000000"), None),
        ("91", "Papua", None, None, None, None, None, None),  # nothing to chart: left out of the bars
    ],
    note="Sasaran kosong: belum dilaporkan.",
    chart=Chart("bar", "Cakupan pekerja rentan per provinsi (%)", "nama_wilayah", ("persen_terlindungi",)),
    sources=("marts.fct_cakupan_wilayah",),
)

TREN = Table(
    "tren_nasional",
    "Tren nasional per segmen, Agustus 2022 – Oktober 2022",
    (
        Column("periode", "Bulan", "bulan", "Bulan."),
        Column("terlindungi_pekerja_rentan", "P. rentan", "angka", "Pekerja rentan terlindungi."),
        Column("terlindungi_non_asn", "Non-ASN", "angka", "Non-ASN terlindungi."),
    ),
    [("2022-08", 1000, 500), ("2022-09", None, 550), ("2022-10", 1200, 600)],
    chart=Chart(
        "line",
        "Pekerja terlindungi per segmen, nasional",
        "periode",
        ("terlindungi_pekerja_rentan", "terlindungi_non_asn"),
    ),
    sources=("marts.fct_cakupan_wilayah",),
)

# Captions that are not valid sheet names as they are: too long, forbidden characters, the same twice.
ODD = Column("keterangan", "Keterangan", "teks", "Teks.")
DUA_KALI = [
    Table("kabkota_a", "Kabupaten/kota: laporan [belum] diterima? *semua* provinsi, Oktober 2022", (ODD,), [("a",)]),
    Table("kabkota_b", "Kabupaten/kota: laporan [belum] diterima? *semua* provinsi, Oktober 2022", (ODD,), [("b",)]),
    Table("kosong", "Keterangan", (ODD,), []),
]


@pytest.fixture(scope="module")
def xlsx(tmp_path_factory):
    path = tmp_path_factory.mktemp("wb") / "laporan.xlsx"
    write_workbook(path, [PROVINSI, TREN, *DUA_KALI], title=TITLE, cover=COVER)
    return path


@pytest.fixture(scope="module")
def wb(xlsx):
    return openpyxl.load_workbook(xlsx)


def test_sheet_names_valid_and_unique(wb):
    names = wb.sheetnames
    assert names[0] == "Keterangan"
    assert names[1:3] == ["Cakupan per provinsi", "Tren nasional per segmen"]
    assert len(names) == 6 and len({n.casefold() for n in names}) == 6
    for n in names:
        assert len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n), n
    assert names[3] != names[4] and names[4].endswith("(2)")
    assert names[5] != "Keterangan"
    assert wb.active.title == "Keterangan"


def test_cover_sheet(wb):
    ws = wb["Keterangan"]
    assert ws["A1"].value == TITLE
    pairs = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    for label, value in COVER:
        assert pairs[label] == value
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "1.234.567" in text and "pengaturan wilayah" in text  # the locale sentence, in Bahasa Indonesia
    # The list of sheets: each sheet's name (linked) and its table's caption.
    for name in wb.sheetnames[1:]:
        assert name in pairs
    assert pairs["Cakupan per provinsi"] == PROVINSI.title
    assert pairs["Tren nasional per segmen"] == TREN.title


def test_values_read_back_exactly(wb):
    ws = wb["Cakupan per provinsi"]
    assert ws["A1"].value == PROVINSI.title
    assert [c.value for c in ws[3]] == [k.label for k in PROVINSI.columns]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4, max_row=7)]
    assert rows[0][:4] == ["72", "Sulawesi Tengah", 978084, 474860]
    assert rows[0][4] == 48.55 and Decimal(str(rows[0][4])) == Decimal("48.55")  # not 0.4855
    assert Decimal(str(rows[0][5])) == Decimal("1.25")
    assert rows[0][6] == 600000000
    assert rows[0][7] == datetime(2022, 11, 5, 3, 30)  # Jakarta wall clock, no time zone
    assert rows[1] == ["11.10", "Kabupaten Aceh Singkil", None, 1200, None, -0.4, None, datetime(2022, 11, 10)]
    assert rows[2][6] == 1250000000 and rows[2][5] == 0
    assert rows[3] == ["91", "Papua", None, None, None, None, None, None]
    # Codes stay text; numbers are numbers; None is an empty cell (not 0, not a dash).
    assert ws["A5"].data_type == "s" and ws["A5"].value == "11.10"
    assert ws["C4"].data_type == "n" and ws["E4"].data_type == "n"
    assert ws["C5"].value is None and ws["E5"].value is None
    # Catatan and sumber below the data.
    below = [ws.cell(r, 1).value for r in range(8, ws.max_row + 1)]
    assert "Catatan: Sasaran kosong: belum dilaporkan." in below
    assert "Sumber: marts.fct_cakupan_wilayah." in below


def test_number_formats(wb):
    ws = wb["Cakupan per provinsi"]
    assert ws["C4"].number_format == "#,##0"
    assert ws["E4"].number_format == '0.00" %"'
    assert ws["F4"].number_format == '+0.00" poin";"\u2212"0.00" poin";0.00" poin"'  # the real minus sign
    assert ws["G4"].number_format == '"Rp "#,##0'
    assert ws["H4"].number_format == "dd/mm/yyyy" and ws["H4"].is_date
    assert ws["E5"].number_format == '0.00" %"'  # an empty cell keeps its column's format
    assert ws["A4"].number_format == "@"


def test_header_frozen_filtered_and_styled(wb):
    ws = wb["Cakupan per provinsi"]
    assert ws.freeze_panes == "C4"  # under the header, code and name columns in view
    assert ws.auto_filter.ref == "A3:H7"
    header = ws["A3"]
    assert header.font.b and header.alignment.wrap_text and header.fill.fgColor.rgb.endswith("D9E1F2")
    assert ws.column_dimensions["B"].width >= len("Kabupaten Aceh Singkil")
    assert ws.column_dimensions["G"].width >= len("Rp 1,250,000,000")

    tren = wb["Tren nasional per segmen"]
    assert tren.freeze_panes == "B4"
    assert tren.auto_filter.ref == "A3:C6"
    # Months are dates shown with Indonesian month names ('Okt 2022'), whatever the reader's locale.
    assert [c.value for c in tren["A"][3:6]] == [datetime(2022, 8, 1), datetime(2022, 9, 1), datetime(2022, 10, 1)]
    assert tren["A6"].number_format == "[$-421]mmm yyyy" and tren["A6"].is_date
    assert tren["B5"].value is None

    kosong = wb[wb.sheetnames[5]]
    assert kosong.auto_filter.ref == "A3"  # the header alone
    assert kosong["A1"].value == "Keterangan"


def _chart_xml(xlsx) -> dict[str, str]:
    with zipfile.ZipFile(xlsx) as z:
        return {n: z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")}


def test_native_charts_reference_own_cells(xlsx, wb):
    charts = _chart_xml(xlsx)
    assert len(charts) == 2  # only the tables with a Grafik
    bar = next(x for x in charts.values() if "<c:barChart>" in x)
    line = next(x for x in charts.values() if "<c:lineChart>" in x)

    assert '<c:barDir val="bar"/>' in bar  # horizontal bars
    # Papua has no value and is last: the bars stop at Maluku (rows 4–6).
    assert "<c:f>'Cakupan per provinsi'!$B$4:$B$6</c:f>" in bar
    assert "<c:f>'Cakupan per provinsi'!$E$4:$E$6</c:f>" in bar
    assert "<c:f>'Cakupan per provinsi'!$E$3</c:f>" in bar
    assert "Cakupan pekerja rentan per provinsi (%)" in bar and "<a:t>Provinsi</a:t>" in bar

    assert "<c:f>'Tren nasional per segmen'!$A$4:$A$6</c:f>" in line
    assert "<c:f>'Tren nasional per segmen'!$B$4:$B$6</c:f>" in line
    assert "<c:f>'Tren nasional per segmen'!$C$4:$C$6</c:f>" in line
    # The unknown month is a gap, not a drop to zero: no <c:dispBlanksAs>, whose absence is Excel's "gap".
    assert "dispBlanksAs" not in line
    assert "<a:t>Bulan</a:t>" in line and "<a:t>Jumlah</a:t>" in line
    assert "<c:dateAx>" in line and 'formatCode="[$-421]mmm yyyy"' in line

    # openpyxl keeps the charts it reads on their sheets.
    assert len(wb["Cakupan per provinsi"]._charts) == 1
    assert len(wb["Tren nasional per segmen"]._charts) == 1
    assert not wb["Keterangan"]._charts


def test_properties_no_external_links_reproducible(xlsx, tmp_path, wb):
    assert wb.properties.title == TITLE
    assert wb.properties.creator == AUTHOR
    with zipfile.ZipFile(xlsx) as z:
        assert not [n for n in z.namelist() if "externalLink" in n]
    again = tmp_path / "lagi.xlsx"
    write_workbook(again, [PROVINSI, TREN, *DUA_KALI], title=TITLE, cover=COVER)
    assert again.read_bytes() == xlsx.read_bytes()

    dated = tmp_path / "bertanggal.xlsx"
    write_workbook(dated, [TREN], title=TITLE, cover=COVER, created=datetime(2022, 11, 5, 10, 0, tzinfo=UTC))
    assert openpyxl.load_workbook(dated).properties.created == datetime(2022, 11, 5, 10, 0)


SEMUA_JENIS = Table(
    "jenis",
    "Perubahan, status dan kolom kelompok",
    (
        Column("nama_wilayah", "Provinsi", "teks", "Nama."),
        Column("pemda", "Pemda", "rasio", "Hanya di PDF.", in_files=False),
        Column("pemerintah_dihitung", "dihitung", "angka", "Dihitung.", group="Pemerintah daerah"),
        Column("perubahan", "Δ terlindungi", "selisih", "Perubahan."),
        Column("status_regulasi", "Regulasi", "status", "Status."),
    ),
    [
        ("Maluku", (11, 12), 11, -94, "tidak_terpenuhi"),
        ("Bali", (10, 10), 10, 1200, "terpenuhi"),
        ("Aceh", None, None, 0, "tidak_diketahui"),
    ],
)


def test_signed_changes_status_words_groups_and_pdf_only_columns(tmp_path):
    path = tmp_path / "jenis.xlsx"
    write_workbook(path, [SEMUA_JENIS], title=TITLE, cover=COVER)
    ws = openpyxl.load_workbook(path).worksheets[1]
    # The PDF-only '11/12' column is not in the workbook; a grouped column's header names its group.
    assert [c.value for c in ws[3]] == ["Provinsi", "Pemerintah daerah dihitung", "Δ terlindungi", "Regulasi"]
    assert [[c.value for c in r] for r in ws.iter_rows(min_row=4, max_row=6)] == [
        ["Maluku", 11, -94, "tidak terpenuhi"],
        ["Bali", 10, 1200, "terpenuhi"],
        ["Aceh", None, 0, "tidak diketahui"],
    ]
    # A change stays a number, shown with its sign and the real minus sign.
    assert ws["C4"].data_type == "n" and ws["C4"].number_format == '+#,##0;"\u2212"#,##0;0'
