"""One catalogue of report columns: a column's name is one column, whatever table it is in."""

from __future__ import annotations

from inpres.reports.content import columns, monthly, semester
from inpres.reports.figures import Figures, SemesterFigures


def test_every_name_is_declared_once():
    assert len(columns.CATALOGUE) == len(columns.ALL)


def test_the_tables_take_their_columns_from_the_catalogue_and_keep_its_kind():
    known = {
        **columns.CATALOGUE,
        **{k.name: k for k in (*columns.coverage_columns(""), columns.basis_column())},
    }
    kosong = Figures(
        periode="2022-10",
        **dict.fromkeys(("wilayah", "cakupan", "tren", "kepatuhan", "kelengkapan", "tren_kelengkapan", "laporan"), []),
        **dict.fromkeys(("belum_pernah", "rekonsiliasi", "klaim", "non_asn"), []),
    )
    semester_kosong = SemesterFigures(tahun=2022, semester=2, cakupan=[], kelengkapan=[], klaim=[], tren=[])
    tables = [*monthly.tables(kosong), *semester.tables(semester_kosong)]
    assert len(tables) == 22
    # The one table that holds the mart's segment code ('pekerja_rentan'); the others hold its label.
    kode_segmen = ("cakupan_wilayah", "segmen")
    for t in tables:
        for k in t.columns:
            assert k.name in known, f"{t.name}.{k.name} is not in the catalogue"
            assert k.kind == ("kode" if (t.name, k.name) == kode_segmen else known[k.name].kind), (t.name, k.name)
