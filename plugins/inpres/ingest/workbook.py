"""Reading a submission workbook (template v1) into plain rows."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from openpyxl import load_workbook

from inpres.ingest import values

KEPESERTAAN_COLUMNS = ("kode_wilayah", "segmen", "sasaran", "terlindungi", "iuran_rp", "sumber_dana")


class SubmissionRejected(Exception):
    """The file breaks the contract; `reasons` are sentences a regional officer can act on."""

    def __init__(self, file_name: str, reasons: list[str]):
        self.file_name = file_name
        self.reasons = reasons
        super().__init__(f"{file_name} ditolak: " + "; ".join(reasons))


@dataclass
class Submission:
    file_name: str
    pelapor: str
    periode: str
    kepesertaan: list[dict] = field(default_factory=list)


def read_submission(file_name: str, content: bytes) -> Submission:
    """Parse a template v1 workbook; raise SubmissionRejected listing every problem found."""
    reasons: list[str] = []
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise SubmissionRejected(file_name, ["berkas tidak dapat dibaca sebagai Excel (.xlsx)"]) from None
    try:
        for sheet in ("identitas", "kepesertaan"):
            if sheet not in workbook.sheetnames:
                reasons.append(f"lembar '{sheet}' tidak ada")
        if reasons:
            raise SubmissionRejected(file_name, reasons)
        identitas = _identitas(workbook["identitas"], reasons)
        rows = _kepesertaan(workbook["kepesertaan"], reasons)
    finally:
        workbook.close()
    if reasons:
        raise SubmissionRejected(file_name, reasons)
    return Submission(file_name, identitas["kode_pelapor"], identitas["periode"], rows)


def _identitas(sheet, reasons: list[str]) -> dict:
    found = {}
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if row and row[0] is not None:
            found[str(row[0]).strip().lower()] = row[1] if len(row) > 1 else None
    parsed = {}
    for key, parse in (("kode_pelapor", values.kode_wilayah), ("periode", values.periode)):
        try:
            parsed[key] = parse(found.get(key))
        except ValueError as error:
            reasons.append(f"lembar identitas, {key}: {error}")
    return parsed


def _kepesertaan(sheet, reasons: list[str]) -> list[dict]:
    rows = sheet.iter_rows(values_only=True)
    header = [str(h).strip().lower() if h is not None else "" for h in next(rows, ())]
    missing = [c for c in KEPESERTAAN_COLUMNS if c not in header]
    if missing:
        reasons.append(f"lembar kepesertaan: kolom {', '.join(missing)} tidak ada")
        return []
    parsers = {
        "kode_wilayah": values.kode_wilayah,
        "segmen": values.segmen,
        "sasaran": values.bilangan_bulat,
        "terlindungi": values.bilangan_bulat,
        "iuran_rp": values.bilangan_bulat,
        "sumber_dana": lambda v: (str(v).strip().lower() or None) if v is not None else None,
    }
    parsed_rows = []
    for baris, row in enumerate(rows, start=2):
        cells = dict(zip(header, row))
        if all(cells.get(c) in (None, "") for c in KEPESERTAAN_COLUMNS):
            continue
        parsed = {"baris": baris}
        for column in KEPESERTAAN_COLUMNS:
            try:
                parsed[column] = parsers[column](cells.get(column))
            except ValueError as error:
                reasons.append(f"lembar kepesertaan, baris {baris}, kolom {column}: {error}")
        if parsed.get("terlindungi", 0) is None:
            reasons.append(f"lembar kepesertaan, baris {baris}, kolom terlindungi: wajib diisi")
        parsed_rows.append(parsed)
    return parsed_rows
