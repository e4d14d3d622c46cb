"""Compiling a report's Typst template into a PDF.

Figures reach Typst only as JSON data, already formatted the Indonesian way, so no region name can be
read as Typst markup and the templates only lay things out.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from functools import cache
from importlib.resources import as_file, files
from pathlib import Path

import matplotlib
import typst

from inpres.reports.formatting import (
    WIB,
    format_change,
    format_date,
    format_number,
    format_percent,
    format_periode_short,
    format_points,
    format_rupiah,
)
from inpres.reports.tables import Table

RIGHT_ALIGNED = {"angka", "selisih", "rasio", "persen", "poin", "rupiah"}
STATUS_SYMBOL = {"terpenuhi": "●", "sebagian": "◐", "tidak_terpenuhi": "○", "tidak_diketahui": "?"}


def format_cell(value, kind: str) -> str:
    """A cell as the PDF shows it."""
    if value is None:
        return format_number(None)  # the dash the report explains as "not reported"
    if kind == "angka":
        return format_number(value)
    if kind == "selisih":
        return format_change(value)
    if kind == "rasio":
        return f"{format_number(value[0])}/{format_number(value[1])}"
    if kind == "bulan":
        return format_periode_short(value)
    if kind == "persen":
        return format_percent(value)
    if kind == "poin":
        return format_points(value)
    if kind == "rupiah":
        return format_rupiah(value)
    if kind == "tanggal":
        return format_date(value.astimezone(WIB) if isinstance(value, datetime) else value)
    if kind == "status":
        return STATUS_SYMBOL.get(value, str(value))
    return str(value)


def table_pdf(t: Table, *, csv: bool = True) -> dict:
    """A table as the templates' `report-table` reads it: the printed columns, cells formatted."""
    shown = [i for i, k in enumerate(t.columns) if k.in_pdf]
    return {
        "title": t.title,
        "columns": [
            {
                "label": t.columns[i].label,
                "group": t.columns[i].group,
                "right": t.columns[i].kind in RIGHT_ALIGNED,
                "center": t.columns[i].kind == "status",
            }
            for i in shown
        ],
        "rows": [[format_cell(row[i], t.columns[i].kind) for i in shown] for row in t.rows],
        "note": t.note,
        "csv": f"data/{t.name}.csv" if csv else None,
    }


def compile_pdf(template: str, data: dict, work: Path, *, created: datetime) -> bytes:
    """Compile templates/<template> in `work` (where the charts it names already are) with `data`."""
    with as_file(files("inpres.reports").joinpath("templates")) as templates:
        for source in Path(templates).glob("*.typ"):
            shutil.copyfile(source, work / source.name)
    (work / "data.json").write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return _compiler().compile(input=str(work / template), root=str(work), timestamp=int(created.timestamp()))


@cache
def _compiler() -> typst.Compiler:
    """One compiler per process: its fonts are read once, not once per PDF (a night writes a receipt per file)."""
    # matplotlib's bundled DejaVu fonts: the same look on every worker, whatever is installed.
    return typst.Compiler(
        font_paths=[str(Path(matplotlib.get_data_path()) / "fonts" / "ttf")], ignore_system_fonts=True
    )
