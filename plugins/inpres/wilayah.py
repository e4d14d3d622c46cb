"""Region codes as the dbt seeds hold them: the one list every check reads."""

from __future__ import annotations

import csv
from functools import cache

from inpres.paths import DBT_PROJECT

NASIONAL = "00"


@cache
def kode_dikenal() -> frozenset[str]:
    """Every valid territory code: the nation, 38 provinces and 514 kab/kota."""
    codes = {NASIONAL}
    for seed in ("wilayah_provinsi.csv", "wilayah_kabupaten_kota.csv"):
        with open(DBT_PROJECT / "seeds" / seed, newline="", encoding="utf-8") as f:
            codes.update(row["code"] for row in csv.DictReader(f))
    return frozenset(codes)
