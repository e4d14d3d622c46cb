"""Reading a delivered file into sheets of cells, refusing what could exhaust the machine.

XLSX through python-calamine (a maintained Rust reader; ~25× openpyxl here), CSV through the standard
library as a stream. Every refusal is a `Unreadable` with a sentence for the regional officer.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.parsers import expat

MiB = 1024 * 1024
# A month's submission is a few hundred rows (tens of KB); the BPJS extract is the big one.
MAX_FILE_BYTES = int(float(os.environ.get("INPRES_MAX_FILE_MB", "50")) * MiB)
# What an XLSX may expand to: its XML is ~10× the zipped size; a zip bomb is thousands of times.
MAX_XLSX_EXPANDED_BYTES = int(float(os.environ.get("INPRES_MAX_XLSX_EXPANDED_MB", "200")) * MiB)
CSV_ENCODINGS = ("utf-16", "utf-8-sig", "cp1252")
CSV_DELIMITERS = (",", ";", "\t")
# Excel's own limit for one cell; anything longer is no figure, code or name of the template.
MAX_CELL_CHARS = 32_767
# The csv module refuses fields over 128 KiB with an English error; the file size limit bounds them
# already, and a long cell is refused below with a sentence that points at it.
csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))
# `peserta` (template v1.1) is optional: a workbook without it is a v1 workbook.
TEMPLATE_SHEETS = ("identitas", "kepesertaan", "kepatuhan", "klaim", "peserta")


class Unreadable(Exception):
    """The file as a whole cannot be read; the message says why, in Bahasa Indonesia.

    Several reasons may be found at once (e.g. two sheets hidden): `reasons` has each.
    """

    def __init__(self, *reasons: str):
        super().__init__("; ".join(reasons))
        self.reasons = list(reasons)


class Formula:
    """A formula cell Excel never calculated: it has no value, and must not be read as an empty cell."""

    def __repr__(self) -> str:
        return "Formula()"


@dataclass
class Sheet:
    """A sheet's header (lower-cased, trimmed) and its rows as (row number, {column: cell})."""

    name: str
    header: list[str]
    rows: Iterable[tuple[int, dict[str, object]]]


def check_size(size: int, limit: int | None = None) -> None:
    """`limit`: MAX_FILE_BYTES unless given (a participant list has its own)."""
    limit = MAX_FILE_BYTES if limit is None else limit
    if size > limit:
        raise Unreadable(f"berkas terlalu besar ({size / MiB:.1f} MB; batas {limit / MiB:.0f} MB)")
    if size == 0:
        raise Unreadable("berkas kosong")


def xlsx_sheets(content: bytes) -> dict[str, Sheet]:
    check_size(len(content))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise Unreadable(
            "berkas tidak dapat dibaca sebagai Excel (.xlsx); simpan ulang sebagai "
            "Excel Workbook (.xlsx) atau kirim CSV"
        ) from None
    if expanded > MAX_XLSX_EXPANDED_BYTES:
        raise Unreadable(
            f"isi berkas Excel terlalu besar setelah diekstrak ({expanded / MiB:.0f} MB; "
            f"batas {MAX_XLSX_EXPANDED_BYTES / MiB:.0f} MB)"
        )
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        metadata = workbook.sheets_metadata
    except Exception as error:  # calamine reports damaged workbooks with several exception types
        raise Unreadable(f"berkas Excel rusak atau tidak dapat dibaca ({type(error).__name__})") from None
    wanted = _template_sheets([(m.name, m.visible == SheetVisibleEnum.Visible) for m in metadata])
    try:
        uncalculated = _formulas_without_value(content, set(wanted.values()))
        sheets = {}
        for key, name in wanted.items():
            cells = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheets[key] = _sheet(key, iter(cells), uncalculated.get(name, set()))
        return sheets
    except Unreadable:
        raise
    except Exception as error:
        raise Unreadable(f"berkas Excel rusak atau tidak dapat dibaca ({type(error).__name__})") from None


