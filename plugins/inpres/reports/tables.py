"""A report table, defined once and rendered three ways: in the PDF, as an Excel sheet, as a CSV file.

Cells hold the mart's values as they are (int, Decimal, str, date, None for unknown); each renderer
formats them by the column's `kind`, so the PDF, the workbook and the CSV cannot disagree.
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
    format_change,
    format_date,
    format_number,
    format_percent,
    format_periode_short,
    format_points,
    format_rupiah,
    round_percent,
)

WIB = ZoneInfo("Asia/Jakarta")

# teks: free text · kode: a region code or other identifier, kept as text · angka: a count ·
# selisih: a signed count (a change from an earlier month, or one figure less another), '+1.200' / '−94' ·
# rasio: a pair (part, whole) of counts, printed '14/36' (the PDF only: files hold the two counts) ·
# persen: 0–100, two decimals · poin: a change in percentage points · rupiah: an amount in Rp ·
# tanggal: a date (or a moment, shown as its date in Jakarta) · bulan: a month 'YYYY-MM', shown 'Okt 2022' ·
# status: a scorecard status (terpenuhi / sebagian / tidak_terpenuhi / tidak_diketahui): the code in the CSV,
# words in the workbook, a symbol the legend explains in the PDF
KINDS = ("teks", "kode", "angka", "selisih", "rasio", "persen", "poin", "rupiah", "tanggal", "bulan", "status")
STATUS_SYMBOL = {"terpenuhi": "●", "sebagian": "◐", "tidak_terpenuhi": "○", "tidak_diketahui": "?"}
STATUS_WORDS = {
    "terpenuhi": "terpenuhi",
    "sebagian": "sebagian",
    "tidak_terpenuhi": "tidak terpenuhi",
    "tidak_diketahui": "tidak diketahui",
}


@dataclass(frozen=True)
class Column:
    name: str  # CSV header and data-dictionary key, snake_case
    label: str  # header in the PDF and the workbook, Bahasa Indonesia
    kind: str
    description: str  # what the column means, for the data dictionary
    in_pdf: bool = True  # False: too wide for the printed page; the workbook and the CSV still have it
    # False: a printed summary of other columns ('26/552' for two counts) that the workbook and the CSV
    # hold as numbers of their own
    in_files: bool = True
    # The PDF prints it once above neighbouring columns of the same group ('Pemerintah daerah' over
    # 'dihitung' and 'diharapkan'); the workbook and the dictionary put it before the label.
    group: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r} for {self.name}")

    @property
    def title(self) -> str:
        """The header where there is room for one line only: the group and the label."""
        return f"{self.group} {self.label}" if self.group else self.label


@dataclass(frozen=True)
class Chart:
    """A chart the workbook draws natively from the table's own cells."""

    kind: str  # 'bar' (horizontal bars) or 'line'
    title: str
    category: str  # column with the labels
    values: tuple[str, ...]  # columns with the values, one series each


@dataclass(frozen=True)
class Table:
    name: str  # file stem of data/<name>.csv; also the workbook sheet's key
    title: str  # caption, Bahasa Indonesia
    columns: tuple[Column, ...]
    rows: list[tuple]
    note: str = ""  # footnote shown under the table
    chart: Chart | None = None
    sources: tuple[str, ...] = field(default=())  # the marts the figures come from
    sheet: str = ""  # the workbook sheet's name where the caption makes a poor one (31 characters at most)

    def __post_init__(self):
        width = len(self.columns)
        for row in self.rows:
            if len(row) != width:
                raise ValueError(f"{self.name}: row {row!r} has {len(row)} cells for {width} columns")

    def column_index(self, name: str) -> int:
        return next(i for i, k in enumerate(self.columns) if k.name == name)


def format_cell(value, kind: str) -> str:
    """A cell as the PDF shows it."""
    if value is None:
        return format_number(None)  # the dash the report explains as "not reported"
    if kind == "angka":
        return format_number(value)
    if kind == "selisih":
        return format_change(value)
    if kind == "rasio":
        return f"{format_number(value[0])}/{format_number(value[1])}"
    if kind == "bulan":
        return format_periode_short(value)
    if kind == "persen":
        return format_percent(value)
    if kind == "poin":
        return format_points(value)
    if kind == "rupiah":
        return format_rupiah(value)
    if kind == "tanggal":
        return format_date(value.astimezone(WIB) if isinstance(value, datetime) else value)
    if kind == "status":
        return STATUS_SYMBOL.get(value, str(value))
    return str(value)


def for_files(table: Table) -> Table:
    """The table as the workbook and the CSV hold it: without the columns that only the PDF prints."""
    keep = [i for i, k in enumerate(table.columns) if k.in_files]
    if len(keep) == len(table.columns):
        return table
    return replace(
        table, columns=tuple(table.columns[i] for i in keep), rows=[tuple(row[i] for i in keep) for row in table.rows]
    )


def hide(table: Table, *names: str) -> Table:
    """The same table with the named columns left out of the PDF (the workbook and the CSV keep them)."""
    return replace(table, columns=tuple(replace(k, in_pdf=False) if k.name in names else k for k in table.columns))


def show(table: Table, *names: str) -> Table:
    """The same table with the named columns printed in the PDF too."""
    return replace(table, columns=tuple(replace(k, in_pdf=True) if k.name in names else k for k in table.columns))


def hide_empty(table: Table, *names: str) -> Table:
    """Of the named columns, those without a single value are left out of the PDF: a column of dashes
    tells the reader nothing the note under the table cannot."""
    empty = [n for n in names if all(row[table.column_index(n)] is None for row in table.rows)]
    return hide(table, *empty)


def select(table: Table, where: Callable[[dict], bool]) -> Table:
    """The same table with only the rows for which `where(row as {column: value})` holds."""
    names = [k.name for k in table.columns]
    return replace(table, rows=[r for r in table.rows if where(dict(zip(names, r, strict=True)))])


# A spreadsheet opening a CSV runs a cell that starts with one of these as a formula (CSV injection): a
# file named "=HYPERLINK(…)" in penolakan.csv would become a link. Such text gets a leading apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """Text for a CSV cell that no spreadsheet takes for a formula."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


def csv_cell(value, kind: str):
    """A cell as the CSV holds it: plain digits, a dot for decimals, ISO dates, empty for unknown."""
    if value is None:
        return ""
    if kind in ("persen", "poin"):
        return f"{round_percent(Decimal(value)):f}"
    if isinstance(value, datetime):
        return value.astimezone(WIB).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return safe_text(value)
    return value


def write_csv(table: Table, path: Path) -> None:
    table = for_files(table)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow([k.name for k in table.columns])
        for row in table.rows:
            w.writerow([csv_cell(v, k.kind) for v, k in zip(row, table.columns, strict=True)])


def write_dictionary(tables: Sequence[Table], path: Path) -> None:
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
    for t in map(for_files, tables):
        lines += [f"## {t.name}.csv — {t.title}", ""]
        if t.sources:
            lines += [f"Sumber: {', '.join(f'`{s}`' for s in t.sources)}.", ""]
        lines += ["| kolom | judul | jenis | keterangan |", "| --- | --- | --- | --- |"]
        lines += [f"| `{k.name}` | {k.title} | {k.kind} | {k.description} |" for k in t.columns]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
