"""The semester report's content from small hand-made rows of the semester marts, without a database: how it names
its semester while provisional and once final, what each table holds and in what order, which changes it shows,
what its findings say, and the files the one skeleton writes for it."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from airflow.sdk import ObjectStoragePath

from inpres.reports import semester as document
from inpres.reports.content import semester
from inpres.reports.figures import SemesterFigures

SEGMEN = ("pekerja_rentan", "non_asn", "perangkat_desa", "penyelenggara_pemilu", "pegawai_bumd")


@pytest.fixture
def cakupan_semester(cakupan_row):
    """A row of marts.fct_cakupan_semester: the figure as at October, its change since June."""

    def row(kode, segmen="pekerja_rentan", *, awal=True, perubahan_persen="1.25", **columns):
        return cakupan_row(
            kode,
            segmen,
            tahun=2022,
            semester=2,
            periode_awal="2022-07",
            periode_akhir="2022-10",
            bulan_tercakup=4,
            basis_lengkap_awal=awal,
            perubahan_terlindungi_semester=5000,
            perubahan_persen_semester=Decimal(perubahan_persen),
            **columns,
        )

    return row


@pytest.fixture
def figures(cakupan_semester, cakupan_row, wilayah):
    """Semester II 2022 as at October: the nation complete, its pekerja-rentan figure comparable with June and its
    non-ASN figure not (June was incomplete); Sulawesi Tengah and Bali ranked, Maluku incomplete; the national
    basis incomplete in August."""
    return SemesterFigures(
        tahun=2022,
        semester=2,
        cakupan=[
            cakupan_semester("00", terlindungi=40_000, sasaran=100_000, persen_terlindungi=Decimal("40.00")),
            cakupan_semester("00", "non_asn", awal=False),
            cakupan_semester("72", persen_terlindungi=Decimal("48.55"), peringkat=1, perubahan_persen="0.93"),
            cakupan_semester("51", persen_terlindungi=Decimal("30.00"), peringkat=2, perubahan_persen="2.50"),
            cakupan_semester("81", persen_terlindungi=Decimal("64.29"), basis_lengkap=False, perubahan_persen="9.99"),
        ],
        kelengkapan=[
            {
                **wilayah(kode),
                "laporan_diharapkan": diharapkan,
                "laporan_diterima": diterima,
                "laporan_tepat_waktu": tepat,
                "persen_diterima": Decimal(persen),
                "persen_tepat_waktu": Decimal("77.00"),
            }
            for kode, diharapkan, diterima, tepat, persen in (
                ("72", 56, 50, 40, "89.29"),
                ("00", 2208, 1900, 1700, "86.05"),
            )
        ],
        klaim=[
            {**wilayah(kode), "program": program, "segmen": segmen, "kasus": kasus, "nilai_rp": kasus * 42_000_000}
            for kode, program, segmen, kasus in (
                ("72", "JHT", "perangkat_desa", 2),
                ("00", "JKM", "pekerja_rentan", 5),
                ("00", "JKK", "non_asn", 0),
                ("00", "JKK", "pekerja_rentan", 1),
            )
        ],
        tren=[
            cakupan_row("00", s, periode=periode, terlindungi=30_000 + 100 * i, basis_lengkap=periode != "2022-08")
            for periode in ("2022-07", "2022-08", "2022-09", "2022-10")
            for i, s in enumerate(SEGMEN)
        ],
        periode_awal="2022-07",
        periode_akhir="2022-10",
        bulan_tercakup=4,
        jumlah_provinsi=38,
    )


def _by_name(s: SemesterFigures):
    return {t.name: t for t in semester.tables(s)}


def test_a_provisional_semester_says_which_months_it_holds(figures):
    assert semester.label(figures) == "Semester II 2022"
    assert semester.months(figures) == "Juli–Oktober 2022"
    assert semester.status(figures) == "sementara: Juli–Oktober, 4 dari 6 bulan"
    assert semester.title(figures) == "Semester II 2022 (sementara: Juli–Oktober, 4 dari 6 bulan)"
    assert semester.as_at(figures) == "bulan terakhir yang tersedia (Oktober 2022)"
    assert not figures.final and figures.key == "2022_S2"
    # Every caption says the semester is not over; the sums say over which months.
    captions = [t.title for t in semester.tables(figures)]
    assert all(c.endswith(" (sementara)") for c in captions)
    assert "Kelengkapan dan ketepatan waktu laporan, Juli–Oktober 2022 (sementara)" in captions


def test_a_final_semester_drops_the_provisional_marks(figures):
    final = replace(figures, periode_akhir="2022-12", bulan_tercakup=6)
    assert final.final and semester.status(final) == "final"
    assert semester.title(final) == "Semester II 2022"
    assert semester.as_at(final) == "akhir semester (Desember 2022)"
    assert not any("sementara" in t.title for t in semester.tables(final))
    first = replace(figures, tahun=2023, semester=1, periode_awal="2023-01", periode_akhir="2023-06", bulan_tercakup=6)
    assert (semester.label(first), semester.months(first)) == ("Semester I 2023", "Januari–Juni 2023")


def test_the_national_summary_shows_a_change_only_when_june_was_complete_too(figures, as_rows):
    rows = as_rows(_by_name(figures)["semester_ringkasan_nasional"])
    assert [r["segmen"] for r in rows] == ["Pekerja rentan", "Pegawai non-ASN"]
    pr, non_asn = rows
    assert (pr["periode_akhir"], pr["terlindungi"], pr["sasaran"], pr["persen_terlindungi"]) == (
        "2022-10",
        40_000,
        100_000,
        Decimal("40.00"),
    )
    assert (pr["perubahan_terlindungi_semester"], pr["perubahan_persen_semester"]) == (5000, Decimal("1.25"))
    assert (non_asn["perubahan_terlindungi_semester"], non_asn["perubahan_persen_semester"]) == (None, None)
    assert (pr["pemda_dihitung"], pr["persen_sasaran_terlapor"], pr["basis"]) == ((1, 1), Decimal("100.00"), "lengkap")


def test_the_ranking_lists_the_ranked_provinces_first_and_the_incomplete_after(figures, as_rows):
    rows = as_rows(_by_name(figures)["semester_peringkat_provinsi"])
    assert [(r["nama_wilayah"], r["peringkat"], r["basis"]) for r in rows] == [
        ("Sulawesi Tengah", 1, "lengkap"),
        ("Bali", 2, "lengkap"),
        ("Maluku", None, "belum lengkap"),
    ]
    assert rows[2]["perubahan_persen_semester"] is None  # incomplete: its change is not a figure
    # The PDF prints the ranked provinces, and the incomplete ones apart, without a rank or a change.
    printed = document._printed_tables(semester.tables(figures))
    assert [row[0] for row in printed["semester_peringkat_provinsi"]["rows"]] == ["Sulawesi Tengah", "Bali"]
    belum = printed["semester_belum_lengkap"]
    assert [row[0] for row in belum["rows"]] == ["Maluku"]
    assert "Peringkat" not in [k["label"] for k in belum["columns"]]


def test_the_trend_has_a_row_per_month_and_says_when_the_national_basis_was_incomplete(figures, as_rows):
    rows = as_rows(_by_name(figures)["semester_tren_nasional"])
    assert [r["periode"] for r in rows] == ["2022-07", "2022-08", "2022-09", "2022-10"]
    assert [r["basis"] for r in rows] == ["lengkap", "belum lengkap", "lengkap", "lengkap"]
    assert (rows[0]["terlindungi_pekerja_rentan"], rows[0]["terlindungi_pegawai_bumd"]) == (30_000, 30_400)


def test_reports_received_put_the_nation_first_and_claims_leave_out_months_without_a_case(figures, as_rows):
    tables = _by_name(figures)
    assert [r["nama_wilayah"] for r in as_rows(tables["semester_kelengkapan_laporan"])] == [
        "Indonesia",
        "Sulawesi Tengah",
    ]
    klaim = as_rows(tables["semester_klaim"])
    assert [(r["kode_wilayah"], r["program"], r["segmen"], r["kasus"]) for r in klaim] == [
        ("00", "JKK", "Pekerja rentan", 1),
        ("00", "JKM", "Pekerja rentan", 5),
        ("72", "JHT", "Perangkat desa", 2),
    ]
    assert tables["semester_klaim"].columns[4].description == (
        "Klaim dibayar, Juli–Oktober 2022: jumlah yang dilaporkan untuk setiap bulan itu."
    )


def test_the_findings_name_the_month_the_figures_stand_at_and_compare_with_june(figures):
    national, ranking, rise, reports = semester.findings(figures)
    assert national == (
        "Pada Oktober 2022, bulan terakhir yang tersedia, secara nasional 40.000 pekerja rentan terlindungi, "
        "cakupan 40,00 % dari sasaran 100.000 (mencakup 1 dari 1 pemerintah daerah; sasaran terlapor 100,00 % "
        "dari sasaran acuan); bertambah 5.000 sejak awal semester."
    )
    assert ranking == (
        "Cakupan pekerja rentan tertinggi: Sulawesi Tengah (48,55 %); terendah: Bali (30,00 %), di antara 2 "
        "provinsi yang basisnya lengkap; 1 provinsi belum lengkap dan 35 belum ada laporan sehingga tidak "
        "diperingkat."
    )
    # Maluku rose most but is incomplete: the biggest rise is Bali's.
    assert rise.startswith("Kenaikan cakupan pekerja rentan terbesar sejak awal semester: Bali (+2,50 poin)")
    assert reports == (
        "Selama Juli–Oktober 2022 diterima 1.900 dari 2.208 laporan bulanan yang diharapkan (86,05 %), "
        "1.700 tepat waktu."
    )
    final = semester.findings(replace(figures, periode_akhir="2022-12", bulan_tercakup=6))
    assert final[0].startswith("Pada akhir Semester II 2022 (Desember 2022), secara nasional 40.000")


def test_a_national_figure_incomplete_in_june_gives_no_change(figures, cakupan_semester):
    s = replace(figures, cakupan=[cakupan_semester("00", awal=False)])
    national = semester.findings(s)[0]
    assert "bertambah" not in national
    assert national.endswith("Perubahan sejak awal semester tidak dihitung: basis pembandingnya belum lengkap.")


def test_the_skeleton_writes_the_semester_pdf_workbook_csv_and_dictionary(figures, versi, tmp_path):
    name = document.write_semester_report(
        figures, ObjectStoragePath(tmp_path.as_uri()), version=versi, created=datetime(2022, 11, 5, tzinfo=UTC)
    )
    assert name == "laporan_semester_2022_S2.pdf"
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert written == [
        "data/KAMUS_DATA_SEMESTER.md",
        *(f"data/{t.name}.csv" for t in sorted(semester.tables(figures), key=lambda t: t.name)),
        "laporan_semester_2022_S2.pdf",
        "laporan_semester_2022_S2.xlsx",
    ]
    kamus = (tmp_path / "data" / "KAMUS_DATA_SEMESTER.md").read_text(encoding="utf-8")
    assert "## semester_klaim.csv — Klaim yang dibayar, Juli–Oktober 2022 (sementara)" in kamus
    with open(tmp_path / "data" / "semester_ringkasan_nasional.csv", newline="", encoding="utf-8") as f:
        pr = next(csv.DictReader(f))
    assert (pr["segmen"], pr["periode_akhir"], pr["perubahan_persen_semester"]) == ("Pekerja rentan", "2022-10", "1.25")
