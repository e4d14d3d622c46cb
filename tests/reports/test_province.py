"""The governor's feedback PDF and the province annex of the national report, from small `Figures` built by hand
(no database): who keeps the province-wide figure from being complete, the basis of every figure, the wording
for an unranked province, no machinery in the PDF, and the one line for a province without reports."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime
from decimal import Decimal

import pypdf
import pytest
from airflow.sdk import ObjectStoragePath

from inpres.catalogue import SEGMEN_LABEL
from inpres.reports import province
from inpres.reports.build import build
from inpres.reports.content import common, monthly
from inpres.reports.content import province as content
from inpres.reports.content.wording import POIN_KEPATUHAN
from inpres.reports.figures import Figures
from inpres.transform import dbt_var

BATAS = date(2022, 11, 10)
SEBELUM_BATAS = datetime(2022, 11, 5, 1, 0, tzinfo=UTC)
SESUDAH_BATAS = datetime(2022, 11, 20, 1, 0, tzinfo=UTC)
KODE = ("72", "72.01", "72.02", "72.71", "81", "81.71")


@pytest.fixture
def cakupan(cakupan_row):
    """A coverage row in this file's shorthand: target, protected and coverage given; by default one government
    of one, no target of reference known, no change."""

    def row(
        kode,
        segmen,
        sasaran,
        terlindungi,
        persen,
        *,
        dihitung=1,
        diharapkan=1,
        sasaran_terlapor=None,
        lengkap=True,
        peringkat=None,
        jumlah=None,
        change=None,
        lengkap_bulan_lalu=True,
    ):
        return cakupan_row(
            kode,
            segmen,
            sasaran=sasaran,
            terlindungi=terlindungi,
            terlindungi_bersasaran=terlindungi,
            persen_terlindungi=None if persen is None else Decimal(persen),
            perubahan_persen_bulan_lalu=change,
            pemerintah_diharapkan=diharapkan,
            pemerintah_dihitung=dihitung,
            pemerintah_bersasaran=dihitung,
            sasaran_acuan=None,
            persen_sasaran_terlapor=None if sasaran_terlapor is None else Decimal(sasaran_terlapor),
            basis_lengkap=lengkap,
            basis_lengkap_bulan_lalu=lengkap_bulan_lalu,
            peringkat=peringkat,
            jumlah_diperingkat=jumlah,
        )

    return row


@pytest.fixture
def laporan(wilayah):
    """One pelapor's row of marts.fct_laporan_pelapor for October 2022."""
    return lambda kode, status: {**wilayah(kode), "periode": "2022-10", "batas_lapor": BATAS, "status_laporan": status}


