"""Reading a delivered file into sheets of cells, refusing what could exhaust the machine.

XLSX through python-calamine (a maintained Rust reader; ~25× openpyxl here), CSV through the standard
library as a stream. Every refusal is a `Unreadable` with a sentence for the regional officer.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from dataclasses import dataclass
from typing import Iterable, Iterator

MiB = 1024 * 1024
# A month's submission is a few hundred rows (tens of KB); the BPJS extract is the big one.
MAX_FILE_BYTES = int(float(os.environ.get("INPRES_MAX_FILE_MB", "50")) * MiB)
# What an XLSX may expand to: its XML is ~10× the zipped size; a zip bomb is thousands of times.
MAX_XLSX_EXPANDED_BYTES = int(float(os.environ.get("INPRES_MAX_XLSX_EXPANDED_MB", "200")) * MiB)
CSV_ENCODINGS = ("utf-8-sig", "cp1252")


class Unreadable(Exception):
    """The file as a whole cannot be read; the message says why, in Bahasa Indonesia."""


@dataclass
class Sheet:
    """A sheet's header (lower-cased, trimmed) and its rows as (row number, {column: cell})."""

    name: str
    header: list[str]
    rows: Iterable[tuple[int, dict[str, object]]]


def check_size(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise Unreadable(f"berkas terlalu besar ({size / MiB:.1f} MB; batas {MAX_FILE_BYTES / MiB:.0f} MB)")
    if size == 0:
        raise Unreadable("berkas kosong")


def xlsx_sheets(content: bytes) -> dict[str, Sheet]:
    check_size(len(content))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise Unreadable("berkas tidak dapat dibaca sebagai Excel (.xlsx); simpan ulang sebagai "
                         "Excel Workbook (.xlsx) atau kirim CSV") from None
    if expanded > MAX_XLSX_EXPANDED_BYTES:
        raise Unreadable(f"isi berkas Excel terlalu besar setelah diekstrak ({expanded / MiB:.0f} MB; "
                         f"batas {MAX_XLSX_EXPANDED_BYTES / MiB:.0f} MB)")
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheets = {}
        for name in workbook.sheet_names:
            cells = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheets[name.strip().lower()] = _sheet(name.strip().lower(), iter(cells))
        return sheets
    except Exception as error:  # calamine reports damaged workbooks with several exception types
        raise Unreadable(f"berkas Excel rusak atau tidak dapat dibaca ({type(error).__name__})") from None


def csv_sheet(name: str, stream: io.BufferedIOBase, size: int) -> Sheet:
    """One CSV sheet, read as a stream: memory stays flat however long the file is."""
    check_size(size)
    head = stream.read(64 * 1024)
    if b"\x00" in head:
        raise Unreadable("berkas bukan CSV teks (berisi data biner)")
    encoding = _encoding(head)
    first_line = (head.decode(encoding, errors="replace").lstrip("\ufeff").splitlines() or [""])[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    text = io.TextIOWrapper(_Rewound(head, stream), encoding=encoding, newline="")
    return _sheet(name, csv.reader(text, delimiter=delimiter))


def _encoding(head: bytes) -> str:
    """UTF-8 when the bytes are UTF-8 (cut at a boundary at worst), else Windows-1252."""
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "cp1252"


def _sheet(name: str, cells: Iterator[list]) -> Sheet:
    header = [str(h).strip().lower() if h is not None else "" for h in next(cells, [])]
    width = len(header)

    def rows() -> Iterator[tuple[int, dict[str, object]]]:
        for number, row in enumerate(cells, start=2):
            values = [None if (isinstance(v, str) and v.strip() == "") else v for v in row]
            if all(v is None for v in values):
                continue
            yield number, dict(zip(header, values + [None] * (width - len(values))))

    return Sheet(name, header, rows())


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
