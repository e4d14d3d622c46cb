"""Intake against a real PostgreSQL: every reason a file is rejected, and nothing of it loaded."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import psycopg
import pytest
from airflow.sdk import ObjectStoragePath

from inpres.ingest import inbox as inbox_module
from inpres.ingest import reader, values
from inpres.ingest.inbox import BPJS, LAPORAN, find_deliveries, load_deliveries

TODAY = date(2026, 11, 24)
GOOD = [
    ("81.71", "pekerja_rentan", 70_000, 40_000, 672_000_000, "bapak_asuh"),
    ("81.71", "non_asn", 2_850, 2_850, None, "apbd"),
]
KEPATUHAN = ("SK Wali Kota Ambon No. 533 Tahun 2021", "2021-06-01", "Rp 1.200.000.000", "Ya", "Sebagian")
KLAIM = [("JKM", "perangkat_desa", 2, "84 juta")]


@pytest.fixture(autouse=True)
def karantina(tmp_path_factory, monkeypatch) -> Path:
    """The quarantine: a folder of its own, never inside the inbox."""
    folder = tmp_path_factory.mktemp("karantina")
    monkeypatch.setenv("INPRES_KARANTINA", str(folder))
    return folder


@pytest.fixture
def xlsx(submission):
    def write(
        folder: Path,
        name: str,
        *,
        pelapor="81.71",
        periode="2022-10",
        kepesertaan=GOOD,
        kepatuhan=KEPATUHAN,
        klaim=KLAIM,
    ) -> Path:
        return submission(
            folder / name, pelapor=pelapor, periode=periode, kepesertaan=kepesertaan, kepatuhan=kepatuhan, klaim=klaim
        )

    return write


def csv_set(
    folder: Path,
    stem: str,
    *,
    encoding="utf-8",
    delimiter=",",
    pelapor="81.71",
    periode="Oktober 2022",
    kepesertaan=GOOD,
    sheets=("identitas", "kepesertaan", "kepatuhan", "klaim"),
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    content = {
        "identitas": [
            ("kunci", "nilai"),
            ("kode_pelapor", pelapor),
            ("periode", periode),
            ("nama_instansi", "Dinas Tenaga Kerja Kota Ambon"),
            ("tanggal_laporan", "2022-11-05"),
        ],
        "kepesertaan": [("kode_wilayah", "segmen", "sasaran", "terlindungi", "iuran_rp", "sumber_dana"), *kepesertaan],
        "kepatuhan": [
            ("regulasi", "tanggal_regulasi", "anggaran_rp", "ptsp_mensyaratkan", "bumd_terdaftar"),
            KEPATUHAN,
        ],
        "klaim": [("program", "segmen", "kasus", "nilai_rp"), *KLAIM],
    }
    for sheet in sheets:
        lines = [delimiter.join("" if v is None else str(v) for v in row) for row in content[sheet]]
        (folder / f"{stem}_{sheet}.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))


def load(warehouse: str, inbox: Path, source=LAPORAN):
    with psycopg.connect(warehouse) as conn:
        return load_deliveries(conn, find_deliveries(ObjectStoragePath(inbox.as_uri()), source), TODAY)


def query(warehouse: str, sql: str, *args):
    with psycopg.connect(warehouse) as conn:
        return conn.execute(sql, args).fetchall()


# --- values as people write them -------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, dotted",
    [("81.71", "81.71"), ("8171", "81.71"), (" 81.71 ", "81.71"), ("81", "81"), (8171, "81.71"), (72.1, "72.10")],
)
def test_region_codes_in_any_written_form(written, dotted):
    assert values.kode_wilayah(written) == dotted


@pytest.mark.parametrize(
    "written, number",
    [
        ("70.000", 70_000),
        ("1.234.567", 1_234_567),
        (40000, 40_000),
        (40000.0, 40_000),
        ("", None),
        (None, None),
        ("12", 12),
    ],
)
def test_integers_as_people_write_them(written, number):
    assert values.bilangan_bulat(written) == number


@pytest.mark.parametrize("written", ["48,55", "12.5", 12.5, "dua", "70.00"])
def test_non_integers_are_refused(written):
    with pytest.raises(ValueError, match="bukan bilangan bulat"):
        values.bilangan_bulat(written)


@pytest.mark.parametrize(
    "written, amount",
    [
        ("Rp 600.000.000", 600_000_000),
        ("600 juta", 600_000_000),
        ("1,5 miliar", 1_500_000_000),
        (84000000, 84_000_000),
        ("Rp600.000.000", 600_000_000),
    ],
)
def test_amounts_as_people_write_them(written, amount):
    assert values.rupiah(written) == amount


@pytest.mark.parametrize("written", ["Oktober 2022", "Okt 2022", "oktober 2022", "2022-10", "10/2022"])
def test_months_in_indonesian(written):
    assert values.periode(written) == "2022-10"


# --- good files ------------------------------------------------------------------------------------


def test_a_workbook_loads_every_sheet(warehouse, tmp_path, xlsx):
    xlsx(tmp_path, "81.71_2022-10.xlsx")
    summary = load(warehouse, tmp_path)
    assert summary.loaded == ["81.71_2022-10.xlsx"] and not summary.rejected
    assert query(
        warehouse,
        "select baris, kode_wilayah, segmen, sasaran, terlindungi, iuran_rp, sumber_dana "
        "from raw.kepesertaan order by baris",
    ) == [
        (2, "81.71", "pekerja_rentan", 70_000, 40_000, 672_000_000, "bapak_asuh"),
        (3, "81.71", "non_asn", 2_850, 2_850, None, "apbd"),
    ]
    assert query(
        warehouse,
        "select regulasi, tanggal_regulasi, anggaran_rp, ptsp_mensyaratkan, bumd_terdaftar from raw.kepatuhan",
    ) == [("SK Wali Kota Ambon No. 533 Tahun 2021", date(2021, 6, 1), 1_200_000_000, "Ya", "Sebagian")]
    assert query(warehouse, "select program, segmen, kasus, nilai_rp from raw.klaim") == [
        ("JKM", "perangkat_desa", 2, 84_000_000)
    ]


@pytest.mark.parametrize("encoding, delimiter", [("utf-8", ","), ("utf-8-sig", ";"), ("cp1252", ";")])
def test_the_csv_variant_loads_in_any_encoding_and_separator(warehouse, tmp_path, encoding, delimiter):
    rows = [("8171", "pekerja_rentan", "70.000", "40.000", "Rp 672.000.000", "bapak_asuh")]
    csv_set(tmp_path, "81.71_2022-10", encoding=encoding, delimiter=delimiter, kepesertaan=rows)
    summary = load(warehouse, tmp_path)
    assert summary.loaded == ["81.71_2022-10"], summary.rejected
    assert query(warehouse, "select pelapor, periode, format from raw.submission") == [("81.71", "2022-10", "csv")]
    assert query(warehouse, "select kode_wilayah, sasaran, terlindungi, iuran_rp from raw.kepesertaan") == [
        ("81.71", 70_000, 40_000, 672_000_000)
    ]


def test_the_same_bytes_again_change_nothing_and_a_revision_is_kept_beside_the_first(warehouse, tmp_path, xlsx):
    xlsx(tmp_path, "81.71_2022-10.xlsx")
    assert load(warehouse, tmp_path).loaded == ["81.71_2022-10.xlsx"]
    assert load(warehouse, tmp_path).unchanged == ["81.71_2022-10.xlsx"]
    revised = [("81.71", "pekerja_rentan", 70_000, 41_000, None, None)]
    xlsx(tmp_path, "81.71_2022-10_revisi.xlsx", kepesertaan=revised)
    summary = load(warehouse, tmp_path)
    assert summary.loaded == ["81.71_2022-10_revisi.xlsx"]
    versions = query(
        warehouse,
        "select file_name, pelapor, periode, length(sha256), received_at is not null "
        "from raw.submission order by submission_id",
    )
    assert versions == [
        ("81.71_2022-10.xlsx", "81.71", "2022-10", 64, True),
        ("81.71_2022-10_revisi.xlsx", "81.71", "2022-10", 64, True),
    ]


def test_old_papua_codes_are_accepted_before_the_split_and_refused_after(warehouse, tmp_path, xlsx):
    before = [("91", "non_asn", 900, 800, None, None), ("91.01", "pekerja_rentan", 5_000, 1_000, None, None)]
    xlsx(tmp_path, "91_2021-06.xlsx", pelapor="91", periode="2021-06", kepesertaan=before)
    xlsx(tmp_path, "91_2023-06.xlsx", pelapor="91", periode="2023-06", kepesertaan=before)
    summary = load(warehouse, tmp_path)
    assert summary.loaded == ["91_2021-06.xlsx"]
    assert summary.rejected["91_2023-06.xlsx"] == [
        "lembar kepesertaan, baris 3, kolom kode_wilayah: kode 91.01 sudah tidak berlaku sejak pemekaran "
        "Papua 2022; gunakan 93.01 (Kabupaten Merauke)"
    ]


# --- the corpus of bad files: one per reason in the spec ---------------------------------------------

BAD = {
    "unknown region code": (
        dict(kepesertaan=[("81.99", "pekerja_rentan", 10, 5, None, None)], pelapor="81"),
        [
            "lembar kepesertaan, baris 2, kolom kode_wilayah: kode wilayah 81.99 tidak dikenal "
            "(lihat Kepmendagri 300.2.2-2138/2025)"
        ],
    ),
    "unknown pelapor": (
        dict(pelapor="81.99", kepesertaan=[("81.99", "non_asn", 10, 5, None, None)]),
        [
            "lembar identitas, baris 2, kolom nilai: kode_pelapor: kode wilayah 81.99 tidak dikenal "
            "(lihat Kepmendagri 300.2.2-2138/2025)",
            "lembar kepesertaan, baris 2, kolom kode_wilayah: kode wilayah 81.99 tidak dikenal "
            "(lihat Kepmendagri 300.2.2-2138/2025)",
        ],
    ),
    "kab/kota reporting another territory": (
        dict(kepesertaan=[("81.01", "pekerja_rentan", 10, 5, None, None)]),
        [
            "lembar kepesertaan, baris 2, kolom kode_wilayah: 81.71 hanya boleh melaporkan wilayahnya sendiri, "
            "bukan 81.01"
        ],
    ),
    "province reporting outside the province": (
        dict(pelapor="81", kepesertaan=[("72.71", "pekerja_rentan", 10, 5, None, None)]),
        ["lembar kepesertaan, baris 2, kolom kode_wilayah: 72.71 bukan wilayah provinsi 81"],
    ),
    "unknown segment": (
        dict(kepesertaan=[("81.71", "petani", 10, 5, None, None)]),
        [
            "lembar kepesertaan, baris 2, kolom segmen: segmen 'petani' tidak dikenal (pilihan: pekerja_rentan, "
            "non_asn, perangkat_desa, penyelenggara_pemilu, pegawai_bumd)"
        ],
    ),
    "unknown program": (
        dict(klaim=[("JKN", "perangkat_desa", 1, 100)]),
        ["lembar klaim, baris 2, kolom program: program 'JKN' tidak dikenal (pilihan: JKK, JKM, JHT)"],
    ),
    "negative count": (
        dict(kepesertaan=[("81.71", "pekerja_rentan", 10, -5, None, None)]),
        ["lembar kepesertaan, baris 2, kolom terlindungi: -5 negatif; isi 0 atau lebih"],
    ),
    "non-integer count": (
        dict(kepesertaan=[("81.71", "pekerja_rentan", 70_000, "48,55", None, None)]),
        ["lembar kepesertaan, baris 2, kolom terlindungi: '48,55' bukan bilangan bulat"],
    ),
    "terlindungi above sasaran": (
        dict(kepesertaan=[("81.71", "pekerja_rentan", 40_000, 70_000, None, None)]),
        ["lembar kepesertaan, baris 2, kolom terlindungi: terlindungi (70000) lebih besar dari sasaran (40000)"],
    ),
    "duplicate territory and segment": (
        dict(kepesertaan=[("81.71", "non_asn", 10, 5, None, None), ("8171", "non_asn", 10, 6, None, None)]),
        ["lembar kepesertaan, baris 3: baris ganda: 81.71 / non_asn sudah ada di baris 2"],
    ),
    "period in the future": (
        dict(periode="2027-01"),
        ["lembar identitas, baris 3, kolom nilai: periode 2027-01 belum terjadi (bulan ini 2026-11)"],
    ),
    "period before April 2021": (
        dict(periode="2021-03"),
        ["lembar identitas, baris 3, kolom nilai: periode 2021-03 sebelum Inpres 2/2021 berlaku (paling awal 2021-04)"],
    ),
    "every problem, not only the first": (
        dict(
            kepesertaan=[
                ("81.71", "pekerja_rentan", 70_000, "48,55", None, None),
                ("81.71", "petani", 10, 5, None, "dana desa"),
            ]
        ),
        [
            "lembar kepesertaan, baris 2, kolom terlindungi: '48,55' bukan bilangan bulat",
            "lembar kepesertaan, baris 3, kolom segmen: segmen 'petani' tidak dikenal (pilihan: pekerja_rentan, "
            "non_asn, perangkat_desa, penyelenggara_pemilu, pegawai_bumd)",
            "lembar kepesertaan, baris 3, kolom sumber_dana: sumber_dana 'dana desa' tidak dikenal (pilihan: apbd, "
            "apbdes, bapak_asuh, csr, mandiri, campuran)",
        ],
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_workbook_is_rejected_whole_and_the_good_one_loads(warehouse, tmp_path, xlsx, karantina, case):
    changes, reasons = BAD[case]
    xlsx(tmp_path, "bad.xlsx", **changes)
    xlsx(tmp_path, "good.xlsx", pelapor="72.71", kepesertaan=[("72.71", "pekerja_rentan", 26_000, 7_000, None, None)])

    summary = load(warehouse, tmp_path)

    assert summary.rejected == {"bad.xlsx": reasons}
    assert summary.loaded == ["good.xlsx"]
    assert query(warehouse, "select distinct pelapor from raw.submission") == [("72.71",)]
    assert query(warehouse, "select count(*) from raw.kepesertaan") == [(1,)]
    assert query(warehouse, "select count(*) from raw.klaim") == [(1,)]
    [(file_name, alasan, folder)] = query(warehouse, "select file_name, alasan, karantina from audit.penolakan")
    assert (file_name, alasan) == ("bad.xlsx", reasons)
    assert ObjectStoragePath(folder) == ObjectStoragePath(karantina.as_uri())
    # Copied, never moved: the inbox is only read.
    assert (karantina / "bad.xlsx").read_bytes() == (tmp_path / "bad.xlsx").read_bytes()
    assert all(r in (karantina / "bad.xlsx.alasan.txt").read_text(encoding="utf-8") for r in reasons)


def test_a_missing_sheet_and_a_missing_column_are_named(warehouse, tmp_path):
    csv_set(tmp_path, "81.71_2022-10", sheets=("identitas", "kepesertaan", "kepatuhan"))
    (tmp_path / "81.71_2022-10_kepesertaan.csv").write_text("kode_wilayah,segmen,sasaran\n81.71,non_asn,10\n")
    summary = load(warehouse, tmp_path)
    assert summary.rejected == {
        "81.71_2022-10": [
            "lembar kepesertaan: kolom terlindungi, iuran_rp, sumber_dana tidak ada (kolom yang diharapkan: "
            "kode_wilayah, segmen, sasaran, terlindungi, iuran_rp, sumber_dana)",
            "lembar klaim tidak ada",
        ]
    }
    assert query(warehouse, "select count(*) from raw.submission") == [(0,)]


def test_unreadable_files_are_rejected_with_a_sentence(warehouse, tmp_path):
    tmp_path.joinpath("81.71_2022-10.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n not a workbook")
    csv_set(tmp_path, "72.71_2022-10")
    tmp_path.joinpath("72.71_2022-10_kepesertaan.csv").write_bytes(bytes(range(256)) * 10)
    summary = load(warehouse, tmp_path)
    assert summary.rejected == {
        "72.71_2022-10": ["72.71_2022-10_kepesertaan.csv: berkas bukan CSV teks (berisi data biner)"],
        "81.71_2022-10.xlsx": [
            "berkas tidak dapat dibaca sebagai Excel (.xlsx); simpan ulang sebagai Excel "
            "Workbook (.xlsx) atau kirim CSV"
        ],
    }
    assert query(warehouse, "select count(*) from raw.submission") == [(0,)]


def test_an_oversized_file_and_a_zip_bomb_are_refused_without_reading_them(warehouse, tmp_path, xlsx, monkeypatch):
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 1024 * 1024)
    xlsx(tmp_path, "good.xlsx")
    tmp_path.joinpath("besar.xlsx").write_bytes(b"PK" + b"\x00" * (2 * 1024 * 1024))
    with zipfile.ZipFile(tmp_path / "bom.xlsx", "w", zipfile.ZIP_DEFLATED) as bomb:
        with bomb.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for _ in range(300):
                sheet.write(b"\x00" * (1024 * 1024))
    assert (tmp_path / "bom.xlsx").stat().st_size < 1024 * 1024

    summary = load(warehouse, tmp_path)

    assert summary.loaded == ["good.xlsx"]
    assert summary.rejected == {
        "besar.xlsx": ["berkas terlalu besar (2.0 MB; batas 1 MB)"],
        "bom.xlsx": ["isi berkas Excel terlalu besar setelah diekstrak (300 MB; batas 200 MB)"],
    }


# --- source 2: the BPJS extract ------------------------------------------------------------------------


def test_the_bpjs_extract_loads_and_a_bad_one_is_rejected_whole(warehouse, tmp_path):
    header = "kode_wilayah;periode;segmen;peserta_aktif;peserta_baru;iuran_diterima_rp\n"
    tmp_path.joinpath("bpjs_2022-10.csv").write_text(
        header + "81.71;2022-10;pekerja_rentan;39.500;1.200;Rp 663.600.000\n8171;Okt 2022;non_asn;2850;0;\n",
        encoding="cp1252",
    )
    tmp_path.joinpath("bpjs_2022-11.csv").write_text(
        header + "81.71;2022-11;pekerja_rentan;40000;0;0\n81;2022-11;non_asn;10;0;0\n", encoding="utf-8"
    )
    summary = load(warehouse, tmp_path, BPJS)
    assert summary.loaded == ["bpjs_2022-10.csv"]
    assert summary.rejected == {
        "bpjs_2022-11.csv": ["lembar bpjs, baris 3, kolom kode_wilayah: 81 bukan kabupaten/kota"]
    }
    assert query(
        warehouse,
        "select kode_wilayah, periode, segmen, peserta_aktif, iuran_diterima_rp "
        "from raw.bpjs_kepesertaan order by baris",
    ) == [("81.71", "2022-10", "pekerja_rentan", 39_500, 663_600_000), ("81.71", "2022-10", "non_asn", 2_850, None)]


def test_a_nik_typed_into_a_wrong_column_never_reaches_a_message(warehouse, tmp_path, xlsx):
    nik = "3171010290000001"
    with pytest.raises(ValueError) as refused:
        values.segmen(nik)
    assert nik not in str(refused.value) and "3171********0001" in str(refused.value)
    xlsx(
        tmp_path,
        "81.71_2022-10.xlsx",
        kepesertaan=[("81.71", "pekerja_rentan", 70_000, nik, None, None), ("81.71", nik, 10, 5, None, None)],
    )
    summary = load(warehouse, tmp_path)
    assert summary.rejected == {
        "81.71_2022-10.xlsx": [
            "lembar kepesertaan, baris 2, kolom terlindungi: angka lebih dari 300 juta orang; periksa "
            "kembali isian ini",
            "lembar kepesertaan, baris 3, kolom segmen: segmen '3171********0001' tidak dikenal (pilihan: "
            "pekerja_rentan, non_asn, perangkat_desa, penyelenggara_pemilu, pegawai_bumd)",
        ]
    }


def test_a_rejection_is_filed_under_the_month_it_is_about(warehouse, tmp_path, xlsx):
    xlsx(tmp_path, "81.71_2022-10.xlsx", periode="2202-10")  # a typo for 2022-10
    xlsx(tmp_path, "81.71_2022-11.xlsx", periode="2022-11", kepesertaan=[("81.71", "petani", 1, 1, None, None)])
    load(warehouse, tmp_path)
    assert query(warehouse, "select file_name, pelapor, periode from audit.penolakan order by file_name") == [
        ("81.71_2022-10.xlsx", "81.71", "2022-10"),
        ("81.71_2022-11.xlsx", "81.71", "2022-11"),
    ]


def test_a_csv_that_is_only_a_bom_or_badly_quoted_is_rejected_not_a_crash(warehouse, tmp_path):
    csv_set(tmp_path, "81.71_2022-10")
    tmp_path.joinpath("81.71_2022-10_klaim.csv").write_bytes("\ufeff".encode("utf-8"))
    csv_set(tmp_path, "72.71_2022-10", pelapor="72.71", kepesertaan=[("72.71", "non_asn", 10, 5, None, None)])
    tmp_path.joinpath("72.71_2022-10_kepesertaan.csv").write_bytes(
        b"kode_wilayah,segmen,sasaran,terlindungi,iuran_rp,sumber_dana\n72.71,non_asn,10,5,," + b"x" * 200_000 + b"\n"
    )
    summary = load(warehouse, tmp_path)
    assert summary.rejected["81.71_2022-10"] == [
        "lembar klaim: kolom program, segmen, kasus, nilai_rp tidak ada (kolom yang diharapkan: program, segmen, "
        "kasus, nilai_rp)"
    ]
    assert summary.rejected["72.71_2022-10"] == [
        "lembar kepesertaan, baris 2, kolom sumber_dana: isi sel terlalu panjang (200.000 karakter; "
        "paling banyak 32.767)"
    ]
    assert query(warehouse, "select count(*) from raw.submission") == [(0,)]


# --- issue 10: amounts, formulas, sheets, CSV forms --------------------------------------------------

NIK = "3171234567890123"


def test_an_amount_above_the_ceiling_is_refused_without_quoting_it(warehouse, tmp_path, xlsx):
    xlsx(
        tmp_path,
        "81.71_2022-10.xlsx",
        kepesertaan=[("81.71", "pekerja_rentan", 70_000, 40_000, int(NIK), None)],
        kepatuhan=(None, None, float(NIK), "Ya", None),
        klaim=[("JKM", "perangkat_desa", 2, NIK)],
    )
    summary = load(warehouse, tmp_path)
    because = (
        "jumlah lebih dari Rp 10 triliun, batas untuk satu isian; periksa kembali isian ini "
        "(bukan NIK atau nomor rekening?)"
    )
    assert summary.rejected == {
        "81.71_2022-10.xlsx": [
            f"lembar kepesertaan, baris 2, kolom iuran_rp: {because}",
            f"lembar kepatuhan, baris 2, kolom anggaran_rp: {because}",
            f"lembar klaim, baris 2, kolom nilai_rp: {because}",
        ]
    }


def test_the_amount_ceiling_is_a_setting(warehouse, tmp_path, xlsx, monkeypatch):
    monkeypatch.setenv("INPRES_MAX_RUPIAH", "2.000.000.000")
    xlsx(tmp_path, "81.71_2022-10.xlsx", klaim=[("JKM", "perangkat_desa", 2, "2,5 miliar")])
    assert load(warehouse, tmp_path).rejected["81.71_2022-10.xlsx"] == [
        "lembar klaim, baris 2, kolom nilai_rp: jumlah lebih dari Rp 2 miliar, batas untuk satu isian; periksa "
        "kembali isian ini (bukan NIK atau nomor rekening?)"
    ]


def _with_cached_values(path: Path, cached: dict[str, str]) -> None:
    """Give formula cells the value Excel would have saved with them (openpyxl writes none)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    for part, content in parts.items():
        for ref, value in cached.items():
            content = re.sub(
                rf'(<c r="{ref}"[^>]*>\s*<f>[^<]*</f>)\s*<v\s*/>'.encode(), rf"\1<v>{value}</v>".encode(), content
            )
        parts[part] = content
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)