@pytest.fixture
def figures(cakupan, laporan, wilayah) -> Figures:
    """Sulawesi Tengah: the province reported (for itself and for Kota Palu), Banggai reported without a
    target for perangkat desa, Poso did not report. Maluku: nobody reported."""
    return Figures(
        periode="2022-10",
        wilayah=[wilayah(k) for k in KODE],
        cakupan=[
            cakupan(
                "00",
                "pekerja_rentan",
                30000,
                12000,
                "40.00",
                dihitung=3,
                diharapkan=552,
                sasaran_terlapor="2.50",
                lengkap=False,
            ),
            cakupan(
                "72",
                "pekerja_rentan",
                30000,
                12000,
                "40.00",
                dihitung=3,
                diharapkan=4,
                sasaran_terlapor="61.20",
                lengkap=False,
                jumlah=0,
                change=Decimal("1.5"),
            ),
            cakupan("72", "perangkat_desa", None, 900, None, dihitung=3, diharapkan=4, lengkap=False, jumlah=0),
            cakupan("72.01", "pekerja_rentan", 20000, 9000, "45.00", peringkat=1, jumlah=2),
            cakupan("72.01", "perangkat_desa", None, 900, None, jumlah=0),
            cakupan("72.71", "pekerja_rentan", 10000, 3000, "30.00", peringkat=2, jumlah=2),
        ],
        tren=[],
        kepatuhan=[],
        kelengkapan=[
            {
                "kode_wilayah": "72",
                "nama_wilayah": "Sulawesi Tengah",
                "laporan_diharapkan": 4,
                "laporan_diterima": 2,
                "laporan_tepat_waktu": 2,
                "persen_diterima": Decimal("50"),
                "persen_tepat_waktu": Decimal("50"),
                "batas_lapor": BATAS,
            },
        ],
        tren_kelengkapan=[],
        laporan=[
            laporan("72", "tepat_waktu"),
            laporan("72.01", "terlambat"),
            laporan("72.02", "belum_lapor"),
            laporan("72.71", "belum_lapor"),
            laporan("81", "belum_lapor"),
            laporan("81.71", "belum_lapor"),
        ],
        belum_pernah=[{**wilayah("81.71"), "kiriman_ditolak": 0, "ditolak_terakhir": None}],
        rekonsiliasi=[
            {
                "kode_provinsi": "72",
                "kode_wilayah": "72.01",
                "nama_wilayah": "Kabupaten Banggai",
                "segmen": "pekerja_rentan",
                "terlindungi": 9000,
                "peserta_aktif": 11000,
                "selisih": -2000,
                "selisih_persen": Decimal("-18.18"),
                "melewati_toleransi": True,
            },
        ],
        klaim=[],
        non_asn=[],
        penolakan=[
            {
                "file_name": "72.02_2022-10.xlsx",
                "pelapor": "72.02",
                "periode": "2022-10",
                "alasan": ["Baris 7, kolom terlindungi: '48,55' bukan bilangan bulat"],
                "received_at": datetime(2022, 11, 3, 2, 0, tzinfo=UTC),
                "rejected_at": datetime(2022, 11, 3, 2, 5, tzinfo=UTC),
            }
        ],
    )


def _by_name(f: Figures):
    return {t.name: t for t in monthly.tables(f)}


def _ambang() -> str:
    return f"{dbt_var('ambang_basis_persen')} %"


def test_who_blocks_names_the_governments_not_reported_and_the_blank_targets(figures):
    h = content.blockers(figures, "72", SEBELUM_BATAS)
    # Poso sent nothing; Palu did not report itself, but some of its figures came with the province's report.
    assert h["belum_lapor"] == [
        "Kabupaten Poso",
        "Kota Palu (hanya angka pekerja rentan yang dikirim pemerintah provinsi)",
    ]
    assert h["sasaran_kosong"] == ["Kabupaten Banggai: perangkat desa"]
    assert h["actions"][0] == (
        "Minta dinas yang membidangi ketenagakerjaan di 2 pemerintah daerah ini mengirim "
        "laporan Oktober 2022 paling lambat 10 November 2022."
    )
    assert h["actions"][1].startswith("Minta kabupaten/kota ini mengisi kolom sasaran")


def test_a_blank_target_the_province_sent_is_the_provinces_to_fill(figures):
    palu = next(r for r in figures.cakupan if r["kode_wilayah"] == "72.71")
    palu["sasaran"] = palu["persen_terlindungi"] = None
    h = content.blockers(figures, "72", SEBELUM_BATAS)
    assert h["sasaran_kosong"] == [
        "Kabupaten Banggai: perangkat desa",
        "Kota Palu: pekerja rentan (angkanya dikirim pemerintah provinsi)",
    ]
    assert h["actions"][1].startswith("Minta kabupaten/kota ini mengisi kolom sasaran")
    assert h["actions"][2] == (
        "Isi sasaran yang angkanya dikirim pemerintah provinsi di laporan pemerintah "
        "provinsi, lalu kirim ulang laporan Oktober 2022."
    )


