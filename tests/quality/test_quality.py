"""Quality gates run through GX against a real warehouse: outcome, severity, what is recorded, who is told."""

from __future__ import annotations

import psycopg
import pytest

from inpres.alerts import notify_oncall
from inpres.quality.gate import BLOCKING, WARNING, GateFailed, run_gate


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


def _recorded(warehouse: str) -> dict[str, tuple]:
    with psycopg.connect(warehouse) as conn:
        rows = conn.execute(
            "select aturan, severity, success, unexpected_count, sample "
            "from audit.validation_result where run_id = 'malam-1'"
        ).fetchall()
    return {r[0]: r[1:] for r in rows}


GOOD = ("81.71", "pekerja_rentan", 70_000, 40_000)


def test_clean_rows_pass_every_expectation_and_each_is_recorded(warehouse, tmp_path):
    _raw(warehouse, GOOD, ("81", "non_asn", 9_100, 8_150))
    outcomes = run_gate("raw_kepesertaan", warehouse, "malam-1", tmp_path / "docs")
    assert outcomes and all(o.success for o in outcomes)
    recorded = _recorded(warehouse)
    assert len(recorded) == len(outcomes) and all(success for _, success, _, _ in recorded.values())


@pytest.mark.parametrize(
    "row, rule, sample",
    [
        (
            ("81.99", "non_asn", 10, 5),
            "kode_wilayah dikenal (Kepmendagri 300.2.2-2138/2025)",
            {"submission_id": 1, "baris": 3, "kode_wilayah": "81.99"},
        ),
        (("81.71", "petani", 10, 5), "segmen dikenal", {"submission_id": 1, "baris": 3, "segmen": "petani"}),
        (("81.71", "non_asn", -1, 0), "sasaran tidak negatif", {"submission_id": 1, "baris": 3, "sasaran": -1}),
        (
            ("81.71", "non_asn", 10, -5),
            "terlindungi tidak negatif",
            {"submission_id": 1, "baris": 3, "terlindungi": -5},
        ),
        (
            ("81.71", "non_asn", 10, 20),
            "terlindungi ≤ sasaran",
            {"submission_id": 1, "baris": 3, "sasaran": 10, "terlindungi": 20},
        ),
    ],
)
def test_a_broken_blocking_rule_stops_the_gate_and_is_recorded_with_its_rows(warehouse, tmp_path, row, rule, sample):
    _raw(warehouse, GOOD, row)
    with pytest.raises(GateFailed) as failed:
        run_gate("raw_kepesertaan", warehouse, "malam-1", tmp_path / "docs")
    # (a negative sasaran also breaks terlindungi ≤ sasaran: both are reported)
    outcome = {o.rule: o for o in failed.value.outcomes}[rule]
    assert (outcome.rule, outcome.severity, outcome.unexpected_count) == (rule, BLOCKING, 1)
    assert outcome.line().startswith("BLOCKING gate raw_kepesertaan: ")
    assert _recorded(warehouse)[rule] == (BLOCKING, False, 1, [sample])
    # The Data Docs are written even when the gate stops the night, so the failure can be looked at.
    assert "raw_kepesertaan" in (tmp_path / "docs" / "index.html").read_text(encoding="utf-8")


def test_a_warning_lets_the_gate_pass_and_is_recorded(warehouse, tmp_path):
    _raw(warehouse, GOOD, ("81.71", "non_asn", None, 2_850))
    outcomes = run_gate("raw_kepesertaan", warehouse, "malam-1", tmp_path / "docs")
    [warning] = [o for o in outcomes if not o.success]
    assert (warning.severity, warning.unexpected_count) == (WARNING, 1)
    assert _recorded(warehouse)[warning.rule] == (
        WARNING,
        False,
        1,
        [{"submission_id": 1, "baris": 3, "sasaran": None}],
    )


def test_on_call_is_mailed_the_failed_expectations(smtp_server, monkeypatch):
    monkeypatch.setenv("INPRES_ONCALL_EMAIL", "piket@kemenkopmk.example, data@kemenkopmk.example")
    assert notify_oncall(
        "gerbang mutu raw_kepesertaan gagal", ["BLOCKING gate raw_kepesertaan: x [terlindungi ≤ sasaran]"]
    )
    [(recipients, message)] = smtp_server.messages
    assert recipients == ["piket@kemenkopmk.example", "data@kemenkopmk.example"]
    assert "raw_kepesertaan" in message["Subject"]
    body = "".join(part.get_payload(decode=True).decode() for part in message.walk() if not part.is_multipart())
    assert "terlindungi ≤ sasaran" in body


def test_without_an_on_call_address_nobody_is_mailed(monkeypatch):
    monkeypatch.delenv("INPRES_ONCALL_EMAIL", raising=False)
    assert notify_oncall("x", ["y"]) is False
