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
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from inpres.data_version import DataVersion
from inpres.reports import charts, content
from inpres.reports.build import info_sampul
from inpres.reports.columns import basis_columns, column, columns, coverage_columns, trend_basis_column
from inpres.reports.figures import _rows
from inpres.reports.formatting import format_angka, format_periode, format_persen, format_rentang
from inpres.reports.pdf import compile_pdf, tabel_pdf
from inpres.reports.tables import Grafik, Tabel, pilih, sembunyikan, sembunyikan_kosong, write_csv, write_kamus
from inpres.reports.wording import BELUM_LENGKAP, SEGMEN_LABEL, segmen_label, segmen_order
from inpres.reports.workbook import write_workbook
from inpres.storage import upload_tree

if TYPE_CHECKING:
    from airflow.sdk import ObjectStoragePath

ROMAWI = {1: "I", 2: "II"}
BULAN_SEMESTER = 6


@dataclass
class SemesterFigures:
    tahun: int
    semester: int
    cakupan: list[dict]  # fct_cakupan_semester: nation and provinces
    kelengkapan: list[dict]  # fct_kelengkapan_semester: nation and provinces
    klaim: list[dict]  # fct_klaim_semester: nation and provinces
    tren: list[dict]  # fct_cakupan_wilayah: the nation, each month of the semester
    periode_awal: str = ""  # the semester's first month (dim_semester)
    periode_akhir: str = ""  # its last month with data so far
    bulan_tercakup: int = 0  # how many of its six months have happened
    jumlah_provinsi: int = 38

    @property
    def label(self) -> str:
        """'Semester II 2022'."""
        return f"Semester {ROMAWI[self.semester]} {self.tahun}"

    @property
    def final(self) -> bool:
        return self.bulan_tercakup == BULAN_SEMESTER

    @property
    def bulan(self) -> str:
        """The months the sums cover: 'Juli–Oktober 2022'."""
        return format_rentang(self.periode_awal, self.periode_akhir) if self.periode_akhir else self.label

    @property
    def status(self) -> str:
        """'final', or 'sementara: Juli–Oktober, 4 dari 6 bulan' until the semester's last month is in."""
        if self.final:
            return "final"
        bulan = self.bulan.removesuffix(f" {self.tahun}")
        return f"sementara: {bulan}, {self.bulan_tercakup} dari {BULAN_SEMESTER} bulan"

    @property
    def judul(self) -> str:
        """'Semester II 2022 (sementara: Juli–Oktober, 4 dari 6 bulan)'."""
        return self.label if self.final else f"{self.label} ({self.status})"

    @property
    def posisi(self) -> str:
        """Where the coverage figures stand: the semester's end, or the last month there is so far."""
        akhir = format_periode(self.periode_akhir) if self.periode_akhir else "–"
        return f"akhir semester ({akhir})" if self.final else f"bulan terakhir yang tersedia ({akhir})"

    @property
    def nama(self) -> str:
        return f"{self.tahun}_S{self.semester}"


def load_semester(conn, periode: str) -> SemesterFigures:
    tahun, bulan = int(periode[:4]), int(periode[5:])
    semester = 1 if bulan <= 6 else 2
    key = (tahun, semester)
    where = "where tahun = %s and semester = %s and (tingkat in ('nasional', 'provinsi'))"
    dim = _rows(
        conn,
        "select periode_awal, periode_akhir, bulan_tercakup from marts.dim_semester where tahun = %s and semester = %s",
        key,
    )
    return SemesterFigures(
        tahun=tahun,
        semester=semester,
        cakupan=_rows(conn, f"select * from marts.fct_cakupan_semester {where} order by kode_wilayah, segmen", key),
        kelengkapan=_rows(
            conn,
            "select * from marts.fct_kelengkapan_semester where tahun = %s and semester = %s order by kode_wilayah",
            key,
        ),
        klaim=_rows(
            conn, f"select * from marts.fct_klaim_semester {where} order by kode_wilayah, program, segmen", key
        ),
        tren=_rows(
            conn,
            "select c.* from marts.fct_cakupan_wilayah c join marts.dim_periode p using (periode) "
            "where c.kode_wilayah = '00' and p.tahun = %s and p.semester = %s "
            "order by c.periode, c.segmen",
            key,
        ),
        **(dim[0] if dim else {}),
        jumlah_provinsi=_rows(conn, "select count(*) as n from marts.dim_wilayah where tingkat = 'provinsi'")[0]["n"],
    )


