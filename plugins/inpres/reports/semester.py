"""The semester report to the President through the Menko PMK (the Inpres asks for one every six months):
its PDF, its workbook and its CSV files (data/semester_*.csv), written by the one skeleton (build.py).

Written every night for the semester of the report's month: until June or December it is marked
provisional (how many of the six months it holds), so the ministry can prepare the President's report as
the semester goes; the night that reports June or December writes the final one.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from inpres.data_version import DataVersion
from inpres.reports.build import Document, build, cover_info, draw_map, draw_trend
from inpres.reports.content import semester as content
from inpres.reports.content.common import split_ranking
from inpres.reports.figures import SemesterFigures
from inpres.reports.formatting import format_periode
from inpres.reports.pdf import table_pdf
from inpres.reports.tables import Table, hide, hide_empty, select

if TYPE_CHECKING:
    from airflow.sdk import ObjectStoragePath

TITLE = "Laporan Semester Pemantauan Inpres Nomor 2 Tahun 2021"


def write_semester_report(
    s: SemesterFigures, out: ObjectStoragePath, *, version: DataVersion, created: datetime
) -> str:
    """Writes laporan_semester_<tahun>_S<n>.pdf/.xlsx and data/semester_*.csv; returns the PDF's name."""
    tables = content.tables(s)
    label, title = content.label(s), content.title(s)
    semester = Document(
        stem=f"laporan_semester_{s.key}",
        template="semester.typ",
        title=TITLE,
        subtitle=title,
        cover=[
            ["Semester", title],
            ["Posisi data", f"{format_periode(s.periode_akhir) if s.periode_akhir else '–'} ({content.status(s)})"],
            *cover_info(label, version, created)[1:],
        ],
        data={
            "periode": label,
            "semester_title": title,
            "final": s.final,
            "footer": label + ("" if s.final else " (sementara)"),
            "as_at": content.as_at(s),
            "months": content.months(s),
            "findings": content.findings(s),
            "tables": _printed_tables(tables),
        },
        charts=lambda work: _charts(s, work),
        tables=tables,
        dictionary="KAMUS_DATA_SEMESTER.md",
    )
    build([semester], out, version=version, created=created)
    return semester.pdf


def _printed_tables(tables: list[Table]) -> dict[str, dict]:
    """The tables as the PDF prints them; the ranking split into ranked and incomplete provinces."""
    by_name = {t.name: t for t in tables}
    printed = {t.name: table_pdf(t, csv=False) for t in tables}
    printed["semester_ringkasan_nasional"] = table_pdf(
        hide_empty(
            hide(by_name["semester_ringkasan_nasional"], "periode_akhir"),
            "perubahan_terlindungi_semester",
            "perubahan_persen_semester",
        ),
        csv=False,
    )
    ranked, incomplete = split_ranking(
        hide_empty(hide(by_name["semester_peringkat_provinsi"], "kode_wilayah", "basis"), "perubahan_persen_semester"),
        "peringkat",
        "perubahan_persen_semester",
        title="Provinsi yang basisnya belum lengkap (tidak diperingkat)",
        note="Angka ini jumlah dari pemerintah daerah yang sudah melapor.",
    )
    printed["semester_peringkat_provinsi"] = table_pdf(ranked, csv=False)
    printed["semester_belum_lengkap"] = table_pdf(incomplete, csv=False)
    # The nation's claims here; each province's are in the workbook.
    printed["semester_klaim"] = table_pdf(
        hide(select(by_name["semester_klaim"], lambda r: r["kode_wilayah"] == "00"), "kode_wilayah", "nama_wilayah"),
        csv=False,
    )
    return printed


def _charts(s: SemesterFigures, work: Path) -> dict[str, str | None]:
    provinsi = [r for r in s.cakupan if r["kode_wilayah"] != "00" and r["segmen"] == "pekerja_rentan"]
    return {
        "map": draw_map(provinsi, work, reported={r["kode_wilayah"] for r in provinsi if r["pemerintah_dihitung"]}),
        "trend": draw_trend(s.tren, work, "trend", "terlindungi"),
    }
