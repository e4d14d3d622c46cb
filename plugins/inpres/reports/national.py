"""National report for one period: a PDF (Typst) and one CSV per PDF table.

Everything is rendered in a local temporary folder, because Typst and matplotlib
need real files, and then copied into `out`, which may be remote object storage.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import matplotlib
import typst
from matplotlib.figure import Figure

from inpres.reports.formatting import (
    format_angka,
    format_periode,
    format_persen,
    format_tanggal,
    round_persen,
)

if TYPE_CHECKING:
    from airflow.sdk import ObjectStoragePath

# Dict order is the fixed segment order of every table and CSV.
SEGMEN_LABEL = {
    "pekerja_rentan": "Pekerja rentan",
    "non_asn": "Pegawai non-ASN",
    "perangkat_desa": "Perangkat desa",
    "penyelenggara_pemilu": "Penyelenggara pemilu",
    "pegawai_bumd": "Pegawai BUMD",
}
_SEGMEN_ORDER = {s: i for i, s in enumerate(SEGMEN_LABEL)}

WIB = ZoneInfo("Asia/Jakarta")
CHART = "grafik_pekerja_rentan.svg"
CSV_WILAYAH = "data/cakupan_wilayah.csv"
CSV_NASIONAL = "data/cakupan_nasional.csv"
CSV_PROVINSI = "data/cakupan_provinsi.csv"
CSV_PENOLAKAN = "data/penolakan.csv"
CSV_PERINGATAN = "data/peringatan_mutu.csv"


@dataclass(frozen=True)
class CoverageRow:
    """One row of the mart marts.fct_cakupan_wilayah."""

    kode_wilayah: str  # '00' nation, '72' province, '72.71' kab/kota (dotted Kemendagri codes)
    nama_wilayah: str
    tingkat: str  # 'nasional' | 'provinsi' | 'kabupaten' | 'kota'
    kode_provinsi: str | None  # None for the nation
    periode: str  # 'YYYY-MM'
    segmen: str
    sasaran: int | None  # None = unknown, never 0
    terlindungi: int
    # Computed by the mart; the report only rounds it for display, never recomputes it.
    persen_terlindungi: Decimal | None


@dataclass(frozen=True)
class RejectionRow:
    """A delivery rejected whole (audit.penolakan): for the annex and penolakan.csv."""

    file_name: str
    pelapor: str | None
    periode: str | None
    alasan: list[str]


@dataclass(frozen=True)
class WarningRow:
    """A quality-gate expectation of severity `warning` that failed tonight (audit.validation_result)."""

    suite: str
    aturan: str
    jumlah_baris: int
    contoh: str


def write_national_report(
    rows: Sequence[CoverageRow], periode: str, out: ObjectStoragePath, *, run_id: str,
    penolakan: Sequence[RejectionRow] = (), peringatan: Sequence[WarningRow] = (),
) -> list[ObjectStoragePath]:
    """Writes into `out` (already the folder for this period and run): laporan_nasional_<periode>.pdf and data/*.csv. Returns the written paths."""
    periode_label = format_periode(periode)  # also rejects a malformed periode
    rows = sorted((r for r in rows if r.periode == periode), key=_sort_key)
    if not rows:
        raise ValueError(f"no coverage rows for periode {periode}")
    keys = [(r.kode_wilayah, r.segmen) for r in rows]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate (kode_wilayah, segmen) rows for periode {periode}")
    nasional = [r for r in rows if r.tingkat == "nasional"]
    provinsi = [r for r in rows if r.tingkat == "provinsi"]
    generated = datetime.now(WIB)
    pdf_name = f"laporan_nasional_{periode}.pdf"

    with tempfile.TemporaryDirectory(prefix="laporan_nasional_") as tmp:
        work = Path(tmp)
        (work / "data").mkdir()
        _write_csv(
            work / CSV_WILAYAH,
            ["kode_wilayah", "periode", "segmen", "sasaran", "terlindungi"],
            [[r.kode_wilayah, r.periode, r.segmen, _csv_int(r.sasaran), r.terlindungi] for r in rows],
        )
        _write_csv(
            work / CSV_NASIONAL,
            ["segmen", "sasaran", "terlindungi", "persen_terlindungi"],
            [[r.segmen, _csv_int(r.sasaran), r.terlindungi, _csv_persen(r.persen_terlindungi)] for r in nasional],
        )
        _write_csv(
            work / CSV_PROVINSI,
            ["kode_wilayah", "nama_wilayah", "segmen", "sasaran", "terlindungi", "persen_terlindungi"],
            [
                [r.kode_wilayah, r.nama_wilayah, r.segmen, _csv_int(r.sasaran), r.terlindungi,
                 _csv_persen(r.persen_terlindungi)]
                for r in provinsi
            ],
        )
        _write_csv(
            work / CSV_PENOLAKAN,
            ["file_name", "pelapor", "periode", "alasan"],
            # One cell for all reasons, " | " between them: a reason itself never contains that.
            [[p.file_name, p.pelapor or "", p.periode or "", " | ".join(p.alasan)] for p in penolakan],
        )
        _write_csv(
            work / CSV_PERINGATAN,
            ["suite", "aturan", "jumlah_baris", "contoh"],
            [[w.suite, w.aturan, w.jumlah_baris, w.contoh] for w in peringatan],
        )
        chart_rows = [r for r in provinsi if r.segmen == "pekerja_rentan"]
        charted = [r for r in chart_rows if r.persen_terlindungi is not None]
        if charted:
            _draw_chart(charted, work / CHART)

        data = {
            "periode": periode_label,
            "dibuat": f"{format_tanggal(generated)} pukul {generated:%H.%M} WIB",
            "run_id": run_id,
            "nasional": [_table_row(r) for r in nasional],
            "provinsi": _group_by_province(provinsi),
            "grafik": CHART if charted else None,
            "grafik_tanpa_persen": [r.nama_wilayah for r in chart_rows if r.persen_terlindungi is None],
            "penolakan": [{"berkas": p.file_name, "pelapor": p.pelapor or "–", "alasan": p.alasan}
                          for p in penolakan],
            "peringatan": [{"aturan": w.aturan, "jumlah": format_angka(w.jumlah_baris), "contoh": w.contoh}
                           for w in peringatan],
            "csv": {"wilayah": CSV_WILAYAH, "nasional": CSV_NASIONAL, "provinsi": CSV_PROVINSI,
                    "penolakan": CSV_PENOLAKAN, "peringatan": CSV_PERINGATAN},
        }
        # Values reach Typst only as JSON data, so no region name can be read as Typst markup.
        (work / "data.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        template = files("inpres.reports").joinpath("templates", "nasional.typ")
        (work / "nasional.typ").write_text(template.read_text(encoding="utf-8"), encoding="utf-8")
        pdf = typst.compile(
            str(work / "nasional.typ"),
            root=str(work),
            # matplotlib's bundled DejaVu fonts: the same look on every worker, whatever is installed.
            font_paths=[str(Path(matplotlib.get_data_path()) / "fonts" / "ttf")],
            ignore_system_fonts=True,
            timestamp=int(generated.timestamp()),
        )
        (work / pdf_name).write_bytes(pdf)

        (out / "data").mkdir(parents=True, exist_ok=True)
        written = []
        for name in (pdf_name, CSV_WILAYAH, CSV_NASIONAL, CSV_PROVINSI, CSV_PENOLAKAN, CSV_PERINGATAN):
            target = out.joinpath(*name.split("/"))
            target.write_bytes((work / name).read_bytes())
            written.append(target)
        return written


def segmen_label(segmen: str) -> str:
    return SEGMEN_LABEL.get(segmen, segmen)


def _sort_key(r: CoverageRow) -> tuple:
    # Unknown segments still get a stable place: after the known ones, alphabetically.
    return (tuple(r.kode_wilayah.split(".")), _SEGMEN_ORDER.get(r.segmen, len(_SEGMEN_ORDER)), r.segmen)


def _csv_int(n: int | None) -> str | int:
    return "" if n is None else n


def _csv_persen(p: Decimal | None) -> str:
    return "" if p is None else f"{round_persen(p):f}"


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def _table_row(r: CoverageRow) -> dict[str, str]:
    return {
        "segmen": segmen_label(r.segmen),
        "sasaran": format_angka(r.sasaran),
        "terlindungi": format_angka(r.terlindungi),
        "cakupan": format_persen(r.persen_terlindungi),
    }


def _group_by_province(provinsi: list[CoverageRow]) -> list[dict]:
    groups: dict[str, dict] = {}
    for r in provinsi:  # already sorted by code, then segment
        g = groups.setdefault(r.kode_wilayah, {"kode": r.kode_wilayah, "nama": r.nama_wilayah, "baris": []})
        g["baris"].append(_table_row(r))
    return list(groups.values())


def _draw_chart(rows: list[CoverageRow], path: Path) -> None:
    # Reversed because barh draws from the bottom up: the highest province ends on top.
    rows = sorted(rows, key=lambda r: (-r.persen_terlindungi, r.nama_wilayah))[::-1]
    values = [float(r.persen_terlindungi) for r in rows]
    # 6.7 in is the A4 text width; 0.2 in per bar keeps all 38 provinces on one page.
    fig = Figure(figsize=(6.7, 0.8 + 0.2 * len(rows)), layout="constrained")
    ax = fig.add_subplot()
    bars = ax.barh(range(len(rows)), values, color="#1f5f8b", height=0.7)
    ax.set_yticks(range(len(rows)), [r.nama_wilayah for r in rows], fontsize=8)
    ax.bar_label(bars, [format_persen(r.persen_terlindungi) for r in rows], padding=3, fontsize=8)
    ax.set_xlim(0, max(100.0, *values) * 1.15)
    ax.set_xlabel("Cakupan pekerja rentan (%)", fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    with matplotlib.rc_context({"svg.hashsalt": "inpres"}):  # stable SVG ids between runs
        fig.savefig(path, format="svg", metadata={"Date": None})