def _judul(s: SemesterFigures, apa: str, kapan: str = "") -> str:
    """A caption: what, and when ('Semester II 2022', or the months a sum covers), marked until final."""
    return f"{apa}, {kapan or s.label}" + ("" if s.final else " (sementara)")


def _urutan(r: dict):
    return (r["peringkat"] is None, r["peringkat"] or 0, r["kode_wilayah"])


def tables_semester(s: SemesterFigures) -> list[Tabel]:
    nasional = sorted((r for r in s.cakupan if r["kode_wilayah"] == "00"), key=segmen_order)
    provinsi = sorted(
        (r for r in s.cakupan if r["kode_wilayah"] != "00" and r["segmen"] == "pekerja_rentan"), key=_urutan
    )
    segmen = list(SEGMEN_LABEL)
    tren = {(r["periode"], r["segmen"]): r for r in s.tren}
    periodes = sorted({r["periode"] for r in s.tren})
    awal = "basis_lengkap_awal"
    posisi = s.posisi
    return [
        Tabel(
            "semester_ringkasan_nasional",
            _judul(s, f"Cakupan nasional per segmen pada {posisi}"),
            (
                column("segmen"),
                column("periode_akhir"),
                *coverage_columns(" di seluruh Indonesia, pada bulan terakhir semester yang ada datanya"),
                *columns("perubahan_terlindungi_semester", "perubahan_persen_semester"),
                *basis_columns(),
            ),
            [
                (
                    segmen_label(r["segmen"]),
                    r["periode_akhir"],
                    r["sasaran"],
                    r["terlindungi"],
                    r["persen_terlindungi"],
                    content.perubahan(r, "perubahan_terlindungi_semester", awal),
                    content.perubahan(r, "perubahan_persen_semester", awal),
                    *content.basis_sel(r),
                )
                for r in nasional
            ],
            catatan=content.catatan_basis(),
            sumber=("marts.fct_cakupan_semester",),
        ),
        Tabel(
            "semester_peringkat_provinsi",
            _judul(s, "Peringkat provinsi: cakupan pekerja rentan"),
            (
                column("kode_wilayah"),
                column("nama_wilayah", label="Provinsi"),
                column(
                    "peringkat",
                    keterangan=f"Peringkat di antara provinsi yang basisnya lengkap pada {posisi}; kosong bila "
                    "belum lengkap.",
                ),
                *coverage_columns(", seluruh provinsi, pada bulan terakhir semester yang ada datanya"),
                column("perubahan_persen_semester", label="Δ semester"),
                *basis_columns(),
            ),
            [
                (
                    r["kode_wilayah"],
                    r["nama_wilayah"],
                    r["peringkat"],
                    r["sasaran"],
                    r["terlindungi"],
                    r["persen_terlindungi"],
                    content.perubahan(r, "perubahan_persen_semester", awal),
                    *content.basis_sel(r),
                )
                for r in provinsi
            ],
            catatan=(
                "Hanya provinsi yang basisnya lengkap yang diberi peringkat; yang belum lengkap tercantum di "
                "bawahnya tanpa peringkat. " + content.catatan_basis()
            ),
            grafik=Grafik("batang", "Cakupan pekerja rentan per provinsi (%)", "nama_wilayah", ("persen_terlindungi",)),
            sumber=("marts.fct_cakupan_semester",),
        ),
        Tabel(
            "semester_tren_nasional",
            _judul(s, "Tren bulanan nasional"),
            (
                column("periode"),
                *columns(*(f"terlindungi_{x}" for x in segmen)),
                *basis_columns(sasaran=False),
                trend_basis_column("Basis angka nasional pekerja rentan bulan itu."),
            ),
            [
                (
                    p,
                    *(tren.get((p, x), {}).get("terlindungi") for x in segmen),
                    *content.basis_sel(tren.get((p, "pekerja_rentan")), sasaran=False),
                    content.basis_kata(tren.get((p, "pekerja_rentan"))),
                )
                for p in periodes
            ],
            catatan=(
                "Jumlah nasional adalah jumlah dari yang dilaporkan setiap bulan: naik-turunnya juga mencerminkan "
                "berapa pemerintah daerah yang melapor (kolom Pemda)."
            ),
            grafik=Grafik(
                "garis",
                "Pekerja terlindungi per segmen, nasional",
                "periode",
                tuple(f"terlindungi_{x}" for x in segmen),
            ),
            sumber=("marts.fct_cakupan_wilayah",),
        ),
        Tabel(
            "semester_kelengkapan_laporan",
            _judul(s, "Kelengkapan dan ketepatan waktu laporan", s.bulan),
            (
                column("kode_wilayah"),
                column("nama_wilayah"),
                column("laporan_diharapkan", keterangan=f"Laporan bulanan yang diharapkan, {s.bulan}."),
                column("laporan_diterima", keterangan=f"Laporan bulanan yang diterima, {s.bulan}."),
                column("laporan_tepat_waktu", keterangan=f"Laporan bulanan yang tepat waktu, {s.bulan}."),
                *columns("persen_diterima", "persen_tepat_waktu"),
            ),
            [
                (
                    r["kode_wilayah"],
                    r["nama_wilayah"],
                    r["laporan_diharapkan"],
                    r["laporan_diterima"],
                    r["laporan_tepat_waktu"],
                    r["persen_diterima"],
                    r["persen_tepat_waktu"],
                )
                for r in sorted(s.kelengkapan, key=lambda r: (r["kode_wilayah"] != "00", r["kode_wilayah"]))
            ],
            sumber=("marts.fct_kelengkapan_semester",),
        ),
        Tabel(
            "semester_klaim",
            _judul(s, "Klaim yang dibayar", s.bulan),
            (
                column("kode_wilayah"),
                column("nama_wilayah"),
                column("program", keterangan="JKK, JKM atau JHT."),
                column("segmen"),
                column("kasus", keterangan=f"Klaim dibayar, {s.bulan}: jumlah yang dilaporkan untuk setiap bulan itu."),
                column("nilai_rp", keterangan=f"Nilai klaim dibayar, {s.bulan}, Rupiah."),
            ),
            [
                (
                    r["kode_wilayah"],
                    r["nama_wilayah"],
                    r["program"],
                    segmen_label(r["segmen"]),
                    r["kasus"],
                    r["nilai_rp"],
                )
                for r in sorted(s.klaim, key=lambda r: (r["kode_wilayah"], r["program"], segmen_order(r)))
                if r["kasus"]
            ],
            sumber=("marts.fct_klaim_semester",),
        ),
    ]


