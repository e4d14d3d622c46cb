"""The report's Excel workbook: a "Keterangan" sheet, then one sheet per report table, with native charts.

Cells hold numbers as numbers, dates as Excel dates and codes as text, each with a number format chosen
by the column's `jenis`; Excel shows them with the reader's own separators. Percentages stay on the
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
from zoneinfo import ZoneInfo

import xlsxwriter

from inpres.reports.formatting import round_persen
from inpres.reports.tables import STATUS_KATA, untuk_berkas

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from inpres.reports.tables import Grafik, Kolom, Tabel

WIB = ZoneInfo("Asia/Jakarta")
PENULIS = "Kemenko PMK — gudang data Inpres 2/2021"
LEMBAR_KETERANGAN = "Keterangan"
# Without a creation time the file is byte-for-byte reproducible; this is the time xlsxwriter already
# gives every part inside the zip.
DIBUAT_TETAP = datetime(1980, 1, 1)

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
ANGKA = ("angka", "selisih", "persen", "poin", "rupiah")
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

CARA_MEMBACA = (
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
_BULAN = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_TRAILING_WORDS = {"dan", "atau", "per", "di", "ke", "dari", "untuk", "yang", "serta", "dengan", "pada"}


def write_workbook(
    path: Path,
    tables: Sequence[Tabel],
    *,
    judul: str,
    keterangan: Sequence[tuple[str, str]],
    dibuat: datetime | None = None,
) -> None:
    """Write the report tables to `path` as an .xlsx workbook.

    `keterangan` is the (label, value) list of the cover sheet (period, run date, data version…).
    `dibuat` is the workbook's creation time in its properties; without it a fixed time is used, so the
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
                "title": judul,
                "subject": "Pemantauan Inpres Nomor 2 Tahun 2021",
                "author": PENULIS,
                "company": "Kementerian Koordinator Bidang Pembangunan Manusia dan Kebudayaan",
                "created": _utc_naive(dibuat) if dibuat is not None else DIBUAT_TETAP,
            }
        )
        fmt = _Formats(wb)
        tables = [untuk_berkas(t) for t in tables]
        names = _sheet_names(tables)
        _write_keterangan(wb.add_worksheet(LEMBAR_KETERANGAN), fmt, judul, keterangan, tables, names)
        for tabel, name in zip(tables, names, strict=True):
            _write_tabel(wb, wb.add_worksheet(name), fmt, tabel, name)
    finally:
        wb.close()


class _Formats:
    def __init__(self, wb: Workbook):
        self.judul = wb.add_format({"bold": True, "font_size": 13})
        self.judul_besar = wb.add_format({"bold": True, "font_size": 14})
        self.tebal = wb.add_format({"bold": True})
        self.teks = wb.add_format({"valign": "top"})
        self.paragraf = wb.add_format({"text_wrap": True, "valign": "top"})
        self.catatan = wb.add_format({"italic": True, "font_color": "#404040"})
        self.tautan = wb.add_format({"font_color": "#0563C1", "underline": 1})
        self.kepala = wb.add_format(
            {
                "bold": True,
                "bg_color": "#D9E1F2",
                "text_wrap": True,
                "valign": "top",
                "border": 1,
                "border_color": "#8EA9DB",
            }
        )
        self.kepala_angka = wb.add_format(
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
        self.sel_teks = wb.add_format({"num_format": "@"})
        self.sel = {jenis: wb.add_format({"num_format": nf}) for jenis, nf in NUM_FORMAT.items()}

    def kolom(self, jenis: str):
        return self.sel.get(jenis, self.sel_teks)


# --- sheet names --------------------------------------------------------------------------------------


def _sheet_names(tables: Sequence[Tabel]) -> list[str]:
    """Valid, unique (Excel compares case-insensitively) sheet names, from the captions."""
    taken = {LEMBAR_KETERANGAN.casefold()}
    names = []
    for t in tables:
        base = _sheet_name(t.lembar) or _sheet_name(t.judul) or _sheet_name(t.nama) or "Tabel"
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


def _write_keterangan(
    ws: Worksheet,
    fmt: _Formats,
    judul: str,
    keterangan: Sequence[tuple[str, str]],
    tables: Sequence[Tabel],
    names: Sequence[str],
) -> None:
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 90)
    ws.set_column(2, 2, 12)
    ws.write_string(0, 0, judul, fmt.judul_besar)
    row = 2
    for label, value in keterangan:
        ws.write_string(row, 0, str(label), fmt.tebal)
        ws.write_string(row, 1, "" if value is None else str(value), fmt.teks)
        row += 1

    row += 1
    ws.write_string(row, 0, "Cara membaca", fmt.tebal)
    row += 1
    for kalimat in CARA_MEMBACA:
        ws.merge_range(row, 0, row, 1, kalimat, fmt.paragraf)
        ws.set_row(row, 15 * math.ceil(len(kalimat) / 115))
        row += 1

    row += 1
    ws.write_string(row, 0, "Daftar lembar", fmt.tebal)
    row += 1
    ws.write_string(row, 0, "Lembar", fmt.kepala)
    ws.write_string(row, 1, "Isi", fmt.kepala)
    ws.write_string(row, 2, "Jumlah baris", fmt.kepala_angka)
    for tabel, name in zip(tables, names, strict=True):
        row += 1
        ws.write_url(row, 0, f"internal:{_quote(name)}!A1", fmt.tautan, string=name)
        ws.write_string(row, 1, tabel.judul, fmt.teks)
        ws.write_number(row, 2, len(tabel.baris), fmt.sel["angka"])
    ws.activate()


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


