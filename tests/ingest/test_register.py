"""Participant lists (template v1.1) against a real PostgreSQL: pseudonymised at intake, judged whole."""

from __future__ import annotations

import csv
import hmac
import logging
import re
import secrets
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import psycopg
import pytest

from inpres.generate.writer import write_csv, write_xlsx
from inpres.ingest import contract, peserta, pseudonym, receipt, rotate
from inpres.ingest.inbox import BPJS, LAPORAN, find_deliveries, load_deliveries
from inpres.ingest.pseudonym import MissingKey

TODAY = date(2026, 11, 24)
KEY = "ab" * 32
# Kota Ambon, kecamatan 81.71.01: a woman born 5 July 1990 (day + 40) and a man born 17 August 1985.
NIK_A, NIK_B = "8171014507900012", "8171011708850003"
KEPESERTAAN = [("81.71", "non_asn", 2, 2, None, "apbd")]
SIXTEEN_DIGITS = re.compile(rb"\d{16}")


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv(pseudonym.ENV, KEY)
    monkeypatch.delenv("AIRFLOW_CONN_INPRES_NIK_KEY", raising=False)
    return bytes.fromhex(KEY)


def pseudonym_of(nik: str, key_hex: str = KEY) -> bytes:
    return hmac.digest(bytes.fromhex(key_hex), nik.encode(), "sha256")


def row(nik, segmen="non_asn", kode="81.71", kpj="", lahir="", status="aktif"):
    return (nik, segmen, kode, kpj, lahir, status)


def identitas(pelapor="81.71", periode="2022-10"):
    return {
        "kode_pelapor": pelapor,
        "periode": periode,
        "nama_instansi": "Dinas Tenaga Kerja",
        "tanggal_laporan": f"{periode}-28",
    }


def sheets(rows, kepesertaan=KEPESERTAAN):
    return {
        "kepesertaan": list(kepesertaan),
        "kepatuhan": [(None, None, None, "Tidak", None)],
        "klaim": [],
        "peserta": list(rows),
    }


def write(folder: Path, rows, *, pelapor="81.71", periode="2022-10", fmt="csv", kepesertaan=KEPESERTAAN):
    folder.mkdir(parents=True, exist_ok=True)
    headers = {"peserta": peserta.COLUMNS}
    stem = f"{pelapor}_{periode}"
    if fmt == "xlsx":
        return [
            write_xlsx(folder / f"{stem}.xlsx", identitas(pelapor, periode), sheets(rows, kepesertaan), headers=headers)
        ]
    return write_csv(folder, stem, identitas(pelapor, periode), sheets(rows, kepesertaan), headers=headers)


def load(warehouse, inbox: Path, source=LAPORAN):
    with psycopg.connect(warehouse) as conn:
        return load_deliveries(conn, find_deliveries(_path(inbox), source), TODAY)


def _path(folder: Path):
    from airflow.sdk import ObjectStoragePath

    return ObjectStoragePath(folder.absolute().as_uri())


def rows_of(warehouse, query: str):
    with psycopg.connect(warehouse) as conn:
        return conn.execute(query).fetchall()


def warehouse_text(warehouse) -> bytes:
    """Every raw and audit table dumped as text: where a clear NIK must never be."""
    with psycopg.connect(warehouse) as conn:
        tables = conn.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('raw', 'audit')"
        ).fetchall()
        out = []
        for (table,) in tables:
            with conn.cursor().copy(f"copy {table} to stdout") as copy:
                out.extend(bytes(chunk) for chunk in copy)
        return b"".join(out)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_valid_list_loads_pseudonymised(warehouse, tmp_path, fmt, caplog):
    caplog.set_level(logging.DEBUG)
    write(
        tmp_path / "inbox",
        [
            row(NIK_A, kpj="21099887766", lahir="1990-07-05"),
            row(NIK_B, segmen="Non_ASN", kode="8171", status="Nonaktif"),
        ],
        fmt=fmt,
    )
    summary = load(warehouse, tmp_path / "inbox")
    assert summary.rejected == {}
    assert rows_of(
        warehouse,
        "select baris, nik_pseudonim, segmen, kode_wilayah, kpj_pseudonim, status from raw.peserta order by baris",
    ) == [
        (2, pseudonym_of(NIK_A), "non_asn", "81.71", pseudonym_of("21099887766"), "aktif"),
        (3, pseudonym_of(NIK_B), "non_asn", "81.71", None, "nonaktif"),
    ]
    dumped = warehouse_text(warehouse)
    assert not SIXTEEN_DIGITS.search(dumped)
    assert b"21099887766" not in dumped
    assert NIK_A not in caplog.text and NIK_B not in caplog.text
    assert rows_of(warehouse, "select sidik from raw.peserta_kunci") == [(pseudonym.sidik(bytes.fromhex(KEY)),)]


