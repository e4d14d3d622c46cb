"""Indonesian number, percentage and date formatting for reports.

Pure functions: the PDF and the CSV files both go through `round_percent`, so the
two always show the same rounded figure.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")  # the reports' dates and times are Jakarta's
NOT_REPORTED = "–"  # en dash; the report's footnote explains it
MINUS = "\u2212"  # the minus sign: a hyphen in front of a figure reads as a dash, or breaks the line

MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")  # CLDR id

_MONTHS = (
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
_PERIODE_PATTERN = re.compile(r"(\d{4})-(\d{2})")


def format_number(n: int | None) -> str:
    """1234567 -> '1.234.567'; -94 -> '−94'; None -> '–'."""
    if n is None:
        return NOT_REPORTED
    return (MINUS if n < 0 else "") + f"{abs(n):,}".replace(",", ".")


def _sign(x) -> str:
    """The sign a change is written with: '+', the minus sign, or '±' for no change."""
    return "+" if x > 0 else MINUS if x < 0 else "±"


def round_percent(p: Decimal) -> Decimal:
    # Half-up, as readers expect; Decimal's default would round half to even.
    return p.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_percent(p: Decimal | None) -> str:
    """Decimal('48.55') -> '48,55 %'; None -> '–'."""
    if p is None:
        return NOT_REPORTED
    q = round_percent(p)
    whole, cents = f"{abs(q):f}".split(".")
    return f"{MINUS if q < 0 else ''}{format_number(int(whole))},{cents} %"


def format_points(p: Decimal | None) -> str:
    """A change in percentage points: Decimal('1.5') -> '+1,50 poin', Decimal('-1.5') -> '−1,50 poin';
    None -> '–'."""
    if p is None:
        return NOT_REPORTED
    q = round_percent(p)
    return f"{_sign(q)}{format_percent(abs(q)).removesuffix(' %')} poin"


def format_change(n: int | None) -> str:
    """A signed change of a count: 1200 -> '+1.200', -1200 -> '−1.200', 0 -> '±0'; None -> '–'."""
    if n is None:
        return NOT_REPORTED
    return f"{_sign(n)}{format_number(abs(n))}"


_RUPIAH_UNITS = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"))


def format_rupiah(n: int | Decimal | None) -> str:
    """600_000_000 -> 'Rp 600 juta'; 1_250_000_000 -> 'Rp 1,25 miliar'; 750_000 -> 'Rp 750.000'."""
    if n is None:
        return NOT_REPORTED
    n = Decimal(n)
    for size, word in _RUPIAH_UNITS:
        if abs(n) >= size:
            q = (n / size).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
            whole, _, cents = f"{abs(q):f}".partition(".")
            text = format_number(int(whole)) + (f",{cents}" if cents else "")
            return f"Rp {MINUS if q < 0 else ''}{text} {word}"
    q = int(n.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return f"Rp {format_number(q)}"


def month_name(month: int) -> str:
    """1 -> 'Januari'."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month}")
    return _MONTHS[month - 1]


def _year_month(periode: str) -> tuple[int, int]:
    m = _PERIODE_PATTERN.fullmatch(periode)
    if m is None:
        raise ValueError(f"periode must be YYYY-MM, got {periode!r}")
    month_name(int(m[2]))  # refuses month 00 and 13
    return int(m[1]), int(m[2])


def format_periode(periode: str) -> str:
    """'2022-10' -> 'Oktober 2022'."""
    year, month = _year_month(periode)
    return f"{month_name(month)} {year}"


def format_periode_short(periode: str) -> str:
    """'2022-10' -> 'Okt 2022', for table cells and chart axes."""
    year, month = _year_month(periode)
    return f"{MONTHS_SHORT[month - 1]} {year}"


def format_range(start: str, end: str) -> str:
    """The months a sum covers: ('2022-01', '2022-10') -> 'Januari–Oktober 2022';
    ('2021-11', '2022-10') -> 'November 2021–Oktober 2022'; one month -> 'Oktober 2022'."""
    (year_a, month_a), (year_b, month_b) = _year_month(start), _year_month(end)
    if (year_a, month_a) == (year_b, month_b):
        return format_periode(end)
    if year_a == year_b:
        return f"{month_name(month_a)}–{month_name(month_b)} {year_b}"
    return f"{format_periode(start)}–{format_periode(end)}"


def format_range_short(start: str, end: str) -> str:
    """('2022-01', '2022-10') -> 'Jan–Okt 2022'; ('2021-11', '2022-10') -> 'Nov 2021–Okt 2022'."""
    (year_a, month_a), (year_b, month_b) = _year_month(start), _year_month(end)
    if (year_a, month_a) == (year_b, month_b):
        return format_periode_short(end)
    if year_a == year_b:
        return f"{MONTHS_SHORT[month_a - 1]}–{format_periode_short(end)}"
    return f"{format_periode_short(start)}–{format_periode_short(end)}"


def format_date(d: date) -> str:
    """date(2025, 11, 24) -> '24 November 2025'."""
    return f"{d.day} {month_name(d.month)} {d.year}"
