"""Writing a workbook in the shape of template v1: the sample inbox and tests use it."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import Workbook

from inpres.ingest.contract import KEPATUHAN, KEPESERTAAN, KLAIM

# Fixed timestamps inside the xlsx, so the same content gives the same bytes (and content hash).
_EPOCH = (2022, 11, 5, 8, 0, 0)


def write_workbook(path: Path, *, pelapor: str, periode: str, nama_instansi: str,
                   kepesertaan: list[tuple], kepatuhan: tuple | None = None, klaim: list[tuple] = (),
                   tanggal_laporan: str | None = None) -> None:
    workbook = Workbook()
    identitas = workbook.active
    identitas.title = "identitas"
    identitas.append(("kunci", "nilai"))
    identitas.append(("kode_pelapor", pelapor))
    identitas.append(("periode", periode))
    identitas.append(("nama_instansi", nama_instansi))
    identitas.append(("tanggal_laporan", tanggal_laporan or f"{periode}-28"))
    for name, columns, rows in (("kepesertaan", KEPESERTAAN, kepesertaan),
                                ("kepatuhan", KEPATUHAN, [kepatuhan or (None, None, None, "Tidak", None)]),
                                ("klaim", KLAIM, klaim)):
        sheet = workbook.create_sheet(name)
        sheet.append([c.name for c in columns])
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    _normalise_zip(path)


def _normalise_zip(path: Path) -> None:
    """openpyxl stamps the current time into the archive; pin it so the bytes are reproducible."""
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = _pin_core_dates(data)
            target.writestr(zipfile.ZipInfo(name, date_time=_EPOCH), data, zipfile.ZIP_DEFLATED)


def _pin_core_dates(xml: bytes) -> bytes:
    import re

    return re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2022-11-05T08:00:00Z", xml)