def test_who_blocks_includes_the_provincial_government_and_a_passed_deadline(figures):
    h = content.blockers(figures, "81", SESUDAH_BATAS)
    assert h["belum_lapor"] == ["Pemerintah Provinsi Maluku", "Kota Ambon"]
    assert h["sasaran_kosong"] == []
    assert h["actions"] == [
        "Minta dinas yang membidangi ketenagakerjaan di 2 pemerintah daerah ini mengirim laporan Oktober 2022 "
        "secepatnya. Batas lapor 10 November 2022 sudah lewat, tetapi laporan yang terlambat tetap masuk ke angka "
        "provinsi pada pengolahan malam berikutnya."
    ]


def test_every_province_wide_figure_states_its_basis(figures):
    pr = next(r for r in figures.cakupan if r["kode_wilayah"] == "72" and r["segmen"] == "pekerja_rentan")
    assert (
        common.basis_sentence(pr) == "mencakup 3 dari 4 pemerintah daerah; sasaran terlapor 61,20 % dari sasaran acuan"
    )
    rows = dict(content.summary(figures, "72", for_governor=True))
    assert rows["Cakupan pekerja rentan"] == (
        "40,00 % (12.000 dari 30.000) — mencakup 3 dari 4 pemerintah daerah; "
        "sasaran terlapor 61,20 % dari sasaran acuan"
    )
    # The nation's figure is a partial sum too, and says so.
    assert rows["Pembanding nasional"] == (
        "Cakupan pekerja rentan nasional 40,00 % (12.000 dari 30.000) — mencakup 3 dari 552 pemerintah daerah; "
        "sasaran terlapor 2,50 % dari sasaran acuan. Angka nasional juga belum lengkap: bandingkan dengan hati-hati"
    )
    table = content.standing_table(figures, "72")
    pr_row = dict(zip([k.name for k in table.columns], table.rows[0], strict=True))
    assert pr_row["pemda_dihitung"] == (3, 4) and pr_row["persen_sasaran_terlapor"] == Decimal("61.20")
    assert pr_row["peringkat"] == "belum lengkap"
    # The month before was complete but this one is not: the change is not a figure.
    assert pr_row["perubahan_persen_bulan_lalu"] is None
    comparable_rows = content.benchmark_table(figures, "72")
    assert comparable_rows.rows[0][3:] == ((3, 552), Decimal("2.50"), "belum lengkap")


def test_an_incomplete_province_is_told_it_is_not_ranked_why_and_what_completes_it(figures):
    pr = next(r for r in figures.cakupan if r["kode_wilayah"] == "72" and r["segmen"] == "pekerja_rentan")
    needed = math.ceil(Decimal(str(dbt_var("ambang_basis_persen"))) * 4 / 100)
    sentence = content.why_unranked(pr)
    assert sentence.startswith("Belum diberi peringkat karena angkanya belum lengkap: ")
    assert f"baru 3 dari 4 pemerintah daerah yang angkanya masuk (perlu sekurang-kurangnya {needed})" in sentence
    assert f"sasaran yang terlapor baru 61,20 % dari sasaran acuan (perlu sekurang-kurangnya {_ambang()})" in sentence
    # The governor is also told the rule and what completes the figure; the annex keeps to the reason.
    assert dict(content.summary(figures, "72"))["Peringkat"] == sentence
    untuk_gubernur = dict(content.summary(figures, "72", for_governor=True))["Peringkat"]
    assert untuk_gubernur.startswith(sentence)
    assert untuk_gubernur.endswith(
        f"bila angkanya mencakup sekurang-kurangnya {_ambang()} pemerintah daerahnya dan {_ambang()} sasaran "
        "acuannya. Yang melengkapinya: laporan dari pemerintah daerah yang belum melapor, seperti diuraikan di bawah."
    )
    # Only Banggai's perangkat desa target is blank: what completes that segment is its target.
    desa = next(r for r in figures.cakupan if r["kode_wilayah"] == "72" and r["segmen"] == "perangkat_desa")
    assert content.ranking_rule(figures, desa).endswith(
        "Yang melengkapinya: laporan dari pemerintah daerah yang belum melapor dan sasaran perangkat desa yang masih "
        "kosong, seperti diuraikan di bawah."
    )

    lengkap = {
        **pr,
        "pemerintah_dihitung": 4,
        "persen_sasaran_terlapor": Decimal("100"),
        "basis_lengkap": True,
        "peringkat": 3,
        "jumlah_diperingkat": 12,
    }
    assert content.why_unranked(lengkap) == ""
    figures.cakupan = [lengkap if r is pr else r for r in figures.cakupan]
    rows = dict(content.summary(figures, "72"))
    assert rows["Cakupan pekerja rentan"].startswith("40,00 % (12.000 dari 30.000), peringkat 3 dari 12 provinsi — ")
    assert "Peringkat" not in rows


