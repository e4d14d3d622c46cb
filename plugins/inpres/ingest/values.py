"""Values as regional officers write them, turned into what the warehouse stores.

Each parser raises ValueError with a sentence in Bahasa Indonesia that names the offending value,
so the caller only has to add the file, sheet, row and column.
"""

from __future__ import annotations

import re

SEGMEN = ("pekerja_rentan", "non_asn", "perangkat_desa", "penyelenggara_pemilu", "pegawai_bumd")

_KODE = re.compile(r"^(\d{2})(?:\.?(\d{2}))?$")
_PERIODE = re.compile(r"^(\d{4})-(\d{2})$")
_RIBUAN = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def kode_wilayah(value: object) -> str:
    """`81.71`, `8171` and ` 81.71 ` are one code: return the dotted form."""
    text = str(value if value is not None else "").strip()
    match = _KODE.match(text)
    if not match:
        raise ValueError(f"'{text}' bukan kode wilayah Kemendagri (contoh: 81 atau 81.71)")
    provinsi, kabupaten_kota = match.groups()
    return f"{provinsi}.{kabupaten_kota}" if kabupaten_kota else provinsi


def periode(value: object) -> str:
    text = str(value if value is not None else "").strip()
    match = _PERIODE.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"'{text}' bukan periode yang sah (tulis TAHUN-BULAN, contoh: 2022-10)")
    return text


def bilangan_bulat(value: object) -> int | None:
    """An integer cell; empty means unknown (None), never zero. `70.000` is seventy thousand."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"'{value}' bukan bilangan bulat")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(f"'{value}' bukan bilangan bulat")
    text = str(value).strip()
    if text == "":
        return None
    if _RIBUAN.match(text):
        text = text.replace(".", "")
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"'{text}' bukan bilangan bulat") from None


def segmen(value: object) -> str:
    text = str(value if value is not None else "").strip().lower()
    if text not in SEGMEN:
        raise ValueError(f"segmen '{text}' tidak dikenal (pilihan: {', '.join(SEGMEN)})")
    return text
