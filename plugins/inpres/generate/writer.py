"""Writing submissions exactly as template v1 lays them out: XLSX, the CSV variant, the BPJS extract.

Values are written as given (70000 as a number, "70.000" as text), so tests can write what people type.
The same input always gives the same bytes: the inbox deduplicates by content hash.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

from inpres.ingest import contract
from inpres.ingest import peserta as contract_peserta

# The columns are the contract's own, so what the generator writes is what intake expects.
IDENTITAS_COLUMNS = ("kunci", "nilai")
KEPESERTAAN_COLUMNS = tuple(c.name for c in contract.KEPESERTAAN)
KEPATUHAN_COLUMNS = tuple(c.name for c in contract.KEPATUHAN)
KLAIM_COLUMNS = tuple(c.name for c in contract.KLAIM)
BPJS_COLUMNS = tuple(c.name for c in contract.BPJS)
# Template v1.1's optional list: written only when a submission has one.
SHEET_COLUMNS = {
    "kepesertaan": KEPESERTAAN_COLUMNS,
    "kepatuhan": KEPATUHAN_COLUMNS,
    "klaim": KLAIM_COLUMNS,
    "peserta": contract_peserta.COLUMNS,
}

# Used when identitas carries no usable tanggal_laporan (broken files).
_EPOCH = (2022, 11, 5, 8, 0, 0)


@dataclass
class Submission:
    """One pelapor's report for one month, before it becomes bytes."""

    pelapor: str
    periode: str
    identitas: dict[str, object]
    sheets: dict[str, list]
    headers: dict[str, Sequence[str]] = field(default_factory=dict)  # overrides, for a missing column
    format: str = "xlsx"
    encoding: str = "utf-8"
    delimiter: str = ","

    def write(self, folder: Path, stem: str) -> list[Path]:
        if self.format == "xlsx":
            return [write_xlsx(folder / f"{stem}.xlsx", self.identitas, self.sheets, headers=self.headers)]
        return write_csv(
            folder,
            stem,
            self.identitas,
            self.sheets,
            encoding=self.encoding,
            delimiter=self.delimiter,
            headers=self.headers,
        )


def _tables(identitas: dict, sheets: dict[str, list], headers: dict | None) -> Iterable[tuple[str, list]]:
    """(sheet name, rows with header) in template order; a sheet not in `sheets` is left out."""
    yield "identitas", [IDENTITAS_COLUMNS, *identitas.items()]
    for name in [*SHEET_COLUMNS, *(s for s in sheets if s not in SHEET_COLUMNS)]:
        if name in sheets:
            header = (headers or {}).get(name) or SHEET_COLUMNS.get(name, ())
            yield name, [tuple(header), *sheets[name]]


def xlsx_bytes(identitas: dict, sheets: dict[str, list], *, headers: dict | None = None) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in _tables(identitas, sheets, headers):
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    raw = io.BytesIO()
    workbook.save(raw)
    return _pinned(raw.getvalue(), _stamp(identitas.get("tanggal_laporan")))


def write_xlsx(path: Path, identitas: dict, sheets: dict[str, list], *, headers: dict | None = None) -> Path:
    path = Path(path)
    path.write_bytes(xlsx_bytes(identitas, sheets, headers=headers))
    return path


def write_csv(
    folder: Path,
    stem: str,
    identitas: dict,
    sheets: dict[str, list],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    headers: dict | None = None,
) -> list[Path]:
    """One file per sheet, `<stem>_<sheet>.csv`, as Excel's "Save as CSV" would write it."""
    written = []
    for name, rows in _tables(identitas, sheets, headers):
        path = Path(folder) / f"{stem}_{name}.csv"
        path.write_bytes(_csv_text(rows, delimiter).encode(encoding))
        written.append(path)
    return written


def write_bpjs_extract(path: Path, rows: Iterable[Sequence]) -> Path:
    """Source 2: BPJS Ketenagakerjaan's monthly extract, one row per kab/kota × segment."""
    path = Path(path)
    path.write_bytes(_csv_text([BPJS_COLUMNS, *rows], ",").encode("utf-8"))
    return path


def write_bpjs_peserta(path: Path, periode: str, pseudonyms: Iterable[bytes]) -> Path:
    """BPJS's per-participant extract: one row per active participant, the NIK's pseudonym as 64 hex digits."""
    path = Path(path)
    # Written as it goes: a whole country's extract is tens of millions of rows.
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(",".join(contract_peserta.BPJS_COLUMNS) + "\r\n")
        f.writelines(f"{periode},{p.hex()}\r\n" for p in pseudonyms)
    return path


def _csv_text(rows: Iterable[Sequence], delimiter: str) -> str:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return text.getvalue()


def _stamp(tanggal: object) -> tuple[int, ...]:
    """The report's own date, so the workbook's properties say when it was signed."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(tanggal or ""))
    if not match or not 1980 <= int(match.group(1)) <= 2107:  # the zip format's date range
        return _EPOCH
    return (*map(int, match.groups()), 9, 0, 0)


def _pinned(content: bytes, stamp: tuple[int, ...]) -> bytes:
    """openpyxl stamps the current time into the archive and core.xml; pin both."""
    iso = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*stamp).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + iso, data)
            target.writestr(zipfile.ZipInfo(info.filename, date_time=stamp), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()
