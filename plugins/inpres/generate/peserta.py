"""Participants with valid NIKs (template v1.1), without a random draw per person: person j of a territory
is always the same NIK, so a month's list is a prefix of the next, and two lists that name the same person
name the same NIK.

Person j of kab/kota K: the kecamatan j mod |kecamatan of K|, then a birth date (every day 1960–2005, women
with day + 40) picked by a bijection of the quotient, then a serial from what is left: unique by
construction. A province's own people take serials from 9000 up, so they never meet a kab/kota's.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache

from inpres import wilayah
from inpres.ingest import peserta as contract_peserta

# Far apart, so that the people of two segments of one territory never overlap.
SEGMENT_OFFSET = 10_000_000
_PRIME = 7_919


@cache
def _kecamatan(kode: str) -> tuple[str, ...]:
    with contract_peserta.KECAMATAN.open(encoding="utf-8", newline="") as f:
        codes = [row["code"] for row in csv.DictReader(f)]
    inside = [c for c in codes if c.startswith(kode + ".")]
    return tuple(c.replace(".", "") for c in inside)


@cache
def _dates() -> tuple[str, ...]:
    found, day = [], date(1960, 1, 1)
    while day.year <= 2005:
        found.append(f"{day.day:02d}{day.month:02d}{day.year % 100:02d}")
        found.append(f"{day.day + 40:02d}{day.month:02d}{day.year % 100:02d}")
        day += timedelta(days=1)
    return tuple(found)


def nik(kode: str, j: int) -> str:
    """The NIK of person `j` of territory `kode` (a kab/kota or a province)."""
    kecamatan, dates = _kecamatan(kode), _dates()
    where, rest = j % len(kecamatan), j // len(kecamatan)
    serial = rest // len(dates) + 1 + (0 if wilayah.is_kabupaten_kota(kode) else 9000)
    return f"{kecamatan[where]}{dates[(rest % len(dates)) * _PRIME % len(dates)]}{serial:04d}"


def people(kode: str, segmen_index: int, count: int, start: int = 0) -> Iterator[str]:
    base = segmen_index * SEGMENT_OFFSET
    return (nik(kode, base + j) for j in range(start, start + count))
