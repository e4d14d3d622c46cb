"""The worker segments and BPJS Ketenagakerjaan programs of template v1, read once from their one list: the dbt
seeds dbt_project/seeds/segmen.csv and program.csv.

The same files are the seeds dbt loads, which the models and dbt's tests read; here the loader checks the
values officers write against them, the quality gate fills its `segmen_dikenal` from them, and the reports
print their labels. A new segment is a row in segmen.csv (and its status column documented in
fct_kepatuhan_pelapor).
"""

from __future__ import annotations

import csv

from inpres.paths import DBT_PROJECT


def _rows(seed: str) -> list[dict[str, str]]:
    """A seed's rows in its order (`urutan`), which is the order of every table and list."""
    with (DBT_PROJECT / "seeds" / f"{seed}.csv").open(encoding="utf-8", newline="") as f:
        return sorted(csv.DictReader(f), key=lambda row: int(row["urutan"]))


_SEGMEN = _rows("segmen")
_PROGRAM = _rows("program")

# Codes, in order: `pekerja_rentan`, ...; `JKK`, ...
SEGMEN: tuple[str, ...] = tuple(row["kode"] for row in _SEGMEN)
PROGRAM: tuple[str, ...] = tuple(row["kode"] for row in _PROGRAM)
# Labels as the reports print them, in the same order: "Pekerja rentan"; "P. rentan" in narrow columns;
# "Jaminan Kematian".
SEGMEN_LABEL: dict[str, str] = {row["kode"]: row["label"] for row in _SEGMEN}
SEGMEN_SHORT: dict[str, str] = {row["kode"]: row["label_singkat"] for row in _SEGMEN}
PROGRAM_LABEL: dict[str, str] = {row["kode"]: row["label"] for row in _PROGRAM}
