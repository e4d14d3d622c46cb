"""The data generator: deterministic bytes, national coverage, the seed reports' figures, every broken kind.

Files are read back through the intake's own reader and contract (no database needed), so a good file
here is one the intake accepts and a broken one is one it rejects, for the reason its kind names.
"""

from __future__ import annotations

import csv
import hashlib
import random
import re
import shutil
import tempfile
import uuid
import zipfile
from collections import defaultdict
from datetime import date
from pathlib import Path

import openpyxl
import psycopg
import pytest
from airflow.sdk import ObjectStoragePath

from inpres.generate import BROKEN_KINDS, Manifest, generate, make_broken, write_csv, write_xlsx
from inpres.generate.broken import BOMB_PART
from inpres.generate.national import MANIFEST
from inpres.ingest import contract, reader
from inpres.ingest.inbox import LAPORAN, Delivery, _content_hash, load_delivery
from inpres.paths import DBT_PROJECT

TODAY = date(2026, 11, 24)
_CSV = re.compile(r"^(?P<stem>.+)_(?P<sheet>identitas|kepesertaan|kepatuhan|klaim)\.csv$")


@pytest.fixture(scope="module")
def intake_db(pg_server):
    """One warehouse for the module: the generated files go through the real intake, database and all."""
    from inpres.warehouse import create_database, ensure_schemas

    url = f"{pg_server}/generate_{uuid.uuid4().hex[:8]}"
    create_database(pg_server, url.rsplit("/", 1)[1])
    ensure_schemas(url)
    return url


_INTAKE_DB: list[str] = []


@pytest.fixture(scope="module", autouse=True)
def _intake_url(intake_db):
    _INTAKE_DB[:] = [intake_db]


def intake(paths: list[Path]):
    """(reasons, identitas, kepesertaan rows, klaim rows) as the real intake judges one delivery.

    The files are copied to an inbox of their own first: a rejected delivery is moved to quarantine.
    """
    with tempfile.TemporaryDirectory() as tmp:
        for path in paths:
            shutil.copy2(path, Path(tmp) / path.name)
        copies = [ObjectStoragePath((Path(tmp) / p.name).as_uri()) for p in paths]
        name = paths[0].name if len(paths) == 1 else _CSV.match(paths[0].name).group("stem")
        with psycopg.connect(_INTAKE_DB[0]) as conn:
            judged = load_delivery(conn, Delivery(name, LAPORAN, [str(c) for c in copies]), TODAY)
            if judged.outcome == "rejected":
                return judged.reasons, None, [], []
            sha256 = _content_hash(copies)
            [(submission_id, pelapor, periode, tanggal_laporan)] = conn.execute(
                "select submission_id, pelapor, periode, tanggal_laporan from raw.submission where sha256 = %s",
                (sha256,),
            ).fetchall()
            kepesertaan = conn.execute(
                "select baris, kode_wilayah, segmen, sasaran, terlindungi, iuran_rp, sumber_dana from raw.kepesertaan "
                "where submission_id = %s order by baris",
                (submission_id,),
            ).fetchall()
            klaim = conn.execute(
                "select baris, program, segmen, kasus, nilai_rp from raw.klaim where submission_id = %s order by baris",
                (submission_id,),
            ).fetchall()
    return [], contract.Identitas(pelapor, periode, None, tanggal_laporan), kepesertaan, klaim


def deliveries(out: Path, manifest: Manifest) -> dict[str, list]:
    found = defaultdict(list)
    for entry in manifest.files:
        if entry.kind != "bpjs":
            found[entry.delivery].append(entry)
    return found


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def october(tmp_path_factory):
    """National size, one month: every pelapor's 2022-10 submission, read back through the contract."""
    out = tmp_path_factory.mktemp("october")
    manifest = generate(out, start="2022-10", end="2022-10", seed=3, progress=False)
    read = {
        name: (entries, intake([out / e.path for e in entries])) for name, entries in deliveries(out, manifest).items()
    }
    return out, manifest, read


@pytest.fixture(scope="module")
def ten_months(tmp_path_factory):
    """Only the seed provinces (scale 0), January–October 2022, with many late, revised and broken files."""
    out = tmp_path_factory.mktemp("ten_months")
    manifest = generate(
        out, start="2022-01", end="2022-10", seed=5, scale=0, late=0.1, revised=0.1, broken=0.1, progress=False
    )
    return out, manifest


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    args = dict(start="2022-11", end="2022-12", scale=0.03, broken=0.1, revised=0.1, missing=0.1, progress=False)
    generate(tmp_path / "a", seed=7, **args)
    generate(tmp_path / "b", seed=7, **args)
    generate(tmp_path / "c", seed=8, **args)
    first, again, other = digests(tmp_path / "a"), digests(tmp_path / "b"), digests(tmp_path / "c")
    assert len(first) > 100 and first == again
    assert other != first
    assert sum(other.get(name) == digest for name, digest in first.items()) < len(first) // 10


