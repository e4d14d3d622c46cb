"""The generator's participant lists (--peserta): read back from the files, they match the kepesertaan rows they
stand behind, hold only valid NIKs once each, and give exactly the answer key the manifest states."""

from __future__ import annotations

import csv
import hmac
from collections import Counter, defaultdict

import openpyxl
import pytest

from inpres.generate import generate
from inpres.generate.national import BPJS_PESERTA, BROKEN, REVISED_OLD
from inpres.ingest import peserta

PERIODE = "2022-10"
SCALE = 0.01
KEY = bytes.fromhex("cd" * 32)


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    out = tmp_path_factory.mktemp("inbox")
    manifest = generate(
        out,
        start=PERIODE,
        end=PERIODE,
        scale=0.05,
        skip_broken=("zip_bomb", "oversized"),
        progress=False,
        peserta=SCALE,
        nik_key=KEY,
    )
    return out, manifest


def _sheets(folder, entries) -> dict[str, list[tuple]]:
    """A delivery's kepesertaan and peserta rows, from its workbook or its CSV set."""
    found = {}
    for entry in entries:
        path = folder / entry.path
        if entry.format == "xlsx":
            book = openpyxl.load_workbook(path, read_only=True)
            for name in ("kepesertaan", "peserta"):
                found[name] = [tuple(r) for r in book[name].iter_rows(min_row=2, values_only=True)]
        elif (name := path.stem.rsplit("_", 1)[1]) in ("kepesertaan", "peserta"):
            text = path.read_bytes().decode(_encoding(path))
            delimiter = ";" if text.splitlines()[0].count(";") else ","
            found[name] = [tuple(r) for r in list(csv.reader(text.splitlines(), delimiter=delimiter))[1:]]
    return found


def _encoding(path) -> str:
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "cp1252"


def _number(value) -> int:
    return value if isinstance(value, int) else int(str(value).replace(".", ""))


def test_every_list_stands_behind_its_kepesertaan_rows_with_valid_nik_once_each(inbox):
    folder, manifest = inbox
    deliveries = defaultdict(list)
    for entry in manifest.files:
        if entry.pelapor and entry.kind != BROKEN:
            deliveries[entry.delivery].append(entry)
    assert deliveries
    for delivery, entries in deliveries.items():
        sheets = _sheets(folder, entries)
        expected = {(r[0], r[1]): round(_number(r[3]) * SCALE) for r in sheets["kepesertaan"]}
        listed = Counter((r[2], r[1]) for r in sheets["peserta"])
        assert listed == +Counter(expected), delivery
        niks = [str(r[0]) for r in sheets["peserta"]]
        assert len(set(niks)) == len(niks), delivery
        assert [n for n in niks if peserta.nik_problem(n)] == [], delivery
        assert {r[5] for r in sheets["peserta"]} == {"aktif"}


def test_the_answer_key_is_what_the_final_lists_and_the_bpjs_extract_hold(inbox):
    folder, manifest = inbox
    final = defaultdict(list)
    for entry in manifest.files:
        if entry.pelapor and entry.kind not in (BROKEN, REVISED_OLD):
            final[entry.pelapor].append(entry)
    by_person = defaultdict(set)
    for pelapor, entries in final.items():
        for row in _sheets(folder, entries)["peserta"]:
            by_person[str(row[0])].add(pelapor)
    pairs = Counter((a, b) for names in by_person.values() for a in names for b in names if a < b)
    key = manifest.peserta[PERIODE]
    assert key["orang_unik"] == len(by_person)
    assert key["orang_tercatat_ganda"] == sum(len(names) > 1 for names in by_person.values()) > 0
    assert [(a, b, n) for a, b, _, n in key["pasangan"]] == sorted((a, b, n) for (a, b), n in pairs.items())

    [extract] = [e for e in manifest.files if e.kind == BPJS_PESERTA]
    assert extract.path == f"bpjs/bpjs_peserta_{PERIODE}.csv"
    with (folder / extract.path).open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == peserta.BPJS_COLUMNS
    aktif = {bytes.fromhex(p) for periode, p in rows[1:] if periode == PERIODE}
    pseudonyms = {hmac.digest(KEY, nik.encode(), "sha256") for nik in by_person}
    assert aktif < pseudonyms and len(rows) - 1 == len(aktif)
    assert key["orang_tidak_aktif_bpjs"] == len(pseudonyms - aktif) > 0


def test_lists_need_a_key_for_bpjs_extract(tmp_path):
    with pytest.raises(ValueError, match="NIK key"):
        generate(tmp_path, start=PERIODE, end=PERIODE, scale=0.01, progress=False, peserta=SCALE)