def test_the_pdf_names_regions_not_files_settings_or_codes(figures, wilayah, versi):
    data = province.document(figures, _by_name(figures), wilayah("72"), version=versi, created=SEBELUM_BATAS).data
    # The rejected file's own name is what the region sent; everything else is checked word for word.
    tanpa_berkas = json.dumps({k: v for k, v in data.items() if k != "penolakan"}, ensure_ascii=False, default=str)
    penolakan = json.dumps(data["penolakan"]["note"], ensure_ascii=False)
    for word in (".csv", "data/", "dbt", "variabel", "toleransi_selisih_persen", "marts.", "rekonsiliasi_bpjs"):
        assert word not in tanpa_berkas + penolakan, word
    for kode in ("72.01", "72.02", "72.71"):
        assert kode not in tanpa_berkas, kode
    assert data["selisih"]["note"].startswith(
        f"Ditampilkan bila angka terlindungi yang dilaporkan berselisih lebih dari "
        f"{dbt_var('toleransi_selisih_persen')} % dari data BPJS Ketenagakerjaan."
    )
    assert "Kabupaten Banggai" in data["selisih"]["rows"][0]
    # A rejected file names its sender, not the sender's code.
    cells = data["penolakan"]["rows"][0]
    assert "Kabupaten Poso" in cells
    assert [c for c in cells if "72.02" in c] == ["72.02_2022-10.xlsx"]


def test_annex_b_says_in_one_line_that_a_province_has_no_reports(figures, wilayah):
    p = province.annex(figures, _by_name(figures), wilayah("81"))
    assert p["summary"] == [
        [
            "Laporan",
            "Belum ada laporan untuk Oktober 2022 dari 2 pemerintah daerah di "
            "provinsi ini: Pemerintah Provinsi Maluku, Kota Ambon.",
        ]
    ]
    assert p["kabupaten_kota"] is None and p["klaim"]["rows"] == []


def test_annex_b_lists_the_kab_kota_without_figures_under_the_table(figures, wilayah):
    p = province.annex(figures, _by_name(figures), wilayah("72"))
    names = [row[1] for row in p["kabupaten_kota"]["rows"]]
    # Palu has figures (sent by the province), Poso has none: one line instead of a row of dashes.
    assert names == ["Kabupaten Banggai", "Kota Palu"]
    assert p["kabupaten_kota"]["note"] == "Belum melapor untuk Oktober 2022 dan belum ada angkanya (1): Kabupaten Poso."


def _governors_pdf(figures, w: dict, versi, created: datetime, tmp_path) -> str:
    """The governor's PDF as the night writes it, as its text."""
    document = province.document(figures, _by_name(figures), w, version=versi, created=created)
    build([document], ObjectStoragePath(tmp_path.as_uri()), version=versi, created=created)
    return " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(tmp_path / document.pdf).pages)