# --- the table sheets -----------------------------------------------------------------------------------

HEADER_ROW = 2  # row 1: the caption; row 2: empty; row 3: the header


def _write_tabel(wb: Workbook, ws: Worksheet, fmt: _Formats, tabel: Tabel, name: str) -> None:
    kolom = tabel.kolom
    ncol = len(kolom)
    ws.write_string(0, 0, tabel.judul, fmt.judul)

    widths = [_header_width(k.judul) for k in kolom]
    for c, k in enumerate(kolom):
        ws.write_string(HEADER_ROW, c, k.judul, fmt.kepala_angka if k.jenis in ANGKA else fmt.kepala)

    first = HEADER_ROW + 1
    for i, baris in enumerate(tabel.baris):
        r = first + i
        for c, (value, k) in enumerate(zip(baris, kolom, strict=True)):
            widths[c] = max(widths[c], _write_cell(ws, r, c, value, k.jenis, fmt))
    last = first + len(tabel.baris) - 1  # == HEADER_ROW when there are no rows

    for c, w in enumerate(widths):
        ws.set_column(c, c, min(max(w + 2, 8), 60))
    ws.set_row(
        HEADER_ROW, 15 * max(_header_lines(k.judul, min(max(w + 2, 8), 60)) for k, w in zip(kolom, widths, strict=True))
    )
    ws.freeze_panes(first, _frozen_columns(kolom))
    ws.autofilter(HEADER_ROW, 0, last, ncol - 1)
    ws.repeat_rows(HEADER_ROW)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)

    row = last + 2
    if not tabel.baris:
        ws.write_string(row - 1, 0, "Tidak ada data untuk tabel ini.", fmt.catatan)
        row += 1
    if tabel.catatan:
        ws.write_string(row, 0, f"Catatan: {tabel.catatan}", fmt.catatan)
        row += 1
    if tabel.sumber:
        ws.write_string(row, 0, f"Sumber: {', '.join(tabel.sumber)}.", fmt.catatan)

    if tabel.grafik is not None and tabel.baris:
        chart = _chart(wb, tabel, tabel.grafik, name)
        if chart is not None:
            ws.insert_chart(HEADER_ROW, ncol + 1, chart, {"x_offset": 10})


def _write_cell(ws: Worksheet, r: int, c: int, value, jenis: str, fmt: _Formats) -> int:
    """Write one cell by its column's kind; returns the width it needs (characters)."""
    cell_format = fmt.kolom(jenis)
    if value is None:
        ws.write_blank(r, c, None, cell_format)
        return 0
    if jenis in ANGKA and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number = round_persen(Decimal(value)) if jenis in ("persen", "poin") else value
        number = float(number)
        if not math.isfinite(number):
            ws.write_blank(r, c, None, cell_format)
            return 0
        ws.write_number(r, c, number, cell_format)
        return _number_width(number, jenis)
    if jenis == "tanggal" and isinstance(value, date):
        ws.write_datetime(r, c, _excel_datetime(value), cell_format)
        return 10
    if jenis == "bulan" and isinstance(value, str) and _BULAN.fullmatch(value):
        ws.write_datetime(r, c, datetime(int(value[:4]), int(value[5:]), 1), cell_format)
        return 8
    if jenis == "status":
        value = STATUS_KATA.get(value, value)
    text = str(value)
    ws.write_string(r, c, text, fmt.sel_teks)
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


