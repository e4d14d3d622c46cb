"""The semester report to the President through the Menko PMK (the Inpres asks for one every six months).

Written every night for the semester of the report's month: until June or December it is marked
provisional (how many of the six months it holds), so the ministry can prepare the President's report as
the semester goes; the night that reports June or December writes the final one.
The same engine as the monthly report (tables, Typst, workbook, CSV) over the semester marts: coverage as
at the semester's last month with its change over the semester, reports and claims summed over its months,
and the monthly trend inside the semester.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from inpres.reports import charts, content
from inpres.reports.delivery import DataVersion
from inpres.reports.figures import _rows
from inpres.reports.formatting import format_angka, format_periode, format_persen
from inpres.reports.pdf import compile_pdf, tabel_pdf
from inpres.reports.tables import Grafik, Kolom, Tabel, write_csv, write_kamus
from inpres.reports.workbook import write_workbook
from inpres.storage import upload_tree

if TYPE_CHECKING:
    from airflow.sdk import ObjectStoragePath

ROMAWI = {1: "I", 2: "II"}


@dataclass
class SemesterFigures:
    tahun: int
    semester: int
    cakupan: list[dict]  # fct_cakupan_semester: nation and provinces
    kelengkapan: list[dict]  # fct_kelengkapan_semester: nation and provinces
    klaim: list[dict]  # fct_klaim_semester: nation and provinces
    tren: list[dict]  # fct_cakupan_wilayah: the nation, each month of the semester

    @property
    def label(self) -> str:
        return f"Semester {ROMAWI[self.semester]} Tahun {self.tahun}"

    @property
    def nama(self) -> str:
        return f"{self.tahun}_S{self.semester}"


def load_semester(conn, periode: str) -> SemesterFigures:
    tahun, bulan = int(periode[:4]), int(periode[5:])
    semester = 1 if bulan <= 6 else 2
    key = (tahun, semester)
    where = "where tahun = %s and semester = %s and (tingkat in ('nasional', 'provinsi'))"
    return SemesterFigures(
        tahun=tahun,
        semester=semester,
        cakupan=_rows(conn, f"select * from marts.fct_cakupan_semester {where} order by kode_wilayah, segmen", key),
        kelengkapan=_rows(conn, "select * from marts.fct_kelengkapan_semester where tahun = %s and semester = %s "
                                "order by kode_wilayah", key),
        klaim=_rows(conn, f"select * from marts.fct_klaim_semester {where} "
                          "order by kode_wilayah, program, segmen", key),
        tren=_rows(conn, "select c.* from marts.fct_cakupan_wilayah c join marts.dim_periode p using (periode) "
                         "where c.kode_wilayah = '00' and p.tahun = %s and p.semester = %s "
                         "order by c.periode, c.segmen", key),
    )


def _judul(s: SemesterFigures, apa: str) -> str:
    return f"{apa}, {s.label}"


def tables_semester(s: SemesterFigures) -> list[Tabel]:
    nasional = sorted((r for r in s.cakupan if r["kode_wilayah"] == "00"), key=content._segment_order)
    provinsi = sorted((r for r in s.cakupan if r["kode_wilayah"] != "00" and r["segmen"] == "pekerja_rentan"),
                      key=lambda r: (r["peringkat"] is None, r["peringkat"] or 0, r["kode_wilayah"]))
    segmen = list(content.SEGMEN_LABEL)
    tren = {(r["periode"], r["segmen"]): r for r in s.tren}
    periodes = sorted({r["periode"] for r in s.tren})
    kode = content._kode()
    return [
        Tabel("semester_ringkasan_nasional", _judul(s, "Cakupan nasional per segmen pada akhir semester"), (
            Kolom("segmen", "Segmen", "teks", "Segmen pekerja."),
            Kolom("periode_akhir", "Posisi", "kode", "Bulan terakhir semester yang ada datanya."),
            Kolom("sasaran", "Sasaran", "angka", "Sasaran pada bulan terakhir semester."),
            Kolom("terlindungi", "Terlindungi", "angka", "Terlindungi pada bulan terakhir semester."),
            Kolom("persen_terlindungi", "Cakupan", "persen", "Cakupan pada bulan terakhir semester."),
            Kolom("perubahan_terlindungi_semester", "Δ terlindungi", "angka", "Terlindungi dikurangi terlindungi sebelum semester."),
            Kolom("perubahan_persen_semester", "Δ cakupan", "poin", "Perubahan cakupan selama semester, poin persen."),
        ), [(content.segmen_label(r["segmen"]), r["periode_akhir"], r["sasaran"], r["terlindungi"],
             r["persen_terlindungi"], r["perubahan_terlindungi_semester"], r["perubahan_persen_semester"])
            for r in nasional], sumber=("marts.fct_cakupan_semester",)),
        Tabel("semester_peringkat_provinsi", _judul(s, "Peringkat provinsi: cakupan pekerja rentan"), (
            kode, content._nama("Provinsi"),
            Kolom("peringkat", "Peringkat", "angka", "Peringkat di antara provinsi pada akhir semester."),
            Kolom("sasaran", "Sasaran", "angka", "Sasaran pekerja rentan."),
            Kolom("terlindungi", "Terlindungi", "angka", "Pekerja rentan terlindungi."),
            Kolom("persen_terlindungi", "Cakupan", "persen", "Cakupan pada akhir semester."),
            Kolom("perubahan_persen_semester", "Δ semester", "poin", "Perubahan cakupan selama semester."),
        ), [(r["kode_wilayah"], r["nama_wilayah"], r["peringkat"], r["sasaran"], r["terlindungi"],
             r["persen_terlindungi"], r["perubahan_persen_semester"]) for r in provinsi],
            grafik=Grafik("batang", "Cakupan pekerja rentan per provinsi (%)", "nama_wilayah", ("persen_terlindungi",)),
            sumber=("marts.fct_cakupan_semester",)),
        Tabel("semester_tren_nasional", _judul(s, "Tren bulanan nasional"), (
            Kolom("periode", "Bulan", "kode", "Bulan, YYYY-MM."),
            *(Kolom(f"terlindungi_{x}", content.SEGMEN_SINGKAT[x], "angka", f"{content.segmen_label(x)} terlindungi.") for x in segmen),
        ), [(p, *(tren.get((p, x), {}).get("terlindungi") for x in segmen)) for p in periodes],
            grafik=Grafik("garis", "Pekerja terlindungi per segmen, nasional", "periode",
                          tuple(f"terlindungi_{x}" for x in segmen)),
            sumber=("marts.fct_cakupan_wilayah",)),
        Tabel("semester_kelengkapan_laporan", _judul(s, "Kelengkapan dan ketepatan waktu laporan selama semester"), (
            kode, content._nama("Wilayah"),
            Kolom("laporan_diharapkan", "Diharapkan", "angka", "Laporan yang diharapkan selama semester."),
            Kolom("laporan_diterima", "Diterima", "angka", "Laporan yang diterima selama semester."),
            Kolom("laporan_tepat_waktu", "Tepat waktu", "angka", "Laporan tepat waktu selama semester."),
            Kolom("persen_diterima", "% diterima", "persen", "100 × diterima / diharapkan."),
            Kolom("persen_tepat_waktu", "% tepat waktu", "persen", "100 × tepat waktu / diharapkan."),
        ), [(r["kode_wilayah"], r["nama_wilayah"], r["laporan_diharapkan"], r["laporan_diterima"],
             r["laporan_tepat_waktu"], r["persen_diterima"], r["persen_tepat_waktu"])
            for r in sorted(s.kelengkapan, key=lambda r: (r["kode_wilayah"] != "00", r["kode_wilayah"]))],
            sumber=("marts.fct_kelengkapan_semester",)),
        Tabel("semester_klaim", _judul(s, "Klaim yang dibayar selama semester"), (
            kode, content._nama(),
            Kolom("program", "Program", "kode", "JKK, JKM atau JHT."),
            Kolom("segmen", "Segmen", "teks", "Segmen pekerja."),
            Kolom("kasus", "Kasus", "angka", "Klaim dibayar selama semester."),
            Kolom("nilai_rp", "Nilai", "rupiah", "Nilai klaim dibayar selama semester, Rupiah."),
        ), [(r["kode_wilayah"], r["nama_wilayah"], r["program"], content.segmen_label(r["segmen"]), r["kasus"],
             r["nilai_rp"]) for r in sorted(s.klaim, key=lambda r: (r["kode_wilayah"], r["program"], content._segment_order(r)))
            if r["kasus"]], sumber=("marts.fct_klaim_semester",)),
    ]


def temuan_semester(s: SemesterFigures) -> list[str]:
    temuan = []
    pr = next((r for r in s.cakupan if r["kode_wilayah"] == "00" and r["segmen"] == "pekerja_rentan"), None)
    if pr:
        kalimat = f"Pada akhir {s.label.lower()}, {format_angka(pr['terlindungi'])} pekerja rentan terlindungi"
        if pr["persen_terlindungi"] is not None:
            kalimat += f" ({format_persen(pr['persen_terlindungi'])} dari sasaran)"
        if pr["perubahan_terlindungi_semester"] is not None:
            kalimat += f", {content._berubah(pr['perubahan_terlindungi_semester'])} selama semester"
        temuan.append(kalimat + ".")
    temuan += content.temuan_peringkat([r for r in s.cakupan if r["kode_wilayah"] != "00"],
                                       "perubahan_persen_semester", "selama semester")
    lengkap = next((r for r in s.kelengkapan if r["kode_wilayah"] == "00"), None)
    if lengkap:
        temuan.append(f"Selama semester diterima {format_angka(lengkap['laporan_diterima'])} dari "
                      f"{format_angka(lengkap['laporan_diharapkan'])} laporan bulanan yang diharapkan "
                      f"({format_persen(lengkap['persen_diterima'])}), {format_angka(lengkap['laporan_tepat_waktu'])} tepat waktu.")
    return temuan


def write_semester_report(s: SemesterFigures, out: ObjectStoragePath, *, versi: DataVersion,
                          dibuat: datetime) -> str:
    """Writes laporan_semester_<tahun>_S<n>.pdf/.xlsx and data/semester_*.csv; returns the PDF's name."""
    from inpres.reports.national import info_sampul

    tables = tables_semester(s)
    pdf_name = f"laporan_semester_{s.nama}.pdf"
    akhir = max((r["periode_akhir"] for r in s.cakupan), default=None)
    judul = "Laporan Semester Pemantauan Inpres Nomor 2 Tahun 2021"
    with tempfile.TemporaryDirectory(prefix="laporan_semester_") as tmp:
        work, result = Path(tmp) / "work", Path(tmp) / "hasil"
        work.mkdir()
        (result / "data").mkdir(parents=True)
        for t in tables:
            write_csv(t, result / "data" / f"{t.nama}.csv")
        write_kamus(tables, result / "data" / "KAMUS_DATA_SEMESTER.md")
        bulan = max((r["bulan_tercakup"] for r in s.cakupan), default=0)
        status = "final" if bulan == 6 else f"sementara: {bulan} dari 6 bulan"
        info = [["Semester", s.label], ["Posisi data", f"{format_periode(akhir) if akhir else '–'} ({status})"],
                *info_sampul(s.label, versi, dibuat)[1:]]
        write_workbook(result / f"laporan_semester_{s.nama}.xlsx", tables, judul=f"{judul} — {s.label}",
                       keterangan=[(k, v) for k, v in info], dibuat=dibuat)
        grafik = {"peta": None, "tren": None}
        provinsi = {r["kode_wilayah"]: r["persen_terlindungi"] for r in s.cakupan
                    if r["kode_wilayah"] != "00" and r["segmen"] == "pekerja_rentan"}
        charts.peta_provinsi(provinsi, work / "peta.svg", judul_legenda="Cakupan pekerja rentan")
        grafik["peta"] = "peta.svg"
        seri = {label: [(r["periode"], r["terlindungi"]) for r in s.tren if r["segmen"] == segmen]
                for segmen, label in content.SEGMEN_LABEL.items()}
        seri = {k: v for k, v in seri.items() if v}
        if seri:
            charts.tren_segmen(seri, work / "tren.svg", sumbu_y="Pekerja terlindungi", persen=False)
            grafik["tren"] = "tren.svg"
        data = {"judul": judul, "periode": s.label, "versi_pendek": versi.pendek, "info": info,
                "temuan": temuan_semester(s), "tabel": {t.nama: tabel_pdf(t) for t in tables}, "grafik": grafik}
        (result / pdf_name).write_bytes(compile_pdf("semester.typ", data, work, dibuat=dibuat))
        upload_tree(result, out)
    return pdf_name