def test_missing_pelapor_months_have_no_file_and_are_in_the_answer_key(tmp_path):
    from inpres import wilayah
    from inpres.generate.national import all_pelapor, is_seed

    # One month of the whole country: 552 chances are enough to see the share.
    manifest = generate(tmp_path, start="2022-10", end="2022-10", scale=1.0, missing=0.3, broken=0.05, progress=False)
    sent = {(e.pelapor, e.periode) for e in manifest.files if e.kind != "bpjs"}
    missing = {tuple(m) for m in manifest.missing}
    everyone = {(p, "2022-10") for p in all_pelapor()}
    assert sent | missing == everyone and not sent & missing
    for pelapor, periode in missing:
        assert not list(tmp_path.glob(f"{pelapor}_{periode}*"))
        assert not is_seed(pelapor, periode) and wilayah.provinsi(pelapor) not in ("72", "81")
    # The share is of those that may go missing: not Sulawesi Tengah's and Maluku's 26 pelapor.
    assert 0.25 < len(missing) / (len(everyone) - 26) < 0.35
    assert Manifest.load(tmp_path / MANIFEST) == manifest


def test_the_bundled_sample_is_the_generators_output(tmp_path):
    """`make sample-inbox` rebuilds it byte for byte: the manifest's parameters give the same files again."""
    from inpres.paths import SAMPLE_INBOX

    params = Manifest.load(SAMPLE_INBOX / MANIFEST).params
    generate(
        tmp_path,
        **{**params, "formats": tuple(params["formats"]), "skip_broken": tuple(params["skip_broken"])},
        progress=False,
    )
    assert digests(tmp_path) == digests(SAMPLE_INBOX)


def test_skipped_broken_kinds_are_never_made(tmp_path):
    wanted = {"negative_count", "missing_sheet"}
    manifest = generate(
        tmp_path,
        start="2022-09",
        end="2022-09",
        scale=0,
        broken=1.0,
        progress=False,
        skip_broken=tuple(set(BROKEN_KINDS) - wanted),
    )
    assert {r for e in manifest.files if e.kind == "broken" for r in e.reasons} == wanted
    with pytest.raises(ValueError, match="unknown broken kinds"):
        generate(tmp_path / "x", skip_broken=("zip_bomb", "bom"), progress=False)


def test_national_scale_covers_all_552_pelapor(october):
    out, manifest, _ = october
    with open(DBT_PROJECT / "seeds" / "wilayah_provinsi.csv", encoding="utf-8") as f:
        expected = {row["code"] for row in csv.DictReader(f)}
    with open(DBT_PROJECT / "seeds" / "wilayah_kabupaten_kota.csv", encoding="utf-8") as f:
        expected |= {row["code"] for row in csv.DictReader(f)}
    assert len(expected) == 552
    assert {e.pelapor for e in manifest.files if e.periode == "2022-10" and e.kind != "bpjs"} == expected
    assert Manifest.load(out / MANIFEST) == manifest


def test_every_good_file_passes_the_contract_and_every_broken_one_fails(october, ten_months):
    out, manifest = ten_months
    checked = {
        name: (entries, intake([out / e.path for e in entries])) for name, entries in deliveries(out, manifest).items()
    }
    for name, (entries, (reasons, *_)) in [*october[2].items(), *checked.items()]:
        assert bool(reasons) == (entries[0].kind == "broken"), (name, entries[0].kind, reasons)
    kinds = {e.kind for e in manifest.files}
    assert {"good", "late", "revised_old", "revised_new", "broken", "bpjs"} <= kinds


def test_kota_ambon_october_2022_workbook(october):
    out, manifest, _ = october
    [entry] = [e for e in manifest.files if e.pelapor == "81.71" and e.periode == "2022-10"]
    assert (entry.path, entry.kind) == ("81.71_2022-10.xlsx", "good")
    workbook = openpyxl.load_workbook(out / entry.path, read_only=True)
    assert workbook.sheetnames == ["identitas", "kepesertaan", "kepatuhan", "klaim"]
    rows = {(r[0], r[1]): r for r in workbook["kepesertaan"].iter_rows(min_row=2, values_only=True)}
    assert rows[("81.71", "pekerja_rentan")][2:4] == (70_000, 40_000)
    for segmen in ("non_asn", "perangkat_desa"):
        sasaran, terlindungi = rows[("81.71", segmen)][2:4]
        assert sasaran == terlindungi > 0


