"""The report's content from small hand-made mart rows, without a database: what is ranked, what the findings
name, how a figure states its basis, how changes and months are written, and that the data-quality annex
counts what the summary counts."""

from __future__ import annotations

import csv
from datetime import UTC, date
from decimal import Decimal

import pytest

from inpres.reports import national
from inpres.reports.content import common, monthly
from inpres.reports.csv_files import write_csv
from inpres.reports.figures import Figures
from inpres.reports.pdf import table_pdf

MINUS = "\u2212"
PERIODE = "2022-10"

KODE = ("11", "51", "72", "81", "91", "72.08")


@pytest.fixture
def cakupan(cakupan_row):
    """A coverage row in this file's shorthand: by default 14 of 14 governments, a complete basis this month and
    last, up 1.200 and 1,00 poin from last month."""

    def row(
        kode,
        persen,
        *,
        lengkap=True,
        lalu=True,
        peringkat=None,
        segmen="pekerja_rentan",
        dihitung=14,
        diharapkan=14,
        terlapor="100.00",
        change="1.00",
        perubahan_terlindungi=1200,
        periode=PERIODE,
    ):
        r = cakupan_row(
            kode,
            segmen,
            periode=periode,
            terlindungi_bersasaran=380,
            persen_terlindungi=None if persen is None else Decimal(persen),
            pemerintah_diharapkan=diharapkan,
            pemerintah_dihitung=dihitung,
            pemerintah_bersasaran=dihitung,
            sasaran_acuan=1100,
            persen_sasaran_terlapor=None if terlapor is None else Decimal(terlapor),
            basis_lengkap=lengkap,
            basis_lengkap_bulan_lalu=lalu,
            perubahan_terlindungi_bulan_lalu=perubahan_terlindungi,
            perubahan_persen_bulan_lalu=None if change is None else Decimal(change),
            perubahan_terlindungi_tahun_lalu=5000,
            perubahan_persen_tahun_lalu=Decimal("3.00"),
            peringkat=peringkat,
        )
        return {**r, "jumlah_diperingkat": 2 if r["tingkat"] == "provinsi" else None}

    return row


def rekonsiliasi(kode, segmen, melewati, periode=PERIODE):
    return {
        "kode_wilayah": kode,
        "nama_wilayah": "Kabupaten Parigi Moutong",
        "kode_provinsi": "72",
        "periode": periode,
        "segmen": segmen,
        "terlindungi": 26705,
        "peserta_aktif": 31527,
        "selisih": -4822,
        "selisih_persen": Decimal("-15.29"),
        "melewati_toleransi": melewati,
    }


@pytest.fixture
def figures(cakupan, wilayah):
    """Two complete provinces (Sulawesi Tengah first, Bali second), Maluku reported but incomplete with the
    highest coverage, Aceh and Papua without any report; the nation incomplete. Any field can be given."""

    def build(**ubah) -> Figures:
        cak = [
            cakupan("00", "35.16", lengkap=False, lalu=False, dihitung=510, diharapkan=552, terlapor="61.00"),
            cakupan("51", "30.00", peringkat=2, dihitung=10, diharapkan=10, change="2.50"),
            cakupan("72", "48.55", peringkat=1, change="0.93"),
            # Maluku: a big rise and the highest coverage, but from 9 of 12 governments: never ranked nor named.
            cakupan("81", "64.29", lengkap=False, dihitung=9, diharapkan=12, terlapor="61.00", change="9.99"),
            cakupan("72.08", "38.00", peringkat=1, dihitung=1, diharapkan=1),
        ]
        data = dict(
            periode=PERIODE,
            wilayah=[wilayah(k) for k in KODE],
            cakupan=cak,
            tren=[cakupan("00", "34.63", lengkap=False, periode="2022-09", dihitung=519, diharapkan=552), cak[0]],
            kepatuhan=[],
            kelengkapan=[
                {
                    "kode_wilayah": "00",
                    "nama_wilayah": "Indonesia",
                    "laporan_diharapkan": 552,
                    "laporan_diterima": 485,
                    "laporan_tepat_waktu": 429,
                    "persen_diterima": Decimal("87.86"),
                    "persen_tepat_waktu": Decimal("77.72"),
                    "batas_lapor": date(2022, 11, 10),
                }
            ],
            tren_kelengkapan=[],
            laporan=[],
            belum_pernah=[],
            rekonsiliasi=[
                rekonsiliasi("72.08", "pekerja_rentan", True),
                rekonsiliasi("72.08", "non_asn", True),
                rekonsiliasi("72.08", "perangkat_desa", False),
            ],
            klaim=[],
            non_asn=[],
            penolakan=[],
            peringatan=[
                {
                    "suite": "marts_cakupan_wilayah",
                    "unexpected_count": 10,
                    "aturan": "selisih dengan BPJS dalam toleransi: |terlindungi − peserta_aktif| ≤ …",
                    "sample": [
                        {
                            "kode_wilayah": "72.08",
                            "periode": PERIODE,
                            "segmen": "pekerja_rentan",
                            "terlindungi": 26705,
                            "peserta_aktif": 31527,
                            "selisih_persen": -15.29,
                        }
                    ],
                },
                {
                    "suite": "raw_kepesertaan",
                    "unexpected_count": 7,
                    "aturan": "sasaran diisi (tanpa sasaran, …)",
                    "sample": [
                        {
                            "submission_id": 13,
                            "baris": 6,
                            "sasaran": None,
                            "kode_wilayah": "72.08",
                            "segmen": "pegawai_bumd",
                            "periode": PERIODE,
                            "pelapor": "72",
                        }
                    ],
                },
            ],
        )
        data.update(ubah)
        return Figures(**data)

    return build


