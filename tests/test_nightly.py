"""The nightly job end to end, through Airflow, against a real PostgreSQL, dbt and GX."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from pypdf import PdfReader

from inpres import wilayah
from inpres.generate.national import MANIFEST, Manifest


def _csv(run, name: str) -> dict[tuple[str, str], dict]:
    with open(run.report.parent / "data" / name, newline="", encoding="utf-8") as f:
        return {(row["kode_wilayah"], row["segmen"]): row for row in csv.DictReader(f)}


@dataclass
class AnswerKey:
    """What the sample's manifest says the night must find for a month, without the warehouse."""

    diterima: set[str]  # deliveries intake must load (every month)
    ditolak: set[str]  # deliveries intake must reject (every month)
    ditolak_bulan_ini: set[str]  # of those, the ones about the month
    melapor: set[str]  # pelapor with a report of the month that intake accepts
    tepat_waktu: set[str]  # of those, the ones whose first version arrived by the deadline
    belum_lapor: set[str]  # the other pelapor of the 552
    tidak_mengirim: set[str]  # pelapor that sent nothing at all for the month
    provinsi: set[str]  # provinces with any figure for the month


def answer_key(inbox: Path, periode: str) -> AnswerKey:
    from inpres.transform import dbt_var

    manifest = Manifest.load(inbox / MANIFEST)
    entries = {e.delivery: e for e in manifest.files if e.kind != "bpjs"}
    accepted = {name for name, e in entries.items() if e.kind != "broken"}
    rejected = set(entries) - accepted
    first: dict[str, float] = {}
    for name in accepted:
        e = entries[name]
        if e.periode == periode:
            first[e.pelapor] = min(first.get(e.pelapor, e.arrived), e.arrived)
    year, month = divmod(int(periode[:4]) * 12 + int(periode[5:]), 12)
    deadline = date(year, month + 1, dbt_var("batas_hari_lapor"))
    jakarta = ZoneInfo("Asia/Jakarta")
    everyone = set(wilayah.nama())
    assert len(everyone) == 552
    return AnswerKey(
        diterima=accepted,
        ditolak=rejected,
        ditolak_bulan_ini={name for name in rejected if entries[name].periode == periode},
        melapor=set(first),
        tepat_waktu={p for p, t in first.items() if datetime.fromtimestamp(t, jakarta).date() <= deadline},
        belum_lapor=everyone - set(first),
        tidak_mengirim={p for p, m in manifest.missing if m == periode},
        provinsi={wilayah.provinsi(p) for p in first},
    )