def _number_width(number: float, jenis: str) -> int:
    if jenis == "persen":
        return len(f"{number:,.2f} %")
    if jenis == "poin":
        return len(f"{number:+,.2f} poin")
    if jenis == "selisih":
        return len(f"{number:+,.0f}")
    if jenis == "rupiah":
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


def _frozen_columns(kolom: Sequence[Kolom]) -> int:
    """The leading code/name columns stay in view: through the first name (teks) among them, else the code
    (or the month of a table by month)."""
    lead = 0
    while lead < min(len(kolom), 3) and kolom[lead].jenis in ("kode", "bulan", "teks"):
        if kolom[lead].jenis == "teks":
            return lead + 1
        lead += 1
    return 1 if lead else 0


# --- charts --------------------------------------------------------------------------------------------


def _chart(wb: Workbook, tabel: Tabel, grafik: Grafik, sheet: str):
    """A native chart whose series are the sheet's own cells; None for a chart without any value."""
    kat = tabel.kolom_ke(grafik.kategori)
    nilai = [tabel.kolom_ke(n) for n in grafik.nilai]

    # Rows without any value at the start or the end (e.g. the unranked provinces listed last) stay out
    # of the chart; an empty cell inside the range is a gap, not a zero.
    has_value = [any(b[c] is not None and not isinstance(b[c], str) for c in nilai) for b in tabel.baris]
    if not any(has_value):
        return None
    start = has_value.index(True)
    end = len(has_value) - 1 - has_value[::-1].index(True)
    first, last = HEADER_ROW + 1 + start, HEADER_ROW + 1 + end
    n = end - start + 1

    batang = grafik.jenis == "batang"
    chart = wb.add_chart({"type": "bar" if batang else "line"})
    for c in nilai:
        series = {
            "name": [sheet, HEADER_ROW, c],
            "categories": [sheet, first, kat, last, kat],
            "values": [sheet, first, c, last, c],
        }
        if not batang:
            series["marker"] = {"type": "circle", "size": 5}
        chart.add_series(series)
    chart.show_blanks_as("gap")
    chart.set_title({"name": grafik.judul, "name_font": {"size": 12, "bold": True}})
    chart.set_legend({"position": "bottom"} if len(nilai) > 1 else {"none": True})

    jenis = {tabel.kolom[c].jenis for c in nilai}
    one = jenis.pop() if len(jenis) == 1 else None
    if len(nilai) == 1:
        value_title = tabel.kolom[nilai[0]].judul
        if one == "persen" and "%" not in value_title:
            value_title += " (%)"
    else:
        value_title = AXIS_TITLE.get(one, "Nilai")
    value_axis = {
        "name": value_title,
        "num_format": AXIS_FORMAT.get(one, "General"),
        "major_gridlines": {"visible": True},
    }
    category_axis = {"name": tabel.kolom[kat].judul}
    if tabel.kolom[kat].jenis in ("tanggal", "bulan") and not batang:
        category_axis.update(
            {
                "date_axis": True,
                "num_format": NUM_FORMAT[tabel.kolom[kat].jenis],
                "base_unit": "months" if tabel.kolom[kat].jenis == "bulan" else "days",
            }
        )

    if batang:
        # Bars: categories on the vertical (y) axis, top to bottom in the table's order; values along x.
        # Reversed categories; "crossing" on the category axis puts the value axis at the last category,
        # i.e. at the bottom.
        category_axis.update({"reverse": True, "crossing": "max", "interval_unit": 1, "num_font": {"size": 8}})
        chart.set_y_axis(category_axis)
        chart.set_x_axis(value_axis)
        chart.set_size({"width": 640, "height": min(max(120 + n * (10 + 8 * len(nilai)), 320), 1400)})
    else:
        chart.set_x_axis(category_axis)
        chart.set_y_axis(value_axis)
        chart.set_size({"width": 720, "height": 400})
    return chart