def temuan_semester(s: SemesterFigures) -> list[str]:
    temuan = []
    akhir = format_periode(s.periode_akhir) if s.periode_akhir else s.label
    pada = (
        f"Pada akhir {s.label} ({akhir}), secara nasional"
        if s.final
        else f"Pada {akhir}, bulan terakhir yang tersedia, secara nasional"
    )
    pr = next((r for r in s.cakupan if r["kode_wilayah"] == "00" and r["segmen"] == "pekerja_rentan"), None)
    if pr:
        temuan.append(
            content.kalimat_nasional(
                pr,
                sejak="sejak awal semester",
                kolom="perubahan_terlindungi_semester",
                lengkap_dulu="basis_lengkap_awal",
                pada=pada,
            )
        )
    temuan += content.temuan_peringkat(
        [r for r in s.cakupan if r["kode_wilayah"] != "00"],
        "perubahan_persen_semester",
        "sejak awal semester",
        "basis_lengkap_awal",
        jumlah_provinsi=s.jumlah_provinsi,
    )
    lengkap = next((r for r in s.kelengkapan if r["kode_wilayah"] == "00"), None)
    if lengkap:
        temuan.append(
            f"Selama {s.bulan} diterima {format_angka(lengkap['laporan_diterima'])} dari "
            f"{format_angka(lengkap['laporan_diharapkan'])} laporan bulanan yang diharapkan "
            f"({format_persen(lengkap['persen_diterima'])}), {format_angka(lengkap['laporan_tepat_waktu'])} "
            "tepat waktu."
        )
    return temuan


