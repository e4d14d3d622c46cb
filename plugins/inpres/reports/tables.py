"""A report table, defined once and rendered three ways: in the PDF (pdf.py), as an Excel sheet (workbook.py),
as a CSV file (csv_files.py).

Cells hold the mart's values as they are (int, Decimal, str, date, None for unknown); each renderer
formats them by the column's `kind`, so the PDF, the workbook and the CSV cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

# teks: free text · kode: a region code or other identifier, kept as text · angka: a count ·
# selisih: a signed count (a change from an earlier month, or one figure less another), '+1.200' / '−94' ·
# rasio: a pair (part, whole) of counts, printed '14/36' (the PDF only: files hold the two counts) ·
# persen: 0–100, two decimals · poin: a change in percentage points · rupiah: an amount in Rp ·
# tanggal: a date (or a moment, shown as its date in Jakarta) · bulan: a month 'YYYY-MM', shown 'Okt 2022' ·
# status: a scorecard status (terpenuhi / sebagian / tidak_terpenuhi / tidak_diketahui): the code in the CSV,
# words in the workbook, a symbol the legend explains in the PDF
KINDS = ("teks", "kode", "angka", "selisih", "rasio", "persen", "poin", "rupiah", "tanggal", "bulan", "status")

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