def test_the_governors_pdf_names_who_blocks_the_figure(figures, tmp_path, wilayah, versi):
    text = _governors_pdf(figures, wilayah("72"), versi, SEBELUM_BATAS, tmp_path)
    assert "Yang menghambat angka provinsi" in text
    assert "Belum melapor untuk Oktober 2022 (2): Kabupaten Poso; Kota Palu (hanya angka pekerja rentan" in text
    assert "Kabupaten Banggai: perangkat desa" in text
    assert "paling lambat 10 November 2022" in text
    assert "Belum diberi peringkat karena angkanya belum lengkap" in text
    assert "mencakup 3 dari 552 pemerintah daerah" in text

    kosong = _governors_pdf(figures, wilayah("81"), versi, SESUDAH_BATAS, tmp_path)
    assert "Belum melapor untuk Oktober 2022 (2): Pemerintah Provinsi Maluku; Kota Ambon." in kosong
    assert "Belum ada kabupaten/kota di provinsi ini yang angkanya masuk" in kosong


def test_annex_b_prints_the_province_wide_claims_not_every_kab_kota_row(figures, wilayah):
    def klaim(kode, tingkat, kasus):
        return {
            "kode_wilayah": kode,
            "nama_wilayah": wilayah(kode)["nama_wilayah"],
            "tingkat": tingkat,
            "kode_provinsi": kode.split(".")[0],
            "periode": "2022-10",
            "program": "JKM",
            "segmen": "perangkat_desa",
            "kasus": kasus,
            "nilai_rp": kasus * 42_000_000,
            "pemerintah_dihitung": 1,
            "pemerintah_diharapkan": 1,
            "kasus_kumulatif_tahun": kasus,
            "nilai_rp_kumulatif_tahun": kasus * 42_000_000,
        }

    figures.klaim = [
        klaim("00", "nasional", 5),
        klaim("72", "provinsi", 3),
        klaim("72.01", "kabupaten", 2),
        klaim("72.71", "kota", 1),
        klaim("81.71", "kota", 2),
    ]
    p = province.annex(figures, _by_name(figures), wilayah("72"))
    assert [row[1] for row in p["klaim"]["rows"]] == ["Sulawesi Tengah"]


def _scorecard(w: dict, skor: str, peringkat: int, jumlah: int) -> dict:
    """The provincial government's row of marts.fct_kepatuhan_pelapor: regulation met, budget not, the
    pekerja-rentan coverage point unknown, the others partly met."""
    status = {p: "sebagian" for p in POIN_KEPATUHAN}
    status.update(regulasi="terpenuhi", anggaran="tidak_terpenuhi", cakupan_pekerja_rentan="tidak_diketahui")
    return {
        **w,
        "jenjang": "provinsi",
        **{f"status_{p}": s for p, s in status.items()},
        "poin_diperoleh": 9,
        "poin_maksimal": 14,
        "skor": Decimal(skor),
        "peringkat": peringkat,
        "jumlah_diperingkat": jumlah,
    }


def test_the_standing_gives_the_scorecard_and_the_reports_received(figures, wilayah, versi):
    rows = dict(content.summary(figures, "72"))
    assert rows["Skor kepatuhan Inpres"] == "belum dapat dihitung (pemerintah provinsi belum melapor)"
    assert rows["Laporan diterima"] == "2 dari 4 (2 tepat waktu)"
    document = province.document(figures, _by_name(figures), wilayah("72"), version=versi, created=SEBELUM_BATAS)
    assert document.data["poin"] == []

    figures.kepatuhan = [_scorecard(wilayah("72"), "64.29", 3, 12)]
    assert dict(content.summary(figures, "72"))["Skor kepatuhan Inpres"] == "64,29 %, peringkat 3 dari 12 provinsi"
    document = province.document(figures, _by_name(figures), wilayah("72"), version=versi, created=SEBELUM_BATAS)
    # The governor reads each point's status in words, the coverage points by segment.
    assert document.data["poin"][:3] == [
        ["Regulasi", "terpenuhi"],
        ["Anggaran", "tidak terpenuhi"],
        ["Cakupan P. rentan", "tidak diketahui"],
    ]
    assert len(document.data["poin"]) == len(POIN_KEPATUHAN)


