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
from inpres.reports.build import cover_info
from inpres.reports.columns import basis_columns, column, columns, coverage_columns, trend_basis_column
from inpres.reports.figures import _rows
from inpres.reports.formatting import format_number, format_percent, format_periode, format_range
from inpres.reports.pdf import compile_pdf, table_pdf
from inpres.reports.tables import Chart, Table, hide, hide_empty, select, write_csv, write_dictionary
from inpres.reports.wording import BELUM_LENGKAP, SEGMEN_LABEL, segmen_label, segmen_order
from inpres.reports.workbook import write_workbook
from inpres.storage import upload_tree

if TYPE_CHECKING:
    from airflow.sdk import ObjectStoragePath

ROMAN = {1: "I", 2: "II"}
SEMESTER_MONTHS = 6


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
        return f"Semester {ROMAN[self.semester]} {self.tahun}"

    @property
    def final(self) -> bool:
        return self.bulan_tercakup == SEMESTER_MONTHS

    @property
    def months(self) -> str:
        """The months the sums cover: 'Juli–Oktober 2022'."""
        return format_range(self.periode_awal, self.periode_akhir) if self.periode_akhir else self.label

    @property
    def status(self) -> str:
        """'final', or 'sementara: Juli–Oktober, 4 dari 6 bulan' until the semester's last month is in."""
        if self.final:
            return "final"
        bulan = self.months.removesuffix(f" {self.tahun}")
        return f"sementara: {bulan}, {self.bulan_tercakup} dari {SEMESTER_MONTHS} bulan"

    @property
    def title(self) -> str:
        """'Semester II 2022 (sementara: Juli–Oktober, 4 dari 6 bulan)'."""
        return self.label if self.final else f"{self.label} ({self.status})"

    @property
    def as_at(self) -> str:
        """Where the coverage figures stand: the semester's end, or the last month there is so far."""
        last = format_periode(self.periode_akhir) if self.periode_akhir else "–"
        return f"akhir semester ({last})" if self.final else f"bulan terakhir yang tersedia ({last})"

    @property
    def name(self) -> str:
        return f"{self.tahun}_S{self.semester}"


