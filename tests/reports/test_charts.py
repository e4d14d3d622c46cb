"""The report charts, drawn by real matplotlib into tmp_path.

Text is drawn as glyph paths, but matplotlib writes each text as an XML comment before its glyphs
(`<!-- 48,6 -->`): that is what these tests look for.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from inpres.reports import charts

ROOT = Path(__file__).resolve().parents[2]


def _text(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<?xml") and "</svg>" in text
    return text


def _kode_seed() -> list[str]:
    with (ROOT / "dbt_project" / "seeds" / "wilayah_provinsi.csv").open(newline="", encoding="utf-8") as f:
        return [r["code"] for r in csv.DictReader(f)]


def test_tile_grid_has_every_province_once_at_its_own_place():
    tiles = charts.province_tiles()
    assert sorted(t.kode for t in tiles) == sorted(_kode_seed())
    assert len(_kode_seed()) == 38
    assert len({(t.row, t.column) for t in tiles}) == len(tiles)
    assert len({t.abbreviation for t in tiles}) == len(tiles)
    # West to east, roughly: Aceh left of Jakarta, left of Sulawesi, left of Papua.
    column = {t.kode: t.column for t in tiles}
    assert column["11"] < column["31"] < column["73"] < column["91"]


def test_map_labels_every_province_and_draws_the_missing_ones(tmp_path):
    values = {t.kode: Decimal("20.00") for t in charts.province_tiles()}
    values["11"] = Decimal("48.55")  # half-up: 48,6
    values["94"] = None
    del values["95"]
    path = tmp_path / "peta.svg"
    charts.province_map(values, path, legend_title="Cakupan pekerja rentan", reported=set(values) - {"94"})
    svg = _text(path)
    for t in charts.province_tiles():
        assert f"<!-- {t.abbreviation} -->" in svg
    assert "<!-- 48,6 -->" in svg
    assert svg.count("<!-- – -->") == 2  # Papua Tengah (None) and Papua Pegunungan (left out)
    assert "Belum ada laporan" in svg and "Basis belum lengkap" not in svg
    assert "Cakupan pekerja rentan (%)" in svg


def test_map_shows_what_a_province_reported_even_when_incomplete(tmp_path):
    values = {t.kode: Decimal("20.00") for t in charts.province_tiles()}
    values["81"] = Decimal("35.57")  # Maluku: 11 of 12 governments, its coverage drawn, hatched
    values["82"] = None  # Maluku Utara reported, but no target is known: '?', never "no data"
    path = tmp_path / "peta.svg"
    charts.province_map(values, path, legend_title="Cakupan", incomplete={"81"}, reported=set(values))
    svg = _text(path)
    assert "<!-- 35,6 -->" in svg and "<!-- ? -->" in svg
    assert "Basis belum lengkap" in svg and "cakupan belum dapat dihitung" in svg
    assert "Belum ada laporan" not in svg and "<!-- – -->" not in svg


def test_bars_are_drawn_only_when_they_say_something():
    assert not charts.worth_drawing([Decimal("100"), Decimal("100"), Decimal("0"), None])
    assert charts.worth_drawing([Decimal("100"), Decimal("1"), Decimal("20.5")])


def test_trend_single_month_and_gaps(tmp_path):
    one = tmp_path / "satu.svg"
    charts.segmen_trend({"Pekerja rentan": [("2022-10", Decimal("12.30"))]}, one, y_label="Cakupan (%)", percent=True)
    svg = _text(one)
    assert "<!-- Okt 22 -->" in svg and "<!-- Pekerja rentan -->" in svg and "<!-- 10 % -->" in svg

    months = [f"{2022 + m // 12}-{m % 12 + 1:02d}" for m in range(9, 9 + 26)]
    series = {
        "Pekerja rentan": [(p, None if i in (3, 4) else 1_000_000 + 50_000 * i) for i, p in enumerate(months)],
        "Pegawai non-ASN": [(p, 400_000) for p in months[5:]],
    }
    many = tmp_path / "banyak.svg"
    charts.segmen_trend(series, many, y_label="Pekerja terlindungi", percent=False)
    svg = _text(many)
    assert "<!-- Nov 24 -->" in svg  # the last month is always named
    assert "<!-- 1.000.000 -->" in svg


def test_bars_label_indonesian_percentages(tmp_path):
    path = tmp_path / "peringkat.svg"
    charts.ranking_bars([("Aceh", Decimal("48.55")), ("Bali", Decimal("71.2"))], path, x_label="Cakupan (%)")
    svg = _text(path)
    assert "<!-- 48,55 % -->" in svg and "<!-- 71,20 % -->" in svg
    assert svg.index("<!-- Bali -->") > svg.index("<!-- Aceh -->")  # y labels bottom-up: Bali on top

    path = tmp_path / "kelengkapan.svg"
    charts.kelengkapan_bars(
        [("Aceh", Decimal("48.55"), Decimal("30")), ("Bali", None, None), ("Jambi", Decimal("0"), Decimal("0"))], path
    )
    svg = _text(path)
    assert "<!-- 48,55 % -->" in svg and "<!-- 30,00 % -->" in svg
    assert "<!-- Diterima -->" in svg and "<!-- Tepat waktu -->" in svg
    # Zero and unknown bars carry no label: not 72 times "0,00 %" for the provinces that did not report.
    assert "<!-- 0,00 % -->" not in svg and "tidak ada data" not in svg


def test_same_input_same_bytes(tmp_path):
    values = {t.kode: Decimal(int(t.kode)) for t in charts.province_tiles()}
    values["91"] = None
    series = {"Pekerja rentan": [("2022-10", Decimal("10")), ("2022-11", None), ("2022-12", Decimal("12.5"))]}
    for run in ("a", "b"):
        d = tmp_path / run
        d.mkdir()
        charts.province_map(values, d / "peta.svg", legend_title="Cakupan")
        charts.segmen_trend(series, d / "tren.svg", y_label="Cakupan (%)", percent=True)
        charts.ranking_bars([("Aceh", Decimal("48.55"))], d / "peringkat.svg", x_label="Cakupan (%)")
        charts.kelengkapan_bars([("Aceh", Decimal("90"), None)], d / "kelengkapan.svg")
    for name in ("peta.svg", "tren.svg", "peringkat.svg", "kelengkapan.svg"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
