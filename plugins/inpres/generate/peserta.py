"""Participants with valid NIKs (template v1.1), without a random draw per person: person j of a territory
is always the same NIK, so a month's list is a prefix of the next, and two lists that name the same person
name the same NIK.

Person j of kab/kota K: the kecamatan j mod |kecamatan of K|, then a birth date (every day 1960–2005, women
with day + 40) picked by a bijection of the quotient, then a serial from what is left: unique by
construction. A province's own people take serials from 9000 up, so they never meet a kab/kota's.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache

from inpres import wilayah
from inpres.ingest import peserta as contract_peserta
from inpres.ingest.values import SEGMEN

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


# --- the lists a generated inbox carries (--peserta) ---------------------------------------------------

# Of a kab/kota's list, the share who moved in from the next kab/kota of the province and are still on its list;
# of a province's own list, the share who are also people of one of its kab/kota. Both are listed twice.
PINDAH = 0.03
DARI_KABKOTA = 0.05
# Of the persons listed, the share BPJS Ketenagakerjaan's per-participant extract does not show as active.
TIDAK_AKTIF = 0.04


def _asal(pelapor: str, on_behalf: set[str]) -> str | None:
    """Whose people a list borrows: a kab/kota the next one of its province (a move), a province its first
    kab/kota it does not report for (its rows for that one would name the same persons twice in one list)."""
    provinsi = wilayah.provinsi(pelapor)
    kabkota = sorted(k for k in wilayah.nama() if wilayah.is_kabupaten_kota(k) and wilayah.provinsi(k) == provinsi)
    if wilayah.is_kabupaten_kota(pelapor):
        return kabkota[(kabkota.index(pelapor) + 1) % len(kabkota)] if len(kabkota) > 1 else None
    return next((k for k in kabkota if k not in on_behalf), None)


def daftar(pelapor: str, kepesertaan: list[tuple], scale: float) -> list[tuple]:
    """The `peserta` sheet behind a submission's kepesertaan rows: round(terlindungi × scale) active persons per
    row, the persons of the row's territory, a few of them borrowed (see PINDAH, DARI_KABKOTA)."""
    on_behalf = {row[0] for row in kepesertaan if row[0] != pelapor}
    asal = _asal(pelapor, on_behalf)
    rows = []
    for kode, segmen, _sasaran, terlindungi, *_ in kepesertaan:
        count, index = round(terlindungi * scale), SEGMEN.index(segmen)
        borrowed = 0
        if kode == pelapor and asal:
            borrowed = round(count * (PINDAH if wilayah.is_kabupaten_kota(pelapor) else DARI_KABKOTA))
        niks = [*people(asal, index, borrowed), *people(kode, index, count - borrowed)]
        rows.extend((nik, segmen, kode, None, None, "aktif") for nik in niks)
    return rows


def aktif_di_bpjs(seed: int, nik: str) -> bool:
    """Whether BPJS's extract shows the person as active: a fixed draw per person, the same every month."""
    draw = int.from_bytes(hashlib.blake2b(f"{seed}:{nik}".encode(), digest_size=4).digest())
    return draw >= TIDAK_AKTIF * 2**32
