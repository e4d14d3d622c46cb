"""One night with participant lists (template v1.1) from the generator: the report counts each person once and
names the double counting the generator planted, and no NIK is left in clear anywhere the night writes."""

from __future__ import annotations

import secrets

import psycopg
from pypdf import PdfReader

from inpres.generate import generate
from inpres.reports.content.register import JENIS_GANDA
from inpres.reports.formatting import format_number
from test_privacy_night import _nik_shaped, _not_vendored, _texts

PERIODE = "2022-10"


def test_a_night_with_participant_lists_reports_persons_once_and_who_lists_them_twice(run_nightly, warehouse, tmp_path):
    key = secrets.token_hex(32)
    inbox = tmp_path / "inbox"
    answer = generate(
        inbox,
        start=PERIODE,
        end=PERIODE,
        scale=0.05,
        skip_broken=("zip_bomb", "oversized"),
        progress=False,
        peserta=0.01,
        nik_key=bytes.fromhex(key),
    ).peserta[PERIODE]
    assert answer["orang_tercatat_ganda"] > 0 and answer["orang_tidak_aktif_bpjs"] > 0
    assert {jenis for *_, jenis, _ in answer["pasangan"]} == {"provinsi_dan_kabkota", "antar_kabkota"}

    run = run_nightly(inbox, INPRES_NIK_KEY=key, INPRES_PERIODE=PERIODE)
    assert run.returncode == 0, run.stderr + run.log[-3000:]

    with psycopg.connect(warehouse) as conn:
        nasional = conn.execute(
            """select orang_unik, orang_tercatat_ganda, orang_tidak_aktif_bpjs, terlindungi_diklaim
               from marts.fct_register_wilayah where kode_wilayah = '00' and segmen = 'semua' and periode = %s""",
            (PERIODE,),
        ).fetchone()
        pasangan = conn.execute(
            "select pelapor_a, pelapor_b, jenis, orang from marts.fct_register_ganda where periode = %s", (PERIODE,)
        ).fetchall()
        tables = conn.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema not in ('pg_catalog', 'information_schema')"
        ).fetchall()
        rows = [
            (f"{s}.{t}", " ".join(map(str, row)))
            for s, t in tables
            for row in conn.execute(f'select * from "{s}"."{t}"')
        ]
    orang, ganda, tidak_aktif, diklaim = nasional
    assert (orang, ganda, tidak_aktif) == (
        answer["orang_unik"],
        answer["orang_tercatat_ganda"],
        answer["orang_tidak_aktif_bpjs"],
    )
    assert sorted(map(list, pasangan)) == answer["pasangan"]

    text = " ".join(" ".join(page.extract_text() or "" for page in PdfReader(run.report).pages).split())
    assert f"memuat {format_number(orang)} orang terlindungi (setiap orang dihitung satu kali)" in text
    assert f"diklaim {format_number(diklaim)}; {format_number(ganda)} orang dicatat oleh lebih dari satu" in text
    assert f"dan {format_number(tidak_aktif)} orang tidak aktif menurut data BPJS" in text
    # The pairs table: one row per pair, each naming its kind.
    kinds = {jenis for *_, jenis, _ in answer["pasangan"]}
    assert sum(text.count(JENIS_GANDA[jenis]) for jenis in kinds) == len(answer["pasangan"])

    karantina = tmp_path / "karantina"
    assert any(where == "raw.peserta" for where, _ in rows) and any(where == "raw.bpjs_peserta" for where, _ in rows)
    seen = [*_texts(run.output), ("stdout", run.stdout), ("stderr", run.stderr), ("log", run.log), *rows]
    seen += [(f"{p}", p.read_text(encoding="utf-8")) for p in karantina.rglob("*.alasan.txt")]
    seen += [(f"name {p}", p.name) for p in karantina.rglob("*")]
    assert _nik_shaped(_not_vendored(seen)) == []