def test_a_formula_without_its_value_is_refused_and_one_with_it_is_read(warehouse, tmp_path, xlsx):
    uncalculated = tmp_path / "81.71_2022-10.xlsx"
    xlsx(
        tmp_path,
        uncalculated.name,
        kepesertaan=[("81.71", "pekerja_rentan", 70_000, "=C2-30000", None, None)],
        kepatuhan=('="SK Wali Kota"', None, None, "Ya", None),
    )
    calculated = xlsx(
        tmp_path,
        "72.71_2022-10.xlsx",
        pelapor="72.71",
        kepesertaan=[("72.71", "pekerja_rentan", 26_000, "=C2-19000", None, None)],
    )
    _with_cached_values(calculated, {"D2": "7000"})

    summary = load(warehouse, tmp_path)

    assert summary.rejected == {
        uncalculated.name: [
            "lembar kepesertaan, baris 2, kolom terlindungi: sel berisi rumus tanpa nilai; simpan berkas dengan nilai "
            "(di Excel: salin lalu Tempel Khusus > Nilai, atau buka dan simpan ulang berkas di Excel)",
            "lembar kepatuhan, baris 2, kolom regulasi: sel berisi rumus tanpa nilai; simpan berkas dengan nilai "
            "(di Excel: salin lalu Tempel Khusus > Nilai, atau buka dan simpan ulang berkas di Excel)",
        ]
    }
    assert summary.loaded == [calculated.name]
    assert query(warehouse, "select kode_wilayah, terlindungi from raw.kepesertaan") == [("72.71", 7_000)]


