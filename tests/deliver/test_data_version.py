"""The data version: the content hash of the loaded files, against a real PostgreSQL."""

from __future__ import annotations

import hashlib
import uuid

import psycopg

from inpres.data_version import data_version


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _bpjs(conn, content: bytes) -> str:
    sha = _sha(content)
    conn.execute(
        "insert into raw.bpjs_extract (file_name, sha256, received_at) values ('bpjs_2022-10.csv', %s, now())", (sha,)
    )
    conn.commit()
    return sha


def test_data_version_is_the_hash_of_the_loaded_files_whatever_the_run(conn, load_submission):
    shas = [load_submission(conn, b"ambon"), load_submission(conn, b"palu", pelapor="72.71"), _bpjs(conn, b"bpjs")]
    first, second = data_version(conn, "scheduled__1"), data_version(conn, "manual__2")
    assert first.input_hash == second.input_hash == _sha("".join(f"{s}\n" for s in sorted(shas)).encode())
    assert (first.run_id, second.run_id) == ("scheduled__1", "manual__2")
    assert first.short == first.input_hash[:12] and len(first.input_hash) == 64


def test_one_more_file_of_either_source_changes_the_data_version(conn, load_submission):
    load_submission(conn, b"ambon")
    before = data_version(conn, "r").input_hash
    load_submission(conn, b"ambon, revisi 1")
    after_submission = data_version(conn, "r").input_hash
    _bpjs(conn, b"bpjs")
    after_bpjs = data_version(conn, "r").input_hash
    assert len({before, after_submission, after_bpjs}) == 3


def test_the_data_version_does_not_depend_on_the_order_files_were_loaded(pg_server, load_submission):
    from inpres.warehouse import create_database, ensure_schemas

    versions = []
    for order in ([b"a", b"b", b"c"], [b"c", b"a", b"b"]):
        url = f"{pg_server}/test_{uuid.uuid4().hex[:12]}"
        create_database(pg_server, url.rsplit("/", 1)[1])
        ensure_schemas(url)
        with psycopg.connect(url) as c:
            for i, content in enumerate(order):
                load_submission(c, content, pelapor=f"81.7{i}")
            versions.append(data_version(c, "r").input_hash)
    assert versions[0] == versions[1]