def load_semester(conn, periode: str) -> SemesterFigures:
    year, month = int(periode[:4]), int(periode[5:])
    semester = 1 if month <= 6 else 2
    key = (year, semester)
    where = "where tahun = %s and semester = %s and (tingkat in ('nasional', 'provinsi'))"
    dim = _rows(
        conn,
        "select periode_awal, periode_akhir, bulan_tercakup from marts.dim_semester where tahun = %s and semester = %s",
        key,
    )
    return SemesterFigures(
        tahun=year,
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


def _title(s: SemesterFigures, what: str, when: str = "") -> str:
    """A caption: what, and when ('Semester II 2022', or the months a sum covers), marked until final."""
    return f"{what}, {when or s.label}" + ("" if s.final else " (sementara)")


def _ranking_order(r: dict):
    return (r["peringkat"] is None, r["peringkat"] or 0, r["kode_wilayah"])


def semester_tables(s: SemesterFigures) -> list[Table]:
    nasional = sorted((r for r in s.cakupan if r["kode_wilayah"] == "00"), key=segmen_order)
    provinsi = sorted(
        (r for r in s.cakupan if r["kode_wilayah"] != "00" and r["segmen"] == "pekerja_rentan"), key=_ranking_order
    )
    segmen = list(SEGMEN_LABEL)
    tren = {(r["periode"], r["segmen"]): r for r in s.tren}
    periodes = sorted({r["periode"] for r in s.tren})
    earlier_complete = "basis_lengkap_awal"
    as_at = s.as_at
    return [
        Table(
            "semester_ringkasan_nasional",
            _title(s, f"Cakupan nasional per segmen pada {as_at}"),
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
                    content.change(r, "perubahan_terlindungi_semester", earlier_complete),
                    content.change(r, "perubahan_persen_semester", earlier_complete),
                    *content.basis_cells(r),
                )
                for r in nasional
            ],
            note=content.basis_note(),
            sources=("marts.fct_cakupan_semester",),
        ),
        Table(
            "semester_peringkat_provinsi",
            _title(s, "Peringkat provinsi: cakupan pekerja rentan"),
            (
                column("kode_wilayah"),
                column("nama_wilayah", label="Provinsi"),
                column(
                    "peringkat",
                    description=f"Peringkat di antara provinsi yang basisnya lengkap pada {as_at}; kosong bila "
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
                    content.change(r, "perubahan_persen_semester", earlier_complete),
                    *content.basis_cells(r),
                )
                for r in provinsi
            ],
            note=(
                "Hanya provinsi yang basisnya lengkap yang diberi peringkat; yang belum lengkap tercantum di "
                "bawahnya tanpa peringkat. " + content.basis_note()
            ),
            chart=Chart("bar", "Cakupan pekerja rentan per provinsi (%)", "nama_wilayah", ("persen_terlindungi",)),
            sources=("marts.fct_cakupan_semester",),
        ),
        Table(
            "semester_tren_nasional",
            _title(s, "Tren bulanan nasional"),
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
                    *content.basis_cells(tren.get((p, "pekerja_rentan")), sasaran=False),
                    content.basis_word(tren.get((p, "pekerja_rentan"))),
                )
                for p in periodes
            ],
            note=(
                "Jumlah nasional adalah jumlah dari yang dilaporkan setiap bulan: naik-turunnya juga mencerminkan "
                "berapa pemerintah daerah yang melapor (kolom Pemda)."
            ),
            chart=Chart(
                "line",
                "Pekerja terlindungi per segmen, nasional",
                "periode",
                tuple(f"terlindungi_{x}" for x in segmen),
            ),
            sources=("marts.fct_cakupan_wilayah",),
        ),
        Table(
            "semester_kelengkapan_laporan",
            _title(s, "Kelengkapan dan ketepatan waktu laporan", s.months),
            (
                column("kode_wilayah"),
                column("nama_wilayah"),
                column("laporan_diharapkan", description=f"Laporan bulanan yang diharapkan, {s.months}."),
                column("laporan_diterima", description=f"Laporan bulanan yang diterima, {s.months}."),
                column("laporan_tepat_waktu", description=f"Laporan bulanan yang tepat waktu, {s.months}."),
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
            sources=("marts.fct_kelengkapan_semester",),
        ),
        Table(
            "semester_klaim",
            _title(s, "Klaim yang dibayar", s.months),
            (
                column("kode_wilayah"),
                column("nama_wilayah"),
                column("program", description="JKK, JKM atau JHT."),
                column("segmen"),
                column(
                    "kasus", description=f"Klaim dibayar, {s.months}: jumlah yang dilaporkan untuk setiap bulan itu."
                ),
                column("nilai_rp", description=f"Nilai klaim dibayar, {s.months}, Rupiah."),
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
            sources=("marts.fct_klaim_semester",),
        ),
    ]


def semester_findings(s: SemesterFigures) -> list[str]:
    findings = []
    last = format_periode(s.periode_akhir) if s.periode_akhir else s.label
    opening = (
        f"Pada akhir {s.label} ({last}), secara nasional"
        if s.final
        else f"Pada {last}, bulan terakhir yang tersedia, secara nasional"
    )
    pr = next((r for r in s.cakupan if r["kode_wilayah"] == "00" and r["segmen"] == "pekerja_rentan"), None)
    if pr:
        findings.append(
            content.national_sentence(
                pr,
                since="sejak awal semester",
                column="perubahan_terlindungi_semester",
                earlier_complete="basis_lengkap_awal",
                opening=opening,
            )
        )
    findings += content.ranking_findings(
        [r for r in s.cakupan if r["kode_wilayah"] != "00"],
        "perubahan_persen_semester",
        "sejak awal semester",
        "basis_lengkap_awal",
        jumlah_provinsi=s.jumlah_provinsi,
    )
    lengkap = next((r for r in s.kelengkapan if r["kode_wilayah"] == "00"), None)
    if lengkap:
        findings.append(
            f"Selama {s.months} diterima {format_number(lengkap['laporan_diterima'])} dari "
            f"{format_number(lengkap['laporan_diharapkan'])} laporan bulanan yang diharapkan "
            f"({format_percent(lengkap['persen_diterima'])}), {format_number(lengkap['laporan_tepat_waktu'])} "
            "tepat waktu."
        )
    return findings


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
    peringkat = hide_empty(
        hide(by_name["semester_peringkat_provinsi"], "kode_wilayah", "basis"), "perubahan_persen_semester"
    )
    printed["semester_peringkat_provinsi"] = table_pdf(
        select(peringkat, lambda r: r["peringkat"] is not None), csv=False
    )
    # The nation's claims here; each province's are in the workbook.
    printed["semester_klaim"] = table_pdf(
        hide(select(by_name["semester_klaim"], lambda r: r["kode_wilayah"] == "00"), "kode_wilayah", "nama_wilayah"),
        csv=False,
    )
    incomplete = select(
        hide(peringkat, "peringkat", "perubahan_persen_semester"), lambda r: r["basis"] == BELUM_LENGKAP
    )
    printed["semester_belum_lengkap"] = table_pdf(
        replace(
            incomplete,
            title="Provinsi yang basisnya belum lengkap (tidak diperingkat)",
            note="Angka ini jumlah dari pemerintah daerah yang sudah melapor.",
        ),
        csv=False,
    )
    return printed


def write_semester_report(
    s: SemesterFigures, out: ObjectStoragePath, *, version: DataVersion, created: datetime
) -> str:
    """Writes laporan_semester_<tahun>_S<n>.pdf/.xlsx and data/semester_*.csv; returns the PDF's name."""
    tables = semester_tables(s)
    pdf_name = f"laporan_semester_{s.name}.pdf"
    title = "Laporan Semester Pemantauan Inpres Nomor 2 Tahun 2021"
    with tempfile.TemporaryDirectory(prefix="laporan_semester_") as tmp:
        work, result = Path(tmp) / "work", Path(tmp) / "hasil"
        work.mkdir()
        (result / "data").mkdir(parents=True)
        for t in tables:
            write_csv(t, result / "data" / f"{t.name}.csv")
        write_dictionary(tables, result / "data" / "KAMUS_DATA_SEMESTER.md")
        cover = [
            ["Semester", s.title],
            ["Posisi data", f"{format_periode(s.periode_akhir) if s.periode_akhir else '–'} ({s.status})"],
            *cover_info(s.label, version, created)[1:],
        ]
        write_workbook(
            result / f"laporan_semester_{s.name}.xlsx",
            tables,
            title=f"{title} — {s.title}",
            cover=[(k, v) for k, v in cover],
            created=created,
        )
        drawn = {"map": None, "trend": None}
        provinsi = [r for r in s.cakupan if r["kode_wilayah"] != "00" and r["segmen"] == "pekerja_rentan"]
        charts.province_map(
            {r["kode_wilayah"]: r["persen_terlindungi"] for r in provinsi},
            work / "map.svg",
            legend_title="Cakupan pekerja rentan",
            incomplete={r["kode_wilayah"] for r in provinsi if not r["basis_lengkap"]},
            reported={r["kode_wilayah"] for r in provinsi if r["pemerintah_dihitung"]},
        )
        drawn["map"] = "map.svg"
        # Months whose national basis is complete only, as in the monthly report.
        series = {
            label: [
                (r["periode"], r["terlindungi"] if r["basis_lengkap"] else None)
                for r in s.tren
                if r["segmen"] == segmen
            ]
            for segmen, label in SEGMEN_LABEL.items()
        }
        series = {k: v for k, v in series.items() if sum(x is not None for _, x in v) >= 2}
        if series:
            charts.segmen_trend(series, work / "trend.svg", y_label="Pekerja terlindungi", percent=False)
            drawn["trend"] = "trend.svg"
        data = {
            "title": title,
            "periode": s.label,
            "semester_title": s.title,
            "final": s.final,
            "footer": s.label + ("" if s.final else " (sementara)"),
            "as_at": s.as_at,
            "months": s.months,
            "version": version.pendek,
            "cover": cover,
            "findings": semester_findings(s),
            "tables": _printed_tables(tables),
            "charts": drawn,
        }
        (result / pdf_name).write_bytes(compile_pdf("semester.typ", data, work, created=created))
        upload_tree(result, out)
    return pdf_name
