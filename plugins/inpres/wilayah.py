"""Region codes as the dbt seeds hold them: the one list every check reads."""

from __future__ import annotations

import csv
from functools import cache

from inpres.paths import DBT_PROJECT

NASIONAL = "00"


def _seed(name: str) -> list[dict]:
    with open(DBT_PROJECT / "seeds" / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@cache
def nama() -> dict[str, str]:
    """Name of every current province and kab/kota, by dotted code."""
    return {
        row["code"]: row["name"]
        for seed in ("wilayah_provinsi.csv", "wilayah_kabupaten_kota.csv")
        for row in _seed(seed)
    }


@cache
def kode_lama() -> dict[str, tuple[str, str]]:
    """Papua's pre-2022 kab/kota codes: old code -> (today's code, last month the old code is accepted)."""
    return {row["kode_lama"]: (row["kode_baru"], row["berlaku_sampai"]) for row in _seed("papua_kode_lama.csv")}


def kode_dikenal() -> frozenset[str]:
    """Every code a figure may carry in the warehouse: the nation, provinces, kab/kota, and old Papua codes."""
    return frozenset({NASIONAL, *nama(), *kode_lama()})


def provinsi(kode: str) -> str:
    return kode.split(".")[0]


def is_kabupaten_kota(kode: str) -> bool:
    return "." in kode


def masalah_kode(kode: str, periode: str) -> str | None:
    """Why `kode` cannot carry figures for `periode`, or None when it can."""
    if kode in nama():
        return None
    if kode in kode_lama():
        baru, sampai = kode_lama()[kode]
        if periode <= sampai:
            return None
        return f"kode {kode} sudah tidak berlaku sejak pemekaran Papua 2022; gunakan {baru} ({nama()[baru]})"
    return f"kode wilayah {kode} tidak dikenal (lihat Kepmendagri 300.2.2-2138/2025)"
