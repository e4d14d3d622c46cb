"""The dbt documentation published beside every report: an overview in Bahasa Indonesia, every mart column described."""

from __future__ import annotations

import json

import psycopg
import pytest


@pytest.fixture(scope="module")
def compiled(manifest) -> dict:
    return json.loads(manifest.read_text(encoding="utf-8"))


def _marts(compiled: dict) -> dict[str, dict]:
    marts = {
        node["name"]: node
        for node in compiled["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    }
    assert "fct_cakupan_wilayah" in marts and len(marts) >= 10, sorted(marts)
    return marts


def test_the_docs_open_on_an_overview_in_bahasa_indonesia(compiled):
    overview = compiled["docs"]["doc.inpres.__overview__"]["block_contents"]
    assert "Gudang data pemantauan Inpres 2/2021" in overview
    # The basis rule, as the reports apply it.
    assert "jumlah dari apa yang dilaporkan" in overview
    assert "basis_lengkap" in overview and "ambang_basis_persen" in overview
    for mart in _marts(compiled):
        if not mart.startswith("dim_"):
            assert f"`{mart}`" in overview, mart


def test_every_mart_and_every_column_it_declares_is_described(compiled):
    undescribed = [
        f"{name}.{column}"
        for name, node in _marts(compiled).items()
        for column, spec in node["columns"].items()
        if not spec.get("description", "").strip()
    ]
    undescribed += [name for name, node in _marts(compiled).items() if not node["description"].strip()]
    assert undescribed == []


def test_every_column_of_every_built_mart_is_declared(compiled, warehouse, tmp_path):
    """Built in an empty warehouse: a column added to a mart's SQL and not to its YAML shows up here."""
    from inpres.transform import run_dbt
    from inpres.warehouse import dbt_env

    with dbt_env(warehouse):
        run_dbt("build", "--select", "+marts", "--exclude", "resource_type:test", "resource_type:unit_test",
                target=tmp_path)  # fmt: skip
    with psycopg.connect(warehouse) as conn:
        rows = conn.execute(
            "select table_name, column_name from information_schema.columns where table_schema = 'marts'"
        ).fetchall()
    built: dict[str, set[str]] = {}
    for table, column in rows:
        built.setdefault(table, set()).add(column)
    marts = _marts(compiled)
    assert set(built) == set(marts)
    undeclared = {name: sorted(built[name] - set(node["columns"])) for name, node in marts.items()}
    assert {name: columns for name, columns in undeclared.items() if columns} == {}
