"""The content of the semester report to the President through the Menko PMK: its tables and findings over
the semester marts, and how the report names its semester.

Coverage as at the semester's last month with its change over the semester, reports and claims summed over
its months, and the monthly trend inside the semester. Until June or December the semester is provisional:
every caption says so, and the title says how many of the six months it holds.
"""

from __future__ import annotations

from inpres.catalogue import SEGMEN_LABEL
from inpres.reports.content.columns import basis_columns, column, columns, coverage_columns, trend_basis_column
from inpres.reports.content.common import (
    KELENGKAPAN_COLUMNS,
    TREND_CHART,
    TREND_NOTE,
    basis_cells,
    basis_note,
    basis_word,
    change,
    kelengkapan_rows,
    national_sentence,
    ranking_findings,
)
from inpres.reports.content.wording import segmen_label, segmen_order
from inpres.reports.figures import SEMESTER_MONTHS, SemesterFigures
from inpres.reports.formatting import format_number, format_percent, format_periode, format_range
from inpres.reports.tables import Chart, Table

ROMAN = {1: "I", 2: "II"}


def label(s: SemesterFigures) -> str:
    """'Semester II 2022'."""
    return f"Semester {ROMAN[s.semester]} {s.tahun}"


def months(s: SemesterFigures) -> str:
    """The months the sums cover: 'Juli–Oktober 2022'."""
    return format_range(s.periode_awal, s.periode_akhir) if s.periode_akhir else label(s)


def status(s: SemesterFigures) -> str:
    """'final', or 'sementara: Juli–Oktober, 4 dari 6 bulan' until the semester's last month is in."""
    if s.final:
        return "final"
    return f"sementara: {months(s).removesuffix(f' {s.tahun}')}, {s.bulan_tercakup} dari {SEMESTER_MONTHS} bulan"


def title(s: SemesterFigures) -> str:
    """'Semester II 2022 (sementara: Juli–Oktober, 4 dari 6 bulan)'."""
    return label(s) if s.final else f"{label(s)} ({status(s)})"


def as_at(s: SemesterFigures) -> str:
    """Where the coverage figures stand: the semester's end, or the last month there is so far."""
    last = format_periode(s.periode_akhir) if s.periode_akhir else "–"
    return f"akhir semester ({last})" if s.final else f"bulan terakhir yang tersedia ({last})"


def _caption(s: SemesterFigures, what: str, when: str = "") -> str:
    """A caption: what, and when ('Semester II 2022', or the months a sum covers), marked until final."""
    return f"{what}, {when or label(s)}" + ("" if s.final else " (sementara)")


def _ranking_order(r: dict):
    return (r["peringkat"] is None, r["peringkat"] or 0, r["kode_wilayah"])