def test_sulawesi_tengah_province_wide_with_kabupaten_kota_winning(october):
    _, _, read = october
    own, on_behalf = {}, {}
    for _entries, (reasons, who, kepesertaan, _) in read.values():
        if not reasons and who.periode == "2022-10" and who.pelapor.split(".")[0] == "72":
            for _, kode, segmen, sasaran, terlindungi, *_ in kepesertaan:
                if segmen == "pekerja_rentan":
                    (own if kode == who.pelapor else on_behalf)[kode] = (sasaran, terlindungi)
    assert on_behalf["72.71"] != own["72.71"]  # the province's figure for Palu, which Palu's own must beat
    merged = {**on_behalf, **own}
    assert own["72.71"][1] == 7_000 and own["72.06"][1] == 28_000
    assert sum(s for s, _ in merged.values()) == 978_084
    assert sum(t for _, t in merged.values()) == 474_860
    assert round(100 * 474_860 / 978_084, 2) == 48.55


def test_kota_ambon_jkm_claims_for_perangkat_desa_january_to_october_2022(ten_months):
    out, manifest = ten_months
    kasus = nilai = 0
    for entries in deliveries(out, manifest).values():
        if entries[0].pelapor == "81.71":
            reasons, who, _, klaim = intake([out / e.path for e in entries])
            assert not reasons and entries[0].kind == "good"
            for _, program, segmen, n, rupiah in klaim:
                if (program, segmen) == ("JKM", "perangkat_desa"):
                    kasus, nilai = kasus + n, nilai + rupiah
    assert (kasus, nilai) == (15, 600_000_000)


def test_maluku_non_asn_in_june_2023(tmp_path):
    manifest = generate(tmp_path, start="2023-06", end="2023-06", scale=0, progress=False)
    shares = {}
    for entries in deliveries(tmp_path, manifest).values():
        _, who, kepesertaan, _ = intake([tmp_path / e.path for e in entries])
        for _, kode, segmen, sasaran, terlindungi, *_ in kepesertaan:
            if who.pelapor.startswith("81.") and kode == who.pelapor and segmen == "non_asn":
                shares[kode] = terlindungi / sasaran
    assert len(shares) == 11 and sorted(shares.values()) == [0.0] + [1.0] * 10


def test_revisions_and_late_files(ten_months):
    out, manifest = ten_months
    by_name = {e.delivery: e for e in manifest.files}
    revised = [e for e in manifest.files if e.kind == "revised_new"]
    assert revised
    for new in revised:
        old = by_name[new.delivery.replace("_revisi1", "")]
        assert (old.kind, old.pelapor, old.periode) == ("revised_old", new.pelapor, new.periode)
        (_, who_old, rows_old, _), (_, who_new, rows_new, _) = (
            intake([out / e.path for e in manifest.files if e.delivery == d.delivery]) for d in (old, new)
        )
        assert who_new.tanggal_laporan > who_old.tanggal_laporan and rows_new != rows_old
        assert (out / new.path).stat().st_mtime > (out / old.path).stat().st_mtime
    for late in [e for e in manifest.files if e.kind == "late" and e.path.endswith((".xlsx", "_identitas.csv"))]:
        _, who, _, _ = intake([out / e.path for e in manifest.files if e.delivery == late.delivery])
        year, month = divmod(int(late.periode[:4]) * 12 + int(late.periode[5:]), 12)
        assert who.tanggal_laporan > date(year, month + 1, 10)


