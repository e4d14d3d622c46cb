"""What every report document shares: the cover's lines (period, when it was made, the data version)."""

from __future__ import annotations

from datetime import datetime

from inpres.data_version import DataVersion
from inpres.reports.formatting import format_tanggal


def info_sampul(periode_label: str, versi: DataVersion, dibuat: datetime) -> list[list[str]]:
    return [
        ["Periode", periode_label],
        ["Dibuat", f"{format_tanggal(dibuat)} pukul {dibuat:%H.%M} WIB"],
        ["Versi data", versi.pendek],
        ["Hash masukan (SHA-256)", versi.hash_masukan],
        ["ID proses (run id)", versi.run_id],
    ]