def test_a_submission_without_a_list_loads_without_a_key(warehouse, tmp_path, monkeypatch, submission):
    monkeypatch.delenv(pseudonym.ENV)
    submission(tmp_path / "inbox" / "81.71_2022-10.xlsx", pelapor="81.71", periode="2022-10", kepesertaan=KEPESERTAAN)
    assert load(warehouse, tmp_path / "inbox").loaded == ["81.71_2022-10.xlsx"]


def test_a_list_without_a_key_is_a_clear_error_and_waits(warehouse, tmp_path, monkeypatch):
    monkeypatch.delenv(pseudonym.ENV)
    write(tmp_path / "inbox", [row(NIK_A)])
    with pytest.raises(MissingKey, match=f"{pseudonym.ENV}.*{pseudonym.CONN_ID}"):
        load(warehouse, tmp_path / "inbox")
    assert rows_of(warehouse, "select count(*) from raw.submission") == [(0,)]
    assert rows_of(warehouse, "select count(*) from audit.penolakan") == [(0,)]
    # The Airflow connection's password is the other way to give it.
    monkeypatch.setenv("AIRFLOW_CONN_INPRES_NIK_KEY", f'{{"conn_type": "generic", "password": "{KEY}"}}')
    assert load(warehouse, tmp_path / "inbox").rejected == {}
    assert rows_of(warehouse, "select nik_pseudonim from raw.peserta") == [(pseudonym_of(NIK_A),)]


def test_a_short_key_is_refused(monkeypatch):
    monkeypatch.setenv(pseudonym.ENV, "ab" * 16)
    with pytest.raises(MissingKey, match="at least 32 bytes"):
        pseudonym.nik_key()


def test_the_fast_hmac_is_hmac_sha256(key):
    digest = pseudonym.hasher(key)
    for value in (NIK_A.encode(), b"", b"x" * 200):
        assert digest(value) == hmac.digest(key, value, "sha256")
    long_key = secrets.token_bytes(100)
    assert pseudonym.hasher(long_key)(b"abc") == hmac.digest(long_key, b"abc", "sha256")


INVALID = [
    ("817101450790001", "NIK harus 16 angka tanpa spasi atau tanda baca (terisi 15 karakter, 15 angka)"),
    ("8171 0145 0790 0012", "NIK harus 16 angka tanpa spasi atau tanda baca (terisi 19 karakter, 16 angka)"),
    ("8,17101E+15", "NIK tertulis dalam notasi ilmiah"),
    ("8199014507900012", "NIK 8199********0012: 6 angka pertama bukan kode kecamatan yang ada atau pernah ada"),
    ("8171013102900012", "NIK 8171********0012: angka ke-7 sampai ke-12 bukan tanggal lahir"),
    ("8171017202900012", "NIK 8171********0012: angka ke-7 sampai ke-12 bukan tanggal lahir"),
    ("8171014513900012", "NIK 8171********0012: angka ke-7 sampai ke-12 bukan tanggal lahir"),
    ("8171014507900000", "NIK 8171********0000: nomor urut (4 angka terakhir) tidak boleh 0000"),
    ("", "wajib diisi"),
]


def test_every_invalid_nik_is_rejected_with_its_masked_reason(warehouse, tmp_path):
    rows = [row(NIK_A)] + [row(nik) for nik, _ in INVALID]
    write(tmp_path / "inbox", rows)
    summary = load(warehouse, tmp_path / "inbox")
    [reasons] = summary.rejected.values()
    for number, (_, expected) in enumerate(INVALID, start=3):
        assert any(r.startswith(f"lembar peserta, baris {number}, kolom nik: {expected}") for r in reasons), expected
    assert len(reasons) == len(INVALID)
    assert rows_of(warehouse, "select count(*) from raw.peserta") == [(0,)]
    assert rows_of(warehouse, "select count(*) from raw.submission") == [(0,)]
    dumped = warehouse_text(warehouse)
    assert not SIXTEEN_DIGITS.search(dumped)
    for folder in Path(tmp_path / "karantina").rglob("*"):
        assert not folder.name.endswith("_peserta.csv")  # the list itself is not copied: it holds clear NIKs
        if folder.is_file():
            assert not SIXTEEN_DIGITS.search(folder.read_bytes())


