"""No CSV the product writes opens a cell as a spreadsheet formula (CSV injection)."""

from __future__ import annotations

import csv

import psycopg

from inpres.reports.csv_files import write_csv
from inpres.reports.exports import EXPORTS, write_exports
from inpres.reports.tables import Column, Table


def test_a_file_named_like_a_formula_is_escaped_in_a_report_table(tmp_path):
    table = Table(
        "penolakan",
        "Berkas yang ditolak",
        (
            Column("file_name", "Berkas", "teks", "Nama berkas."),
            Column("selisih", "Selisih", "angka", "Angka."),
        ),
        [('=HYPERLINK("http://x.example","klik")', -94), ("+62 811", 5), ("@SUM(A1)", 0), ("81.71_2022-10.xlsx", 1)],
    )
    write_csv(table, tmp_path / "penolakan.csv")
    with open(tmp_path / "penolakan.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))[1:]
    assert [r[0] for r in rows] == [
        '\'=HYPERLINK("http://x.example","klik")',
        "'+62 811",
        "'@SUM(A1)",
        "81.71_2022-10.xlsx",
    ]
    assert rows[0][1] == "-94"  # a negative number is a number, not a formula


def test_mart_exports_escape_text_cells_and_keep_numbers(warehouse, tmp_path):
    mart, columns, _ = EXPORTS["rekonsiliasi_bpjs.csv"]
    with psycopg.connect(warehouse) as conn:
        conn.execute("create schema marts")
        conn.execute(
            f"create table {mart} (kode_wilayah text, periode text, segmen text, terlindungi bigint, "
            "peserta_aktif bigint, selisih bigint, nama_wilayah text, kode_provinsi text, "
            "selisih_persen numeric, melewati_toleransi boolean)"
        )
        conn.execute(
            f"insert into {mart} values ('81.71', '2022-10', 'non_asn', 10, 104, -94, "
            "'=cmd|'' /C calc''!A0', '81', -90.38, true)"
        )
        for other, cols, _ in EXPORTS.values():
            if other != mart:
                conn.execute(f"create table {other} ({', '.join(f'{c} text' for c in cols)})")
        write_exports(conn, "2022-10", tmp_path)
    with open(tmp_path / "data" / "rekonsiliasi_bpjs.csv", newline="", encoding="utf-8") as f:
        [row] = list(csv.DictReader(f))
    assert list(row) == list(columns)
    assert row["nama_wilayah"] == "'=cmd|' /C calc'!A0"
    assert (row["selisih"], row["selisih_persen"], row["kode_wilayah"]) == ("-94", "-90.38", "81.71")
