"""The gates' Data Docs open offline and say what the gate decided: a gate whose failures are warnings passed."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest

from inpres.quality.gate import GateFailed, run_gate

# Everything a page loads by itself: scripts, stylesheets, images, CSS backgrounds (links a reader clicks
# are not loads).
LOADS = re.compile(r'<(?:script|link|img)\b[^>]*?\b(?:src|href)="([^"]+)"|url\([\'"]?([^\'")]+)')


def _raw(warehouse: str, *rows: tuple) -> None:
    with psycopg.connect(warehouse) as conn:
        conn.execute("""insert into raw.submission (submission_id, file_name, sha256, format, pelapor, periode,
                                                    received_at)
                        values (1, '81_2022-10.xlsx', 'x', 'xlsx', '81', '2022-10', now())""")
        for baris, row in enumerate(rows, start=2):
            conn.execute(
                "insert into raw.kepesertaan (submission_id, baris, kode_wilayah, segmen, sasaran, "
                "terlindungi) values (1, %s, %s, %s, %s, %s)",
                (baris, *row),
            )


def _pages(docs: Path) -> dict[Path, str]:
    pages = {page: page.read_text(encoding="utf-8") for page in docs.rglob("*.html")}
    assert {p.relative_to(docs).parts[0] for p in pages} == {"index.html", "expectations", "validations"}
    return pages


def _assert_offline(docs: Path, pages: dict[Path, str]) -> None:
    for page, html in pages.items():
        loads = [tag or css for tag, css in LOADS.findall(html)]
        assert "amazonaws.com" not in html, page
        assert any("static/vendor/jquery-3.7.1/jquery.min.js" in src for src in loads), page
        for src in loads:
            assert not re.match(r"(https?:)?//", src), (page, src)
            assert (page.parent / src).resolve().is_file(), (page, src)
    # The icons' font, which the vendored stylesheet names relative to itself.
    assert (docs / "static/vendor/fontawesome-free-6.6.0/webfonts/fa-solid-900.woff2").stat().st_size > 0


def test_a_gate_that_passed_with_a_warning_says_so_and_its_pages_work_offline(warehouse, tmp_path):
    _raw(warehouse, ("81.71", "pekerja_rentan", 70_000, 40_000), ("81.71", "non_asn", None, 2_850))
    docs = tmp_path / "docs"
    outcomes = run_gate("raw_kepesertaan", warehouse, "malam-1", docs)
    assert [o.severity for o in outcomes if not o.success] == ["warning"]

    pages = _pages(docs)
    _assert_offline(docs, pages)
    [validation] = [html for page, html in pages.items() if "validations" in page.parts]
    assert not re.search(r"Status:</span>\s*<i[^>]*></i>\s*Failed", validation)
    assert re.search(
        r'Status:</span>\s*<i class="fas fa-exclamation-triangle text-warning"[^>]*></i>\s*'
        r"Passed with warnings",
        validation,
    )
    # The failed rule is shown as a warning, the rules that held as passed, none as failed.
    assert "sasaran diisi (tanpa sasaran, cakupan tidak dapat dihitung) (warning:" in validation
    assert "terlindungi ≤ sasaran (blocking:" in validation
    assert validation.count("fa-exclamation-triangle text-warning") == 2  # the header and the rule's row
    assert "fa-times text-danger" not in validation
    index = pages[docs / "index.html"]
    assert "'_validation_success_text': 'Passed with warnings'" in index and "'Failed'" not in index


def test_a_gate_that_failed_still_says_failed(warehouse, tmp_path):
    _raw(warehouse, ("81.71", "pekerja_rentan", 70_000, 40_000), ("81.71", "non_asn", 10, 20))
    docs = tmp_path / "docs"
    with pytest.raises(GateFailed):
        run_gate("raw_kepesertaan", warehouse, "malam-1", docs)

    pages = _pages(docs)
    _assert_offline(docs, pages)
    [validation] = [html for page, html in pages.items() if "validations" in page.parts]
    assert re.search(r'Status:</span>\s*<i class="fas fa-times text-danger"[^>]*></i>\s*Failed', validation)
    assert "Passed with warnings" not in validation
