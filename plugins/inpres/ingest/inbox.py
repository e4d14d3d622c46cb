"""Pulling submissions from the inbox and loading them raw."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone

import psycopg
from airflow.sdk import ObjectStoragePath

from inpres.alerts import REJECTED
from inpres.ingest.workbook import KEPESERTAAN_COLUMNS, SubmissionRejected, read_submission

log = logging.getLogger(__name__)

SUFFIXES = (".xlsx",)


def list_submissions(inbox: ObjectStoragePath) -> list[ObjectStoragePath]:
    """Submission files directly in the inbox, in name order so a night is repeatable."""
    if not inbox.exists():
        raise FileNotFoundError(f"inbox {inbox} does not exist")
    return sorted(
        (p for p in inbox.iterdir() if p.is_file() and p.name.lower().endswith(SUFFIXES)),
        key=lambda p: p.name,
    )


@dataclass
class LoadSummary:
    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: dict[str, list[str]] = field(default_factory=dict)


def load_submissions(conn: psycopg.Connection, paths: list[ObjectStoragePath]) -> LoadSummary:
    """Load each file in its own transaction: a bad file never stops or half-writes the others."""
    summary = LoadSummary()
    for path in paths:
        content = path.read_bytes()
        sha256 = hashlib.sha256(content).hexdigest()
        if conn.execute("select 1 from raw.submission where sha256 = %s", (sha256,)).fetchone():
            summary.unchanged.append(path.name)
            continue
        try:
            submission = read_submission(path.name, content)
        except SubmissionRejected as rejected:
            summary.rejected[path.name] = rejected.reasons
            log.warning("%s %s", REJECTED, rejected)
            continue
        with conn.transaction():
            submission_id = conn.execute(
                """insert into raw.submission (file_name, sha256, pelapor, periode, received_at)
                   values (%s, %s, %s, %s, %s) returning submission_id""",
                (path.name, sha256, submission.pelapor, submission.periode, _received_at(path)),
            ).fetchone()[0]
            columns = ("submission_id", "baris", *KEPESERTAAN_COLUMNS)
            with conn.cursor().copy(f"copy raw.kepesertaan ({', '.join(columns)}) from stdin") as copy:
                for row in submission.kepesertaan:
                    copy.write_row((submission_id, row["baris"], *(row[c] for c in KEPESERTAAN_COLUMNS)))
        summary.loaded.append(path.name)
        log.info("loaded %s: pelapor %s, periode %s, %d rows", path.name, submission.pelapor,
                 submission.periode, len(submission.kepesertaan))
    return summary


def _received_at(path: ObjectStoragePath) -> datetime:
    """When the file reached the inbox, as the object store says; it orders revisions."""
    info = path.stat()
    stamp = info.get("mtime") or info.get("LastModified") or info.get("created")
    if isinstance(stamp, datetime):
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)
    if isinstance(stamp, (int, float)):
        return datetime.fromtimestamp(stamp, tz=timezone.utc)
    return datetime.now(timezone.utc)