def _tabel_cetak(tables: list[Tabel]) -> dict[str, dict]:
    """The tables as the PDF prints them; the ranking split into ranked and incomplete provinces."""
    by_name = {t.nama: t for t in tables}
    cetak = {t.nama: tabel_pdf(t, csv=False) for t in tables}
    cetak["semester_ringkasan_nasional"] = tabel_pdf(
        sembunyikan_kosong(
            sembunyikan(by_name["semester_ringkasan_nasional"], "periode_akhir"),
            "perubahan_terlindungi_semester",
            "perubahan_persen_semester",
        ),
        csv=False,
    )
    peringkat = sembunyikan_kosong(
        sembunyikan(by_name["semester_peringkat_provinsi"], "kode_wilayah", "basis"), "perubahan_persen_semester"
    )
    cetak["semester_peringkat_provinsi"] = tabel_pdf(pilih(peringkat, lambda r: r["peringkat"] is not None), csv=False)
    # The nation's claims here; each province's are in the workbook.
    cetak["semester_klaim"] = tabel_pdf(
        sembunyikan(
            pilih(by_name["semester_klaim"], lambda r: r["kode_wilayah"] == "00"), "kode_wilayah", "nama_wilayah"
        ),
        csv=False,
    )
    belum = pilih(
        sembunyikan(peringkat, "peringkat", "perubahan_persen_semester"), lambda r: r["basis"] == BELUM_LENGKAP
    )
    cetak["semester_belum_lengkap"] = tabel_pdf(
        replace(
            belum,
            judul="Provinsi yang basisnya belum lengkap (tidak diperingkat)",
            catatan="Angka ini jumlah dari pemerintah daerah yang sudah melapor.",
        ),
        csv=False,
    )
    return cetak


def write_semester_report(s: SemesterFigures, out: ObjectStoragePath, *, versi: DataVersion, dibuat: datetime) -> str:
    """Writes laporan_semester_<tahun>_S<n>.pdf/.xlsx and data/semester_*.csv; returns the PDF's name."""
    tables = tables_semester(s)
    pdf_name = f"laporan_semester_{s.nama}.pdf"
    judul = "Laporan Semester Pemantauan Inpres Nomor 2 Tahun 2021"
    with tempfile.TemporaryDirectory(prefix="laporan_semester_") as tmp:
        work, result = Path(tmp) / "work", Path(tmp) / "hasil"
        work.mkdir()
        (result / "data").mkdir(parents=True)
        for t in tables:
            write_csv(t, result / "data" / f"{t.nama}.csv")
        write_kamus(tables, result / "data" / "KAMUS_DATA_SEMESTER.md")
        info = [
            ["Semester", s.judul],
            ["Posisi data", f"{format_periode(s.periode_akhir) if s.periode_akhir else '–'} ({s.status})"],
            *info_sampul(s.label, versi, dibuat)[1:],
        ]
        write_workbook(
            result / f"laporan_semester_{s.nama}.xlsx",
            tables,
            judul=f"{judul} — {s.judul}",
            keterangan=[(k, v) for k, v in info],
            dibuat=dibuat,
        )
        grafik = {"peta": None, "tren": None}
        provinsi = [r for r in s.cakupan if r["kode_wilayah"] != "00" and r["segmen"] == "pekerja_rentan"]
        charts.peta_provinsi(
            {r["kode_wilayah"]: r["persen_terlindungi"] for r in provinsi},
            work / "peta.svg",
            judul_legenda="Cakupan pekerja rentan",
            belum_lengkap={r["kode_wilayah"] for r in provinsi if not r["basis_lengkap"]},
            melapor={r["kode_wilayah"] for r in provinsi if r["pemerintah_dihitung"]},
        )
        grafik["peta"] = "peta.svg"
        # Months whose national basis is complete only, as in the monthly report.
        seri = {
            label: [
                (r["periode"], r["terlindungi"] if r["basis_lengkap"] else None)
                for r in s.tren
                if r["segmen"] == segmen
            ]
            for segmen, label in SEGMEN_LABEL.items()
        }
        seri = {k: v for k, v in seri.items() if sum(x is not None for _, x in v) >= 2}
        if seri:
            charts.tren_segmen(seri, work / "tren.svg", sumbu_y="Pekerja terlindungi", persen=False)
            grafik["tren"] = "tren.svg"
        data = {
            "judul": judul,
            "periode": s.label,
            "judul_semester": s.judul,
            "final": s.final,
            "kaki": s.label + ("" if s.final else " (sementara)"),
            "posisi": s.posisi,
            "bulan": s.bulan,
            "versi_pendek": versi.pendek,
            "info": info,
            "temuan": temuan_semester(s),
            "tabel": _tabel_cetak(tables),
            "grafik": grafik,
        }
        (result / pdf_name).write_bytes(compile_pdf("semester.typ", data, work, dibuat=dibuat))
        upload_tree(result, out)
    return pdf_name