def test_sample_inbox_becomes_the_national_report(run_nightly, warehouse, sample_inbox, smtp_server, tmp_path):
    alamat = tmp_path / "alamat_provinsi.csv"
    alamat.write_text(
        "kode_provinsi,email\n72,gubernur@sultengprov.example\n81,gubernur@malukuprov.example\n", encoding="utf-8"
    )
    mail = {
        "INPRES_DISTRIBUSI": "deputi@kemenkopmk.example,asdep@kemenkopmk.example",
        "INPRES_ALAMAT_PROVINSI": str(alamat),
    }
    run = run_nightly(sample_inbox, **mail)
    assert run.returncode == 0, run.stderr + run.log[-3000:]
    key = answer_key(sample_inbox, "2022-10")
    # The sample is the whole country, with some pelapor silent and some refused, as a real month is.
    assert key.tidak_mengirim and key.ditolak_bulan_ini and key.tidak_mengirim <= key.belum_lapor
    assert len(key.melapor) + len(key.belum_lapor) == 552

    pdf = run.report
    assert pdf.name == "laporan_nasional_2022-10.pdf" and pdf.is_relative_to(run.output / "2022-10")
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Oktober 2022" in text and "978.084" in text and "48,55 %" in text

    coverage = _csv(run, "cakupan_wilayah.csv")
    ambon = coverage[("81.71", "pekerja_rentan")]
    assert (ambon["periode"], ambon["sasaran"], ambon["terlindungi"]) == ("2022-10", "70000", "40000")
    # Province-wide Sulawesi Tengah: the province's own rows plus every kab/kota, each counted once,
    # Palu's own report (7.000) winning over the province's figure for Palu (6.500).
    assert coverage[("72", "pekerja_rentan")]["sasaran"] == "978084"
    assert coverage[("72", "pekerja_rentan")]["terlindungi"] == "474860"
    assert coverage[("72.71", "pekerja_rentan")]["terlindungi"] == "7000"
    assert coverage[("72.06", "pekerja_rentan")]["terlindungi"] == "28000"
    # Every kab/kota in the data, every province with data, and the nation, per segment.
    provinces = {k for k, _ in coverage if "." not in k and k != "00"}
    assert provinces == key.provinsi
    national = coverage[("00", "pekerja_rentan")]
    regions = [r for (k, s), r in coverage.items() if s == "pekerja_rentan" and k in provinces]
    assert int(national["terlindungi"]) == sum(int(r["terlindungi"]) for r in regions)

    # dbt's own tests ran as tasks of the build (a task per node's tests), and passed.
    assert "dbt_build.fct_cakupan_wilayah.test" in run.log
    # Intake judged every delivery as the manifest says: loaded, or refused and recorded.
    with psycopg.connect(warehouse) as conn:
        loaded = {row[0] for row in conn.execute("select file_name from raw.submission")}
        refused = {row[0] for row in conn.execute("select file_name from audit.penolakan where sumber = 'laporan'")}
        before = conn.execute("select count(*), sum(terlindungi) from raw.kepesertaan").fetchone()
        belum = {
            row[0]
            for row in conn.execute("""select kode_wilayah from marts.fct_laporan_pelapor
            where periode = '2022-10' and status_laporan = 'belum_lapor'""")
        }
    assert loaded == key.diterima and refused == key.ditolak
    # Who has not reported: those who sent nothing, and those whose every file was refused.
    assert belum == key.belum_lapor

    # The marts answer the ministry's questions; each figure is recomputed here from raw, another way.
    with psycopg.connect(warehouse) as conn:
        assert _mart_answers(conn) == _independent_answers(conn)
    data = run.report.parent / "data"
    for name in ("kepatuhan_wilayah.csv", "kelengkapan_laporan.csv", "rekonsiliasi_bpjs.csv", "klaim_wilayah.csv"):
        with open(data / name, newline="", encoding="utf-8") as f:
            assert list(csv.DictReader(f)), name
    with open(data / "kelengkapan_laporan.csv", newline="", encoding="utf-8") as f:
        nasional = next(r for r in csv.DictReader(f) if r["kode_wilayah"] == "00")
    assert (
        int(nasional["laporan_diharapkan"]),
        int(nasional["laporan_diterima"]),
        int(nasional["laporan_tepat_waktu"]),
    ) == (552, len(key.melapor), len(key.tepat_waktu))
    assert float(nasional["persen_diterima"]) == round(100 * len(key.melapor) / 552, 2)
    # The first report lists every file rejected so far (all arrived since "the report before"), whatever month.
    with psycopg.connect(warehouse) as conn:
        every_rejection = {row[0] for row in conn.execute("select file_name from audit.penolakan")}
        about_the_month = {
            row[0]
            for row in conn.execute(
                "select file_name from audit.penolakan where periode = '2022-10' or periode is null"
            )
        }
    assert _rejections_listed(run) == every_rejection and key.ditolak <= every_rejection
    assert (run.report.parent / "dbt_docs" / "index.html").stat().st_size > 10_000

    with psycopg.connect(warehouse) as conn:
        check_reports_against_marts(run.report.parent, conn, "2022-10", key.provinsi)
    check_manifest(run.report.parent)
    check_mail(smtp_server.messages, run.report.parent)
    mailed = len(smtp_server.messages)

    # A second night on the same inbox changes nothing, in the warehouse or in the figures, and mails nothing.
    again = run_nightly(sample_inbox, **mail)
    assert again.returncode == 0, again.stderr
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select count(*), sum(terlindungi) from raw.kepesertaan").fetchone() == before
    assert _csv(again, "cakupan_wilayah.csv") == coverage
    # The next report lists only the month's own rejections: the others were reported the night they arrived.
    assert _rejections_listed(again) == about_the_month and key.ditolak_bulan_ini <= about_the_month
    assert about_the_month < every_rejection
    assert len(smtp_server.messages) == mailed
    assert (
        json.loads((again.report.parent / "manifest.json").read_text())["versi_data"]["hash_masukan"]
        == json.loads((run.report.parent / "manifest.json").read_text())["versi_data"]["hash_masukan"]
    )


