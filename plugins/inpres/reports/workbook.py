"""The report's Excel workbook: a "Keterangan" sheet, then one sheet per report table, with native charts.

Cells hold numbers as numbers, dates as Excel dates and codes as text, each with a number format chosen
by the column's `kind`; Excel shows them with the reader's own separators. Percentages stay on the
marts' 0–100 scale (48.55 is shown as "48,55 %"), so a value read back equals the mart and the CSV.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import xlsxwriter

from inpres.reports.formatting import WIB, round_percent
from inpres.reports.tables import STATUS_WORDS, for_files

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from inpres.reports.tables import Chart, Column, Table

AUTHOR = "Kemenko PMK — gudang data Inpres 2/2021"
COVER_SHEET = "Keterangan"
# Without a creation time the file is byte-for-byte reproducible; this is the time xlsxwriter already
# gives every part inside the zip.
FIXED_CREATED = datetime(1980, 1, 1)

# A change is shown with its sign, the minus being the real minus sign (U+2212), as in the PDF; the cell
# still holds the plain number. A month is a date shown with Indonesian month names ([$-421] is the
# Indonesian locale), 'Okt 2022' whatever the reader's own settings.
NUM_FORMAT = {
    "angka": "#,##0",
    "selisih": '+#,##0;"\u2212"#,##0;0',
    "persen": '0.00" %"',
    "poin": '+0.00" poin";"\u2212"0.00" poin";0.00" poin"',
    "rupiah": '"Rp "#,##0',
    "tanggal": "dd/mm/yyyy",
    "bulan": "[$-421]mmm yyyy",
}
NUMERIC_KINDS = ("angka", "selisih", "persen", "poin", "rupiah")
# Axis labels of a chart: whole units are enough there.
AXIS_FORMAT = {
    "angka": "#,##0",
    "selisih": '+#,##0;"\u2212"#,##0;0',
    "persen": '0" %"',
    "poin": '+0.0;"\u2212"0.0;0',
    "rupiah": '"Rp "#,##0',
}
AXIS_TITLE = {
    "angka": "Jumlah",
    "selisih": "Perubahan",
    "persen": "Persen (%)",
    "poin": "Poin persen",
    "rupiah": "Rupiah (Rp)",
}

HOW_TO_READ = (
    "Setiap lembar berikutnya memuat satu tabel laporan: judul di baris pertama, kepala kolom yang dibekukan, "
    "lalu data; catatan dan sumber data ada di bawah tabel.",
    "Angka disimpan sebagai angka, bukan teks, sehingga dapat dijumlah, diurutkan dan disaring. Pemisah ribuan "
    "dan desimal mengikuti pengaturan wilayah (Region) komputer pembaca: pada Windows dengan pengaturan "
    "Indonesia, 1234567 tampil sebagai 1.234.567 dan 48.55 sebagai 48,55 %; pada pengaturan Inggris tampil "
    "sebagai 1,234,567 dan 48.55 %.",
    "Persentase disimpan dalam skala 0–100, bukan pecahan: nilai 48,55 berarti 48,55 %, sama dengan berkas CSV "
    'dan mart data. Perubahan cakupan dinyatakan dalam poin persen ("poin").',
    "Sel kosong berarti tidak dilaporkan atau tidak dapat dihitung; sel kosong bukan nol. Perubahan (Δ) "
    "dikosongkan bila basis salah satu bulan yang dibandingkan belum lengkap.",
    "Angka provinsi dan nasional adalah jumlah dari yang sudah dilaporkan. Kolom Pemerintah daerah dihitung dan "
    "diharapkan, Sasaran terlapor dan Basis menyatakan seberapa lengkap jumlah itu; hanya yang basisnya lengkap "
    "diberi peringkat.",
    "Kode wilayah disimpan sebagai teks agar nol di depan dan titiknya tidak hilang (mis. 11.10). "
    "Tanggal dan waktu dalam Waktu Indonesia Barat (WIB).",
)

_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_YEAR_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_TRAILING_WORDS = {"dan", "atau", "per", "di", "ke", "dari", "untuk", "yang", "serta", "dengan", "pada"}


def write_workbook(
    path: Path,
    tables: Sequence[Table],
    *,
    title: str,
    cover: Sequence[tuple[str, str]],
    created: datetime | None = None,
) -> None:
    """Write the report tables to `path` as an .xlsx workbook.

    `cover` is the (label, value) list of the cover sheet (period, run date, data version…).
    `created` is the workbook's creation time in its properties; without it a fixed time is used, so the
    same tables give the same bytes.
    """
    wb = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    try:
        wb.set_properties(
            {
                "title": title,
                "subject": "Pemantauan Inpres Nomor 2 Tahun 2021",
                "author": AUTHOR,
                "company": "Kementerian Koordinator Bidang Pembangunan Manusia dan Kebudayaan",
                "created": _utc_naive(created) if created is not None else FIXED_CREATED,
            }
        )
        fmt = _Formats(wb)
        tables = [for_files(t) for t in tables]
        names = _sheet_names(tables)
        _write_cover(wb.add_worksheet(COVER_SHEET), fmt, title, cover, tables, names)
        for table, name in zip(tables, names, strict=True):
            _write_table(wb, wb.add_worksheet(name), fmt, table, name)
    finally:
        wb.close()


class _Formats:
    def __init__(self, wb: Workbook):
        self.title = wb.add_format({"bold": True, "font_size": 13})
        self.big_title = wb.add_format({"bold": True, "font_size": 14})
        self.bold = wb.add_format({"bold": True})
        self.text = wb.add_format({"valign": "top"})
        self.paragraph = wb.add_format({"text_wrap": True, "valign": "top"})
        self.note = wb.add_format({"italic": True, "font_color": "#404040"})
        self.link = wb.add_format({"font_color": "#0563C1", "underline": 1})
        self.header = wb.add_format(
            {
                "bold": True,
                "bg_color": "#D9E1F2",
                "text_wrap": True,
                "valign": "top",
                "border": 1,
                "border_color": "#8EA9DB",
            }
        )
        self.number_header = wb.add_format(
            {
                "bold": True,
                "bg_color": "#D9E1F2",
                "text_wrap": True,
                "valign": "top",
                "align": "right",
                "border": 1,
                "border_color": "#8EA9DB",
            }
        )
        self.text_cell = wb.add_format({"num_format": "@"})
        self.cells = {kind: wb.add_format({"num_format": nf}) for kind, nf in NUM_FORMAT.items()}

    def for_kind(self, kind: str):
        return self.cells.get(kind, self.text_cell)


# --- sheet names --------------------------------------------------------------------------------------


def _sheet_names(tables: Sequence[Table]) -> list[str]:
    """Valid, unique (Excel compares case-insensitively) sheet names, from the captions."""
    taken = {COVER_SHEET.casefold()}
    names = []
    for t in tables:
        base = _sheet_name(t.sheet) or _sheet_name(t.title) or _sheet_name(t.name) or "Tabel"
        name, n = base, 1
        while name.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)].rstrip() + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


def _sheet_name(text: str) -> str:
    """At most 31 characters, none of []:*?/\\, not starting or ending with an apostrophe.

    A long caption loses its tail: the period after the last comma, then what follows a colon, else it is
    cut at a word.
    """
    text = text or ""
    candidates = [text, text.rsplit(",", 1)[0]]
    if ":" in text and len(text.split(":", 1)[0].strip()) >= 8:
        candidates.append(text.split(":", 1)[0])
    for candidate in candidates:
        clean = _clean_sheet_name(candidate)
        if clean and len(clean) <= 31:
            return "" if clean.casefold() == "history" else clean
    clean = _clean_sheet_name(text)
    words = clean[:32].split(" ")[:-1] if " " in clean[:32] else [clean[:31]]
    while len(words) > 1 and words[-1].strip(",;.-–—").casefold() in _TRAILING_WORDS | {""}:
        words.pop()
    return " ".join(words).rstrip(",;.-–— ").strip("'")[:31]


def _clean_sheet_name(text: str) -> str:
    clean = _INVALID_SHEET_CHARS.sub(lambda m: "-" if m.group() in "/\\" else " ", text)
    return " ".join(clean.split()).strip("'").strip(" ,;-–—")


# --- the cover sheet -------------------------------------------------------------------------------------


def _write_cover(
    ws: Worksheet,
    fmt: _Formats,
    title: str,
    cover: Sequence[tuple[str, str]],
    tables: Sequence[Table],
    names: Sequence[str],
) -> None:
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 90)
    ws.set_column(2, 2, 12)
    ws.write_string(0, 0, title, fmt.big_title)
    row = 2
    for label, value in cover:
        ws.write_string(row, 0, str(label), fmt.bold)
        ws.write_string(row, 1, "" if value is None else str(value), fmt.text)
        row += 1

    row += 1
    ws.write_string(row, 0, "Cara membaca", fmt.bold)
    row += 1
    for sentence in HOW_TO_READ:
        ws.merge_range(row, 0, row, 1, sentence, fmt.paragraph)
        ws.set_row(row, 15 * math.ceil(len(sentence) / 115))
        row += 1

    row += 1
    ws.write_string(row, 0, "Daftar lembar", fmt.bold)
    row += 1
    ws.write_string(row, 0, "Lembar", fmt.header)
    ws.write_string(row, 1, "Isi", fmt.header)
    ws.write_string(row, 2, "Jumlah baris", fmt.number_header)
    for table, name in zip(tables, names, strict=True):
        row += 1
        ws.write_url(row, 0, f"internal:{_quote(name)}!A1", fmt.link, string=name)
        ws.write_string(row, 1, table.title, fmt.text)
        ws.write_number(row, 2, len(table.rows), fmt.cells["angka"])
    ws.activate()


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


# --- the table sheets -----------------------------------------------------------------------------------

HEADER_ROW = 2  # row 1: the caption; row 2: empty; row 3: the header


def _write_table(wb: Workbook, ws: Worksheet, fmt: _Formats, table: Table, name: str) -> None:
    columns = table.columns
    ncol = len(columns)
    ws.write_string(0, 0, table.title, fmt.title)

    widths = [_header_width(k.title) for k in columns]
    for c, k in enumerate(columns):
        ws.write_string(HEADER_ROW, c, k.title, fmt.number_header if k.kind in NUMERIC_KINDS else fmt.header)

    first = HEADER_ROW + 1
    for i, cells in enumerate(table.rows):
        r = first + i
        for c, (value, k) in enumerate(zip(cells, columns, strict=True)):
            widths[c] = max(widths[c], _write_cell(ws, r, c, value, k.kind, fmt))
    last = first + len(table.rows) - 1  # == HEADER_ROW when there are no rows

    for c, w in enumerate(widths):
        ws.set_column(c, c, min(max(w + 2, 8), 60))
    ws.set_row(
        HEADER_ROW,
        15 * max(_header_lines(k.title, min(max(w + 2, 8), 60)) for k, w in zip(columns, widths, strict=True)),
    )
    ws.freeze_panes(first, _frozen_columns(columns))
    ws.autofilter(HEADER_ROW, 0, last, ncol - 1)
    ws.repeat_rows(HEADER_ROW)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)

    row = last + 2
    if not table.rows:
        ws.write_string(row - 1, 0, "Tidak ada data untuk tabel ini.", fmt.note)
        row += 1
    if table.note:
        ws.write_string(row, 0, f"Catatan: {table.note}", fmt.note)
        row += 1
    if table.sources:
        ws.write_string(row, 0, f"Sumber: {', '.join(table.sources)}.", fmt.note)

    if table.chart is not None and table.rows:
        drawn = _chart(wb, table, table.chart, name)
        if drawn is not None:
            ws.insert_chart(HEADER_ROW, ncol + 1, drawn, {"x_offset": 10})


def _write_cell(ws: Worksheet, r: int, c: int, value, kind: str, fmt: _Formats) -> int:
    """Write one cell by its column's kind; returns the width it needs (characters)."""
    cell_format = fmt.for_kind(kind)
    if value is None:
        ws.write_blank(r, c, None, cell_format)
        return 0
    if kind in NUMERIC_KINDS and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number = round_percent(Decimal(value)) if kind in ("persen", "poin") else value
        number = float(number)
        if not math.isfinite(number):
            ws.write_blank(r, c, None, cell_format)
            return 0
        ws.write_number(r, c, number, cell_format)
        return _number_width(number, kind)
    if kind == "tanggal" and isinstance(value, date):
        ws.write_datetime(r, c, _excel_datetime(value), cell_format)
        return 10
    if kind == "bulan" and isinstance(value, str) and _YEAR_MONTH.fullmatch(value):
        ws.write_datetime(r, c, datetime(int(value[:4]), int(value[5:]), 1), cell_format)
        return 8
    if kind == "status":
        value = STATUS_WORDS.get(value, value)
    text = str(value)
    ws.write_string(r, c, text, fmt.text_cell)
    return max((len(line) for line in text.splitlines()), default=0)


