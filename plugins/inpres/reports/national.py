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
from inpres.reports.build import info_sampul
from inpres.reports.figures import Figures
from inpres.reports.formatting import format_periode
from inpres.reports.pdf import compile_pdf, tabel_pdf
from inpres.reports.tables import Tabel, pilih, sembunyikan, sembunyikan_kosong, tampilkan, write_csv, write_kamus
from inpres.reports.wording import BELUM_LENGKAP, SEGMEN_LABEL, TANPA_LAPORAN
from inpres.reports.workbook import write_workbook
from inpres.storage import upload_tree

if TYPE_CHECKING:
    from airflow.sdk import ObjectStoragePath

JUDUL = "Laporan Nasional Pemantauan Inpres Nomor 2 Tahun 2021"


@dataclass(frozen=True)
class Laporan:
    """Where one night's reports were written, relative to the run's folder."""

    pdf: str
    workbook: str
    provinsi: dict[str, str]  # kode_provinsi -> its PDF
    csv: list[str]


def write_monthly_reports(f: Figures, out: ObjectStoragePath, *, versi: DataVersion, dibuat: datetime) -> Laporan:
    periode_label = format_periode(f.periode)
    tables = content.tables_bulanan(f)
    by_name = {t.nama: t for t in tables}
    pdf_name = f"laporan_nasional_{f.periode}.pdf"
    xlsx_name = f"laporan_nasional_{f.periode}.xlsx"
    with tempfile.TemporaryDirectory(prefix="laporan_") as tmp:
        work = Path(tmp) / "work"
        result = Path(tmp) / "hasil"
        work.mkdir()
        (result / "data").mkdir(parents=True)
        for t in tables:
            write_csv(t, result / "data" / f"{t.nama}.csv")
        write_kamus(tables, result / "data" / "KAMUS_DATA.md")
        info = info_sampul(periode_label, versi, dibuat)
        write_workbook(
            result / xlsx_name,
            tables,
            judul=f"{JUDUL} — {periode_label}",
            keterangan=[(k, v) for k, v in info],
            dibuat=dibuat,
        )

        data = {
            "judul": JUDUL,
            "periode": periode_label,
            "versi_pendek": versi.pendek,
            "info": info,
            "temuan": content.temuan_utama(f),
            "tabel": _tabel_cetak(f, by_name),
            "grafik": _draw_charts(f, work),
            "tanpa_laporan": _tanpa_laporan(f, by_name["peringkat_provinsi"]),
            "belum_lapor": _per_provinsi(f, by_name["belum_lapor_bulan_ini"]),
            "belum_pernah": _per_provinsi(f, by_name["belum_pernah_lapor"]),
            "lampiran": [province.lampiran(f, by_name, w) for w in f.wilayah if w["tingkat"] == "provinsi"],
        }
        (result / pdf_name).write_bytes(compile_pdf("nasional.typ", data, work, dibuat=dibuat))

        provinsi = {}
        for w in (w for w in f.wilayah if w["tingkat"] == "provinsi"):
            name = f"provinsi/laporan_provinsi_{w['kode_wilayah']}_{f.periode}.pdf"
            (result / "provinsi").mkdir(exist_ok=True)
            (result / name).write_bytes(province.render(f, by_name, w, versi=versi, dibuat=dibuat))
            provinsi[w["kode_wilayah"]] = name

        upload_tree(result, out)
    return Laporan(pdf=pdf_name, workbook=xlsx_name, provinsi=provinsi, csv=[f"data/{t.nama}.csv" for t in tables])


def _tabel_cetak(f: Figures, by_name: dict[str, Tabel]) -> dict[str, dict]:
    """The tables as the national PDF prints them: the same rows and figures as the workbook, fewer columns
    where a column says nothing on paper, and the ranking split into ranked and incomplete provinces."""
    cetak = {nama: tabel_pdf(t, csv=False) for nama, t in by_name.items()}
    cetak["ringkasan_nasional"] = tabel_pdf(
        sembunyikan_kosong(
            by_name["ringkasan_nasional"],
            "perubahan_terlindungi_bulan_lalu",
            "perubahan_persen_bulan_lalu",
            "perubahan_terlindungi_tahun_lalu",
            "perubahan_persen_tahun_lalu",
        ),
        csv=False,
    )

    peringkat = sembunyikan(by_name["peringkat_provinsi"], "kode_wilayah", "sasaran_pekerja_rentan", "basis")
    cetak["peringkat_provinsi"] = tabel_pdf(pilih(peringkat, lambda r: r["peringkat_cakupan"] is not None), csv=False)
    belum = pilih(
        sembunyikan(peringkat, "peringkat_cakupan", "perubahan_persen_bulan_lalu"),
        lambda r: r["basis"] == BELUM_LENGKAP,
    )
    cetak["peringkat_belum_lengkap"] = tabel_pdf(
        replace(
            belum,
            judul=f"Provinsi yang basisnya belum lengkap (tidak diperingkat), {format_periode(f.periode)}",
            catatan="Angka ini jumlah dari pemerintah daerah yang sudah melapor; provinsi ini diberi peringkat "
            "setelah basisnya lengkap.",
        ),
        csv=False,
    )
    cetak["cakupan_provinsi"] = tabel_pdf(
        sembunyikan(by_name["cakupan_provinsi"], "kode_wilayah", "pemda_dihitung"), csv=False
    )
    for nama in ("kepatuhan_provinsi", "perlindungan_non_asn", "kelengkapan_laporan_provinsi"):
        cetak[nama] = tabel_pdf(sembunyikan(by_name[nama], "kode_wilayah"), csv=False)
    # The nation's claims here; each province's are in the workbook, its kab/kota's in its annex.
    nasional = pilih(by_name["klaim"], lambda r: r["tingkat"] == "Nasional")
    cetak["klaim_ringkas"] = tabel_pdf(
        tampilkan(
            sembunyikan(
                replace(
                    nasional, judul=nasional.judul.replace("Klaim yang dibayar", "Klaim yang dibayar secara nasional")
                ),
                "kode_wilayah",
                "nama_wilayah",
            ),
            "pemda_dihitung",
        ),
        csv=False,
    )
    return cetak