def _rejections_listed(run) -> set[str]:
    with open(run.report.parent / "data" / "penolakan.csv", newline="", encoding="utf-8") as f:
        return {r["file_name"] for r in csv.DictReader(f)}


def _text(pdf: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())


def _sheet(workbook, title_start: str) -> list[dict]:
    """A sheet's data rows as {header: value}, the sheet found by the table's title in A1."""
    [ws] = [ws for ws in workbook.worksheets if str(ws["A1"].value or "").startswith(title_start)]
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and r[0] in ("Kode", "Provinsi", "Bulan", "Segmen", "Berkas"))
    return [dict(zip(rows[header], r, strict=True)) for r in rows[header + 1 :] if r and r[0] is not None]


def check_reports_against_marts(folder: Path, conn, periode: str, provinsi: set[str]) -> None:
    """Every key figure of the PDF, the workbook and the CSV files is the mart's, including the seed figures."""
    from openpyxl import load_workbook

    from inpres.reports.formatting import format_number, format_percent

    pdf = _text(folder / f"laporan_nasional_{periode}.pdf")
    assert "Oktober 2022" in pdf and "Versi data" in pdf and "Ringkasan eksekutif" in pdf
    provinces = conn.execute(
        """select kode_wilayah, nama_wilayah, sasaran, terlindungi, persen_terlindungi, peringkat,
            pemerintah_dihitung, pemerintah_diharapkan, jumlah_diperingkat
        from marts.fct_cakupan_wilayah where periode = %s and tingkat = 'provinsi' and segmen = 'pekerja_rentan'
        order by kode_wilayah""",
        (periode,),
    ).fetchall()
    assert [p[0] for p in provinces] == sorted(provinsi)
    # The ranking lists the provinces whose basis is complete; the others follow in a table of their own, unranked.
    assert any(p[5] is None for p in provinces) and any(p[5] is not None for p in provinces)
    for kode, nama, _sasaran, terlindungi, persen, peringkat, dihitung, diharapkan, _ in provinces:
        if peringkat is None:
            assert f"{nama} {format_number(terlindungi)} {format_percent(persen)} {dihitung}/{diharapkan}" in pdf, kode
        else:
            figures = f"{format_number(peringkat)} {format_number(terlindungi)} {format_percent(persen)}"
            assert f"{nama} {figures}" in pdf, kode
    # Seed reports 004 and 002: Sulawesi Tengah, Palu, Morowali (its annex) and Ambon (Maluku's annex).
    # Every government of Sulawesi Tengah reported, so its figure is complete and ranked among the provinces.
    [sulteng] = [p for p in provinces if p[0] == "72"]
    assert sulteng[2:5] == (978_084, 474_860, Decimal("48.55")) and sulteng[5] is not None
    assert sulteng[6] == sulteng[7] == 14
    assert f"48,55 % (474.860 dari 978.084), peringkat {sulteng[5]} dari {sulteng[8]} provinsi" in pdf
    assert "Kota Palu" in pdf and "7.000" in pdf and "Kabupaten Morowali" in pdf and "28.000" in pdf
    kabkota = {
        k: (s, t, p)
        for k, s, t, p in conn.execute(
            """select kode_wilayah, sasaran, terlindungi,
        persen_terlindungi from marts.fct_cakupan_wilayah where periode = %s and segmen = 'pekerja_rentan'
        and tingkat in ('kabupaten', 'kota')""",
            (periode,),
        )
    }
    assert kabkota["81.71"][:2] == (70_000, 40_000) and kabkota["72.71"][1] == 7_000 and kabkota["72.06"][1] == 28_000
    assert f"81.71 Kota Ambon Tepat waktu 70.000 40.000 {format_percent(kabkota['81.71'][2])}" in pdf
    diterima, diharapkan = conn.execute(
        """select laporan_diterima, laporan_diharapkan from marts.fct_kelengkapan_laporan
        where periode = %s and kode_wilayah = '00'""",
        (periode,),
    ).fetchone()
    assert f"{diterima} dari {diharapkan} pemerintah daerah telah melapor" in pdf
    never = conn.execute("select count(*) from marts.fct_pelapor_belum_pernah_lapor").fetchone()[0]
    assert f"{format_number(never)} pemerintah daerah belum pernah melapor" in pdf

    province_pdf = _text(folder / "provinsi" / f"laporan_provinsi_72_{periode}.pdf")
    assert "Umpan balik untuk Gubernur Sulawesi Tengah" in province_pdf
    ranked = conn.execute(
        """select peringkat, jumlah_diperingkat from marts.fct_cakupan_wilayah
        where periode = %s and kode_wilayah = '72' and segmen = 'pekerja_rentan'""",
        (periode,),
    ).fetchone()
    assert f"48,55 % (474.860 dari 978.084), peringkat {ranked[0]} dari {ranked[1]} provinsi" in province_pdf
    # Palu's own report (7.000) and not the province's figure for Palu; only Sulawesi Tengah's own kab/kota.
    assert "Kota Palu Tepat waktu 26.000 7.000" in province_pdf and "Kota Ambon" not in province_pdf
    assert len(list((folder / "provinsi").glob("*.pdf"))) == 38

    semester = _text(folder / "laporan_semester_2022_S2.pdf")
    pr = conn.execute("""select terlindungi, bulan_tercakup from marts.fct_cakupan_semester
        where kode_wilayah = '00' and tahun = 2022 and semester = 2 and segmen = 'pekerja_rentan'""").fetchone()
    assert f"Semester II 2022 (sementara: Juli–Oktober, {pr[1]} dari 6 bulan)" in semester
    assert f"{format_number(pr[0])} pekerja rentan terlindungi" in semester

    workbook = load_workbook(folder / f"laporan_nasional_{periode}.xlsx")
    ranked = {r["Kode"]: r for r in _sheet(workbook, "Peringkat provinsi")}
    for kode, nama, sasaran, terlindungi, persen, peringkat, *_ in provinces:
        row = ranked[kode]
        assert (row["Provinsi"], row["Peringkat"], row["Sasaran"], row["Terlindungi"], row["Cakupan"]) == (
            nama,
            peringkat,
            sasaran,
            terlindungi,
            None if persen is None else float(persen),
        )
    kk = {r["Kode"]: r for r in _sheet(workbook, "Kabupaten/kota")}
    for kode in ("81.71", "72.71", "72.06"):
        assert kk[kode]["Terlindungi p. rentan"] == kabkota[kode][1]
    assert (kk["81.71"]["Sasaran p. rentan"], kk["81.71"]["Terlindungi p. rentan"]) == (70_000, 40_000)

    with open(folder / "data" / "peringkat_provinsi.csv", newline="", encoding="utf-8") as f:
        csv_rows = {r["kode_wilayah"]: r for r in csv.DictReader(f)}
    assert csv_rows["72"]["persen_pekerja_rentan"] == "48.55" and csv_rows["72"]["sasaran_pekerja_rentan"] == "978084"
    kamus = (folder / "data" / "KAMUS_DATA.md").read_text(encoding="utf-8")
    for name in (p.stem for p in (folder / "data").glob("*.csv")):
        assert (
            name in kamus
            or name
            in ("kepatuhan_wilayah", "kelengkapan_laporan", "rekonsiliasi_bpjs", "klaim_wilayah", "non_asn_provinsi")
            or name.startswith("semester_")
        ), name


