"""A report table, defined once and rendered three ways: in the PDF, as an Excel sheet, as a CSV file.

Cells hold the mart's values as they are (int, Decimal, str, date, None for unknown); each renderer
formats them by the column's `jenis`, so the PDF, the workbook and the CSV cannot disagree.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from inpres.reports.formatting import (
    format_angka,
    format_periode_singkat,
    format_persen,
    format_perubahan,
    format_poin,
    format_rupiah,
    format_tanggal,
    round_persen,
)

WIB = ZoneInfo("Asia/Jakarta")

# teks: free text · kode: a region code or other identifier, kept as text · angka: a count ·
# selisih: a signed count (a change from an earlier month, or one figure less another), '+1.200' / '−94' ·
# rasio: a pair (part, whole) of counts, printed '14/36' (the PDF only: files hold the two counts) ·
# persen: 0–100, two decimals · poin: a change in percentage points · rupiah: an amount in Rp ·
# tanggal: a date (or a moment, shown as its date in Jakarta) · bulan: a month 'YYYY-MM', shown 'Okt 2022' ·
# status: a scorecard status (terpenuhi / sebagian / tidak_terpenuhi / tidak_diketahui): the code in the CSV,
# words in the workbook, a symbol the legend explains in the PDF
JENIS = ("teks", "kode", "angka", "selisih", "rasio", "persen", "poin", "rupiah", "tanggal", "bulan", "status")
STATUS_SIMBOL = {"terpenuhi": "●", "sebagian": "◐", "tidak_terpenuhi": "○", "tidak_diketahui": "?"}
STATUS_KATA = {
    "terpenuhi": "terpenuhi",
    "sebagian": "sebagian",
    "tidak_terpenuhi": "tidak terpenuhi",
    "tidak_diketahui": "tidak diketahui",
}


@dataclass(frozen=True)
class Kolom:
    nama: str  # CSV header and data-dictionary key, snake_case
    label: str  # header in the PDF and the workbook, Bahasa Indonesia
    jenis: str
    keterangan: str  # what the column means, for the data dictionary
    di_pdf: bool = True  # False: too wide for the printed page; the workbook and the CSV still have it
    # False: a printed summary of other columns ('26/552' for two counts) that the workbook and the CSV
    # hold as numbers of their own
    di_berkas: bool = True
    # The PDF prints it once above neighbouring columns of the same group ('Pemerintah daerah' over
    # 'dihitung' and 'diharapkan'); the workbook and the dictionary put it before the label.
    grup: str = ""

    def __post_init__(self):
        if self.jenis not in JENIS:
            raise ValueError(f"unknown column kind {self.jenis!r} for {self.nama}")

    @property
    def judul(self) -> str:
        """The header where there is room for one line only: the group and the label."""
        return f"{self.grup} {self.label}" if self.grup else self.label


@dataclass(frozen=True)
class Grafik:
    """A chart the workbook draws natively from the table's own cells."""

    jenis: str  # 'batang' (horizontal bars) or 'garis' (lines)
    judul: str
    kategori: str  # column with the labels
    nilai: tuple[str, ...]  # columns with the values, one series each


@dataclass(frozen=True)
class Tabel:
    nama: str  # file stem of data/<nama>.csv; also the workbook sheet's key
    judul: str  # caption, Bahasa Indonesia
    kolom: tuple[Kolom, ...]
    baris: list[tuple]
    catatan: str = ""  # footnote shown under the table
    grafik: Grafik | None = None
    sumber: tuple[str, ...] = field(default=())  # the marts the figures come from
    lembar: str = ""  # the workbook sheet's name where the caption makes a poor one (31 characters at most)

    def __post_init__(self):
        width = len(self.kolom)
        for row in self.baris:
            if len(row) != width:
                raise ValueError(f"{self.nama}: row {row!r} has {len(row)} cells for {width} columns")

    def kolom_ke(self, nama: str) -> int:
        return next(i for i, k in enumerate(self.kolom) if k.nama == nama)


def format_sel(value, jenis: str) -> str:
    """A cell as the PDF shows it."""
    if value is None:
        return format_angka(None)  # the dash the report explains as "not reported"
    if jenis == "angka":
        return format_angka(value)
    if jenis == "selisih":
        return format_perubahan(value)
    if jenis == "rasio":
        return f"{format_angka(value[0])}/{format_angka(value[1])}"
    if jenis == "bulan":
        return format_periode_singkat(value)
    if jenis == "persen":
        return format_persen(value)
    if jenis == "poin":
        return format_poin(value)
    if jenis == "rupiah":
        return format_rupiah(value)
    if jenis == "tanggal":
        return format_tanggal(value.astimezone(WIB) if isinstance(value, datetime) else value)
    if jenis == "status":
        return STATUS_SIMBOL.get(value, str(value))
    return str(value)


