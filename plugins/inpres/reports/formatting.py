"""Indonesian number, percentage and date formatting for reports.

Pure functions: the PDF and the CSV files both go through `round_persen`, so the
two always show the same rounded figure.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

TIDAK_DILAPORKAN = "–"  # en dash; the report's footnote explains it
MINUS = "\u2212"  # the minus sign: a hyphen in front of a figure reads as a dash, or breaks the line

_BULAN_SINGKAT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")  # CLDR id

_BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
_PERIODE = re.compile(r"(\d{4})-(\d{2})")


def format_angka(n: int | None) -> str:
    """1234567 -> '1.234.567'; -94 -> '−94'; None -> '–'."""
    if n is None:
        return TIDAK_DILAPORKAN
    return (MINUS if n < 0 else "") + f"{abs(n):,}".replace(",", ".")


def _tanda(x) -> str:
    """The sign a change is written with: '+', the minus sign, or '±' for no change."""
    return "+" if x > 0 else MINUS if x < 0 else "±"


def round_persen(p: Decimal) -> Decimal:
    # Half-up, as readers expect; Decimal's default would round half to even.
    return p.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_persen(p: Decimal | None) -> str:
    """Decimal('48.55') -> '48,55 %'; None -> '–'."""
    if p is None:
        return TIDAK_DILAPORKAN
    q = round_persen(p)
    whole, cents = f"{abs(q):f}".split(".")
    return f"{MINUS if q < 0 else ''}{format_angka(int(whole))},{cents} %"


def format_poin(p: Decimal | None) -> str:
    """A change in percentage points: Decimal('1.5') -> '+1,50 poin', Decimal('-1.5') -> '−1,50 poin';
    None -> '–'."""
    if p is None:
        return TIDAK_DILAPORKAN
    q = round_persen(p)
    return f"{_tanda(q)}{format_persen(abs(q)).removesuffix(' %')} poin"


def format_perubahan(n: int | None) -> str:
    """A signed change of a count: 1200 -> '+1.200', -1200 -> '−1.200', 0 -> '±0'; None -> '–'."""
    if n is None:
        return TIDAK_DILAPORKAN
    return f"{_tanda(n)}{format_angka(abs(n))}"


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
            return f"Rp {MINUS if q < 0 else ''}{text} {word}"
    q = int(n.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return f"Rp {format_angka(q)}"


def nama_bulan(bulan: int) -> str:
    """1 -> 'Januari'."""
    if not 1 <= bulan <= 12:
        raise ValueError(f"month must be 1..12, got {bulan}")
    return _BULAN[bulan - 1]


def _tahun_bulan(periode: str) -> tuple[int, int]:
    m = _PERIODE.fullmatch(periode)
    if m is None:
        raise ValueError(f"periode must be YYYY-MM, got {periode!r}")
    nama_bulan(int(m[2]))  # refuses month 00 and 13
    return int(m[1]), int(m[2])


def format_periode(periode: str) -> str:
    """'2022-10' -> 'Oktober 2022'."""
    tahun, bulan = _tahun_bulan(periode)
    return f"{nama_bulan(bulan)} {tahun}"


def format_periode_singkat(periode: str) -> str:
    """'2022-10' -> 'Okt 2022', for table cells and chart axes."""
    tahun, bulan = _tahun_bulan(periode)
    return f"{_BULAN_SINGKAT[bulan - 1]} {tahun}"


def format_rentang(awal: str, akhir: str) -> str:
    """The months a sum covers: ('2022-01', '2022-10') -> 'Januari–Oktober 2022';
    ('2021-11', '2022-10') -> 'November 2021–Oktober 2022'; one month -> 'Oktober 2022'."""
    (ta, ba), (tb, bb) = _tahun_bulan(awal), _tahun_bulan(akhir)
    if (ta, ba) == (tb, bb):
        return format_periode(akhir)
    if ta == tb:
        return f"{nama_bulan(ba)}–{nama_bulan(bb)} {tb}"
    return f"{format_periode(awal)}–{format_periode(akhir)}"


def format_rentang_singkat(awal: str, akhir: str) -> str:
    """('2022-01', '2022-10') -> 'Jan–Okt 2022'; ('2021-11', '2022-10') -> 'Nov 2021–Okt 2022'."""
    (ta, ba), (tb, bb) = _tahun_bulan(awal), _tahun_bulan(akhir)
    if (ta, ba) == (tb, bb):
        return format_periode_singkat(akhir)
    if ta == tb:
        return f"{_BULAN_SINGKAT[ba - 1]}–{format_periode_singkat(akhir)}"
    return f"{format_periode_singkat(awal)}–{format_periode_singkat(akhir)}"


def format_tanggal(d: date) -> str:
    """date(2025, 11, 24) -> '24 November 2025'."""
    return f"{d.day} {nama_bulan(d.month)} {d.year}"