def test_the_ranking_puts_complete_provinces_first_and_lists_the_others_unranked(figures, as_rows):
    rows = as_rows(monthly.peringkat_provinsi(figures()))
    assert [(r["nama_wilayah"], r["peringkat_cakupan"], r["basis"]) for r in rows] == [
        ("Sulawesi Tengah", 1, "lengkap"),
        ("Bali", 2, "lengkap"),
        ("Maluku", None, "belum lengkap"),  # the highest coverage, yet not ranked
        ("Aceh", None, "belum ada laporan"),
        ("Papua", None, "belum ada laporan"),
    ]
    maluku = rows[2]
    assert (maluku["pemerintah_dihitung"], maluku["pemerintah_diharapkan"]) == (9, 12)
    assert maluku["persen_sasaran_terlapor"] == Decimal("61.00") and maluku["persen_pekerja_rentan"] == Decimal("64.29")
    assert maluku["perubahan_persen_bulan_lalu"] is None  # incomplete: its change is not comparable


def test_the_printed_ranking_has_only_the_ranked_and_a_table_of_the_incomplete(figures):
    f = figures()
    by_name = {t.name: t for t in monthly.tables(f)}
    printed = national._printed_tables(f, by_name)
    ranked = printed["peringkat_provinsi"]
    assert [b[0] for b in ranked["rows"]] == ["Sulawesi Tengah", "Bali"]
    assert "Peringkat" in [k["label"] for k in ranked["columns"]]
    incomplete = printed["peringkat_belum_lengkap"]
    assert [b[0] for b in incomplete["rows"]] == ["Maluku"]
    assert "Peringkat" not in [k["label"] for k in incomplete["columns"]] and "9/12" in incomplete["rows"][0]
    assert national._tanpa_laporan(by_name["peringkat_provinsi"]) == ["Aceh", "Papua"]


def test_findings_name_only_complete_provinces_and_say_how_many_were_left_out(figures):
    provinsi = [r for r in figures().cakupan if r["tingkat"] == "provinsi"]
    findings = common.ranking_findings(provinsi, "perubahan_persen_bulan_lalu", "dari bulan lalu", jumlah_provinsi=5)
    assert findings[0] == (
        "Cakupan pekerja rentan tertinggi: Sulawesi Tengah (48,55 %); terendah: Bali (30,00 %), "
        "di antara 2 provinsi yang basisnya lengkap; 1 provinsi belum lengkap dan 2 belum ada "
        "laporan sehingga tidak diperingkat."
    )
    # Maluku rose most (+9,99) but is incomplete; Bali rose more than Sulawesi Tengah.
    assert findings[1].startswith("Kenaikan cakupan pekerja rentan terbesar dari bulan lalu: Bali (+2,50 poin)")
    assert "Maluku" not in " ".join(findings)


