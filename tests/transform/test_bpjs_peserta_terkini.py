"""int_bpjs__peserta_terkini keeps each month's newest BPJS extract only, built by real dbt on a real warehouse."""

from __future__ import annotations

import psycopg
from psycopg.types.json import Jsonb

from inpres.transform import run_dbt
from inpres.warehouse import dbt_env


def _arrives(conn, file_name: str, received_at: str, rows: dict[str, int]) -> int:
    """An extract as intake loads it: its row, and `rows[periode]` participants per month (pseudonyms made up)."""
    [(extract_id,)] = conn.execute(
        "insert into raw.bpjs_extract (file_name, sha256, received_at) values (%s, md5(%s), %s) returning extract_id",
        (file_name, file_name, received_at),
    ).fetchall()
    conn.execute(
        """insert into raw.bpjs_peserta (extract_id, baris, periode, nik_pseudonim)
           select %s, row_number() over (), m.periode, sha256((%s || m.periode || n)::bytea)
           from jsonb_each_text(%s::jsonb) as m (periode, jumlah), generate_series(1, m.jumlah::int) as n""",
        (extract_id, file_name, Jsonb(rows)),
    )
    conn.commit()
    return extract_id


def _build(warehouse, tmp_path) -> list[tuple]:
    with dbt_env(warehouse):
        run_dbt("run", "--select", "+int_bpjs__peserta_terkini", target=tmp_path / "dbt")
    with psycopg.connect(warehouse) as conn:
        return conn.execute(
            "select periode, extract_id, count(*) from intermediate.int_bpjs__peserta_terkini group by 1, 2 order by 1"
        ).fetchall()


def test_a_month_keeps_its_newest_extract_whole_and_the_other_months_stay(warehouse, tmp_path):
    with psycopg.connect(warehouse) as conn:
        september = _arrives(conn, "bpjs_peserta_2022-09.csv", "2022-10-15", {"2022-09": 3})
        oktober = _arrives(conn, "bpjs_peserta_2022-10.csv", "2022-11-15", {"2022-10": 4})
    assert _build(warehouse, tmp_path) == [("2022-09", september, 3), ("2022-10", oktober, 4)]

    # October sent again, shorter; and a file that arrived earlier but was loaded late counts as older.
    with psycopg.connect(warehouse) as conn:
        ulang = _arrives(conn, "bpjs_peserta_2022-10_ulang.csv", "2022-11-20", {"2022-10": 2})
        _arrives(conn, "bpjs_peserta_2022-10_awal.csv", "2022-11-10", {"2022-10": 5})
    assert _build(warehouse, tmp_path) == [("2022-09", september, 3), ("2022-10", ulang, 2)]
