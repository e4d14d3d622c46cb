"""No NIK in clear anywhere a night writes (UU 27/2022), whatever cell or file name it hides in.

A night through Airflow with files whose officers typed NIKs where they do not belong: as an XLSX number,
with Excel's apostrophe, inside text, in an amount, in a CSV cell and in a file's name. Afterwards every
output (PDF text, workbook XML, CSV, JSON, HTML), the run's log and Airflow's task logs, the quarantine's
reasons and file names, Airflow's metadata database (XCom) and every table of the warehouse are searched
for those numbers. The quarantined files themselves are the officers' originals and keep what they sent.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import sqlite3
import zipfile
from pathlib import Path

import psycopg
import pytest
from pypdf import PdfReader

from inpres.generate.writer import write_csv
from inpres.quality.data_docs import VENDOR as DATA_DOCS_STATIC

NIK = [
    "3171234567890123",
    "7271015507850012",
    "8171042308900003",
    "7203016612790004",
    "3273010101010005",
    "8171110101920006",
]
GOOD = [
    ("81.71", "pekerja_rentan", 70_000, 40_000, 672_000_000, "bapak_asuh"),
    ("81.71", "non_asn", 2_850, 2_850, None, "apbd"),
]
KEPATUHAN = ("SK Wali Kota Ambon No. 533 Tahun 2021", "2021-06-01", "Rp 1.200.000.000", "Ya", "Sebagian")


def _inbox(folder: Path, submission) -> Path:
    def xlsx(name, pelapor="81.71", kepesertaan=GOOD, kepatuhan=KEPATUHAN, klaim=()):
        submission(
            folder / name, pelapor=pelapor, periode="2022-10", kepesertaan=kepesertaan, kepatuhan=kepatuhan, klaim=klaim
        )

    xlsx("81.71_2022-10.xlsx")  # a good file, so the night has a report
    xlsx(
        "72.71_2022-10.xlsx",
        pelapor="72.71",  # as an Excel number (read back as 3171234567890123.0)
        kepesertaan=[("72.71", "pekerja_rentan", float(NIK[0]), 7_000, None, "apbd")],
    )
    xlsx(
        "72.03_2022-10.xlsx",
        pelapor="72.03",  # with Excel's leading apostrophe, as text
        kepesertaan=[("72.03", "pekerja_rentan", 30_000, f"'{NIK[1]}", None, "apbd")],
    )
    xlsx(
        "72.06_2022-10.xlsx",
        pelapor="72.06",  # inside text
        kepesertaan=[("72.06", f"NIK {NIK[2]}", 30_000, 28_000, None, "apbd")],
    )
    xlsx(
        "72.01_2022-10.xlsx",
        pelapor="72.01",  # in an amount column
        kepesertaan=[("72.01", "pekerja_rentan", 30_000, 20_000, float(NIK[3]), "apbd")],
    )
    xlsx(
        f"{NIK[4]}_72.02_2022-10.xlsx",
        pelapor="72.02",  # in the file's name, and the file is broken
        kepesertaan=[("72.02", "pekerja_rentan", 30_000, 40_000, None, "apbd")],
    )
    identitas = {
        "kode_pelapor": "81.01",
        "periode": "2022-10",
        "nama_instansi": "Disnaker",
        "tanggal_laporan": "2022-10-28",
    }
    write_csv(
        folder,
        "81.01_2022-10",
        identitas,  # in a CSV cell
        {"kepesertaan": [("81.01", "non_asn", NIK[5], 10, None, "apbd")], "kepatuhan": [KEPATUHAN], "klaim": []},
    )
    return folder


def _texts(folder: Path):
    """(where, text) for every file under `folder`, as a reader of that file would see it."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        yield f"name {path}", path.name
        if path.suffix == ".pdf":
            yield str(path), " ".join(page.extract_text() or "" for page in PdfReader(path).pages)
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                yield str(path), " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        else:
            yield str(path), path.read_bytes().decode("utf-8", "replace")


def _mail_texts(message):
    """A mail as its reader sees it: subject, text parts, and the text of each attached PDF."""
    yield "mail subject", str(message["Subject"])
    for part in message.walk():
        if part.get_content_maintype() == "text":
            yield "mail body", part.get_payload(decode=True).decode("utf-8", "replace")
        elif part.get_filename():
            yield f"mail attachment {part.get_filename()}", part.get_filename()
            if part.get_filename().endswith(".pdf"):
                pages = PdfReader(io.BytesIO(part.get_payload(decode=True))).pages
                yield f"mail attachment {part.get_filename()}", " ".join(p.extract_text() or "" for p in pages)


