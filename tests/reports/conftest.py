"""What the report tests share: mart rows made by hand for the regions they use, a data version, and a
table read back as rows. The cross-cutting fixtures (a warehouse, a whole night) stay in tests/conftest.py."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inpres.data_version import DataVersion

# The regions the report tests use: code -> (name, tingkat, kode_provinsi).
REGIONS = {
    "00": ("Indonesia", "nasional", None),
    "11": ("Aceh", "provinsi", "11"),
    "51": ("Bali", "provinsi", "51"),
    "72": ("Sulawesi Tengah", "provinsi", "72"),
    "72.01": ("Kabupaten Banggai", "kabupaten", "72"),
    "72.02": ("Kabupaten Poso", "kabupaten", "72"),
    "72.08": ("Kabupaten Parigi Moutong", "kabupaten", "72"),
    "72.71": ("Kota Palu", "kota", "72"),
    "81": ("Maluku", "provinsi", "81"),
    "81.71": ("Kota Ambon", "kota", "81"),
    "91": ("Papua", "provinsi", "91"),
}


@pytest.fixture
def wilayah():
    """A region as the marts name it: {kode_wilayah, nama_wilayah, tingkat, kode_provinsi}."""

    def region(kode: str) -> dict:
        nama, tingkat, kode_provinsi = REGIONS[kode]
        return {"kode_wilayah": kode, "nama_wilayah": nama, "tingkat": tingkat, "kode_provinsi": kode_provinsi}

    return region


@pytest.fixture
def cakupan_row(wilayah):
    """One row of marts.fct_cakupan_wilayah for October 2022: by default a complete figure of one government
    (40,00 %, 400 of 1.000) with no change to compare; any column can be given, the semester mart's too."""

    def row(kode: str, segmen: str = "pekerja_rentan", **columns) -> dict:
        return {
            **wilayah(kode),
            "periode": "2022-10",
            "segmen": segmen,
            "sasaran": 1000,
            "terlindungi": 400,
            "terlindungi_bersasaran": 400,
            "persen_terlindungi": Decimal("40.00"),
            "pemerintah_diharapkan": 1,
            "pemerintah_dihitung": 1,
            "pemerintah_bersasaran": 1,
            "sasaran_acuan": 1000,
            "persen_sasaran_terlapor": Decimal("100.00"),
            "basis_lengkap": True,
            "basis_lengkap_bulan_lalu": True,
            "basis_lengkap_tahun_lalu": None,
            "perubahan_terlindungi_bulan_lalu": None,
            "perubahan_persen_bulan_lalu": None,
            "perubahan_terlindungi_tahun_lalu": None,
            "perubahan_persen_tahun_lalu": None,
            "peringkat": None,
            "jumlah_diperingkat": None,
            **columns,
        }

    return row


@pytest.fixture
def versi() -> DataVersion:
    return DataVersion(run_id="scheduled__2022-11-20", input_hash="ab" * 32)


@pytest.fixture
def as_rows():
    """A report table's rows as {column name: cell}."""
    return lambda table: [dict(zip([k.name for k in table.columns], r, strict=True)) for r in table.rows]
