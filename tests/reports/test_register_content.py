"""The double-counting section from hand-made register marts: persons counted once beside the claim, pairs of
governments listing the same persons, persons not active in BPJS's data, and one sentence when no list came."""

from __future__ import annotations

import pytest

from inpres.reports import national, province
from inpres.reports.content import monthly, register
from inpres.reports.figures import Figures


@pytest.fixture
def register_row(wilayah):
    def row(kode: str, segmen: str, orang_unik: int, diklaim: int | None, ganda: int, tidak_aktif, pelapor=1) -> dict:
        return {
            **wilayah(kode),
            "periode": "2022-10",
            "segmen": segmen,
            "pelapor_berdaftar": pelapor,
            "orang_unik": orang_unik,
            "terlindungi_diklaim": diklaim,
            "selisih": None if diklaim is None else diklaim - orang_unik,
            "orang_tercatat_ganda": ganda,
            "orang_tidak_aktif_bpjs": tidak_aktif,
        }

    return row


def _pair(a: str, nama_a: str, b: str, nama_b: str, jenis: str, orang: int) -> dict:
    return {
        "periode": "2022-10",
        "pelapor_a": a,
        "nama_pelapor_a": nama_a,
        "kode_provinsi_a": a.split(".")[0],
        "pelapor_b": b,
        "nama_pelapor_b": nama_b,
        "kode_provinsi_b": b.split(".")[0],
        "jenis": jenis,
        "orang": orang,
    }


@pytest.fixture
def figures(wilayah, register_row):
    def build(**ubah) -> Figures:
        data = dict(
            periode="2022-10",
            wilayah=[wilayah(k) for k in ("72", "72.71", "72.01", "81", "81.71")],
            **dict.fromkeys(("cakupan", "tren", "kepatuhan", "kelengkapan", "tren_kelengkapan", "laporan"), []),
            **dict.fromkeys(("belum_pernah", "rekonsiliasi", "klaim", "non_asn"), []),
            register=[
                register_row("00", "pekerja_rentan", 1_200, 1_500, 150, 40, pelapor=3),
                register_row("00", "semua", 1_250, 1_560, 160, 42, pelapor=4),
                register_row("72", "semua", 1_000, 1_200, 150, 30, pelapor=3),
                register_row("72.71", "semua", 700, 800, 150, 20, pelapor=2),
                register_row("72.01", "semua", 300, 400, 0, 10),
                register_row("81", "semua", 250, 360, 10, 12),
                register_row("81.71", "semua", 250, 360, 10, 12),
            ],
            register_ganda=[
                _pair("72", "Sulawesi Tengah", "72.71", "Kota Palu", "provinsi_dan_kabkota", 140),
                _pair("72.71", "Kota Palu", "81.71", "Kota Ambon", "antar_kabkota", 10),
            ],
        )
        return Figures(**{**data, **ubah})

    return build


def test_the_nation_counts_each_person_once_beside_the_claim(figures):
    assert register.register_sentence(figures()) == (
        "Daftar nama dari 4 pemerintah daerah untuk Oktober 2022 memuat 1.250 orang terlindungi (setiap orang "
        "dihitung satu kali), sedangkan untuk wilayah yang sama diklaim 1.560; 160 orang dicatat oleh lebih dari "
        "satu pemerintah daerah, dan 42 orang tidak aktif menurut data BPJS Ketenagakerjaan (klaim yang belum "
        "terverifikasi)."
    )
    assert register.register_sentence(figures()) in monthly.findings(figures())


def test_without_bpjs_data_not_active_is_unknown_not_zero(figures, register_row):
    f = figures(register=[register_row("00", "semua", 10, 12, 0, None)])
    assert register.register_sentence(f).endswith(
        "0 orang dicatat oleh lebih dari satu pemerintah daerah; data peserta BPJS Ketenagakerjaan per orang untuk "
        "bulan ini belum diterima."
    )


def test_no_list_received_is_one_sentence_and_no_table(figures):
    f = figures(register=[], register_ganda=[])
    by_name = {t.name: t for t in monthly.tables(f)}
    assert by_name["register_wilayah"].rows == [] and by_name["register_ganda"].rows == []
    sentence = "Belum ada daftar nama peserta yang diterima untuk Oktober 2022."
    assert national._register(f, by_name) == {"ada": False, "kalimat": sentence}
    assert province._register(f, by_name, "72")["ada"] is False
    assert not any("Daftar nama" in s for s in monthly.findings(f))


def test_the_annex_table_lists_every_row_nation_first_with_claim_and_persons(figures, as_rows):
    t = register.register_wilayah(figures())
    rows = as_rows(t)
    assert [(r["kode_wilayah"], r["segmen"]) for r in rows][:3] == [
        ("00", "Pekerja rentan"),
        ("00", "Semua segmen"),
        ("72", "Semua segmen"),
    ]
    palu = next(r for r in rows if r["kode_wilayah"] == "72.71")
    assert (palu["terlindungi_diklaim"], palu["orang_unik"], palu["selisih"]) == (800, 700, 100)
    assert (palu["orang_tercatat_ganda"], palu["orang_tidak_aktif_bpjs"]) == (150, 20)
    assert t.sources == ("marts.fct_register_wilayah",)


def test_the_national_section_shows_the_nation_per_segment_and_each_province_once(figures, as_rows):
    by_name = {t.name: t for t in monthly.tables(figures())}
    rows = as_rows(register.ringkasan(by_name))
    assert [(r["kode_wilayah"], r["segmen"]) for r in rows] == [
        ("00", "Pekerja rentan"),
        ("00", "Semua segmen"),
        ("72", "Semua segmen"),
        ("81", "Semua segmen"),
    ]
    section = national._register(figures(), by_name)
    assert section["ada"] and section["kalimat"] == register.register_sentence(figures())


def test_pairs_are_named_by_kind_largest_first_and_each_province_sees_its_own(figures, as_rows):
    by_name = {t.name: t for t in monthly.tables(figures())}
    assert [
        (r["nama_pelapor_a"], r["nama_pelapor_b"], r["jenis_ganda"], r["orang"])
        for r in as_rows(by_name["register_ganda"])
    ] == [
        ("Sulawesi Tengah", "Kota Palu", "Provinsi dan kab/kotanya", 140),
        ("Kota Palu", "Kota Ambon", "Antar-kab/kota", 10),
    ]
    wilayah, ganda = register.of_province(by_name, "81")
    assert [r["kode_wilayah"] for r in as_rows(wilayah)] == ["81", "81.71"]
    assert [r["orang"] for r in as_rows(ganda)] == [10]  # Palu–Ambon concerns Maluku too
    section = province._register(figures(), by_name, "72")
    assert section["ada"] and section["kalimat"].startswith("Daftar nama dari 3 pemerintah daerah")


def test_the_province_pdf_prints_its_section(figures, wilayah, versi, tmp_path):
    from datetime import UTC, datetime

    import pypdf

    from inpres.reports.pdf import compile_pdf

    f = figures()
    by_name = {t.name: t for t in monthly.tables(f)}
    created = datetime(2022, 11, 10, tzinfo=UTC)
    doc = province.document(f, by_name, wilayah("72"), version=versi, created=created)
    data = {"title": doc.title, "version": versi.run_id, "cover": doc.cover, **doc.data}
    (tmp_path / "p.pdf").write_bytes(compile_pdf("provinsi.typ", data, tmp_path, created=created))
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "p.pdf").pages)
    assert "Daftar nama: hitungan ganda dan klaim yang belum terverifikasi" in text
    assert "Provinsi dan kab/kotanya" in text and "Kota Palu" in text
