"""The CSV renderer: a report table as data/<name>.csv, and the data dictionary naming every column.

Plain digits, a dot for decimals, ISO dates and months, an empty cell for unknown; no cell a spreadsheet would
open as a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from inpres.reports.formatting import WIB, round_percent
from inpres.reports.tables import Table, for_files

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