def check_manifest(folder: Path) -> None:
    import hashlib

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"]: f for f in manifest["berkas"]}
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(listed) == on_disk
    for path, entry in listed.items():
        content = (folder / path).read_bytes()
        assert (entry["bytes"], entry["sha256"]) == (len(content), hashlib.sha256(content).hexdigest()), path
    assert len(manifest["versi_data"]["hash_masukan"]) == 64 and manifest["periode"] == "2022-10"


def check_mail(messages, folder: Path) -> None:
    by_recipient = {recipients[0]: message for recipients, message in messages}
    assert set(by_recipient) == {
        "deputi@kemenkopmk.example",
        "asdep@kemenkopmk.example",
        "gubernur@sultengprov.example",
        "gubernur@malukuprov.example",
    }

    def attachments(message):
        return {
            p.get_filename(): p.get_payload(decode=True)
            for p in message.walk()
            if p.get_content_disposition() == "attachment"
        }

    national = attachments(by_recipient["deputi@kemenkopmk.example"])
    assert set(national) == {
        "laporan_nasional_2022-10.pdf",
        "laporan_nasional_2022-10.xlsx",
        "laporan_semester_2022_S2.pdf",
    }
    assert national["laporan_nasional_2022-10.pdf"] == (folder / "laporan_nasional_2022-10.pdf").read_bytes()
    assert set(attachments(by_recipient["gubernur@sultengprov.example"])) == {"laporan_provinsi_72_2022-10.pdf"}
    assert "Oktober 2022" in by_recipient["gubernur@malukuprov.example"]["Subject"]


