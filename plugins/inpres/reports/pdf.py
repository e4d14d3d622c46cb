"""Compiling a report's Typst template into a PDF.

Figures reach Typst only as JSON data, already formatted the Indonesian way, so no region name can be
read as Typst markup and the templates only lay things out.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from importlib.resources import as_file, files
from pathlib import Path

import matplotlib
import typst

from inpres.reports.tables import Tabel, format_sel

RATA_KANAN = {"angka", "selisih", "rasio", "persen", "poin", "rupiah"}


def tabel_pdf(t: Tabel, *, csv: bool = True) -> dict:
    """A table as the templates' `tabel` function reads it: the printed columns, cells formatted."""
    shown = [i for i, k in enumerate(t.kolom) if k.di_pdf]
    baris = [[format_sel(row[i], t.kolom[i].jenis) for i in shown] for row in t.baris]
    return {
        "judul": t.judul,
        "kolom": [
            {
                "label": t.kolom[i].label,
                "grup": t.kolom[i].grup,
                "kanan": t.kolom[i].jenis in RATA_KANAN,
                "tengah": t.kolom[i].jenis == "status",
                "lebar": _lebar(t.kolom[i].label, [b[n] for b in baris]),
            }
            for n, i in enumerate(shown)
        ],
        "baris": baris,
        "catatan": t.catatan,
        "csv": f"data/{t.nama}.csv" if csv else None,
    }


def _lebar(label: str, cells: list[str]) -> int:
    """A column's share of the page, in characters: its longest cell or header word, long text capped so it
    wraps instead of squeezing the figures."""
    longest = max((len(c) for c in cells), default=1)
    # + 2: the cell's inset; + 1 on header words: bold letters are wider than the body's.
    return max(min(longest, 40), *(len(word) + 1 for word in label.split()), 2) + 2


def compile_pdf(template: str, data: dict, work: Path, *, dibuat: datetime) -> bytes:
    """Compile templates/<template> in `work` (where the charts it names already are) with `data`."""
    with as_file(files("inpres.reports").joinpath("templates")) as templates:
        for source in Path(templates).glob("*.typ"):
            shutil.copyfile(source, work / source.name)
    (work / "data.json").write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return typst.compile(
        str(work / template),
        root=str(work),
        # matplotlib's bundled DejaVu fonts: the same look on every worker, whatever is installed.
        font_paths=[str(Path(matplotlib.get_data_path()) / "fonts" / "ttf")],
        ignore_system_fonts=True,
        timestamp=int(dibuat.timestamp()),
    )
