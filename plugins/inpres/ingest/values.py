"""Values as regional officers write them, turned into what the warehouse stores.

Each parser raises ValueError with a sentence in Bahasa Indonesia that names the offending value,
so the caller only has to add the file, sheet, row and column.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from inpres import catalogue
from inpres.privacy import mask_nik

# The codes an officer may write, from the one list of segments and programs (the dbt seeds).
SEGMEN = catalogue.SEGMEN
PROGRAM = catalogue.PROGRAM
SUMBER_DANA = ("apbd", "apbdes", "bapak_asuh", "csr", "mandiri", "campuran")
BUMD_TERDAFTAR = ("ya", "tidak", "sebagian")

BULAN = (
    "januari",
    "februari",
    "maret",
    "april",
    "mei",
    "juni",
    "juli",
    "agustus",
    "september",
    "oktober",
    "november",
    "desember",
)
_BULAN_PENDEK = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "mei": 5,
    "jun": 6,
    "jul": 7,
    "agu": 8,
    "agt": 8,
    "ags": 8,
    "sep": 9,
    "okt": 10,
    "nov": 11,
    "des": 12,
}

_KODE = re.compile(r"^(\d{2})(?:\.?(\d{2}))?$")
_RIBUAN = re.compile(r"^\d{1,3}(\.\d{3})+$")
_SATUAN = {
    "ribu": 10**3,
    "rb": 10**3,
    "juta": 10**6,
    "jt": 10**6,
    "miliar": 10**9,
    "milyar": 10**9,
    "m": 10**9,
    "triliun": 10**12,
}


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def shown(value: object) -> str:
    """A cell's content as a rejection message may quote it: never a NIK, never a long text.

    Messages reach logs, the quarantine and the report annex; a 16-digit number in a wrong column is
    most likely someone's NIK (UU 27/2022), and a long text may be a name list. Masked before it is
    cut, so a cut never leaves most of a NIK behind.
    """
    text = mask_nik(_text(value))
    return text if len(text) <= 30 else text[:27] + "…"


def kode_wilayah(value: object) -> str:
    """`81.71`, `8171` and ` 81.71 ` are one code: return the dotted form."""
    if isinstance(value, float):
        # Excel turned a typed "72.10" into the number 72.1: two decimals give the code back.
        value = f"{value:.2f}"
    text = _text(value)
    match = _KODE.match(text)
    if not match:
        raise ValueError(f"'{shown(text)}' bukan kode wilayah Kemendagri (contoh: 81 atau 81.71)")
    provinsi, kabupaten_kota = match.groups()
    return f"{provinsi}.{kabupaten_kota}" if kabupaten_kota else provinsi


def periode(value: object) -> str:
    """A month: `2022-10`, `Oktober 2022`, `Okt 2022`, `10/2022` or a date inside it -> `2022-10`."""
    if isinstance(value, (datetime, date)):
        return f"{value.year:04d}-{value.month:02d}"
    text = _text(value).lower()
    if match := re.fullmatch(r"(\d{4})[-/](\d{1,2})(?:[-/]\d{1,2})?", text):
        year, month = int(match.group(1)), int(match.group(2))
    elif match := re.fullmatch(r"(\d{1,2})[-/](\d{4})", text):
        month, year = int(match.group(1)), int(match.group(2))
    elif match := re.fullmatch(r"([a-z]+)\.?\s+(\d{4})", text):
        name, year = match.group(1), int(match.group(2))
        month = BULAN.index(name) + 1 if name in BULAN else _BULAN_PENDEK.get(name, 0)
    else:
        month = 0
    if not 1 <= month <= 12:
        raise ValueError(
            f"'{shown(value)}' bukan periode yang sah (tulis TAHUN-BULAN, contoh: 2022-10, atau Oktober 2022)"
        )
    return f"{year:04d}-{month:02d}"


def tanggal(value: object) -> date | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            pass
    raise ValueError(f"'{shown(text)}' bukan tanggal yang sah (tulis TAHUN-BULAN-TANGGAL, contoh: 2022-11-05)")


def bilangan_bulat(value: object) -> int | None:
    """A count; empty means unknown (None), never zero. `70.000` is seventy thousand."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"'{value}' bukan bilangan bulat")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(f"'{_angka(value)}' bukan bilangan bulat")
    text = _text(value)
    if text == "":
        return None
    negative = text.startswith("-")
    digits = text.lstrip("-").strip()
    if _RIBUAN.match(digits):
        digits = digits.replace(".", "")
    if not digits.isdigit():
        raise ValueError(f"'{shown(text)}' bukan bilangan bulat")
    return -int(digits) if negative else int(digits)


def rupiah(value: object) -> int | None:
    """An amount: `600000000`, `Rp 600.000.000`, `600 juta`, `1,5 miliar` -> whole Rupiah."""
    if not isinstance(value, str):
        return bilangan_bulat(value)
    text = re.sub(r"^rp\.?\s*", "", _text(value).lower())
    if match := re.fullmatch(r"(-?[\d.]*\d(?:,\d+)?)\s*([a-z]+)", text):
        number, unit = match.groups()
        if unit not in _SATUAN:
            raise ValueError(f"'{shown(value)}' bukan jumlah rupiah (satuan '{shown(unit)}' tidak dikenal)")
        whole, _, fraction = number.replace(".", "").partition(",")
        amount = int(whole or "0") * _SATUAN[unit] + int(fraction or "0") * _SATUAN[unit] // 10 ** len(fraction)
        return amount
    try:
        return bilangan_bulat(text)
    except ValueError:
        raise ValueError(
            f"'{shown(value)}' bukan jumlah rupiah (contoh: 600000000, Rp 600.000.000, 600 juta)"
        ) from None


def pilihan(value: object, allowed: tuple[str, ...], what: str, *, kosong_boleh: bool = False) -> str | None:
    text = _text(value)
    if text == "" and kosong_boleh:
        return None
    for option in allowed:
        if text.lower() == option.lower():
            return option
    raise ValueError(f"{what} '{shown(text)}' tidak dikenal (pilihan: {', '.join(allowed)})")


def segmen(value: object) -> str:
    return pilihan(value, SEGMEN, "segmen")


def teks(value: object) -> str | None:
    """Free text (an institution's name, a regulation); a NIK typed in it is stored masked."""
    return mask_nik(_text(value)) or None


def _angka(value: float) -> str:
    """Show a float the way the officer typed it, with a decimal comma."""
    return f"{value:f}".rstrip("0").rstrip(".").replace(".", ",")


def rupiah_teks(amount: int) -> str:
    """An amount as a sentence writes it: `Rp 10 triliun`, `Rp 600 juta`, `Rp 1.234.567`."""
    for name, unit in (("triliun", 10**12), ("miliar", 10**9), ("juta", 10**6)):
        if amount >= unit and amount % unit == 0:
            return f"Rp {amount // unit:,} {name}".replace(",", ".")
    return f"Rp {amount:,}".replace(",", ".")