def _tanpa_laporan(f: Figures, peringkat: Tabel) -> list[str]:
    """The provinces without a single figure this month: one line under the ranking, not rows of dashes."""
    return [
        r[peringkat.kolom_ke("nama_wilayah")]
        for r in peringkat.baris
        if r[peringkat.kolom_ke("basis")] == TANPA_LAPORAN
    ]


def _draw_charts(f: Figures, work: Path) -> dict[str, str | None]:
    drawn: dict[str, str | None] = {}
    provinsi_pr = [r for r in f.cakupan if r["tingkat"] == "provinsi" and r["segmen"] == "pekerja_rentan"]
    nama = {w["kode_wilayah"]: w for w in f.wilayah}
    charts.peta_provinsi(
        {r["kode_wilayah"]: r["persen_terlindungi"] for r in provinsi_pr},
        work / "peta.svg",
        judul_legenda="Cakupan pekerja rentan",
        belum_lengkap={r["kode_wilayah"] for r in provinsi_pr if not r["basis_lengkap"]},
        melapor={r["kode_wilayah"] for r in provinsi_pr},
    )
    drawn["peta"] = "peta.svg"

    ranked = [(r["nama_wilayah"], r["persen_terlindungi"]) for r in provinsi_pr if r["peringkat"] is not None]
    drawn["peringkat"] = None
    if charts.layak_digambar(v for _, v in ranked):
        charts.batang_peringkat(ranked, work / "peringkat.svg", sumbu_x="Cakupan pekerja rentan (%)")
        drawn["peringkat"] = "peringkat.svg"

    # Only months whose national basis is complete: a line through sums of different parts of the country
    # would show who reported, not coverage.
    tren = f.nasional(f.tren)
    for key, column, persen in (
        ("tren_terlindungi", "terlindungi", False),
        ("tren_persen", "persen_terlindungi", True),
    ):
        seri = {
            label: [(r["periode"], r[column] if r["basis_lengkap"] else None) for r in tren if r["segmen"] == segmen]
            for segmen, label in SEGMEN_LABEL.items()
        }
        seri = {label: points for label, points in seri.items() if sum(v is not None for _, v in points) >= 2}
        drawn[key] = None
        if seri:
            charts.tren_segmen(
                seri, work / f"{key}.svg", persen=persen, sumbu_y="Cakupan (%)" if persen else "Pekerja terlindungi"
            )
            drawn[key] = f"{key}.svg"

    lengkap = [
        (nama[r["kode_wilayah"]]["nama_wilayah"], r["persen_diterima"], r["persen_tepat_waktu"])
        for r in f.kelengkapan
        if r["kode_wilayah"] in nama
    ]
    drawn["kelengkapan"] = None
    if charts.layak_digambar(v for _, v, _ in lengkap):
        charts.batang_kelengkapan(lengkap, work / "kelengkapan.svg")
        drawn["kelengkapan"] = "kelengkapan.svg"
    return drawn


def _per_provinsi(f: Figures, tabel: Tabel) -> list[dict]:
    """A list of governments as one line of names per province: 500 names fit on a page that way."""
    nama_provinsi = {w["kode_wilayah"]: w["nama_wilayah"] for w in f.wilayah if w["tingkat"] == "provinsi"}
    i_prov, i_nama = tabel.kolom_ke("kode_provinsi"), tabel.kolom_ke("nama_wilayah")
    groups: dict[str, list[str]] = {}
    for row in tabel.baris:
        groups.setdefault(row[i_prov], []).append(row[i_nama])
    return [
        {"provinsi": nama_provinsi.get(kode, kode), "jumlah": str(len(names)), "nama": ", ".join(names)}
        for kode, names in sorted(groups.items())
    ]
