"""No NIK in clear anywhere intake writes: reasons, audit, quarantine, log, what the tasks hand on (XCom)."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict
from datetime import date
from pathlib import Path

import psycopg
import pytest
from airflow.sdk import ObjectStoragePath

from inpres.ingest import values
from inpres.ingest.inbox import LAPORAN, Delivery, find_deliveries, load_deliveries
from inpres.privacy import has_nik, mask_nik

TODAY = date(2026, 11, 24)
NIK = "3171234567890123"
MASKED = "3171********0123"
# Every form a NIK was seen in: an XLSX number, its float repr (as text, with Excel's decimals), Excel's
# apostrophe, inside a sentence, in groups, in scientific notation.
FORMS = [
    int(NIK),
    float(NIK),
    f"{NIK}.0",
    f"{NIK}.00",
    f"'{NIK}",
    f"NIK {NIK} a.n. Budi",
    "3171 2345 6789 0123",
    "3171.2345.6789.0123",
    "3.171234567890123e+15",
]
CLEAR = re.compile(r"\d{16}|\d{4}[ .\-]\d{4}[ .\-]\d{4}[ .\-]\d{4}|\d\.\d{15}")


@pytest.mark.parametrize(
    "text, masked",
    [
        (NIK, MASKED),
        (f"{NIK}.0", f"{MASKED}.0"),
        (f"{NIK}.00", f"{MASKED}.00"),
        (f"'{NIK}", f"'{MASKED}"),
        (f"NIK {NIK} a.n. Budi", f"NIK {MASKED} a.n. Budi"),
        ("3171 2345 6789 0123", MASKED),
        ("3.171234567890123e+15", f"{MASKED}e+15"),
        (f"{NIK}_2022-10.xlsx", f"{MASKED}_2022-10.xlsx"),
        ("31712345678901234567", "3171************4567"),
        # what is not a NIK is left as written
        ("81.71_2022-10.xlsx", "81.71_2022-10.xlsx"),
        ("Rp 1.200.000.000", "Rp 1.200.000.000"),
        ("lembar kepesertaan, baris 2", "lembar kepesertaan, baris 2"),
        ("123456789012345", "123456789012345"),
    ],
)
def test_every_nik_shaped_run_is_masked_keeping_the_first_and_last_four(text, masked):
    assert mask_nik(text) == masked
    assert has_nik(text) == (masked != text)


@pytest.mark.parametrize("form", FORMS, ids=repr)
def test_a_value_quoted_in_a_message_never_shows_a_nik(form):
    for parse in (values.segmen, values.kode_wilayah, values.periode, values.tanggal):
        with pytest.raises(ValueError) as refused:
            parse(form)
        assert not CLEAR.search(str(refused.value)), str(refused.value)
    assert not CLEAR.search(values.shown(form))


def test_a_nik_in_free_text_is_stored_masked():
    assert values.teks(f"Dinas Tenaga Kerja (NIK operator {NIK})") == f"Dinas Tenaga Kerja (NIK operator {MASKED})"


def _csv(path: Path, rows: list[tuple]) -> None:
    path.write_text(
        "\r\n".join(",".join("" if v is None else str(v) for v in row) for row in rows) + "\r\n", encoding="utf-8"
    )


def test_a_night_of_nik_bearing_files_leaves_no_nik_anywhere(warehouse, submission, tmp_path, monkeypatch, caplog):
    inbox, karantina = tmp_path / "inbox", tmp_path / "karantina"
    monkeypatch.setenv("INPRES_KARANTINA", str(karantina))
    good = ("81.71", "pekerja_rentan", 70_000, 40_000, None, None)
    # Each form in each kind of column: a count, an amount, a choice, a code.
    for i, form in enumerate(FORMS):
        submission(
            inbox / f"81.71_2022-10_nik{i}.xlsx",
            pelapor="81.71",
            periode="2022-10",
            kepesertaan=[
                ("81.71", "pekerja_rentan", 70_000, form, None, None),
                ("81.71", form, 10, 5, form, None),
                (form, "non_asn", 10, 5, None, form),
            ],
            klaim=[("JKM", form, form, form)],
        )
    # The NIK in the file name: a bad workbook, a bad CSV set, and a good workbook that loads.
    submission(
        inbox / f"{NIK}.xlsx", pelapor="81.71", periode="2022-10", kepesertaan=[("81.71", "petani", 10, 5, None, None)]
    )
    submission(
        inbox / f"NIK {NIK} 72.71_2022-10.xlsx",
        pelapor="72.71",
        periode="2022-10",
        kepesertaan=[("72.71", "non_asn", 10, 5, None, None)],
        nama_instansi=f"Disnaker, NIK {NIK}",
    )
    _csv(inbox / f"{NIK}_2022-10_identitas.csv", [("kunci", "nilai"), ("kode_pelapor", NIK), ("periode", f"'{NIK}")])
    _csv(
        inbox / f"{NIK}_2022-10_kepesertaan.csv",
        [("kode_wilayah", "segmen", "sasaran", "terlindungi", "iuran_rp", "sumber_dana"), good],
    )
    _csv(inbox / f"{NIK}_2022-10_kepatuhan.csv", [("regulasi",), (f"NIK {NIK}",)])
    (inbox / f"{NIK}_2022-10_klaim.csv").write_bytes(b"")
    (inbox / f"{NIK}_kepesertaan.txt").write_bytes(b"\x00\x01 not a submission")

    caplog.set_level(logging.INFO)
    pulled = find_deliveries(ObjectStoragePath(inbox.as_uri()), LAPORAN)
    xcom = [asdict(d) for d in pulled]  # what pull_submissions hands to load_raw
    with psycopg.connect(warehouse) as conn:
        summary = load_deliveries(conn, [Delivery(**d) for d in xcom], TODAY)
        audit = conn.execute("select p::text from audit.penolakan p").fetchall()
        loaded = conn.execute("select s::text from raw.submission s").fetchall()

    assert len(summary.rejected) == len(FORMS) + 3 and len(summary.loaded) == 1
    assert summary.loaded == [f"NIK {MASKED} 72.71_2022-10.xlsx"]
    quarantined = sorted(karantina.iterdir())
    assert len([p for p in quarantined if p.name.endswith(".alasan.txt")]) == len(FORMS) + 3
    everything = {
        "xcom (pull)": json.dumps(xcom),
        "xcom (load)": json.dumps(summary.xcom()),
        "audit.penolakan": "\n".join(row for (row,) in audit),
        "raw.submission": "\n".join(row for (row,) in loaded),
        "quarantine names": "\n".join(p.name for p in quarantined),
        "quarantine reasons": "\n".join(
            p.read_text(encoding="utf-8") for p in quarantined if p.name.endswith(".alasan.txt")
        ),
        "log": caplog.text,
    }
    assert {where: CLEAR.findall(text) for where, text in everything.items() if CLEAR.search(text)} == {}
    # ... and yet every one of them was there to be masked.
    assert all(
        MASKED in everything[where]
        for where in (
            "xcom (pull)",
            "audit.penolakan",
            "quarantine names",
            "quarantine reasons",
            "log",
            "raw.submission",
        )
    )