def test_a_gate_failure_stops_the_run_before_the_report(run_nightly, warehouse, tmp_path):
    """Intake already refuses such a file; the gate is the second line, for rows that reach raw another
    way (a loader bug, a hand-made fix in the database). Such a row is put there directly."""
    with psycopg.connect(warehouse) as conn:
        conn.execute("""insert into raw.submission (submission_id, file_name, sha256, format, pelapor, periode,
                                                    received_at)
                        values (1, '81.71_2022-10.xlsx', 'x', 'xlsx', '81.71', '2022-10', now())""")
        conn.execute("""insert into raw.kepesertaan (submission_id, baris, kode_wilayah, segmen, sasaran, terlindungi)
                        values (1, 2, '81.71', 'pekerja_rentan', 40000, 70000)""")
    inbox = tmp_path / "inbox"
    inbox.mkdir()

    run = run_nightly(inbox)

    assert run.returncode == 1
    # No report: only the intake's status, which the load writes before the gate.
    assert not list(run.output.rglob("*.pdf"))
    assert [p.relative_to(run.output).as_posix() for p in run.output.rglob("*.csv")] == [
        "penerimaan/penerimaan_2022-10.csv"
    ]
    [failure] = [line for line in run.stderr.splitlines() if line.startswith("FAILED ")]
    assert failure.startswith("FAILED quality_gate_raw: gate raw_kepesertaan failed")
    assert "expect_column_pair_values_a_to_be_greater_than_b [terlindungi ≤ sasaran]" in failure
    assert "submission_id=1, baris=2, sasaran=40000, terlindungi=70000" in failure
    # The task log itself names the failed expectation, as the on-call engineer sees it in Airflow.
    assert "gate raw_kepesertaan: expect_column_pair_values_a_to_be_greater_than_b" in run.log
    assert "dbt_build" not in failure