def _add_sheets(path: Path, *sheets: tuple[str, str, list]) -> None:
    """(title, 'visible' | 'hidden', rows) added to a written workbook."""
    workbook = openpyxl.load_workbook(path)
    for title, state, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    workbook.save(path)


KEPESERTAAN_HEADER = ("kode_wilayah", "segmen", "sasaran", "terlindungi", "iuran_rp", "sumber_dana")


def test_a_hidden_or_a_second_sheet_of_the_same_name_is_refused_and_a_hidden_list_is_ignored(warehouse, tmp_path, xlsx):
    other = [KEPESERTAAN_HEADER, ("81.71", "pekerja_rentan", 70_000, 1, None, None)]
    _add_sheets(xlsx(tmp_path, "81.71_2022-10.xlsx"), ("kepesertaan ", "hidden", other))
    _add_sheets(xlsx(tmp_path, "81.71_2022-09.xlsx", periode="2022-09"), ("Kepesertaan ", "visible", other))
    _add_sheets(
        xlsx(tmp_path, "81.71_2022-08.xlsx", periode="2022-08"), ("pilihan", "hidden", [("segmen",), ("non_asn",)])
    )

    summary = load(warehouse, tmp_path)

    assert summary.rejected == {
        "81.71_2022-10.xlsx": [
            "ada 2 lembar bernama kepesertaan ('kepesertaan', 'kepesertaan '); hapus yang "
            "tidak dipakai agar jelas lembar mana yang dilaporkan"
        ],
        "81.71_2022-09.xlsx": [
            "ada 2 lembar bernama kepesertaan ('kepesertaan', 'Kepesertaan '); hapus yang "
            "tidak dipakai agar jelas lembar mana yang dilaporkan"
        ],
    }
    assert summary.loaded == ["81.71_2022-08.xlsx"]
    assert query(warehouse, "select terlindungi from raw.kepesertaan order by baris") == [(40_000,), (2_850,)]