def _excel_datetime(value: date) -> date | datetime:
    """Excel has no time zone: an aware moment becomes its Jakarta wall-clock time."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(WIB).replace(tzinfo=None)
    return value


def _utc_naive(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def _number_width(number: float, kind: str) -> int:
    if kind == "persen":
        return len(f"{number:,.2f} %")
    if kind == "poin":
        return len(f"{number:+,.2f} poin")
    if kind == "selisih":
        return len(f"{number:+,.0f}")
    if kind == "rupiah":
        return len(f"Rp {number:,.0f}")
    return len(f"{number:,.0f}")


def _header_width(label: str) -> int:
    """A header may wrap: it asks for its longest word, and up to 14 characters of the whole."""
    longest = max((len(w) for w in label.split()), default=0)
    return max(longest, min(len(label), 14))


def _header_lines(label: str, width: float) -> int:
    lines, current = 1, 0
    for word in label.split():
        if current and current + 1 + len(word) > width - 1:
            lines += 1
            current = len(word)
        else:
            current += (1 if current else 0) + len(word)
    return lines


def _frozen_columns(columns: Sequence[Column]) -> int:
    """The leading code/name columns stay in view: through the first name (teks) among them, else the code
    (or the month of a table by month)."""
    lead = 0
    while lead < min(len(columns), 3) and columns[lead].kind in ("kode", "bulan", "teks"):
        if columns[lead].kind == "teks":
            return lead + 1
        lead += 1
    return 1 if lead else 0


# --- charts --------------------------------------------------------------------------------------------


def _chart(wb: Workbook, table: Table, chart: Chart, sheet: str):
    """A native chart whose series are the sheet's own cells; None for a chart without any value."""
    category = table.column_index(chart.category)
    values = [table.column_index(n) for n in chart.values]

    # Rows without any value at the start or the end (e.g. the unranked provinces listed last) stay out
    # of the chart; an empty cell inside the range is a gap, not a zero.
    has_value = [any(b[c] is not None and not isinstance(b[c], str) for c in values) for b in table.rows]
    if not any(has_value):
        return None
    start = has_value.index(True)
    end = len(has_value) - 1 - has_value[::-1].index(True)
    first, last = HEADER_ROW + 1 + start, HEADER_ROW + 1 + end
    n = end - start + 1

    bars = chart.kind == "bar"
    drawn = wb.add_chart({"type": "bar" if bars else "line"})
    for c in values:
        series = {
            "name": [sheet, HEADER_ROW, c],
            "categories": [sheet, first, category, last, category],
            "values": [sheet, first, c, last, c],
        }
        if not bars:
            series["marker"] = {"type": "circle", "size": 5}
        drawn.add_series(series)
    drawn.show_blanks_as("gap")
    drawn.set_title({"name": chart.title, "name_font": {"size": 12, "bold": True}})
    drawn.set_legend({"position": "bottom"} if len(values) > 1 else {"none": True})

    kinds = {table.columns[c].kind for c in values}
    one = kinds.pop() if len(kinds) == 1 else None
    if len(values) == 1:
        value_title = table.columns[values[0]].title
        if one == "persen" and "%" not in value_title:
            value_title += " (%)"
    else:
        value_title = AXIS_TITLE.get(one, "Nilai")
    value_axis = {
        "name": value_title,
        "num_format": AXIS_FORMAT.get(one, "General"),
        "major_gridlines": {"visible": True},
    }
    category_axis = {"name": table.columns[category].title}
    if table.columns[category].kind in ("tanggal", "bulan") and not bars:
        category_axis.update(
            {
                "date_axis": True,
                "num_format": NUM_FORMAT[table.columns[category].kind],
                "base_unit": "months" if table.columns[category].kind == "bulan" else "days",
            }
        )

    if bars:
        # Bars: categories on the vertical (y) axis, top to bottom in the table's order; values along x.
        # Reversed categories; "crossing" on the category axis puts the value axis at the last category,
        # i.e. at the bottom.
        category_axis.update({"reverse": True, "crossing": "max", "interval_unit": 1, "num_font": {"size": 8}})
        drawn.set_y_axis(category_axis)
        drawn.set_x_axis(value_axis)
        drawn.set_size({"width": 640, "height": min(max(120 + n * (10 + 8 * len(values)), 320), 1400)})
    else:
        drawn.set_x_axis(category_axis)
        drawn.set_y_axis(value_axis)
        drawn.set_size({"width": 720, "height": 400})
    return drawn
