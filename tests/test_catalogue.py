"""One list of segments and programs, the dbt seeds segmen.csv and program.csv: the loader accepts, dbt loads and
writes a column for, and the quality gate checks the same codes in the same order, and nothing else."""

from __future__ import annotations

import json

import psycopg
import pytest

from inpres import catalogue
from inpres.ingest import contract, values
from inpres.paths import EXPECTATIONS
from inpres.quality.gate import GateFailed, parameters, run_gate
from inpres.transform import run_dbt
from inpres.warehouse import dbt_env


def _column(sheet: tuple, name: str) -> contract.Column:
    [column] = [c for c in sheet if c.name == name]
    return column


def test_the_loader_accepts_the_seeds_codes_and_nothing_else():
    for sheet in (contract.KEPESERTAAN, contract.KLAIM, contract.BPJS):
        parse = _column(sheet, "segmen").parse
        # Officers' spelling of a code is forgiven; the stored value is the seed's code.
        assert [parse(kode.upper()) for kode in catalogue.SEGMEN] == list(catalogue.SEGMEN)
        with pytest.raises(ValueError, match="segmen 'petani' tidak dikenal"):
            parse("petani")
    parse = _column(contract.KLAIM, "program").parse
    assert [parse(kode.lower()) for kode in catalogue.PROGRAM] == list(catalogue.PROGRAM)
    with pytest.raises(ValueError, match="program 'JP' tidak dikenal"):
        parse("JP")
    assert values.SEGMEN == catalogue.SEGMEN and values.PROGRAM == catalogue.PROGRAM


def test_dbt_loads_the_same_seeds_and_writes_a_status_column_per_segment(warehouse, tmp_path):
    with dbt_env(warehouse):
        run_dbt("seed", "--select", "segmen", "program", target=tmp_path)
        compiled = run_dbt("compile", "--select", "fct_kepatuhan_pelapor", target=tmp_path)
    with psycopg.connect(warehouse) as conn:
        segmen = conn.execute("select kode, label, label_singkat from reference.segmen order by urutan").fetchall()
        program = conn.execute("select kode, label from reference.program order by urutan").fetchall()
    assert [kode for kode, _, _ in segmen] == list(catalogue.SEGMEN)
    assert {kode: label for kode, label, _ in segmen} == catalogue.SEGMEN_LABEL
    assert {kode: singkat for kode, _, singkat in segmen} == catalogue.SEGMEN_SHORT
    assert program == list(catalogue.PROGRAM_LABEL.items())
    assert list(catalogue.PROGRAM_LABEL) == list(catalogue.PROGRAM) == ["JKK", "JKM", "JHT"]
    # The scorecard's segment columns come from the seed (daftar_segmen), in its order.
    [sql] = [r.node.compiled_code for r in compiled if r.node.resource_type == "model"]
    positions = [sql.index(f"as status_cakupan_{kode},") for kode in catalogue.SEGMEN]
    assert positions == sorted(positions)
    assert sql.count("as status_cakupan_") == len(catalogue.SEGMEN)


def _raw_rows(warehouse: str, segmen: list[str]) -> None:
    with psycopg.connect(warehouse) as conn:
        conn.execute("""insert into raw.submission (submission_id, file_name, sha256, format, pelapor, periode,
                                                    received_at)
                        values (1, '81.71_2022-10.xlsx', 'x', 'xlsx', '81.71', '2022-10', now())""")
        for baris, kode in enumerate(segmen, start=2):
            conn.execute(
                "insert into raw.kepesertaan (submission_id, baris, kode_wilayah, segmen, sasaran, terlindungi) "
                "values (1, %s, '81.71', %s, 100, 50)",
                (baris, kode),
            )


def test_no_suite_lists_segments_itself():
    suites = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in EXPECTATIONS.glob("*.json")}
    listed = [
        (name, e["kwargs"]["column"])
        for name, suite in suites.items()
        for e in suite.get("expectations", [])
        if isinstance(e["kwargs"].get("value_set"), list) and set(e["kwargs"]["value_set"]) & set(catalogue.SEGMEN)
    ]
    assert listed == []
    [segmen] = [e for e in suites["raw_kepesertaan"]["expectations"] if e["kwargs"].get("column") == "segmen"]
    assert segmen["kwargs"]["value_set"] == {"$PARAMETER": "segmen_dikenal"}
    assert parameters()["segmen_dikenal"] == list(catalogue.SEGMEN)


def test_the_gate_accepts_every_segment_of_the_seed(warehouse, tmp_path):
    _raw_rows(warehouse, list(catalogue.SEGMEN))
    outcomes = run_gate("raw_kepesertaan", warehouse, "malam-1")
    assert [o.rule for o in outcomes if not o.success] == []


def test_the_gate_rejects_a_segment_the_catalogue_does_not_hold(warehouse, monkeypatch):
    """The gate's list is the catalogue's at run time: drop a segment from it and its row is refused."""
    *tetap, dibuang = catalogue.SEGMEN
    monkeypatch.setattr(catalogue, "SEGMEN", tuple(tetap))
    _raw_rows(warehouse, [*tetap, dibuang, "petani"])
    with pytest.raises(GateFailed) as failed:
        run_gate("raw_kepesertaan", warehouse, "malam-1")
    [outcome] = [o for o in failed.value.outcomes if o.rule == "segmen dikenal"]
    assert outcome.unexpected_count == 2
    assert sorted(row["segmen"] for row in outcome.sample) == sorted([dibuang, "petani"])