def _leaks(texts) -> list[str]:
    return [f"{where}: {nik}" for where, text in texts for nik in NIK if nik in text.replace(" ", "")]


# Any NIK-shaped run, not only the planted ones. What may hold sixteen digits without being anyone's number:
# a hex digest (file hashes, data version), the fraction of a decimal number (xlsxwriter writes 0.81 as
# 0.8100000000000001), JavaScript's Number.MAX_SAFE_INTEGER in bundled scripts (dbt docs, Data Docs), and the
# third-party files the Data Docs ship byte for byte (a font's glyph bytes read as digits).
_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{32,}")
_RUN = re.compile(r"(?<![0-9])(?<![0-9]\.)[0-9]{16}(?![0-9])")
_MAX_SAFE_INTEGER = str(2**53 - 1)
_VENDORED = {hashlib.sha256(p.read_bytes()).hexdigest() for p in DATA_DOCS_STATIC.rglob("*") if p.is_file()}


def _nik_shaped(texts) -> list[str]:
    found = []
    for where, text in texts:
        runs = set(_RUN.findall(_HEX_DIGEST.sub(" ", text))) - {_MAX_SAFE_INTEGER}
        found += [f"{where}: {run[:4]}…" for run in sorted(runs)]
    return found


def _not_vendored(texts):
    for where, text in texts:
        path = Path(where)
        if not (path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() in _VENDORED):
            yield where, text


@pytest.fixture
def night(run_nightly, submission, tmp_path, monkeypatch, smtp_server):
    karantina = tmp_path / "karantina"
    # Every receipt mailed (to the desk, as no pelapor has an address): the mails are searched too.
    run = run_nightly(
        _inbox(tmp_path / "inbox", submission),
        INPRES_KARANTINA=str(karantina),
        INPRES_ALAMAT_MEJA="meja@kemenkopmk.example",
    )
    assert run.returncode == 0, run.stderr + run.log[-3000:]
    return run, karantina


def test_a_night_of_nik_bearing_files_leaves_no_nik_in_clear(night, warehouse, smtp_server):
    run, karantina = night
    rejected = [line for line in run.stdout.splitlines() if line.startswith("Rejected: ")]
    assert len(rejected) == 6, run.stdout
    assert "3273********0005_72.02_2022-10.xlsx" in run.stdout  # the officer can still tell which file

    airflow_home = Path(os.environ["AIRFLOW_HOME"])
    seen = [*_texts(run.output), ("stdout", run.stdout), ("stderr", run.stderr), ("log", run.log)]
    if (airflow_home / "logs").exists():
        seen += _texts(airflow_home / "logs")
    with sqlite3.connect(airflow_home / "airflow.db") as db:
        tables = [r[0] for r in db.execute("select name from sqlite_master where type = 'table'")]
        metadata = [(t, " ".join(map(str, row))) for t in tables for row in db.execute(f'select * from "{t}"')]
    assert any(t == "xcom" for t, _ in metadata), "the night's XCom was not found"
    reasons = [(f"{p}", p.read_text(encoding="utf-8")) for p in karantina.rglob("*.alasan.txt")]
    assert len(reasons) == 6
    with psycopg.connect(warehouse) as conn:
        tables = conn.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema not in ('pg_catalog', 'information_schema')"
        ).fetchall()
        rows = [
            (f"{s}.{t}", " ".join(map(str, row)))
            for s, t in tables
            for row in conn.execute(f'select * from "{s}"."{t}"')
        ]
    assert any(where == "audit.penolakan" for where, _ in rows)
    seen += metadata + reasons + [(f"name {p}", p.name) for p in karantina.rglob("*")] + rows
    # The receipts answered to each sender: their text and PDF files, and the mails that carried them.
    store = Path(os.environ["INPRES_TANDA_TERIMA"])
    assert len(list(store.rglob("*.tanda-terima.pdf"))) == len(list(store.rglob("*.tanda-terima.txt"))) == 7
    receipts = list(_texts(store))
    assert len(smtp_server.messages) == 7
    seen += receipts + [text for _, message in smtp_server.messages for text in _mail_texts(message)]

    assert _leaks(seen) == []
    assert _nik_shaped(_not_vendored(seen)) == []


def test_the_scan_sees_a_nik_it_was_not_told_about():
    """The generic scan would catch a NIK nobody planted, however it is written into a text or a number."""
    assert _nik_shaped(
        [
            ("log", "terlindungi=9171042308900003.0"),
            ("csv", "x,'7371010101900001,y"),
            ("xml", "<v>0.8100000000000001</v> 9007199254740991 sha=ab12345678901234567890123456789012cd"),
        ]
    ) == ["log: 9171…", "csv: 7371…"]