def test_a_province_without_a_pekerja_rentan_figure_says_so_in_one_line(figures):
    assert content.summary(figures, "81") == [
        ["Cakupan pekerja rentan", "belum ada laporan"],
        ["Skor kepatuhan Inpres", "belum dapat dihitung (pemerintah provinsi belum melapor)"],
    ]
    assert not content.has_laporan(figures, "81") and content.has_laporan(figures, "72")
    assert content.standing_table(figures, "81").rows == [(label, *[None] * 7) for label in SEGMEN_LABEL.values()]


def test_a_figure_without_any_target_cannot_give_a_coverage(figures):
    pr = next(r for r in figures.cakupan if r["kode_wilayah"] == "72" and r["segmen"] == "pekerja_rentan")
    pr.update(persen_terlindungi=None, persen_sasaran_terlapor=None)
    rows = dict(content.summary(figures, "72"))
    assert rows["Cakupan pekerja rentan"] == (
        "belum dapat dihitung: 12.000 terlindungi, belum ada sasaran yang dilaporkan — mencakup 3 dari 4 "
        "pemerintah daerah; sasaran acuan belum diketahui"
    )
    assert "belum ada sasaran yang dilaporkan bulan ini" in content.why_unranked(pr)


def test_the_standing_table_gives_a_rank_in_words_and_a_change_only_when_comparable(figures, as_rows):
    pr = next(r for r in figures.cakupan if r["kode_wilayah"] == "72" and r["segmen"] == "pekerja_rentan")
    pr.update(basis_lengkap=True, peringkat=3, jumlah_diperingkat=12)
    rows = {r["segmen"]: r for r in as_rows(content.standing_table(figures, "72"))}
    assert (rows["Pekerja rentan"]["peringkat"], rows["Pekerja rentan"]["perubahan_persen_bulan_lalu"]) == (
        "3 dari 12",
        Decimal("1.5"),
    )
    assert rows["Perangkat desa"]["peringkat"] == "belum lengkap"
    # A segment without any figure is a row of dashes, so the five segments always read the same way.
    assert set(rows["Pegawai BUMD"].values()) == {"Pegawai BUMD", None}
    pr["basis_lengkap_bulan_lalu"] = False
    rows = {r["segmen"]: r for r in as_rows(content.standing_table(figures, "72"))}
    assert rows["Pekerja rentan"]["perubahan_persen_bulan_lalu"] is None


def test_the_nation_as_benchmark_warns_only_while_it_is_incomplete(figures):
    assert content.benchmark_sentence(figures).endswith(
        "Angka nasional juga belum lengkap: bandingkan dengan hati-hati"
    )
    nasional = next(r for r in figures.cakupan if r["kode_wilayah"] == "00")
    nasional.update(basis_lengkap=True, pemerintah_dihitung=540, persen_sasaran_terlapor=Decimal("95.00"))
    assert content.benchmark_sentence(figures) == (
        "Cakupan pekerja rentan nasional 40,00 % (12.000 dari 30.000) — mencakup 540 dari 552 pemerintah daerah; "
        "sasaran terlapor 95,00 % dari sasaran acuan"
    )
    figures.cakupan = [r for r in figures.cakupan if r is not nasional]
    assert content.benchmark_sentence(figures) == "belum ada laporan"


def test_the_gaps_and_rejected_files_are_the_provinces_own(figures, as_rows):
    by_name = _by_name(figures)
    assert [r["nama_wilayah"] for r in as_rows(content.selisih(figures, by_name, "72"))] == ["Kabupaten Banggai"]
    assert content.selisih(figures, by_name, "81").rows == []
    assert [r["nama_pelapor"] for r in as_rows(content.penolakan(by_name, "72"))] == ["Kabupaten Poso"]
    assert content.penolakan(by_name, "81").rows == []
