"""The data version: which inputs a night's outputs were built from.

`data_version(conn, run_id)` is the content hash of the night's inputs: SHA-256 over the sorted SHA-256s of
every delivery loaded in the warehouse (`raw.submission` and `raw.bpjs_extract`, every month). The same loaded
files give the same hash whatever the run; one more file (a late or revised one) gives another. Rejected files
(`audit.penolakan`) are not inputs and do not count.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class DataVersion:
    """Which inputs a night's outputs were built from: the run, and the content hash of its inputs."""

    run_id: str
    input_hash: str  # stored and printed as hash_masukan (manifest.json, audit.pengiriman)

    @property
    def short(self) -> str:
        """The first 12 hex digits: what a subject line or a page footer shows."""
        return self.input_hash[:12]


def data_version(conn, run_id: str) -> DataVersion:
    """The content hash of every delivery loaded in the warehouse (regional submissions and BPJS extracts)."""
    rows = conn.execute("select sha256 from raw.submission union all select sha256 from raw.bpjs_extract")
    digest = hashlib.sha256()
    for sha in sorted(row[0].strip().lower() for row in rows):
        digest.update(sha.encode("ascii") + b"\n")
    return DataVersion(run_id=run_id, input_hash=digest.hexdigest())
