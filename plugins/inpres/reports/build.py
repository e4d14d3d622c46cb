"""The one way a report document is written: `build` takes documents (the national report, each province's
feedback, the semester report) and writes each one's PDF and, for a document with tables, its workbook, its
CSV files and their data dictionary; then it copies them all to the run's folder.

The documents only say what they are made of (`Document`); the cover's lines and the charts the monthly and
the semester report both draw are here too, so both draw them the same way.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from inpres.data_version import DataVersion
from inpres.reports import charts
from inpres.reports.content.common import trend_series
from inpres.reports.csv_files import write_csv, write_dictionary
from inpres.reports.formatting import format_date
from inpres.reports.pdf import compile_pdf
from inpres.reports.tables import Table
from inpres.reports.workbook import write_workbook
from inpres.storage import upload_tree

if TYPE_CHECKING:
    from airflow.sdk import ObjectStoragePath


@dataclass(frozen=True)
class Document:
    """What one document is made of; `build` writes it."""

    stem: str  # its files' path under the run's folder, without a suffix: 'laporan_nasional_2022-10'
    template: str  # its layout, templates/<template>
    title: str
    cover: list[list[str]]  # the cover's lines (label, value): the PDF's first page, the workbook's first sheet
    data: dict  # what else the layout prints, already formatted
    # Draws the PDF's charts into the folder the PDF is compiled in; returns each chart's file (None: not drawn).
    charts: Callable[[Path], dict[str, str | None]] | None = None
    tables: Sequence[Table] = ()  # the workbook's sheets and the CSV files under data/; none: the PDF alone
    subtitle: str = ""  # after the title in the workbook: the period it covers
    dictionary: str = "KAMUS_DATA.md"  # the data dictionary of its CSV files, under data/

    @property
    def pdf(self) -> str:
        return f"{self.stem}.pdf"

    @property
    def workbook(self) -> str:
        return f"{self.stem}.xlsx"

    @property
    def csv(self) -> list[str]:
        return [f"data/{t.name}.csv" for t in self.tables]


def build(documents: Sequence[Document], out: ObjectStoragePath, *, version: DataVersion, created: datetime) -> None:
    """Write the documents in a local folder (Typst and matplotlib need real files), then copy them to `out`,
    which may be object storage."""
    with tempfile.TemporaryDirectory(prefix="reports_") as tmp:
        work, result = Path(tmp) / "work", Path(tmp) / "result"
        work.mkdir()
        for d in documents:
            (result / d.pdf).parent.mkdir(parents=True, exist_ok=True)
            if d.tables:
                _write_files(d, result, created)
            data = {"title": d.title, "version": version.short, "cover": d.cover, **d.data}
            if d.charts is not None:
                data["charts"] = d.charts(work)
            (result / d.pdf).write_bytes(compile_pdf(d.template, data, work, created=created))
        upload_tree(result, out)


def _write_files(d: Document, result: Path, created: datetime) -> None:
    """The document's tables as a workbook, as CSV files, and the data dictionary of those files."""
    (result / "data").mkdir(exist_ok=True)
    for t, path in zip(d.tables, d.csv, strict=True):
        write_csv(t, result / path)
    write_dictionary(d.tables, result / "data" / d.dictionary)
    write_workbook(result / d.workbook, d.tables, title=f"{d.title} — {d.subtitle}", cover=d.cover, created=created)


def cover_info(periode_label: str, version: DataVersion, created: datetime) -> list[list[str]]:
    """The cover's lines: the period, when the document was made, and the data version it was made from."""
    return [
        ["Periode", periode_label],
        ["Dibuat", f"{format_date(created)} pukul {created:%H.%M} WIB"],
        ["Versi data", version.short],
        ["Hash masukan (SHA-256)", version.input_hash],
        ["ID proses (run id)", version.run_id],
    ]


# --- the charts the monthly and the semester report both draw ------------------------------------------------


def draw_map(provinsi: list[dict], work: Path, *, reported: set[str]) -> str:
    """The provinces' pekerja-rentan coverage on the tile map; `provinsi` are their rows of the coverage mart,
    `reported` the provinces that sent any figure."""
    charts.province_map(
        {r["kode_wilayah"]: r["persen_terlindungi"] for r in provinsi},
        work / "map.svg",
        legend_title="Cakupan pekerja rentan",
        incomplete={r["kode_wilayah"] for r in provinsi if not r["basis_lengkap"]},
        reported=reported,
    )
    return "map.svg"


def draw_trend(nasional: list[dict], work: Path, key: str, column: str, *, percent: bool = False) -> str | None:
    """The nation's `column` per segment over the months of `nasional`; None when no segment has a line."""
    series = trend_series(nasional, column)
    if not series:
        return None
    y_label = "Cakupan (%)" if percent else "Pekerja terlindungi"
    charts.segmen_trend(series, work / f"{key}.svg", percent=percent, y_label=y_label)
    return f"{key}.svg"
