"""Indonesian number, percentage and date formatting for reports.

Pure functions: the PDF and the CSV files both go through `round_persen`, so the
two always show the same rounded figure.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

TIDAK_DILAPORKAN = "–"  # en dash; the report's footnote explains it

_BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
_PERIODE = re.compile(r"(\d{4})-(\d{2})")


def format_angka(n: int | None) -> str:
    """1234567 -> '1.234.567'; None -> '–'."""
    if n is None:
        return TIDAK_DILAPORKAN
    return f"{n:,}".replace(",", ".")


def round_persen(p: Decimal) -> Decimal:
    # Half-up, as readers expect; Decimal's default would round half to even.
    return p.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_persen(p: Decimal | None) -> str:
    """Decimal('48.55') -> '48,55 %'; None -> '–'."""
    if p is None:
        return TIDAK_DILAPORKAN
    q = round_persen(p)
    sign = "-" if q < 0 else ""
    whole, cents = f"{abs(q):f}".split(".")
    return f"{sign}{format_angka(int(whole))},{cents} %"


def format_poin(p: Decimal | None) -> str:
    """A change in percentage points: Decimal('1.5') -> '+1,50 poin'; None -> '–'."""
    if p is None:
        return TIDAK_DILAPORKAN
    q = round_persen(p)
    sign = "+" if q > 0 else "-" if q < 0 else "±"
    return f"{sign}{format_persen(abs(q)).removesuffix(' %')} poin"


def format_perubahan(n: int | None) -> str:
    """A signed change of a count: 1200 -> '+1.200'; None -> '–'."""
    if n is None:
        return TIDAK_DILAPORKAN
    sign = "+" if n > 0 else "-" if n < 0 else "±"
    return f"{sign}{format_angka(abs(n))}"


_SATUAN_RUPIAH = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"))


def format_rupiah(n: int | Decimal | None) -> str:
    """600_000_000 -> 'Rp 600 juta'; 1_250_000_000 -> 'Rp 1,25 miliar'; 750_000 -> 'Rp 750.000'."""
    if n is None:
        return TIDAK_DILAPORKAN
    n = Decimal(n)
    for size, word in _SATUAN_RUPIAH:
        if abs(n) >= size:
            q = (n / size).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
            whole, _, cents = f"{abs(q):f}".partition(".")
            text = format_angka(int(whole)) + (f",{cents}" if cents else "")
            return f"Rp {'-' if q < 0 else ''}{text} {word}"
    q = int(n.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return f"Rp {'-' if q < 0 else ''}{format_angka(abs(q))}"


def nama_bulan(bulan: int) -> str:
    """1 -> 'Januari'."""
    if not 1 <= bulan <= 12:
        raise ValueError(f"month must be 1..12, got {bulan}")
    return _BULAN[bulan - 1]


def format_periode(periode: str) -> str:
    """'2022-10' -> 'Oktober 2022'."""
    m = _PERIODE.fullmatch(periode)
    if m is None:
        raise ValueError(f"periode must be YYYY-MM, got {periode!r}")
    return f"{nama_bulan(int(m[2]))} {m[1]}"


def format_tanggal(d: date) -> str:
    """date(2025, 11, 24) -> '24 November 2025'."""
    return f"{d.day} {nama_bulan(d.month)} {d.year}"