def test_bpjs_extract_is_close_to_the_regions_own_figures(october):
    out, _, read = october
    reported = {
        (kode, segmen): terlindungi
        for entries, (reasons, who, kepesertaan, _) in read.values()
        if not reasons and entries[0].kind != "revised_old" and "." in who.pelapor
        for _, kode, segmen, _, terlindungi, *_ in kepesertaan
    }
    with open(out / "bpjs" / "bpjs_2022-10.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 514 * 5 and list(rows[0]) == [c.name for c in contract.BPJS]
    gaps = {
        r["kode_wilayah"]
        for r in rows
        if (r["kode_wilayah"], r["segmen"]) in reported
        and abs(int(r["peserta_aktif"]) - reported[(r["kode_wilayah"], r["segmen"])])
        > 0.1 * max(50, reported[(r["kode_wilayah"], r["segmen"])])
    }
    assert 3 <= len(gaps) <= 20


# What the intake says for each kind: every reason is one of these (see contract.py and reader.py).
BECAUSE = {
    "unknown_region_code": "tidak dikenal",
    "retired_code": "sudah tidak berlaku",
    "foreign_territory": "hanya boleh melaporkan wilayahnya sendiri",
    "outside_province": "bukan wilayah provinsi",
    "unknown_segment": "segmen '",
    "unknown_program": "program '",
    "negative_count": "negatif",
    "non_integer_count": "bukan bilangan bulat",
    "terlindungi_above_sasaran": "lebih besar dari sasaran",
    "duplicate_rows": "baris ganda",
    "future_period": "belum terjadi",
    "period_before_inpres": "sebelum Inpres",
    "missing_sheet": "tidak ada",
    "missing_column": "tidak ada (kolom yang diharapkan",
    "unreadable_xlsx": "tidak dapat dibaca",
    "binary_csv": "bukan CSV teks",
    "oversized": "berkas terlalu besar",
    "zip_bomb": "setelah diekstrak",
}


def test_every_broken_kind_has_its_expected_reason():
    assert list(BECAUSE) == list(BROKEN_KINDS)


@pytest.mark.parametrize("kind", BECAUSE)
def test_every_broken_kind_is_rejected_for_its_reason(tmp_path, kind):
    because = BECAUSE[kind]
    paths = make_broken(kind, tmp_path, random.Random(kind))
    assert paths and all(p.exists() for p in paths)
    reasons, *_ = intake(paths)
    assert reasons and all(because in r for r in reasons), reasons
    if kind == "zip_bomb":
        [bomb] = paths
        assert bomb.stat().st_size < 100_000
        with zipfile.ZipFile(bomb) as archive:
            assert archive.getinfo(BOMB_PART).file_size > 5 * reader.MAX_XLSX_EXPANDED_BYTES
            with archive.open(BOMB_PART) as sheet:
                assert sheet.read(5) == b"<?xml"
    if kind == "oversized":
        assert paths[0].stat().st_size > reader.MAX_FILE_BYTES


def test_csv_writer_cp1252_with_semicolons_round_trips(tmp_path):
    identitas = {
        "kode_pelapor": "81.71",
        "periode": "2022-10",
        "nama_instansi": "Dinas Tenaga Kerja – Kota Ambon",
        "tanggal_laporan": "2022-11-04",
    }
    sheets = {
        "kepesertaan": [("81.71", "pekerja_rentan", "70.000", 40000, None, "bapak_asuh")],
        "kepatuhan": [("SK Wali Kota Ambon No. 533; Tahun 2021", "2021-06-01", "Rp 1.200.000.000", "Ya", None)],
        "klaim": [("JKM", "perangkat_desa", 2, "84 juta")],
    }
    paths = write_csv(tmp_path, "81.71_2022-10", identitas, sheets, encoding="cp1252", delimiter=";")
    assert [p.name for p in paths] == [f"81.71_2022-10_{s}.csv" for s in ("identitas", *sheets)]
    assert b"\x96" in paths[0].read_bytes()  # the en dash, in Windows-1252
    read = {}
    for path in paths:
        with open(path, encoding="cp1252", newline="") as f:
            read[path.stem.rsplit("_", 1)[1]] = list(csv.reader(f, delimiter=";"))
    as_text = lambda rows: [["" if v is None else str(v) for v in row] for row in rows]  # noqa: E731
    assert read["identitas"] == [["kunci", "nilai"], *as_text(identitas.items())]
    assert read["kepesertaan"][1:] == as_text(sheets["kepesertaan"])
    assert read["kepatuhan"][1:] == as_text(sheets["kepatuhan"])
    assert read["klaim"] == [["program", "segmen", "kasus", "nilai_rp"], *as_text(sheets["klaim"])]
    reasons, who, kepesertaan, _ = intake(paths)
    assert not reasons and kepesertaan[0][3:5] == (70_000, 40_000)


def test_xlsx_writer_keeps_text_as_text_and_numbers_as_numbers(tmp_path):
    identitas = {"kode_pelapor": "81.71", "periode": "2022-10"}
    rows = [("81.71", "pekerja_rentan", "70.000", 40000, None, None)]
    path = write_xlsx(tmp_path / "a.xlsx", identitas, {"kepesertaan": rows, "kepatuhan": [], "klaim": []})
    again = write_xlsx(tmp_path / "b.xlsx", identitas, {"kepesertaan": rows, "kepatuhan": [], "klaim": []})
    assert path.read_bytes() == again.read_bytes()
    sheet = openpyxl.load_workbook(path)["kepesertaan"]
    assert [c.value for c in sheet[1]] == [
        "kode_wilayah",
        "segmen",
        "sasaran",
        "terlindungi",
        "iuran_rp",
        "sumber_dana",
    ]
    assert [c.value for c in sheet[2]][:4] == ["81.71", "pekerja_rentan", "70.000", 40000]