def test_a_template_sheet_that_is_hidden_is_refused_by_name(warehouse, tmp_path, xlsx):
    path = xlsx(tmp_path, "81.71_2022-10.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["klaim"].sheet_state = "hidden"
    workbook.save(path)
    assert load(warehouse, tmp_path).rejected == {
        "81.71_2022-10.xlsx": [
            "lembar 'klaim' tersembunyi; tampilkan (Unhide) lembar itu bila isinya yang dilaporkan, atau hapus"
        ]
    }


@pytest.mark.parametrize("encoding, delimiter", [("utf-16", "\t"), ("utf-16", ";"), ("utf-8", "\t"), ("cp1252", "\t")])
def test_excel_unicode_text_utf16_and_tab_separated_csv_are_read(warehouse, tmp_path, encoding, delimiter):
    rows = [("8171", "pekerja_rentan", "70.000", "40.000", "Rp 672.000.000", "bapak_asuh")]
    csv_set(tmp_path, "81.71_2022-10", encoding=encoding, delimiter=delimiter, kepesertaan=rows)
    summary = load(warehouse, tmp_path)
    assert summary.loaded == ["81.71_2022-10"], summary.rejected
    assert query(
        warehouse, "select kode_wilayah, sasaran, terlindungi, iuran_rp, sumber_dana from raw.kepesertaan"
    ) == [("81.71", 70_000, 40_000, 672_000_000, "bapak_asuh")]
    assert query(warehouse, "select nama_instansi from raw.submission") == [("Dinas Tenaga Kerja Kota Ambon",)]


def test_an_empty_file_in_a_csv_set_is_named(warehouse, tmp_path):
    csv_set(tmp_path, "81.71_2022-10")
    tmp_path.joinpath("81.71_2022-10_klaim.csv").write_bytes(b"")
    assert load(warehouse, tmp_path).rejected == {"81.71_2022-10": ["81.71_2022-10_klaim.csv: berkas kosong"]}


# --- issue 10: the quarantine ------------------------------------------------------------------------


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_read_only_inbox_is_never_written_and_a_rejected_file_is_judged_once(
    warehouse, tmp_path, xlsx, karantina, caplog
):
    inbox = tmp_path / "inbox"
    xlsx(inbox, "81.71_2022-10.xlsx", kepesertaan=[("81.71", "petani", 1, 1, None, None)])
    xlsx(inbox, "72.71_2022-10.xlsx", pelapor="72.71", kepesertaan=[("72.71", "non_asn", 10, 5, None, None)])
    csv_set(inbox, "81.71_2022-11", periode="2022-11")
    inbox.joinpath("81.71_2022-11_klaim.csv").write_bytes(b"")
    before = _snapshot(inbox)
    inbox.chmod(0o555)  # as the production stack mounts it (root ignores it: the snapshot is the proof)
    try:
        first = load(warehouse, inbox)
        quarantined = _snapshot(karantina)
        caplog.clear()
        second = load(warehouse, inbox)
    finally:
        inbox.chmod(0o755)

    assert sorted(first.rejected) == ["81.71_2022-10.xlsx", "81.71_2022-11"] and first.loaded == ["72.71_2022-10.xlsx"]
    assert _snapshot(inbox) == before
    assert sorted(quarantined) == [
        "81.71_2022-10.xlsx",
        "81.71_2022-10.xlsx.alasan.txt",
        "81.71_2022-11.alasan.txt",
        *(f"81.71_2022-11_{s}.csv" for s in ("identitas", "kepatuhan", "kepesertaan", "klaim")),
    ]
    assert second.rejected == {} and sorted(second.unchanged) == [
        "72.71_2022-10.xlsx",
        "81.71_2022-10.xlsx",
        "81.71_2022-11",
    ]
    assert _snapshot(karantina) == quarantined and "ditolak" not in caplog.text
    assert query(warehouse, "select count(*) from audit.penolakan") == [(2,)]


class Killed(BaseException):
    """What a kill looks like from inside: nothing after it runs, no except Exception catches it."""


def test_a_run_killed_during_the_load_keeps_every_rejection_recorded_before(
    warehouse, tmp_path, xlsx, karantina, monkeypatch
):
    for pelapor in ("81.01", "81.02"):
        xlsx(tmp_path, f"{pelapor}_2022-10.xlsx", pelapor=pelapor, kepesertaan=[(pelapor, "petani", 1, 1, None, None)])
    xlsx(tmp_path, "81.71_2022-10.xlsx")
    real = inbox_module._load_laporan

    def dies_on_the_third(conn, delivery, *args):
        if delivery.name == "81.71_2022-10.xlsx":
            raise Killed
        return real(conn, delivery, *args)

    monkeypatch.setattr(inbox_module, "_load_laporan", dies_on_the_third)
    with pytest.raises(Killed):
        load(warehouse, tmp_path)

    assert query(warehouse, "select file_name from audit.penolakan order by 1") == [
        ("81.01_2022-10.xlsx",),
        ("81.02_2022-10.xlsx",),
    ]
    assert (karantina / "81.02_2022-10.xlsx.alasan.txt").exists()
    monkeypatch.setattr(inbox_module, "_load_laporan", real)
    summary = load(warehouse, tmp_path)
    assert summary.loaded == ["81.71_2022-10.xlsx"] and summary.rejected == {}
    assert sorted(summary.unchanged) == ["81.01_2022-10.xlsx", "81.02_2022-10.xlsx"]


def test_a_run_killed_between_the_record_and_the_copy_finishes_the_copy_next_time(
    warehouse, tmp_path, xlsx, karantina, monkeypatch
):
    xlsx(tmp_path, "81.71_2022-10.xlsx", kepesertaan=[("81.71", "petani", 1, 1, None, None)])
    real = inbox_module._quarantine

    def killed(*args):
        raise Killed

    monkeypatch.setattr(inbox_module, "_quarantine", killed)
    with pytest.raises(Killed):
        load(warehouse, tmp_path)
    assert query(warehouse, "select file_name from audit.penolakan") == [("81.71_2022-10.xlsx",)]
    assert not list(karantina.iterdir()) and (tmp_path / "81.71_2022-10.xlsx").exists()

    monkeypatch.setattr(inbox_module, "_quarantine", real)
    reasons = [
        "lembar kepesertaan, baris 2, kolom segmen: segmen 'petani' tidak dikenal (pilihan: pekerja_rentan, "
        "non_asn, perangkat_desa, penyelenggara_pemilu, pegawai_bumd)"
    ]
    assert load(warehouse, tmp_path).rejected == {"81.71_2022-10.xlsx": reasons}
    assert sorted(p.name for p in karantina.iterdir()) == ["81.71_2022-10.xlsx", "81.71_2022-10.xlsx.alasan.txt"]
    assert load(warehouse, tmp_path).unchanged == ["81.71_2022-10.xlsx"]
    assert query(warehouse, "select count(*) from audit.penolakan") == [(1,)]


def test_an_unwritable_quarantine_does_not_stop_the_night(warehouse, tmp_path, xlsx, monkeypatch, caplog):
    blocked = tmp_path / "bukan-folder"
    blocked.write_text("a file where the quarantine folder should be")
    monkeypatch.setenv("INPRES_KARANTINA", str(blocked))
    inbox = tmp_path / "inbox"
    xlsx(inbox, "81.71_2022-10.xlsx", kepesertaan=[("81.71", "petani", 1, 1, None, None)])
    xlsx(inbox, "72.71_2022-10.xlsx", pelapor="72.71", kepesertaan=[("72.71", "non_asn", 10, 5, None, None)])
    summary = load(warehouse, inbox)
    assert list(summary.rejected) == ["81.71_2022-10.xlsx"] and summary.loaded == ["72.71_2022-10.xlsx"]
    assert "could not quarantine 81.71_2022-10.xlsx" in caplog.text
    assert query(warehouse, "select file_name from audit.penolakan") == [("81.71_2022-10.xlsx",)]
