"""The words every report uses for segments, government levels, statuses and the basis of a figure, and the
basis threshold as the reports write it: declared once for the tables, the columns and the sentences.

The segments' labels come from their one list, the dbt seed segmen.csv (inpres.catalogue); its order is the
order of every table."""

from __future__ import annotations

from decimal import Decimal

from inpres.catalogue import SEGMEN, SEGMEN_LABEL, SEGMEN_SHORT
from inpres.reports.formatting import format_number, format_percent
from inpres.transform import dbt_var

POIN_KEPATUHAN = {
    "regulasi": "Regulasi",
    "anggaran": "Anggaran",
    **{f"cakupan_{s}": f"Cakupan {SEGMEN_SHORT[s]}" for s in SEGMEN_LABEL},
    "bumd_terdaftar": "BUMD terdaftar",
    "ptsp": "PTSP",
}
STATUS_LAPORAN = {"tepat_waktu": "Tepat waktu", "terlambat": "Terlambat", "belum_lapor": "Belum melapor"}
TINGKAT = {"provinsi": "Provinsi", "kabupaten": "Kabupaten", "kota": "Kota", "nasional": "Nasional"}

# The basis of a figure, in words (the `basis` column).
LENGKAP, BELUM_LENGKAP, TANPA_LAPORAN = "lengkap", "belum lengkap", "belum ada laporan"


def segmen_label(segmen: str) -> str:
    return SEGMEN_LABEL.get(segmen, segmen)


def segmen_order(r: dict) -> int:
    """A row's place in the fixed segment order (unknown segments last)."""
    return SEGMEN.index(r["segmen"]) if r["segmen"] in SEGMEN else len(SEGMEN)


def in_sentence(label: str) -> str:
    """A label inside a sentence: 'Pegawai BUMD' -> 'pegawai BUMD'; an acronym stays ('PTSP')."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def segmen_in_sentence(segmen: str) -> str:
    """The segment inside a sentence: 'pegawai BUMD', 'pegawai non-ASN'."""
    return in_sentence(segmen_label(segmen))


def basis_threshold() -> Decimal:
    """The share (of governments and of the target) a province-wide or national figure needs to be complete."""
    return Decimal(str(dbt_var("ambang_basis_persen")))


def threshold_text() -> str:
    """The threshold as people say it: '80 %' rather than '80,00 %'."""
    a = basis_threshold()
    return f"{format_number(int(a))} %" if a == int(a) else format_percent(a)
