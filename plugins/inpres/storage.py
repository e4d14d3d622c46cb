"""Copying local files to the output location, which may be object storage."""

from __future__ import annotations

from pathlib import Path

from airflow.sdk import ObjectStoragePath


def upload_tree(local: Path, target: ObjectStoragePath) -> list[ObjectStoragePath]:
    """Copy every file under `local` to the same relative path under `target`."""
    written = []
    for path in sorted(p for p in local.rglob("*") if p.is_file()):
        destination = target.joinpath(*path.relative_to(local).parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(path.read_bytes())
        written.append(destination)
    return written
