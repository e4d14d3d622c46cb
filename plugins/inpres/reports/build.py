"""What every report document shares: the cover's lines (period, when it was made, the data version)."""

from __future__ import annotations

from datetime import datetime

from inpres.data_version import DataVersion
from inpres.reports.formatting import format_date


def cover_info(periode_label: str, version: DataVersion, created: datetime) -> list[list[str]]:
    return [
        ["Periode", periode_label],
        ["Dibuat", f"{format_date(created)} pukul {created:%H.%M} WIB"],
        ["Versi data", version.pendek],
        ["Hash masukan (SHA-256)", version.hash_masukan],
        ["ID proses (run id)", version.run_id],
    ]