def test_a_rejected_workbook_with_a_list_is_not_copied_to_the_quarantine(warehouse, tmp_path):
    write(tmp_path / "inbox", [row(NIK_A), row("8171014507900000")], fmt="xlsx")
    summary = load(warehouse, tmp_path / "inbox")
    assert len(summary.rejected) == 1
    quarantined = [p for p in Path(tmp_path / "karantina").rglob("*") if p.is_file()]
    [reasons] = [p for p in quarantined if p.name.endswith(".alasan.txt")]
    assert quarantined == [reasons]  # the workbook holds clear NIKs: it stays where the pelapor put it
    assert "tidak disalin ke karantina karena berisi NIK" in reasons.read_text(encoding="utf-8")
    assert not SIXTEEN_DIGITS.search(reasons.read_bytes())


def test_a_nik_under_papuas_old_code_is_valid(warehouse, tmp_path):
    # Kecamatan 93.01.01 (Merauke) was 91.01.01 before the 2022 split; both prefixes exist or existed.
    assert peserta.nik_problem("9101010101800001") is None
    assert peserta.nik_problem("9301010101800001") is None


def test_every_other_rule_is_judged_in_sql_and_all_reasons_given(warehouse, tmp_path):
    rows = [
        row(NIK_A),
        row(NIK_B, segmen="guru"),
        row("8171010101800001", kode="81.01"),
        row("8171010101800002", status="pensiun"),
        row(NIK_A),
        row("8171010101800003", lahir="1980-01-02"),
        row("8171010101800004", segmen="", kode="99.99", status=""),
    ]
    write(tmp_path / "inbox", rows)
    [reasons] = load(warehouse, tmp_path / "inbox").rejected.values()
    assert sorted(reasons) == sorted(
        [
            "lembar peserta, baris 3, kolom segmen: segmen 'guru' tidak dikenal (pilihan: "
            + ", ".join(peserta.catalogue.SEGMEN)
            + ")",
            "lembar peserta, baris 4, kolom kode_wilayah: 81.71 hanya boleh mendaftar peserta wilayahnya sendiri, "
            "bukan 81.01",
            "lembar peserta, baris 5, kolom status: status 'pensiun' tidak dikenal (pilihan: aktif, nonaktif)",
            "lembar peserta, baris 6, kolom nik: NIK yang sama sudah ada di baris 2",
            "lembar peserta, baris 7, kolom tanggal_lahir: tidak sama dengan tanggal lahir pada NIK 8171********0003",
            "lembar peserta, baris 8, kolom segmen: wajib diisi",
            "lembar peserta, baris 8, kolom kode_wilayah: kode wilayah 99.99 tidak dikenal "
            "(lihat Kepmendagri 300.2.2-2138/2025)",
            "lembar peserta, baris 8, kolom status: wajib diisi",
        ]
    )


def test_a_province_lists_its_kab_kota(warehouse, tmp_path):
    write(
        tmp_path / "inbox",
        [row(NIK_A, kode="81.71"), row(NIK_B, kode="81")],
        pelapor="81",
        kepesertaan=[("81", "non_asn", 2, 1, None, "apbd")],
    )
    assert load(warehouse, tmp_path / "inbox").rejected == {}
    assert rows_of(warehouse, "select kode_wilayah from raw.peserta order by baris") == [("81.71",), ("81",)]


def test_the_same_person_in_two_lists_has_one_pseudonym(warehouse, tmp_path):
    write(tmp_path / "inbox", [row(NIK_A)], pelapor="81.71")
    write(
        tmp_path / "inbox",
        [row(NIK_A, kode="81.71")],
        pelapor="81",
        kepesertaan=[("81", "non_asn", 2, 1, None, "apbd")],
    )
    assert load(warehouse, tmp_path / "inbox").rejected == {}
    assert rows_of(
        warehouse,
        "select s.pelapor, p.nik_pseudonim from raw.peserta p join raw.submission s using (submission_id) order by 1",
    ) == [("81", pseudonym_of(NIK_A)), ("81.71", pseudonym_of(NIK_A))]


def test_a_list_belongs_to_an_existing_submission_and_goes_with_it(warehouse, tmp_path, key):
    """raw.peserta has no foreign key (a per-row lookup): insert checks the submission once, a delete cascades."""
    write(tmp_path / "inbox", [row(NIK_A)], pelapor="81.71")
    write(
        tmp_path / "inbox",
        [row(NIK_B, kode="81.72")],
        pelapor="81.72",
        kepesertaan=[("81.72", "non_asn", 2, 1, None, "apbd")],
    )
    assert load(warehouse, tmp_path / "inbox").rejected == {}
    with psycopg.connect(warehouse) as conn:
        conn.execute("delete from raw.submission where pelapor = '81.71'")
        assert conn.execute("select nik_pseudonim from raw.peserta").fetchall() == [(pseudonym_of(NIK_B),)]
        conn.execute(peserta._STAGING)
        with pytest.raises(LookupError):
            peserta.insert(conn, 10**9, key)


