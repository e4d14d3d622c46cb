"""Revised lists amend the register's grouped month (int_peserta__kelompok) to exactly what grouping it whole
gives: the generator's lists, loaded as intake loads them, built by real dbt and compared with a full refresh."""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import date

import psycopg

from inpres.generate import generate
from inpres.ingest import pseudonym
from inpres.ingest.inbox import BPJS, LAPORAN, find_deliveries, load_deliveries
from inpres.transform import run_dbt
from inpres.warehouse import dbt_env

PERIODE = "2022-10"
TODAY = date(2022, 11, 28)
GROUPED = "select * from intermediate.int_peserta__kelompok"


def _path(folder):
    from airflow.sdk import ObjectStoragePath

    return ObjectStoragePath(folder.absolute().as_uri())


def _load_and_group(warehouse, inbox, target, *flags) -> Counter:
    with psycopg.connect(warehouse) as conn:
        for folder, source in ((inbox, LAPORAN), (inbox / "bpjs", BPJS)):
            assert load_deliveries(conn, find_deliveries(_path(folder), source), TODAY).rejected == {}
    with dbt_env(warehouse):
        # Its seeds and models, not their tests: the nights' tests cover those.
        run_dbt(
            "build",
            "--select",
            "+int_peserta__kelompok",
            "--exclude-resource-type",
            "test",
            "--exclude-resource-type",
            "unit_test",
            *flags,
            target=target,
        )
    with psycopg.connect(warehouse) as conn:
        return Counter(conn.execute(GROUPED).fetchall())


def test_revised_lists_amend_the_month_to_what_grouping_it_whole_gives(warehouse, tmp_path, monkeypatch):
    key = secrets.token_hex(32)
    monkeypatch.setenv(pseudonym.ENV, key)
    inbox = tmp_path / "inbox"
    generate(
        inbox,
        start=PERIODE,
        end=PERIODE,
        scale=0.05,
        revised=0.3,
        broken=0.0,
        progress=False,
        peserta=0.01,
        nik_key=bytes.fromhex(key),
    )
    # The drafts first; their revised sets, the lists longer, arrive the night after.
    later = tmp_path / "later"
    later.mkdir()
    revisions = sorted(inbox.glob("*_revisi1_*"))
    assert any(p.name.endswith("_peserta.csv") for p in revisions)
    for path in revisions:
        path.rename(later / path.name)
    drafts = _load_and_group(warehouse, inbox, tmp_path / "dbt")
    for path in revisions:
        (later / path.name).rename(path)
    amended = _load_and_group(warehouse, inbox, tmp_path / "dbt")

    assert amended != drafts
    assert amended == _load_and_group(warehouse, inbox, tmp_path / "dbt", "--full-refresh")
