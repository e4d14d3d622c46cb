"""The run folder's manifest.json.

`write_manifest(folder, ...)` writes `folder/manifest.json`: the month, when it was made (Asia/Jakarta), the
data version, and every other file under the folder with its size and SHA-256, so a reader can check that
what they hold is what the night wrote.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from airflow.sdk import ObjectStoragePath

from inpres.data_version import DataVersion

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
JAKARTA = ZoneInfo("Asia/Jakarta")

_CHUNK = 1 << 20


def write_manifest(
    folder: ObjectStoragePath, *, periode: str, version: DataVersion, created: datetime
) -> ObjectStoragePath:
    """Write `folder/manifest.json` listing every other file under `folder` (path relative to the manifest
    with '/' separators, bytes, sha256), sorted by path. Files are read in chunks, never whole."""
    if created.tzinfo is None:
        raise ValueError("created must carry a time zone: a naive time is ambiguous")
    entries = []
    for root, _dirs, files in folder.walk():
        under = root.relative_to(folder).parts
        for name in files:
            if not under and name == MANIFEST:
                continue  # itself (a manifest.json deeper down, e.g. dbt's, is listed like any file)
            size, sha = _size_and_sha256(root / name)
            entries.append({"path": "/".join((*under, name)), "bytes": size, "sha256": sha})
    entries.sort(key=lambda b: b["path"])
    manifest = {
        "periode": periode,
        "dibuat": created.astimezone(JAKARTA).isoformat(timespec="seconds"),
        "versi_data": {"run_id": version.run_id, "hash_masukan": version.input_hash},
        "berkas": entries,
    }
    target = folder / MANIFEST
    target.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    log.info("manifest lists %d file(s) in %s", len(entries), folder)
    return target


def _size_and_sha256(path: ObjectStoragePath) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()
