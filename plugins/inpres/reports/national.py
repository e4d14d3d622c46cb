"""The national monthly report: its PDF, its workbook, its CSV files with their data dictionary, and one
feedback PDF per province, written together by the one skeleton (build.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from inpres.data_version import DataVersion
from inpres.reports import charts, province
from inpres.reports.build import Document, build, cover_info, draw_map, draw_trend
from inpres.reports.content import monthly, register
from inpres.reports.content.common import split_ranking
from inpres.reports.content.wording import TANPA_LAPORAN
from inpres.reports.figures import Figures
from inpres.reports.formatting import format_periode
from inpres.reports.pdf import table_pdf
from inpres.reports.tables import Table, hide, hide_empty, select, show

if TYPE_CHECKING:
    from airflow.sdk import ObjectStoragePath

TITLE = "Laporan Nasional Pemantauan Inpres Nomor 2 Tahun 2021"


@dataclass(frozen=True)
class MonthlyReport:
    """Where one night's monthly reports were written, relative to the run's folder."""

    pdf: str
    workbook: str
    provinsi: dict[str, str]  # kode_provinsi -> its PDF
    csv: list[str]


def write_monthly_reports(
    f: Figures, out: ObjectStoragePath, *, version: DataVersion, created: datetime
) -> MonthlyReport:
    tables = monthly.tables(f)
    by_name = {t.name: t for t in tables}
    periode = format_periode(f.periode)
    nasional = Document(
        stem=f"laporan_nasional_{f.periode}",
        template="nasional.typ",
        title=TITLE,
        subtitle=periode,
        cover=cover_info(periode, version, created),
        data={
            "periode": periode,
            "findings": monthly.findings(f),
            "tables": _printed_tables(f, by_name),
            "tanpa_laporan": _tanpa_laporan(by_name["peringkat_provinsi"]),
            "belum_lapor": _by_province(f, by_name["belum_lapor_bulan_ini"]),
            "belum_pernah": _by_province(f, by_name["belum_pernah_lapor"]),
            "annex": [province.annex(f, by_name, w) for w in f.wilayah if w["tingkat"] == "provinsi"],
            "register": _register(f, by_name),
        },
        charts=lambda work: _charts(f, work),
        tables=tables,
    )
    provinsi = {
        w["kode_wilayah"]: province.document(f, by_name, w, version=version, created=created)
        for w in f.wilayah
        if w["tingkat"] == "provinsi"
    }
    build([nasional, *provinsi.values()], out, version=version, created=created)
    return MonthlyReport(
        pdf=nasional.pdf,
        workbook=nasional.workbook,
        provinsi={kode: d.pdf for kode, d in provinsi.items()},
        csv=nasional.csv,
    )


def _printed_tables(f: Figures, by_name: dict[str, Table]) -> dict[str, dict]:
    """The tables as the national PDF prints them: the same rows and figures as the workbook, fewer columns
    where a column says nothing on paper, and the ranking split into ranked and incomplete provinces."""
    printed = {name: table_pdf(t, csv=False) for name, t in by_name.items()}
    printed["ringkasan_nasional"] = table_pdf(
        hide_empty(
            by_name["ringkasan_nasional"],
            "perubahan_terlindungi_bulan_lalu",
            "perubahan_persen_bulan_lalu",
            "perubahan_terlindungi_tahun_lalu",
            "perubahan_persen_tahun_lalu",
        ),
        csv=False,
    )

    ranked, incomplete = split_ranking(
        hide(by_name["peringkat_provinsi"], "kode_wilayah", "sasaran_pekerja_rentan", "basis"),
        "peringkat_cakupan",
        "perubahan_persen_bulan_lalu",
        title=f"Provinsi yang basisnya belum lengkap (tidak diperingkat), {format_periode(f.periode)}",
        note="Angka ini jumlah dari pemerintah daerah yang sudah melapor; provinsi ini diberi peringkat "
        "setelah basisnya lengkap.",
    )
    printed["peringkat_provinsi"] = table_pdf(ranked, csv=False)
    printed["peringkat_belum_lengkap"] = table_pdf(incomplete, csv=False)
    printed["cakupan_provinsi"] = table_pdf(
        hide(by_name["cakupan_provinsi"], "kode_wilayah", "pemda_dihitung"), csv=False
    )
    for name in ("kepatuhan_provinsi", "perlindungan_non_asn", "kelengkapan_laporan_provinsi"):
        printed[name] = table_pdf(hide(by_name[name], "kode_wilayah"), csv=False)
    # The nation's claims here; each province's are in the workbook, its kab/kota's in its annex.
    nasional = select(by_name["klaim"], lambda r: r["tingkat"] == "Nasional")
    printed["klaim_ringkas"] = table_pdf(
        show(
            hide(
                replace(
                    nasional, title=nasional.title.replace("Klaim yang dibayar", "Klaim yang dibayar secara nasional")
                ),
                "kode_wilayah",
                "nama_wilayah",
            ),
            "pemda_dihitung",
        ),
        csv=False,
    )
    return printed


def _register(f: Figures, by_name: dict[str, Table]) -> dict:
    """The double-counting section: only for a month some register list arrived for."""
    if not register.ada_register(f):
        return {"ada": False, "kalimat": register.tanpa_register_sentence(f)}
    return {
        "ada": True,
        "kalimat": register.register_sentence(f),
        "ringkasan": table_pdf(hide(register.ringkasan(by_name), "kode_wilayah"), csv=False),
        "ganda": table_pdf(by_name["register_ganda"], csv=False),
    }


def _tanpa_laporan(peringkat: Table) -> list[str]:
    """The provinces without a single figure this month: one line under the ranking, not rows of dashes."""
    return [
        r[peringkat.column_index("nama_wilayah")]
        for r in peringkat.rows
        if r[peringkat.column_index("basis")] == TANPA_LAPORAN
    ]


def _charts(f: Figures, work: Path) -> dict[str, str | None]:
    provinsi = [r for r in f.cakupan if r["tingkat"] == "provinsi" and r["segmen"] == "pekerja_rentan"]
    drawn = {
        "map": draw_map(provinsi, work, reported={r["kode_wilayah"] for r in provinsi}),
        "ranking": None,
        "trend_terlindungi": draw_trend(f.nasional(f.tren), work, "trend_terlindungi", "terlindungi"),
        "trend_persen": draw_trend(f.nasional(f.tren), work, "trend_persen", "persen_terlindungi", percent=True),
        "kelengkapan": None,
    }
    ranked = [(r["nama_wilayah"], r["persen_terlindungi"]) for r in provinsi if r["peringkat"] is not None]
    if charts.worth_drawing(v for _, v in ranked):
        charts.ranking_bars(ranked, work / "ranking.svg", x_label="Cakupan pekerja rentan (%)")
        drawn["ranking"] = "ranking.svg"
    wilayah = {w["kode_wilayah"]: w for w in f.wilayah}
    lengkap = [
        (wilayah[r["kode_wilayah"]]["nama_wilayah"], r["persen_diterima"], r["persen_tepat_waktu"])
        for r in f.kelengkapan
        if r["kode_wilayah"] in wilayah
    ]
    if charts.worth_drawing(v for _, v, _ in lengkap):
        charts.kelengkapan_bars(lengkap, work / "kelengkapan.svg")
        drawn["kelengkapan"] = "kelengkapan.svg"
    return drawn


def _by_province(f: Figures, table: Table) -> list[dict]:
    """A list of governments as one line of names per province: 500 names fit on a page that way."""
    nama_provinsi = {w["kode_wilayah"]: w["nama_wilayah"] for w in f.wilayah if w["tingkat"] == "provinsi"}
    provinsi_at, name_at = table.column_index("kode_provinsi"), table.column_index("nama_wilayah")
    groups: dict[str, list[str]] = {}
    for row in table.rows:
        groups.setdefault(row[provinsi_at], []).append(row[name_at])
    return [
        {"provinsi": nama_provinsi.get(kode, kode), "count": str(len(names)), "names": ", ".join(names)}
        for kode, names in sorted(groups.items())
    ]
