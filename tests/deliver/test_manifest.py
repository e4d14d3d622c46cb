"""manifest.json: every other file of the run folder with its size and hash."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime

import pytest
from airflow.sdk import ObjectStoragePath

from inpres.data_version import DataVersion
from inpres.deliver.manifest import write_manifest


def _files(folder: ObjectStoragePath) -> dict[str, bytes]:
    files = {
        "laporan_nasional_2022-10.pdf": b"%PDF-1.7 laporan",
        "laporan_nasional_2022-10.xlsx": b"PK\x03\x04 workbook",
        "data/cakupan_wilayah.csv": b"kode_wilayah,periode\n81.71,2022-10\n",
        "data_docs/raw_kepesertaan/index.html": os.urandom(3 * 1024 * 1024 + 17),  # read in several chunks
        "dbt_docs/manifest.json": b'{"dbt": true}',  # somebody else's manifest.json is listed like any file
        "kosong.txt": b"",
    }
    for relative, content in files.items():
        path = folder.joinpath(*relative.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return files


def test_manifest_lists_every_other_file_with_its_size_and_hash(tmp_path):
    folder = ObjectStoragePath((tmp_path / "2022-10" / "manual__1").as_uri())
    folder.mkdir(parents=True, exist_ok=True)
    files = _files(folder)
    (folder / "manifest.json").write_text('{"stale": true}')  # an earlier manifest is replaced, not listed

    version = DataVersion(run_id="manual__1", input_hash="a" * 64)
    written = write_manifest(
        folder, periode="2022-10", version=version, created=datetime(2022, 11, 1, 18, 30, tzinfo=UTC)
    )

    assert str(written) == str(folder / "manifest.json")
    manifest = json.loads(written.read_text(encoding="utf-8"))
    assert manifest["periode"] == "2022-10"
    assert manifest["dibuat"] == "2022-11-02T01:30:00+07:00"
    assert manifest["versi_data"] == {"run_id": "manual__1", "hash_masukan": "a" * 64}
    assert [b["path"] for b in manifest["berkas"]] == sorted(files)
    for entry in manifest["berkas"]:
        on_disk = folder.joinpath(*entry["path"].split("/")).read_bytes()
        assert on_disk == files[entry["path"]]
        assert (entry["bytes"], entry["sha256"]) == (len(on_disk), hashlib.sha256(on_disk).hexdigest())


def test_manifest_refuses_a_time_without_a_zone(tmp_path):
    with pytest.raises(ValueError):
        write_manifest(
            ObjectStoragePath(tmp_path.as_uri()),
            periode="2022-10",
            version=DataVersion(run_id="manual__1", input_hash="a" * 64),
            created=datetime(2022, 11, 1, 1, 30),
        )
