"""The monthly report set for one period: national PDF, workbook, CSV files with their data dictionary,
and one feedback PDF per province. Rendered in a local folder (Typst and matplotlib need real files)
and then copied to the run's folder, which may be object storage.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from inpres.data_version import DataVersion
from inpres.reports import charts, content, province
from inpres.reports.build import cover_info
from inpres.reports.figures import Figures
from inpres.reports.formatting import format_periode
from inpres.reports.pdf import compile_pdf, table_pdf
from inpres.reports.tables import Table, hide, hide_empty, select, show, write_csv, write_dictionary
from inpres.reports.wording import BELUM_LENGKAP, SEGMEN_LABEL, TANPA_LAPORAN
from inpres.reports.workbook import write_workbook
from inpres.storage import upload_tree

if TYPE_CHECKING:
    from airflow.sdk import ObjectStoragePath

TITLE = "Laporan Nasional Pemantauan Inpres Nomor 2 Tahun 2021"


@dataclass(frozen=True)
class MonthlyReport:
    """Where one night's reports were written, relative to the run's folder."""

    pdf: str
    workbook: str
    provinsi: dict[str, str]  # kode_provinsi -> its PDF
    csv: list[str]


def write_monthly_reports(
    f: Figures, out: ObjectStoragePath, *, version: DataVersion, created: datetime
) -> MonthlyReport:
    periode_label = format_periode(f.periode)
    tables = content.monthly_tables(f)
    by_name = {t.name: t for t in tables}
    pdf_name = f"laporan_nasional_{f.periode}.pdf"
    xlsx_name = f"laporan_nasional_{f.periode}.xlsx"
    with tempfile.TemporaryDirectory(prefix="laporan_") as tmp:
        work = Path(tmp) / "work"
        result = Path(tmp) / "hasil"
        work.mkdir()
        (result / "data").mkdir(parents=True)
        for t in tables:
            write_csv(t, result / "data" / f"{t.name}.csv")
        write_dictionary(tables, result / "data" / "KAMUS_DATA.md")
        cover = cover_info(periode_label, version, created)
        write_workbook(
            result / xlsx_name,
            tables,
            title=f"{TITLE} — {periode_label}",
            cover=[(k, v) for k, v in cover],
            created=created,
        )

        data = {
            "title": TITLE,
            "periode": periode_label,
            "version": version.pendek,
            "cover": cover,
            "findings": content.findings(f),
            "tables": _printed_tables(f, by_name),
            "charts": _draw_charts(f, work),
            "tanpa_laporan": _tanpa_laporan(f, by_name["peringkat_provinsi"]),
            "belum_lapor": _by_province(f, by_name["belum_lapor_bulan_ini"]),
            "belum_pernah": _by_province(f, by_name["belum_pernah_lapor"]),
            "annex": [province.annex(f, by_name, w) for w in f.wilayah if w["tingkat"] == "provinsi"],
        }
        (result / pdf_name).write_bytes(compile_pdf("nasional.typ", data, work, created=created))

        provinsi = {}
        for w in (w for w in f.wilayah if w["tingkat"] == "provinsi"):
            name = f"provinsi/laporan_provinsi_{w['kode_wilayah']}_{f.periode}.pdf"
            (result / "provinsi").mkdir(exist_ok=True)
            (result / name).write_bytes(province.render(f, by_name, w, version=version, created=created))
            provinsi[w["kode_wilayah"]] = name

        upload_tree(result, out)
    return MonthlyReport(
        pdf=pdf_name, workbook=xlsx_name, provinsi=provinsi, csv=[f"data/{t.name}.csv" for t in tables]
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

    peringkat = hide(by_name["peringkat_provinsi"], "kode_wilayah", "sasaran_pekerja_rentan", "basis")
    printed["peringkat_provinsi"] = table_pdf(
        select(peringkat, lambda r: r["peringkat_cakupan"] is not None), csv=False
    )
    incomplete = select(
        hide(peringkat, "peringkat_cakupan", "perubahan_persen_bulan_lalu"),
        lambda r: r["basis"] == BELUM_LENGKAP,
    )
    printed["peringkat_belum_lengkap"] = table_pdf(
        replace(
            incomplete,
            title=f"Provinsi yang basisnya belum lengkap (tidak diperingkat), {format_periode(f.periode)}",
            note="Angka ini jumlah dari pemerintah daerah yang sudah melapor; provinsi ini diberi peringkat "
            "setelah basisnya lengkap.",
        ),
        csv=False,
    )
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


def _tanpa_laporan(f: Figures, peringkat: Table) -> list[str]:
    """The provinces without a single figure this month: one line under the ranking, not rows of dashes."""
    return [
        r[peringkat.column_index("nama_wilayah")]
        for r in peringkat.rows
        if r[peringkat.column_index("basis")] == TANPA_LAPORAN
    ]


def _draw_charts(f: Figures, work: Path) -> dict[str, str | None]:
    drawn: dict[str, str | None] = {}
    provinsi_pr = [r for r in f.cakupan if r["tingkat"] == "provinsi" and r["segmen"] == "pekerja_rentan"]
    wilayah = {w["kode_wilayah"]: w for w in f.wilayah}
    charts.province_map(
        {r["kode_wilayah"]: r["persen_terlindungi"] for r in provinsi_pr},
        work / "map.svg",
        legend_title="Cakupan pekerja rentan",
        incomplete={r["kode_wilayah"] for r in provinsi_pr if not r["basis_lengkap"]},
        reported={r["kode_wilayah"] for r in provinsi_pr},
    )
    drawn["map"] = "map.svg"

    ranked = [(r["nama_wilayah"], r["persen_terlindungi"]) for r in provinsi_pr if r["peringkat"] is not None]
    drawn["ranking"] = None
    if charts.worth_drawing(v for _, v in ranked):
        charts.ranking_bars(ranked, work / "ranking.svg", x_label="Cakupan pekerja rentan (%)")
        drawn["ranking"] = "ranking.svg"

    # Only months whose national basis is complete: a line through sums of different parts of the country
    # would show who reported, not coverage.
    tren = f.nasional(f.tren)
    for key, column, percent in (
        ("trend_terlindungi", "terlindungi", False),
        ("trend_persen", "persen_terlindungi", True),
    ):
        series = {
            label: [(r["periode"], r[column] if r["basis_lengkap"] else None) for r in tren if r["segmen"] == segmen]
            for segmen, label in SEGMEN_LABEL.items()
        }
        series = {label: points for label, points in series.items() if sum(v is not None for _, v in points) >= 2}
        drawn[key] = None
        if series:
            charts.segmen_trend(
                series,
                work / f"{key}.svg",
                percent=percent,
                y_label="Cakupan (%)" if percent else "Pekerja terlindungi",
            )
            drawn[key] = f"{key}.svg"

    lengkap = [
        (wilayah[r["kode_wilayah"]]["nama_wilayah"], r["persen_diterima"], r["persen_tepat_waktu"])
        for r in f.kelengkapan
        if r["kode_wilayah"] in wilayah
    ]
    drawn["kelengkapan"] = None
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