def _template_sheets(names: list[tuple[str, bool]]) -> dict[str, str]:
    """The template's sheets by their trimmed, lower-cased name -> the workbook's own name for each.

    A sheet is matched by its name only, never guessed. Two sheets that read as one name, or a hidden
    sheet named like one of the template's, are refused: whichever were read, the officer could not tell
    which figures were sent. Other hidden sheets (lists for drop-downs) are left alone.
    """
    found: dict[str, list[tuple[str, bool]]] = {}
    for name, visible in names:
        found.setdefault(name.strip().lower(), []).append((name, visible))
    problems, wanted = [], {}
    for key in TEMPLATE_SHEETS:
        candidates = found.get(key, [])
        hidden = [name for name, visible in candidates if not visible]
        if len(candidates) > 1:
            problems.append(
                f"ada {len(candidates)} lembar bernama {key} "
                f"({', '.join(repr(n) for n, _ in candidates)}); hapus yang tidak dipakai "
                "agar jelas lembar mana yang dilaporkan"
            )
        elif hidden:
            problems.append(
                f"lembar {hidden[0]!r} tersembunyi; tampilkan (Unhide) lembar itu bila isinya "
                "yang dilaporkan, atau hapus"
            )
        elif candidates:
            wanted[key] = candidates[0][0]
    if problems:
        raise Unreadable(*problems)
    return wanted


def csv_sheet(name: str, stream: io.BufferedIOBase, size: int) -> Sheet:
    """One CSV sheet, read as a stream: memory stays flat however long the file is."""
    return _sheet(name, csv_records(name, stream, size))


def csv_records(name: str, stream: io.BufferedIOBase, size: int, limit: int | None = None) -> Iterator[list]:
    """A CSV file's records as lists of strings, header first, streamed (a participant list reads these)."""
    check_size(size, limit)
    head = stream.read(64 * 1024)
    encoding = _encoding(head)
    if encoding != "utf-16" and b"\x00" in head:
        raise Unreadable("berkas bukan CSV teks (berisi data biner)")
    first_line = (head.decode(encoding, errors="replace").lstrip("\ufeff").splitlines() or [""])[0]
    # Excel's "Unicode Text" is UTF-16 with tabs; Indonesian Excel writes ';' (the decimal mark is ',').
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    text = io.TextIOWrapper(_Rewound(head, stream), encoding=encoding, newline="")
    return _csv_rows(name, csv.reader(text, delimiter=delimiter))


def _csv_rows(name: str, reader) -> Iterator[list]:
    """The csv module's rows, its errors (in English, without a place) turned into a sentence."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise Unreadable(
                f"lembar {name}, baris {reader.line_num}: berkas CSV rusak dan tidak dapat dibaca "
                "(tanda kutip tidak ditutup atau karakter yang tidak sah); simpan ulang sebagai "
                "CSV dari Excel"
            ) from None
        except UnicodeDecodeError:
            raise Unreadable(
                f"lembar {name}, sekitar baris {reader.line_num + 1}: berkas CSV tidak dapat dibaca; "
                "simpan sebagai CSV UTF-8 atau Windows-1252"
            ) from None
        yield row


def _encoding(head: bytes) -> str:
    """UTF-16 when it starts with its byte-order mark; UTF-8 when the bytes are UTF-8 (cut at a
    boundary at worst); else Windows-1252."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "cp1252"


def _sheet(name: str, cells: Iterator[list], formulas: set[tuple[int, int]] = frozenset()) -> Sheet:
    """`formulas`: (row, column), both from 1, of the formula cells without a value (XLSX only)."""
    first = next(cells, [])
    _check_length(name, 1, first, [str(i + 1) for i in range(len(first))])
    header = [str(h).strip().lower() if h is not None else "" for h in first]
    width = len(header)

    def rows() -> Iterator[tuple[int, dict[str, object]]]:
        for number, row in enumerate(cells, start=2):
            values = [None if (isinstance(v, str) and v.strip() == "") else v for v in row]
            for column in range(len(values)):
                if (number, column + 1) in formulas:
                    values[column] = Formula()
            if all(v is None for v in values):
                continue
            _check_length(name, number, values, header)
            # Short rows are padded; cells right of the last heading belong to no column of the template.
            yield number, dict(zip(header, (values + [None] * width)[:width], strict=True))

    return Sheet(name, header, rows())