def tables(s: SemesterFigures) -> list[Table]:
    nasional = sorted((r for r in s.cakupan if r["kode_wilayah"] == "00"), key=segmen_order)
    provinsi = sorted(
        (r for r in s.cakupan if r["kode_wilayah"] != "00" and r["segmen"] == "pekerja_rentan"), key=_ranking_order
    )
    segmen = list(SEGMEN_LABEL)
    tren = {(r["periode"], r["segmen"]): r for r in s.tren}
    periodes = sorted({r["periode"] for r in s.tren})
    earlier_complete = "basis_lengkap_awal"
    posisi = as_at(s)
    return [
        Table(
            "semester_ringkasan_nasional",
            _caption(s, f"Cakupan nasional per segmen pada {posisi}"),
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
                    change(r, "perubahan_terlindungi_semester", earlier_complete),
                    change(r, "perubahan_persen_semester", earlier_complete),
                    *basis_cells(r),
                )
                for r in nasional
            ],
            note=basis_note(),
            sources=("marts.fct_cakupan_semester",),
        ),
        Table(
            "semester_peringkat_provinsi",
            _caption(s, "Peringkat provinsi: cakupan pekerja rentan"),
            (
                column("kode_wilayah"),
                column("nama_wilayah", label="Provinsi"),
                column(
                    "peringkat",
                    description=f"Peringkat di antara provinsi yang basisnya lengkap pada {posisi}; kosong bila "
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
                    change(r, "perubahan_persen_semester", earlier_complete),
                    *basis_cells(r),
                )
                for r in provinsi
            ],
            note=(
                "Hanya provinsi yang basisnya lengkap yang diberi peringkat; yang belum lengkap tercantum di "
                "bawahnya tanpa peringkat. " + basis_note()
            ),
            chart=Chart("bar", "Cakupan pekerja rentan per provinsi (%)", "nama_wilayah", ("persen_terlindungi",)),
            sources=("marts.fct_cakupan_semester",),
        ),
        Table(
            "semester_tren_nasional",
            _caption(s, "Tren bulanan nasional"),
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
                    *basis_cells(tren.get((p, "pekerja_rentan")), sasaran=False),
                    basis_word(tren.get((p, "pekerja_rentan"))),
                )
                for p in periodes
            ],
            note=TREND_NOTE,
            chart=TREND_CHART,
            sources=("marts.fct_cakupan_wilayah",),
        ),
        Table(
            "semester_kelengkapan_laporan",
            _caption(s, "Kelengkapan dan ketepatan waktu laporan", months(s)),
            (
                column("kode_wilayah"),
                column("nama_wilayah"),
                *(
                    column(c, description=f"Laporan bulanan yang {what}, {months(s)}.")
                    for c, what in zip(KELENGKAPAN_COLUMNS, ("diharapkan", "diterima", "tepat waktu"), strict=True)
                ),
                *columns("persen_diterima", "persen_tepat_waktu"),
            ),
            kelengkapan_rows(s.kelengkapan),
            sources=("marts.fct_kelengkapan_semester",),
        ),
        Table(
            "semester_klaim",
            _caption(s, "Klaim yang dibayar", months(s)),
            (
                column("kode_wilayah"),
                column("nama_wilayah"),
                column("program", description="JKK, JKM atau JHT."),
                column("segmen"),
                column(
                    "kasus", description=f"Klaim dibayar, {months(s)}: jumlah yang dilaporkan untuk setiap bulan itu."
                ),
                column("nilai_rp", description=f"Nilai klaim dibayar, {months(s)}, Rupiah."),
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


def findings(s: SemesterFigures) -> list[str]:
    sentences = []
    last = format_periode(s.periode_akhir) if s.periode_akhir else label(s)
    opening = (
        f"Pada akhir {label(s)} ({last}), secara nasional"
        if s.final
        else f"Pada {last}, bulan terakhir yang tersedia, secara nasional"
    )
    pr = next((r for r in s.cakupan if r["kode_wilayah"] == "00" and r["segmen"] == "pekerja_rentan"), None)
    if pr:
        sentences.append(
            national_sentence(
                pr,
                since="sejak awal semester",
                column="perubahan_terlindungi_semester",
                earlier_complete="basis_lengkap_awal",
                opening=opening,
            )
        )
    sentences += ranking_findings(
        [r for r in s.cakupan if r["kode_wilayah"] != "00"],
        "perubahan_persen_semester",
        "sejak awal semester",
        "basis_lengkap_awal",
        jumlah_provinsi=s.jumlah_provinsi,
    )
    lengkap = next((r for r in s.kelengkapan if r["kode_wilayah"] == "00"), None)
    if lengkap:
        sentences.append(
            f"Selama {months(s)} diterima {format_number(lengkap['laporan_diterima'])} dari "
            f"{format_number(lengkap['laporan_diharapkan'])} laporan bulanan yang diharapkan "
            f"({format_percent(lengkap['persen_diterima'])}), {format_number(lengkap['laporan_tepat_waktu'])} "
            "tepat waktu."
        )
    return sentences