def test_a_rejected_file_and_a_warning_let_the_report_go_out_and_both_are_in_its_annex(
    run_nightly, warehouse, tmp_path, submission
):
    inbox = tmp_path / "inbox"
    submission(
        inbox / "81.71_2022-10.xlsx",
        pelapor="81.71",
        periode="2022-10",
        kepesertaan=[("81.71", "pekerja_rentan", 70_000, 40_000, None, None)],
    )
    submission(
        inbox / "72.71_2022-10.xlsx",
        pelapor="72.71",
        periode="2022-10",
        kepesertaan=[("72.71", "pekerja_rentan", "26.000", "48,55", None, None)],
    )
    # Unknown sasaran: a warning (coverage cannot be computed), not a reason to stop the report.
    submission(
        inbox / "72.06_2022-10.xlsx",
        pelapor="72.06",
        periode="2022-10",
        kepesertaan=[("72.06", "pekerja_rentan", None, 28_000, None, None)],
    )

    run = run_nightly(inbox)

    assert run.returncode == 0, run.stderr
    assert (
        "Rejected: 72.71_2022-10.xlsx ditolak: lembar kepesertaan, baris 2, kolom terlindungi: "
        "'48,55' bukan bilangan bulat"
    ) in run.stdout
    coverage = _csv(run, "cakupan_wilayah.csv")
    assert ("81.71", "pekerja_rentan") in coverage and ("72.71", "pekerja_rentan") not in coverage
    assert coverage[("72.06", "pekerja_rentan")]["terlindungi"] == "28000"
    data = run.report.parent / "data"
    with open(data / "penolakan.csv", newline="", encoding="utf-8") as f:
        [rejected] = list(csv.DictReader(f))
    assert {k: rejected[k] for k in ("file_name", "pelapor", "nama_pelapor", "periode", "alasan")} == {
        "file_name": "72.71_2022-10.xlsx",
        "pelapor": "72.71",
        "nama_pelapor": "Kota Palu",
        "periode": "2022-10",
        "alasan": "lembar kepesertaan, baris 2, kolom terlindungi: '48,55' bukan bilangan bulat",
    }
    # A copy with its reasons goes to the quarantine beside the output; the inbox itself is never written.
    assert (run.output.parent / "karantina" / "72.71_2022-10.xlsx.alasan.txt").exists()
    assert (inbox / "72.71_2022-10.xlsx").exists() and not (inbox / "karantina").exists()

    with open(data / "peringatan_mutu.csv", newline="", encoding="utf-8") as f:
        [warning] = [w for w in csv.DictReader(f) if w["pemeriksaan"].startswith("Sasaran kosong")]
    assert warning["jumlah_diperiksa"] == "1"
    assert warning["contoh"] == "Kabupaten Morowali, pekerja rentan, Oktober 2022"
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(run.report).pages).split())
    assert "Berkas yang ditolak" in text and "'48,55' bukan bilangan bulat" in text
    assert "Peringatan pemeriksaan mutu data" in text and "Sasaran kosong di lembar kepesertaan" in text
    # The governor of Sulawesi Tengah reads why Palu's file was refused.
    palu = " ".join(
        " ".join(
            page.extract_text()
            for page in PdfReader(run.report.parent / "provinsi" / "laporan_provinsi_72_2022-10.pdf").pages
        ).split()
    )
    assert "72.71_2022-10.xlsx" in palu and "'48,55' bukan bilangan bulat" in palu
    assert "WARNING gate raw_kepesertaan: expect_column_values_to_not_be_null" in run.log
    assert (run.report.parent / "data_docs" / "raw_kepesertaan" / "index.html").exists()
    with psycopg.connect(warehouse) as conn:
        assert conn.execute(
            "select severity, success from audit.validation_result where aturan like 'sasaran diisi%%'"
        ).fetchall() == [("warning", False)]


LATEST = """
    with terkini as (
        select distinct on (pelapor, periode) submission_id, pelapor, periode
        from raw.submission order by pelapor, periode, received_at desc, submission_id desc
    ), baris as (
        -- a kab/kota's own row wins over its province's row for it
        select distinct on (k.kode_wilayah, t.periode, k.segmen) k.*, t.pelapor, t.periode
        from raw.kepesertaan k join terkini t using (submission_id)
        order by k.kode_wilayah, t.periode, k.segmen, (t.pelapor = k.kode_wilayah) desc
    )
"""


