"""Fixtures of the delivery tests: a connection to a fresh warehouse, and files recorded as loaded in it."""

from __future__ import annotations

import hashlib

import psycopg
import pytest


@pytest.fixture
def conn(warehouse):
    with psycopg.connect(warehouse) as connection:
        yield connection


@pytest.fixture
def load_submission():
    """Records a regional submission as loaded (its row in `raw.submission`, no data); returns its SHA-256."""

    def load(conn, content: bytes, pelapor: str = "81.71", periode: str = "2022-10") -> str:
        sha = hashlib.sha256(content).hexdigest()
        conn.execute(
            """insert into raw.submission (file_name, sha256, format, pelapor, periode, received_at)
                    values (%s, %s, 'xlsx', %s, %s, now())""",
            (f"{pelapor}_{periode}.xlsx", sha, pelapor, periode),
        )
        conn.commit()
        return sha

    return load