def _check_length(sheet: str, number: int, values: list, header: list[str]) -> None:
    for column, value in enumerate(values):
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            name = header[column] if column < len(header) and header[column] else f"ke-{column + 1}"
            raise Unreadable(
                f"lembar {sheet}, baris {number}, kolom {name}: isi sel terlalu panjang "
                f"({_ribuan(len(value))} karakter; paling banyak {_ribuan(MAX_CELL_CHARS)})"
            )


def _ribuan(number: int) -> str:
    return f"{number:,}".replace(",", ".")


# --- formulas Excel never calculated ------------------------------------------------------------------

_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _formulas_without_value(content: bytes, sheet_names: set[str]) -> dict[str, set[tuple[int, int]]]:
    """For each named sheet, the (row, column) of its formula cells that carry no calculated value.

    A workbook saved by Excel carries every formula's last result; one written by another program may
    not, and calamine then reads an empty cell. The worksheet XML is streamed (expat, no DTD allowed),
    and only when it holds a formula at all.
    """
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = _sheet_parts(archive)
        found = {}
        for name in sheet_names:
            part = parts.get(name)
            if part and part in archive.namelist() and _has_formula(archive, part):
                with archive.open(part) as stream:
                    found[name] = _uncalculated_cells(stream)
        return found


_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def _has_formula(archive: zipfile.ZipFile, part: str) -> bool:
    """A byte scan, much faster than parsing: most submissions hold no formula at all."""
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its worksheet part, from xl/workbook.xml and its relationships."""
    ids, targets = {}, {}

    def workbook_start(tag, attrs):
        if tag.rsplit(":", 1)[-1] == "sheet":
            rid = next((v for k, v in attrs.items() if k.rsplit(":", 1)[-1] == "id"), None)
            ids[attrs.get("name", "")] = rid

    def rels_start(tag, attrs):
        if tag.rsplit(":", 1)[-1] == "Relationship":
            target = attrs.get("Target", "")
            targets[attrs.get("Id")] = (
                target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            )

    for part, start in (("xl/workbook.xml", workbook_start), ("xl/_rels/workbook.xml.rels", rels_start)):
        if part in archive.namelist():
            with archive.open(part) as stream:
                _parse(stream, start)
    return {name: targets[rid] for name, rid in ids.items() if rid in targets}


def _uncalculated_cells(stream) -> set[tuple[int, int]]:
    cells: set[tuple[int, int]] = set()
    state = {"row": 0, "column": 0, "formula": False, "value": None, "in_value": False, "string": False}

    def start(tag, attrs):
        tag = tag.rsplit(":", 1)[-1]
        if tag == "row":
            state["row"] = int(attrs["r"]) if "r" in attrs else state["row"] + 1
            state["column"] = 0
        elif tag == "c":
            reference = attrs.get("r")
            if reference:
                state["row"], state["column"] = _cell_reference(reference)
            else:
                state["column"] += 1
            state.update(formula=False, value=None, in_value=False, string=attrs.get("t") == "str")
        elif tag == "f":
            state["formula"] = True
        elif tag == "v":
            state["in_value"], state["value"] = True, state["value"] or ""

    def end(tag):
        tag = tag.rsplit(":", 1)[-1]
        if tag == "v":
            state["in_value"] = False
        elif tag == "c" and state["formula"]:
            value = state["value"]
            # A text formula may rightly give "" (t="str" with an empty <v>); any other empty one was never
            # calculated.
            if value is None or (value.strip() == "" and not state["string"]):
                cells.add((state["row"], state["column"]))

    def text(data):
        if state["in_value"]:
            state["value"] += data

    _parse(stream, start, end, text)
    return cells


def _cell_reference(reference: str) -> tuple[int, int]:
    """`AB12` -> (12, 28)."""
    letters = reference.rstrip("0123456789")
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(reference[len(letters) :]), column


def _parse(stream, start, end=None, text=None) -> None:
    parser = expat.ParserCreate()

    def refuse(*_):
        # Entity expansion is how an XML bomb multiplies itself; OOXML parts never declare a DTD.
        raise Unreadable("berkas Excel rusak atau tidak dapat dibaca (XML dengan DTD)")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    while chunk := stream.read(1 << 20):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


class _Rewound(io.RawIOBase):
    """The bytes already read for sniffing, then the rest of the stream."""

    def __init__(self, head: bytes, rest: io.BufferedIOBase):
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n], self._head = self._head[:n], self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
