"""Reading submissions: values as officers write them, and rejections that say what to fix."""

from __future__ import annotations

import pytest

from inpres.ingest import values
from inpres.ingest.template import write_workbook
from inpres.ingest.workbook import SubmissionRejected, read_submission


@pytest.mark.parametrize("written, dotted", [("81.71", "81.71"), ("8171", "81.71"), (" 81.71 ", "81.71"),
                                             ("81", "81"), (8171, "81.71")])
def test_region_codes_in_any_written_form(written, dotted):
    assert values.kode_wilayah(written) == dotted


@pytest.mark.parametrize("written, number", [("70.000", 70_000), ("1.234.567", 1_234_567), (40000, 40_000),
                                             (40000.0, 40_000), ("", None), (None, None), ("12", 12)])
def test_integers_as_people_write_them(written, number):
    assert values.bilangan_bulat(written) == number


@pytest.mark.parametrize("written", ["48,55", "12.5", 12.5, "dua", "70.00"])
def test_non_integers_are_refused(written):
    with pytest.raises(ValueError, match="bukan bilangan bulat"):
        values.bilangan_bulat(written)


def _workbook(tmp_path, rows, **kwargs) -> bytes:
    path = tmp_path / "x.xlsx"
    write_workbook(path, pelapor=kwargs.get("pelapor", "81.71"), periode=kwargs.get("periode", "2022-10"),
                   nama_instansi="Dinas Tenaga Kerja Kota Ambon", kepesertaan=rows)
    return path.read_bytes()


def test_a_good_workbook_is_read_with_row_numbers(tmp_path):
    content = _workbook(tmp_path, [("8171", "pekerja_rentan", "70.000", 40000, None, "bapak_asuh")])
    submission = read_submission("81.71_2022-10.xlsx", content)
    assert (submission.pelapor, submission.periode) == ("81.71", "2022-10")
    assert submission.kepesertaan == [{"baris": 2, "kode_wilayah": "81.71", "segmen": "pekerja_rentan",
                                       "sasaran": 70_000, "terlindungi": 40_000, "iuran_rp": None,
                                       "sumber_dana": "bapak_asuh"}]


def test_every_problem_is_reported_not_only_the_first(tmp_path):
    content = _workbook(tmp_path, [("81.71", "pekerja_rentan", 70_000, "48,55", None, None),
                                   ("81.71", "petani", 10, 5, None, None)])
    with pytest.raises(SubmissionRejected) as rejected:
        read_submission("81.71_2022-10.xlsx", content)
    assert rejected.value.reasons == [
        "lembar kepesertaan, baris 2, kolom terlindungi: '48,55' bukan bilangan bulat",
        "lembar kepesertaan, baris 3, kolom segmen: segmen 'petani' tidak dikenal (pilihan: pekerja_rentan, "
        "non_asn, perangkat_desa, penyelenggara_pemilu, pegawai_bumd)",
    ]


def test_a_file_that_is_not_a_workbook_is_rejected_whole():
    with pytest.raises(SubmissionRejected, match="tidak dapat dibaca sebagai Excel"):
        read_submission("81.71_2022-10.xlsx", b"%PDF-1.4 not a workbook")