def test_the_biggest_rise_needs_both_months_complete(figures):
    provinsi = [r for r in figures().cakupan if r["tingkat"] == "provinsi"]
    for r in provinsi:
        if r["nama_wilayah"] == "Bali":
            r["basis_lengkap_bulan_lalu"] = False  # last month Bali's figure was partial: its rise is not real
    findings = common.ranking_findings(provinsi, "perubahan_persen_bulan_lalu", "dari bulan lalu")
    assert "Sulawesi Tengah (+0,93 poin), di antara 1 provinsi yang basisnya lengkap pada kedua bulan" in findings[1]


def test_no_complete_province_no_best_or_worst(cakupan):
    provinsi = [cakupan("81", "64.29", lengkap=False)]
    assert common.ranking_findings(provinsi, "perubahan_persen_bulan_lalu", "dari bulan lalu") == [
        "Belum ada provinsi yang basis cakupan pekerja rentannya lengkap untuk diberi peringkat: "
        "1 provinsi belum lengkap sehingga tidak diperingkat."
    ]


def test_a_national_figure_states_its_basis(figures):
    nasional = figures().cakupan[0]
    assert common.basis_sentence(nasional) == (
        "mencakup 510 dari 552 pemerintah daerah; sasaran terlapor 61,00 % dari sasaran acuan"
    )
    sentence = monthly.findings(figures())[0]
    assert sentence.startswith(
        "Secara nasional 400 pekerja rentan terlindungi, cakupan 35,16 % dari sasaran 1.000 "
        "(mencakup 510 dari 552 pemerintah daerah; sasaran terlapor 61,00 % dari sasaran acuan)."
    )
    # Incomplete: no change from last month claimed, and the reader is told why.
    assert "bertambah" not in sentence and "Basis nasional belum lengkap (perlu sekurang-kurangnya 80 %)" in sentence


def test_a_complete_national_figure_gives_its_change(cakupan):
    nasional = cakupan("00", "35.16", dihitung=540, diharapkan=552, perubahan_terlindungi=-269287)
    sentence = common.national_sentence(nasional)
    assert (
        "(mencakup 540 dari 552 pemerintah daerah; sasaran terlapor 100,00 % dari sasaran acuan); "
        "berkurang 269.287 dari bulan lalu." in sentence
    )


def test_changes_carry_their_sign_and_only_when_comparable(figures, cakupan, tmp_path):
    nasional = cakupan("00", "35.16", change="-1.20", perubahan_terlindungi=-269287)
    t = monthly.cakupan_nasional(figures(cakupan=[nasional]))
    pdf = table_pdf(t)
    labels = [k["label"] for k in pdf["columns"]]
    row = dict(zip(labels, pdf["rows"][0], strict=True))
    assert row["Δ terlindungi bulan lalu"] == f"{MINUS}269.287" and row["Δ cakupan bulan lalu"] == f"{MINUS}1,20 poin"
    assert row["Pemda dihitung/ diharapkan"] == "14/14" and row["Basis"] == "lengkap"
    # The year-ago month has no basis known (None): its change is left out, not shown.
    assert row["Δ terlindungi tahun lalu"] == "–"
    write_csv(t, tmp_path / "r.csv")
    with open(tmp_path / "r.csv", encoding="utf-8") as f:
        csv_row = next(csv.DictReader(f))
    assert (
        csv_row["perubahan_terlindungi_bulan_lalu"] == "-269287" and csv_row["perubahan_persen_bulan_lalu"] == "-1.20"
    )
    assert csv_row["pemerintah_dihitung"] == "14" and "pemda_dihitung" not in csv_row

    positif = table_pdf(monthly.cakupan_nasional(figures(cakupan=[cakupan("00", "35.16", change="0.93")])))
    assert "+1.200" in positif["rows"][0] and "+0,93 poin" in positif["rows"][0]


def test_months_are_words_in_print_and_iso_in_files(figures, tmp_path):
    t = monthly.tren_nasional(figures())
    assert t.title == "Tren nasional per segmen, September–Oktober 2022"
    assert [b[0] for b in table_pdf(t)["rows"]] == ["Sep 2022", "Okt 2022"]
    write_csv(t, tmp_path / "tren.csv")
    with open(tmp_path / "tren.csv", encoding="utf-8") as f:
        assert [r["periode"] for r in csv.DictReader(f)] == ["2022-09", "2022-10"]