def untuk_berkas(tabel: Tabel) -> Tabel:
    """The table as the workbook and the CSV hold it: without the columns that only the PDF prints."""
    keep = [i for i, k in enumerate(tabel.kolom) if k.di_berkas]
    if len(keep) == len(tabel.kolom):
        return tabel
    return replace(
        tabel, kolom=tuple(tabel.kolom[i] for i in keep), baris=[tuple(row[i] for i in keep) for row in tabel.baris]
    )


def sembunyikan(tabel: Tabel, *nama: str) -> Tabel:
    """The same table with the named columns left out of the PDF (the workbook and the CSV keep them)."""
    return replace(tabel, kolom=tuple(replace(k, di_pdf=False) if k.nama in nama else k for k in tabel.kolom))


def tampilkan(tabel: Tabel, *nama: str) -> Tabel:
    """The same table with the named columns printed in the PDF too."""
    return replace(tabel, kolom=tuple(replace(k, di_pdf=True) if k.nama in nama else k for k in tabel.kolom))


def sembunyikan_kosong(tabel: Tabel, *nama: str) -> Tabel:
    """Of the named columns, those without a single value are left out of the PDF: a column of dashes
    tells the reader nothing the note under the table cannot."""
    names = [k.nama for k in tabel.kolom]
    kosong = [n for n in nama if all(row[names.index(n)] is None for row in tabel.baris)]
    return sembunyikan(tabel, *kosong)


def pilih(tabel: Tabel, syarat: Callable[[dict], bool]) -> Tabel:
    """The same table with only the rows for which `syarat(row as {column: value})` holds."""
    names = [k.nama for k in tabel.kolom]
    return replace(tabel, baris=[r for r in tabel.baris if syarat(dict(zip(names, r, strict=True)))])


# A spreadsheet opening a CSV runs a cell that starts with one of these as a formula (CSV injection): a
# file named "=HYPERLINK(…)" in penolakan.csv would become a link. Such text gets a leading apostrophe.
AWAL_RUMUS = ("=", "+", "-", "@", "\t", "\r")


def teks_aman(text: str) -> str:
    """Text for a CSV cell that no spreadsheet takes for a formula."""
    return f"'{text}" if text.startswith(AWAL_RUMUS) else text


def csv_sel(value, jenis: str):
    """A cell as the CSV holds it: plain digits, a dot for decimals, ISO dates, empty for unknown."""
    if value is None:
        return ""
    if jenis in ("persen", "poin"):
        return f"{round_persen(Decimal(value)):f}"
    if isinstance(value, datetime):
        return value.astimezone(WIB).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return teks_aman(value)
    return value


def write_csv(tabel: Tabel, path: Path) -> None:
    tabel = untuk_berkas(tabel)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow([k.nama for k in tabel.kolom])
        for row in tabel.baris:
            w.writerow([csv_sel(v, k.jenis) for v, k in zip(row, tabel.kolom, strict=True)])


def write_kamus(tables: Sequence[Tabel], path: Path) -> None:
    """The data dictionary: every CSV, every column, what it means (data/KAMUS_DATA.md)."""
    lines = [
        "# Kamus data",
        "",
        "Setiap berkas CSV di folder ini adalah satu tabel laporan. Pengodean: UTF-8, pemisah koma, "
        "baris pertama nama kolom. Angka tanpa pemisah ribuan; desimal memakai titik; "
        "sel kosong berarti tidak dilaporkan atau tidak dapat dihitung; tanggal ISO 8601; bulan YYYY-MM; "
        "status kartu kepatuhan sebagai kode (terpenuhi, sebagian, tidak_terpenuhi, tidak_diketahui).",
        "",
    ]
    for t in map(untuk_berkas, tables):
        lines += [f"## {t.nama}.csv — {t.judul}", ""]
        if t.sumber:
            lines += [f"Sumber: {', '.join(f'`{s}`' for s in t.sumber)}.", ""]
        lines += ["| kolom | judul | jenis | keterangan |", "| --- | --- | --- | --- |"]
        lines += [f"| `{k.nama}` | {k.judul} | {k.jenis} | {k.keterangan} |" for k in t.kolom]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