def test_rotation_rekeys_every_pseudonym_consistently(warehouse, tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    write(inbox, [row(NIK_A, kpj="123"), row(NIK_B)], pelapor="81.71")
    write(inbox, [row(NIK_A, kode="81.71")], pelapor="81", kepesertaan=[("81", "non_asn", 2, 1, None, "apbd")])
    load(warehouse, inbox)
    before = rows_of(
        warehouse, "select submission_id, baris, nik_pseudonim, kpj_pseudonim from raw.peserta order by 1, 2"
    )
    new_key = "cd" * 32
    monkeypatch.setenv(pseudonym.ENV, new_key)
    with psycopg.connect(warehouse) as conn:
        result = rotate.rotate(conn, _path(inbox))
    assert (result.rekeyed, result.missing) == (2, [])
    after = rows_of(
        warehouse, "select submission_id, baris, nik_pseudonim, kpj_pseudonim from raw.peserta order by 1, 2"
    )
    assert [(s, b) for s, b, *_ in after] == [(s, b) for s, b, *_ in before]
    assert {p for *_, p, _ in after}.isdisjoint({p for *_, p, _ in before})
    assert [p for *_, p, _ in after] == [pseudonym_of(n, new_key) for n in (NIK_A, NIK_B, NIK_A)]
    assert after[0][3] == pseudonym_of("123", new_key)
    assert rows_of(warehouse, "select distinct sidik from raw.peserta_kunci") == [
        (pseudonym.sidik(bytes.fromhex(new_key)),)
    ]
    # Run again: nothing left to re-key.
    with psycopg.connect(warehouse) as conn:
        assert rotate.rotate(conn, _path(inbox)).rekeyed == 0


def test_rotation_names_a_list_whose_file_left_the_inbox(warehouse, tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    files = write(inbox, [row(NIK_A)])
    load(warehouse, inbox)
    for f in files:
        f.unlink()
    monkeypatch.setenv(pseudonym.ENV, "cd" * 32)
    with psycopg.connect(warehouse) as conn:
        result = rotate.rotate(conn, _path(inbox))
    assert result.rekeyed == 0
    assert result.missing == ["81.71_2022-10"]
    assert rows_of(warehouse, "select nik_pseudonim from raw.peserta") == [(pseudonym_of(NIK_A),)]


def test_bpjs_per_participant_extract(warehouse, tmp_path):
    bpjs = tmp_path / "bpjs"
    bpjs.mkdir()
    (bpjs / "bpjs_peserta_2022-10.csv").write_text(
        "periode,nik_pseudonim\r\n" + "".join(f"2022-10,{pseudonym_of(n).hex()}\r\n" for n in (NIK_A, NIK_B))
    )
    assert load(warehouse, bpjs, BPJS).rejected == {}
    assert rows_of(warehouse, "select baris, periode, nik_pseudonim from raw.bpjs_peserta order by baris") == [
        (2, "2022-10", pseudonym_of(NIK_A)),
        (3, "2022-10", pseudonym_of(NIK_B)),
    ]
    # No foreign key (a lookup per row): deleting the extract still deletes its rows.
    with psycopg.connect(warehouse) as conn:
        conn.execute("delete from raw.bpjs_extract")
        assert conn.execute("select count(*) from raw.bpjs_peserta").fetchone() == (0,)


def test_the_receipt_of_a_list_says_how_many_persons_it_names_and_keeps_no_nik(warehouse, tmp_path):
    write(tmp_path / "inbox", [row(NIK_A), row(NIK_B, status="nonaktif")])
    with psycopg.connect(warehouse) as conn:
        summary = load_deliveries(
            conn,
            find_deliveries(_path(tmp_path / "inbox"), LAPORAN),
            TODAY,
            on_judged=lambda judgement: receipt.write_receipts(conn, [judgement]),
        )
        [(teks,)] = conn.execute("select teks from audit.tanda_terima").fetchall()
    assert summary.rejected == {}
    assert "lembar peserta: 2 orang (1 aktif, 1 nonaktif); NIK tidak disimpan, hanya pseudonimnya" in teks
    assert not re.search(r"\d{16}", teks)


def test_an_extract_may_name_the_months_from_the_inpres_to_this_one():
    assert contract.bulan_berlaku(date(2021, 6, 3)) == ["2021-04", "2021-05", "2021-06"]
    assert contract.bulan_berlaku(date(2026, 12, 3))[-2:] == ["2026-11", "2026-12"]
    assert len(contract.bulan_berlaku(date(2026, 12, 3))) == 69


def test_a_bpjs_extract_naming_a_participant_twice_is_rejected_whole(warehouse, tmp_path):
    bpjs = tmp_path / "bpjs"
    bpjs.mkdir()
    a, b = pseudonym_of(NIK_A).hex(), pseudonym_of(NIK_B).hex()
    (bpjs / "bpjs_peserta_2022-10.csv").write_text(
        f"periode,nik_pseudonim\n2022-10,{a}\n2022-10,{b}\n2022-09,{a}\n2022-10,{a.upper()}\n"
    )
    [reasons] = load(warehouse, bpjs, BPJS).rejected.values()
    assert reasons == ["lembar bpjs_peserta, baris 5: peserta yang sama sudah ada di baris 2"]
    assert rows_of(warehouse, "select count(*) from raw.bpjs_peserta") == [(0,)]
    assert rows_of(warehouse, "select count(*) from raw.bpjs_extract") == [(0,)]


def test_a_bpjs_extract_with_a_clear_nik_is_rejected_without_quoting_it(warehouse, tmp_path):
    bpjs = tmp_path / "bpjs"
    bpjs.mkdir()
    (bpjs / "bpjs_peserta_2022-10.csv").write_text(
        f"periode,nik_pseudonim\n2022-10,{NIK_A}\n2030-01,{pseudonym_of(NIK_B).hex()}\n2022-10,{pseudonym_of(NIK_B).hex()}\n"
        f"2022-10,{pseudonym_of(NIK_B).hex().upper()}\n"
    )
    [reasons] = load(warehouse, bpjs, BPJS).rejected.values()
    assert reasons == [
        "lembar bpjs_peserta, baris 2, kolom nik_pseudonim: bukan pseudonim HMAC-SHA256 (64 angka heksadesimal)",
        "lembar bpjs_peserta, baris 3, kolom periode: bukan bulan TAHUN-BULAN antara 2021-04 dan bulan ini",
    ]
    assert not SIXTEEN_DIGITS.search(warehouse_text(warehouse))


def test_a_few_mb_csv_streams_with_flat_memory(warehouse, tmp_path):
    """Two lists, one ten times the other, loaded one after the other in one process: the larger must not raise
    the process's peak memory (much) above what the smaller needed."""
    script = textwrap.dedent(
        """
        import resource, sys
        from datetime import date
        from pathlib import Path
        import psycopg
        from airflow.sdk import ObjectStoragePath
        from inpres.ingest.inbox import LAPORAN, find_deliveries, load_deliveries
        with psycopg.connect(sys.argv[1]) as conn:
            for folder in sys.argv[2:]:
                inbox = ObjectStoragePath(Path(folder).absolute().as_uri())
                conn.execute("delete from raw.submission")
                summary = load_deliveries(conn, find_deliveries(inbox, LAPORAN), date(2026, 11, 24))
                assert summary.rejected == {}, summary.rejected
                rows = conn.execute("select count(*) from raw.peserta").fetchone()[0]
                print(rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        """
    )
    inboxes = []
    for n in (10_000, 100_000):
        inbox = tmp_path / f"inbox{n}"
        write(inbox, [])
        with (inbox / "81.71_2022-10_peserta.csv").open("w", newline="") as f:
            out = csv.writer(f)
            out.writerow(peserta.COLUMNS)
            for i in range(1, n + 1):
                out.writerow(row(_nik(i)))
        inboxes.append(str(inbox))
    assert (tmp_path / "inbox100000" / "81.71_2022-10_peserta.csv").stat().st_size > 3_000_000
    done = subprocess.run(
        [sys.executable, "-c", script, warehouse, *inboxes], capture_output=True, text=True, check=True
    )
    figures = [line.split() for line in done.stdout.splitlines() if re.fullmatch(r"\d+ \d+", line)]
    (small, small_peak), (large, large_peak) = [map(int, pair) for pair in figures]
    assert (small, large) == (10_000, 100_000)
    # ru_maxrss in KiB; ten times the rows may not cost ten times the memory (allow 30 MB of noise).
    assert large_peak < small_peak + 30_000


def _nik(i: int) -> str:
    """The i-th distinct valid NIK of kecamatan 81.71.01: birth dates over 1950–1999, serial 0001–0999."""
    day = i % 28 + 1
    month = i // 28 % 12 + 1
    year = i // 336 % 50 + 50
    return f"817101{day:02d}{month:02d}{year:02d}{i // 16800 + 1:04d}"