def test_year_to_date_claims_say_which_months(figures):
    klaim = {
        "kode_wilayah": "00",
        "nama_wilayah": "Indonesia",
        "kode_provinsi": None,
        "tingkat": "nasional",
        "periode": PERIODE,
        "program": "JKM",
        "segmen": "pekerja_rentan",
        "kasus": 3,
        "nilai_rp": 126_000_000,
        "kasus_kumulatif_tahun": 30,
        "nilai_rp_kumulatif_tahun": 1_260_000_000,
        "pemerintah_diharapkan": 552,
        "pemerintah_dihitung": 485,
    }
    t = monthly.klaim(figures(klaim=[klaim]))
    assert t.title == "Klaim yang dibayar, Oktober 2022 dan Januari–Oktober 2022"
    assert {k.name: k.label for k in t.columns}["kasus_kumulatif_tahun"] == "Kasus Jan–Okt 2022"


def test_the_annex_counts_what_the_summary_counts(figures, as_rows):
    f = figures()
    gaps = len(monthly.selisih_bpjs(f).rows)
    assert gaps == 2
    sentence = next(t for t in monthly.findings(f) if "BPJS" in t)
    assert sentence.startswith(f"{gaps} angka terlindungi kab/kota untuk Oktober 2022 (kab/kota × segmen)")
    row = next(r for r in as_rows(monthly.peringatan_mutu(f)) if "BPJS" in r["pemeriksaan"])
    assert row["jumlah_bulan_ini"] == gaps and row["jumlah_diperiksa"] == 10
    assert row["ditemukan"].startswith(f"{gaps} pasangan angka (kab/kota × segmen) untuk Oktober 2022")


def test_quality_warnings_name_regions_never_database_ids(figures, as_rows):
    rows = as_rows(monthly.peringatan_mutu(figures()))
    text = " ".join(r[k] for r in rows for k in ("pemeriksaan", "ditemukan", "contoh"))
    assert "submission_id" not in text and "None" not in text and "=" not in text
    sasaran = next(r for r in rows if r["pemeriksaan"].startswith("Sasaran kosong"))
    assert sasaran["contoh"] == "Kabupaten Parigi Moutong, pegawai BUMD, Oktober 2022 (dilaporkan Sulawesi Tengah)"
    bpjs = next(r for r in rows if "BPJS" in r["pemeriksaan"])
    assert bpjs["contoh"] == (
        f"Kabupaten Parigi Moutong, pekerja rentan, Oktober 2022: dilaporkan 26.705, "
        f"data BPJS 31.527 (selisih {MINUS}15,29 %)"
    )


def test_rejected_files_name_their_sender(figures):
    from datetime import datetime

    ditolak = {
        "file_name": "72.08_2022-10.xlsx",
        "pelapor": "72.08",
        "periode": PERIODE,
        "received_at": datetime(2022, 11, 9, 20, 0, tzinfo=UTC),
        "rejected_at": datetime(2022, 11, 9, 20, 5, tzinfo=UTC),
        "alasan": [
            "lembar kepesertaan, baris 2, kolom terlindungi: '48,55' bukan bilangan bulat",
            "lembar klaim tidak ada",
        ],
    }
    t = monthly.penolakan(figures(penolakan=[ditolak]))
    pdf = table_pdf(t)
    row = dict(zip([k["label"] for k in pdf["columns"]], pdf["rows"][0], strict=True))
    assert row["Pelapor"] == "Kabupaten Parigi Moutong" and "72.08" not in [v for k, v in row.items() if k != "Berkas"]
    assert row["Alasan"] == (
        "lembar kepesertaan, baris 2, kolom terlindungi: '48,55' bukan bilangan bulat; lembar klaim tidak ada"
    )
    # The month the file claims and the night it was rejected, each in a column of its own.
    assert (row["Bulan diklaim"], row["Diterima"], row["Ditolak"]) == (
        "Okt 2022",
        "10 November 2022",
        "10 November 2022",
    )
    assert t.title == (
        "Berkas yang ditolak: untuk Oktober 2022, tanpa bulan yang terbaca, atau tiba sejak laporan sebelumnya"
    )