def _independent_answers(conn) -> dict:
    sulteng = conn.execute(
        LATEST
        + """
        select sum(sasaran), sum(terlindungi) from baris
        where periode = '2022-10' and segmen = 'pekerja_rentan' and split_part(kode_wilayah, '.', 1) = '72'
    """
    ).fetchone()
    ambon = conn.execute(
        LATEST
        + """select sasaran, terlindungi from baris
        where periode = '2022-10' and segmen = 'pekerja_rentan' and kode_wilayah = '81.71'"""
    ).fetchone()
    maluku = conn.execute(
        LATEST
        + """
        select count(*) filter (where terlindungi = sasaran and sasaran > 0), count(*) from baris
        where periode = '2022-10' and segmen = 'non_asn' and kode_wilayah like '81.%%'
    """
    ).fetchone()
    received = conn.execute("select count(distinct pelapor) from raw.submission where periode = '2022-10'").fetchone()
    # The nation: the sum of what was reported, over the governments whose figures came (own or on their behalf).
    nasional = conn.execute(
        LATEST
        + """
        select sum(sasaran), sum(terlindungi), round(100.0 * sum(terlindungi) filter (where sasaran is not null)
            / sum(sasaran), 2)
        from baris where periode = '2022-10' and segmen = 'pekerja_rentan'
    """
    ).fetchone()
    dihitung = conn.execute(
        LATEST
        + """
        select count(distinct kode_wilayah) filter (where split_part(kode_wilayah, '.', 1) = '72'),
               count(distinct kode_wilayah)
        from baris where periode = '2022-10'
    """
    ).fetchone()
    gaps = conn.execute(
        LATEST
        + """, bpjs as (
            select distinct on (b.kode_wilayah, b.periode, b.segmen) b.* from raw.bpjs_kepesertaan b
            join raw.bpjs_extract e using (extract_id)
            order by b.kode_wilayah, b.periode, b.segmen, e.received_at desc, e.extract_id desc)
        select baris.kode_wilayah, baris.segmen, baris.terlindungi - bpjs.peserta_aktif
        from baris join bpjs using (kode_wilayah, periode, segmen)
        where baris.periode = '2022-10' and baris.kode_wilayah like '%%.%%' order by 1, 2
    """
    ).fetchall()
    return {
        "sulteng": (int(sulteng[0]), int(sulteng[1]), round(100 * int(sulteng[1]) / int(sulteng[0]), 2)),
        "ambon": ambon,
        "maluku_non_asn": (maluku[0], maluku[1], round(100 * maluku[0] / maluku[1], 2)),
        "rate": round(100 * received[0] / 552, 2),
        "gaps": gaps,
        "nasional": (int(nasional[0]), int(nasional[1]), float(nasional[2])),
        "dihitung": {"72": dihitung[0], "00": dihitung[1]},
    }


def _mart_answers(conn) -> dict:
    sulteng = conn.execute("""select sasaran, terlindungi, persen_terlindungi from marts.fct_cakupan_wilayah
        where kode_wilayah = '72' and periode = '2022-10' and segmen = 'pekerja_rentan'""").fetchone()
    ambon = conn.execute("""select sasaran, terlindungi from marts.fct_cakupan_wilayah
        where kode_wilayah = '81.71' and periode = '2022-10' and segmen = 'pekerja_rentan'""").fetchone()
    maluku = conn.execute("""select kabupaten_kota_terlindungi_semua, kabupaten_kota_melapor, persen_terlindungi_semua
        from marts.fct_non_asn_provinsi where kode_wilayah = '81' and periode = '2022-10'""").fetchone()
    nasional = conn.execute("""select sasaran, terlindungi, persen_terlindungi from marts.fct_cakupan_wilayah
        where kode_wilayah = '00' and periode = '2022-10' and segmen = 'pekerja_rentan'""").fetchone()
    dihitung = dict(
        conn.execute("""select kode_wilayah, pemerintah_dihitung from marts.fct_cakupan_wilayah
        where kode_wilayah in ('00', '72') and periode = '2022-10' and segmen = 'pekerja_rentan'""").fetchall()
    )
    rate = conn.execute("""select persen_diterima from marts.fct_kelengkapan_laporan
        where kode_wilayah = '00' and periode = '2022-10'""").fetchone()[0]
    gaps = conn.execute("""select kode_wilayah, segmen, selisih from marts.fct_rekonsiliasi_bpjs
        where periode = '2022-10' and selisih is not null order by 1, 2""").fetchall()
    assert (sulteng[0], sulteng[1], float(sulteng[2])) == (978_084, 474_860, 48.55)  # seed report 004
    assert ambon == (70_000, 40_000)  # seed report 002
    return {
        "sulteng": (sulteng[0], sulteng[1], float(sulteng[2])),
        "ambon": ambon,
        "maluku_non_asn": (maluku[0], maluku[1], float(maluku[2])),
        "rate": float(rate),
        "gaps": gaps,
        "nasional": (nasional[0], nasional[1], float(nasional[2])),
        "dihitung": dihitung,
    }
