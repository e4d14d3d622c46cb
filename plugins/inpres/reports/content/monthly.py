"""The content of the monthly report: its tables and its headline findings, built from `Figures`.

A table here is picked from the marts' rows column by column; the only arithmetic is none. The findings
are sentences around figures the marts already hold (a rank, a count of reports, a change). Every
province-wide or national figure comes with its basis (content/common.py).
"""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

from inpres.catalogue import SEGMEN_LABEL
from inpres.paths import EXPECTATIONS
from inpres.reports.content import register
from inpres.reports.content.columns import (
    basis_column,
    basis_columns,
    column,
    columns,
    coverage_columns,
    trend_basis_column,
)
from inpres.reports.content.common import (
    KELENGKAPAN_COLUMNS,
    TREND_CHART,
    TREND_NOTE,
    basis_cells,
    basis_note,
    basis_word,
    change,
    kelengkapan_rows,
    national_sentence,
    ranking_findings,
)
from inpres.reports.content.wording import (
    POIN_KEPATUHAN,
    STATUS_LAPORAN,
    TINGKAT,
    segmen_in_sentence,
    segmen_label,
    segmen_order,
    threshold_text,
)
from inpres.reports.figures import Figures
from inpres.reports.formatting import (
    format_date,
    format_number,
    format_percent,
    format_periode,
    format_range,
    format_range_short,
    format_rupiah,
)
from inpres.reports.tables import Chart, Column, Table
from inpres.transform import dbt_var

MART_CAKUPAN = "marts.fct_cakupan_wilayah"


def _by_segmen(rows: list[dict]) -> dict[tuple[str, str], dict]:
    return {(r["kode_wilayah"], r["segmen"]): r for r in rows}


# --- coverage ------------------------------------------------------------------------------------------------


def cakupan_nasional(f: Figures) -> Table:
    rows = sorted(f.nasional(f.cakupan), key=segmen_order)
    return Table(
        "ringkasan_nasional",
        f"Cakupan nasional per segmen, {format_periode(f.periode)}",
        (
            column("segmen"),
            *coverage_columns(" di seluruh Indonesia"),
            *columns(
                "perubahan_terlindungi_bulan_lalu",
                "perubahan_persen_bulan_lalu",
                "perubahan_terlindungi_tahun_lalu",
                "perubahan_persen_tahun_lalu",
            ),
            *basis_columns(),
        ),
        [
            (
                segmen_label(r["segmen"]),
                r["sasaran"],
                r["terlindungi"],
                r["persen_terlindungi"],
                change(r, "perubahan_terlindungi_bulan_lalu"),
                change(r, "perubahan_persen_bulan_lalu"),
                change(r, "perubahan_terlindungi_tahun_lalu", "basis_lengkap_tahun_lalu"),
                change(r, "perubahan_persen_tahun_lalu", "basis_lengkap_tahun_lalu"),
                *basis_cells(r),
            )
            for r in rows
        ],
        note=basis_note(),
        sources=(MART_CAKUPAN,),
        sheet="Ringkasan nasional",
    )


def _ranking_order(r: dict | None, kode: str):
    """Ranked first, best first; then those with figures but an incomplete basis; then those without any
    figure. The unranked stay in code order, so their order suggests no rank."""
    if r and r.get("peringkat") is not None:
        return (0, r["peringkat"], kode)
    return (1 if r else 2, 0, kode)


def peringkat_provinsi(f: Figures) -> Table:
    """The 38 provinces by pekerja-rentan coverage: the ranked ones (complete basis), then the others."""
    cakupan = _by_segmen(f.cakupan)
    kepatuhan = {r["kode_wilayah"]: r for r in f.kepatuhan}
    kelengkapan = {r["kode_wilayah"]: r for r in f.kelengkapan}
    provinsi = sorted(
        (w for w in f.wilayah if w["tingkat"] == "provinsi"),
        key=lambda w: _ranking_order(cakupan.get((w["kode_wilayah"], "pekerja_rentan")), w["kode_wilayah"]),
    )
    rows = []
    for w in provinsi:
        c = cakupan.get((w["kode_wilayah"], "pekerja_rentan"))
        k = kepatuhan.get(w["kode_wilayah"], {})
        lengkap = kelengkapan.get(w["kode_wilayah"], {})
        rows.append(
            (
                w["kode_wilayah"],
                w["nama_wilayah"],
                (c or {}).get("peringkat"),
                (c or {}).get("sasaran"),
                (c or {}).get("terlindungi"),
                (c or {}).get("persen_terlindungi"),
                change(c, "perubahan_persen_bulan_lalu"),
                *basis_cells(c),
                k.get("skor"),
                k.get("peringkat"),
                lengkap.get("laporan_diterima"),
                lengkap.get("laporan_diharapkan"),
            )
        )
    return Table(
        "peringkat_provinsi",
        f"Peringkat provinsi: cakupan pekerja rentan dan kepatuhan Inpres, {format_periode(f.periode)}",
        (
            column("kode_wilayah"),
            column("nama_wilayah", label="Provinsi"),
            column("peringkat_cakupan"),
            *(
                replace(k, name=f"{k.name.removesuffix('_terlindungi')}_pekerja_rentan")
                for k in coverage_columns(", seluruh provinsi")
            ),
            column(
                "perubahan_persen_bulan_lalu",
                label="Δ bulan lalu",
                description="Perubahan cakupan pekerja rentan dari bulan lalu, poin persen; kosong bila basis salah "
                "satu bulan belum lengkap.",
            ),
            *basis_columns(),
            column("skor_kepatuhan"),
            column("peringkat_kepatuhan"),
            column(
                "laporan_diterima",
                label="Laporan diterima",
                description="Laporan bulan ini yang diterima dari pemerintah provinsi dan kab/kotanya.",
                in_pdf=False,
            ),
            column(
                "laporan_diharapkan",
                label="Laporan diharapkan",
                description="Laporan yang diharapkan: pemerintah provinsi dan setiap kab/kotanya.",
                in_pdf=False,
            ),
        ),
        rows,
        note=(
            "Peringkat sama untuk cakupan yang sama. Hanya provinsi yang basisnya lengkap yang diberi "
            "peringkat; yang belum lengkap tercantum di bawahnya tanpa peringkat. " + basis_note()
        ),
        chart=Chart("bar", "Cakupan pekerja rentan per provinsi (%)", "nama_wilayah", ("persen_pekerja_rentan",)),
        sources=(MART_CAKUPAN, "marts.fct_kepatuhan_pelapor", "marts.fct_kelengkapan_laporan"),
    )


def cakupan_provinsi(f: Figures) -> Table:
    rows = sorted(
        (r for r in f.cakupan if r["tingkat"] == "provinsi"), key=lambda r: (r["kode_wilayah"], segmen_order(r))
    )
    return Table(
        "cakupan_provinsi",
        f"Cakupan per provinsi dan segmen, {format_periode(f.periode)}",
        (
            column("kode_wilayah"),
            column("nama_wilayah", label="Provinsi"),
            column("segmen"),
            *coverage_columns(", seluruh provinsi (pemerintah provinsi dan kab/kotanya)"),
            column(
                "peringkat",
                description="Peringkat cakupan segmen ini di antara provinsi yang basisnya lengkap; kosong bila "
                "belum lengkap.",
            ),
            column(
                "perubahan_persen_bulan_lalu",
                label="Δ bulan lalu",
                description="Perubahan cakupan dari bulan lalu, poin persen; kosong bila basis salah satu bulan "
                "belum lengkap.",
            ),
            *basis_columns(),
        ),
        [
            (
                r["kode_wilayah"],
                r["nama_wilayah"],
                segmen_label(r["segmen"]),
                r["sasaran"],
                r["terlindungi"],
                r["persen_terlindungi"],
                r["peringkat"],
                change(r, "perubahan_persen_bulan_lalu"),
                *basis_cells(r),
            )
            for r in rows
        ],
        note=basis_note(),
        sources=(MART_CAKUPAN,),
    )


def cakupan_wilayah(f: Figures) -> Table:
    """Every territory and segment of the month (for the workbook and the CSV, not printed)."""
    rows = sorted(f.cakupan, key=lambda r: (tuple(r["kode_wilayah"].split(".")), segmen_order(r)))
    return Table(
        "cakupan_wilayah",
        f"Cakupan per wilayah dan segmen, {format_periode(f.periode)}",
        (
            column("kode_wilayah"),
            column("nama_wilayah"),
            column("tingkat", description="nasional, provinsi, kabupaten atau kota."),
            column("periode"),
            column("segmen", kind="kode", description="Kode segmen."),
            *coverage_columns("", kabupaten_kota=True),
            *columns(
                "terlindungi_bersasaran", "peringkat", "perubahan_terlindungi_bulan_lalu", "perubahan_persen_bulan_lalu"
            ),
            *basis_columns(sasaran=False),
            *columns("pemerintah_bersasaran", "sasaran_acuan"),
            column("persen_sasaran_terlapor"),
            basis_column(),
        ),
        [
            (
                r["kode_wilayah"],
                r["nama_wilayah"],
                r["tingkat"],
                r["periode"],
                r["segmen"],
                r["sasaran"],
                r["terlindungi"],
                r["persen_terlindungi"],
                r["terlindungi_bersasaran"],
                r["peringkat"],
                change(r, "perubahan_terlindungi_bulan_lalu"),
                change(r, "perubahan_persen_bulan_lalu"),
                *basis_cells(r, sasaran=False),
                r["pemerintah_bersasaran"],
                r["sasaran_acuan"],
                r["persen_sasaran_terlapor"],
                basis_word(r),
            )
            for r in rows
        ],
        sources=(MART_CAKUPAN,),
    )


def kepatuhan_provinsi(f: Figures) -> Table:
    rows = sorted((r for r in f.kepatuhan if r["jenjang"] == "provinsi"), key=lambda r: r["kode_wilayah"])

    return Table(
        "kepatuhan_provinsi",
        f"Kartu kepatuhan Inpres pemerintah provinsi, {format_periode(f.periode)}",
        (
            column("kode_wilayah"),
            column("nama_wilayah", label="Provinsi"),
            *columns(*(f"status_{p}" for p in POIN_KEPATUHAN), "poin_diperoleh", "poin_maksimal", "skor"),
            column("peringkat", description="Peringkat skor di antara provinsi."),
        ),
        [
            (
                r["kode_wilayah"],
                r["nama_wilayah"],
                *(r[f"status_{p}"] for p in POIN_KEPATUHAN),
                r["poin_diperoleh"],
                r["poin_maksimal"],
                r["skor"],
                r["peringkat"],
            )
            for r in rows
        ],
        note="● terpenuhi · ◐ sebagian · ○ tidak terpenuhi · ? tidak diketahui. Hanya pemerintah "
        "provinsi yang melapor bulan ini yang ditampilkan.",
        sources=("marts.fct_kepatuhan_pelapor",),
        sheet="Kartu kepatuhan",
    )


def kabupaten_kota(f: Figures) -> Table:
    """Every kab/kota with its reporting status and coverage; the province annexes print their part."""
    cakupan = _by_segmen(f.cakupan)
    laporan = {r["kode_wilayah"]: r for r in f.laporan}
    rows = []
    for w in (w for w in f.wilayah if w["tingkat"] in ("kabupaten", "kota")):
        kode = w["kode_wilayah"]
        pr = cakupan.get((kode, "pekerja_rentan"), {})
        rows.append(
            (
                w["kode_provinsi"],
                kode,
                w["nama_wilayah"],
                STATUS_LAPORAN.get(laporan.get(kode, {}).get("status_laporan"), "–"),
                pr.get("sasaran"),
                pr.get("terlindungi"),
                pr.get("persen_terlindungi"),
                pr.get("peringkat"),
                *(cakupan.get((kode, s), {}).get("persen_terlindungi") for s in list(SEGMEN_LABEL)[1:]),
            )
        )
    return Table(
        "kabupaten_kota",
        f"Kabupaten/kota: laporan dan cakupan, {format_periode(f.periode)}",
        (
            column("kode_provinsi", in_pdf=False),
            column("kode_wilayah"),
            column("nama_wilayah", label="Kabupaten/kota"),
            column("status_laporan"),
            column("sasaran_pekerja_rentan"),
            column(
                "terlindungi_pekerja_rentan",
                label="Terlindungi p. rentan",
                description="Pekerja rentan terlindungi yang dilaporkan.",
                group="",
            ),
            column(
                "persen_pekerja_rentan",
                label="Cakupan p. rentan",
                description="100 × terlindungi / sasaran pekerja rentan.",
                group="",
            ),
            column("peringkat_pekerja_rentan"),
            *columns(*(f"persen_{s}" for s in list(SEGMEN_LABEL)[1:])),
        ),
        rows,
        sources=(MART_CAKUPAN, "marts.fct_laporan_pelapor"),
        sheet="Kabupaten-kota",
    )


def tren_nasional(f: Figures) -> Table:
    by = _by_segmen_periode(f.nasional(f.tren))
    periodes = sorted({r["periode"] for r in f.nasional(f.tren)})
    segmen = list(SEGMEN_LABEL)
    months = format_range(periodes[0], f.periode) if periodes else format_periode(f.periode)
    return Table(
        "tren_nasional",
        f"Tren nasional per segmen, {months}",
        (
            column("periode"),
            *columns(*(f"terlindungi_{s}" for s in segmen)),
            *(
                column(f"persen_{s}", description=f"Cakupan nasional {segmen_in_sentence(s)}.", in_pdf=False)
                for s in segmen
            ),
            *basis_columns(sasaran=False),
            trend_basis_column(
                f"Basis angka nasional pekerja rentan bulan itu: 'lengkap' bila sekurang-kurangnya {threshold_text()} "
                "pemerintah daerah dan sasaran acuan; selain itu 'belum lengkap'."
            ),
        ),
        [
            (
                p,
                *(by.get((p, s), {}).get("terlindungi") for s in segmen),
                *(by.get((p, s), {}).get("persen_terlindungi") for s in segmen),
                *basis_cells(by.get((p, "pekerja_rentan")), sasaran=False),
                basis_word(by.get((p, "pekerja_rentan"))),
            )
            for p in periodes
        ],
        note=TREND_NOTE,
        chart=TREND_CHART,
        sources=(MART_CAKUPAN,),
    )


def _by_segmen_periode(rows: list[dict]) -> dict[tuple[str, str], dict]:
    return {(r["periode"], r["segmen"]): r for r in rows}


# --- reporting -----------------------------------------------------------------------------------------------


def kelengkapan_provinsi(f: Figures) -> Table:
    return Table(
        "kelengkapan_laporan_provinsi",
        f"Kelengkapan dan ketepatan waktu laporan, {format_periode(f.periode)}",
        (
            column("kode_wilayah"),
            column("nama_wilayah"),
            *columns(*KELENGKAPAN_COLUMNS, "persen_diterima", "persen_tepat_waktu"),
        ),
        kelengkapan_rows(f.kelengkapan),
        note=(
            f"Batas lapor: {_batas_lapor(f)}. Ketepatan waktu ditentukan oleh versi pertama; revisi tidak mengubahnya."
        ),
        chart=Chart(
            "bar", "Laporan diterima dan tepat waktu (%)", "nama_wilayah", ("persen_diterima", "persen_tepat_waktu")
        ),
        sources=("marts.fct_kelengkapan_laporan",),
        sheet="Kelengkapan laporan",
    )


def _batas_lapor(f: Figures) -> str:
    batas = next((r["batas_lapor"] for r in f.kelengkapan), None)
    return format_date(batas) if batas else "–"


def belum_lapor(f: Figures) -> Table:
    wilayah = {w["kode_wilayah"]: w for w in f.wilayah}
    rows = [r for r in f.laporan if r["status_laporan"] == "belum_lapor"]
    return Table(
        "belum_lapor_bulan_ini",
        f"Pemerintah daerah yang belum melapor untuk {format_periode(f.periode)}",
        (
            column("kode_provinsi"),
            column("kode_wilayah"),
            column("nama_wilayah", label="Pemerintah daerah"),
            column("tingkat"),
        ),
        [
            (
                r["kode_provinsi"],
                r["kode_wilayah"],
                wilayah[r["kode_wilayah"]]["nama_wilayah"],
                TINGKAT.get(r["tingkat"], r["tingkat"]),
            )
            for r in rows
        ],
        sources=("marts.fct_laporan_pelapor",),
        sheet="Belum lapor bulan ini",
    )


def belum_pernah_lapor(f: Figures) -> Table:
    return Table(
        "belum_pernah_lapor",
        "Pemerintah daerah yang belum pernah melapor",
        (
            column("kode_provinsi"),
            column("kode_wilayah"),
            column("nama_wilayah", label="Pemerintah daerah"),
            *columns("tingkat", "kiriman_ditolak", "ditolak_terakhir"),
        ),
        [
            (
                r["kode_provinsi"],
                r["kode_wilayah"],
                r["nama_wilayah"],
                TINGKAT.get(r["tingkat"], r["tingkat"]),
                r["kiriman_ditolak"],
                r["ditolak_terakhir"],
            )
            for r in f.belum_pernah
        ],
        sources=("marts.fct_pelapor_belum_pernah_lapor",),
        sheet="Belum pernah lapor",
    )


def selisih_bpjs(f: Figures) -> Table:
    rows = selisih_bulan_ini(f)
    return Table(
        "selisih_bpjs",
        f"Selisih dengan data BPJS Ketenagakerjaan yang melewati toleransi, {format_periode(f.periode)}",
        (
            column("kode_provinsi", in_pdf=False),
            column("kode_wilayah"),
            column("nama_wilayah", label="Kabupaten/kota"),
            column("segmen"),
            replace(
                coverage_columns("")[1], label="Dilaporkan daerah", description="Terlindungi menurut laporan daerah."
            ),
            *columns("peserta_aktif", "selisih", "selisih_persen"),
        ),
        [
            (
                r["kode_provinsi"],
                r["kode_wilayah"],
                r["nama_wilayah"],
                segmen_label(r["segmen"]),
                r["terlindungi"],
                r["peserta_aktif"],
                r["selisih"],
                r["selisih_persen"],
            )
            for r in rows
        ],
        note=f"Satu baris per kab/kota dan segmen yang angkanya berselisih lebih dari {_tolerance()} "
        "dari data BPJS Ketenagakerjaan.",
        sources=("marts.fct_rekonsiliasi_bpjs",),
        sheet="Selisih dengan BPJS",
    )


def selisih_bulan_ini(f: Figures) -> list[dict]:
    """The kab/kota × segment pairs of the month past the tolerance: what the summary, the reconciliation
    table and the annex all count."""
    return sorted(
        (r for r in f.rekonsiliasi if r["melewati_toleransi"]),
        key=lambda r: (tuple(r["kode_wilayah"].split(".")), segmen_order(r)),
    )


def _tolerance() -> str:
    return f"{format_number(int(dbt_var('toleransi_selisih_persen')))} %"


def _year_start(periode: str) -> str:
    return f"{periode[:4]}-01"


def _klaim_basis_columns(month: str) -> tuple[Column, ...]:
    """The basis of a claims figure: the governments whose report of the month came in."""
    pemda, dihitung, diharapkan = basis_columns(sasaran=False)
    return (
        replace(pemda, in_pdf=False),
        replace(
            dihitung,
            description=f"Pemerintah daerah yang laporan {month}-nya diterima dan klaimnya masuk ke jumlah ini "
            "(laporan diterima menurut kelengkapan laporan); 1 untuk kab/kota.",
        ),
        replace(
            diharapkan,
            description="Pemerintah daerah yang laporannya seharusnya masuk: pemerintah provinsi dan setiap "
            "kab/kotanya untuk provinsi, 552 untuk nasional, 1 untuk kab/kota.",
        ),
    )


def klaim(f: Figures) -> Table:
    rows = [r for r in f.klaim if r["kasus"] or r["kasus_kumulatif_tahun"]]
    rows.sort(key=lambda r: (tuple(r["kode_wilayah"].split(".")), r["program"], segmen_order(r)))
    month = format_periode(f.periode)
    since = format_range(_year_start(f.periode), f.periode)
    short = format_range_short(_year_start(f.periode), f.periode)
    return Table(
        "klaim",
        f"Klaim yang dibayar, {month} dan {since}",
        (
            column("kode_provinsi", description="Kode provinsi; kosong untuk nasional.", in_pdf=False),
            column("kode_wilayah"),
            column("nama_wilayah"),
            column("tingkat", description="Nasional, provinsi, kabupaten atau kota.", in_pdf=False),
            *columns("program", "segmen"),
            column("kasus", description=f"Klaim dibayar pada {month}."),
            column("nilai_rp", description=f"Nilai klaim dibayar pada {month}, Rupiah."),
            column(
                "kasus_kumulatif_tahun",
                label=f"Kasus {short}",
                description=f"Klaim dibayar {since}: jumlah klaim yang dilaporkan untuk setiap bulan itu.",
            ),
            column(
                "nilai_rp_kumulatif_tahun",
                label=f"Nilai {short}",
                description=f"Nilai klaim dibayar {since}, Rupiah: jumlah yang dilaporkan untuk setiap bulan itu.",
            ),
            *_klaim_basis_columns(month),
        ),
        [
            (
                r["kode_provinsi"],
                r["kode_wilayah"],
                r["nama_wilayah"],
                TINGKAT.get(r["tingkat"], r["tingkat"]),
                r["program"],
                segmen_label(r["segmen"]),
                r["kasus"],
                r["nilai_rp"],
                r["kasus_kumulatif_tahun"],
                r["nilai_rp_kumulatif_tahun"],
                *basis_cells(r, sasaran=False),
            )
            for r in rows
        ],
        note=(
            f"Angka provinsi dan nasional adalah jumlah klaim dari laporan yang diterima; Pemda: pemerintah "
            f"daerah yang laporan {month}-nya masuk / yang seharusnya. Kolom {short} menjumlahkan klaim "
            f"yang dilaporkan untuk setiap bulan {since}."
        ),
        sources=("marts.fct_klaim_wilayah",),
        sheet="Klaim",
    )


def non_asn(f: Figures) -> Table:
    return Table(
        "perlindungan_non_asn",
        f"Kab/kota yang melindungi seluruh pegawai non-ASN, {format_periode(f.periode)}",
        (
            column("kode_wilayah"),
            column("nama_wilayah", label="Provinsi"),
            *columns("jumlah_kabupaten_kota", "kabupaten_kota_melapor", "kabupaten_kota_terlindungi_semua"),
            column("persen_terlindungi_semua"),
        ),
        [
            (
                r["kode_wilayah"],
                r["nama_wilayah"],
                r["jumlah_kabupaten_kota"],
                r["kabupaten_kota_melapor"],
                r["kabupaten_kota_terlindungi_semua"],
                r["persen_terlindungi_semua"],
            )
            for r in f.non_asn
        ],
        note="Persentase dihitung dari kab/kota yang melaporkan angka non-ASN bulan ini, bukan dari semua kab/kota.",
        sources=("marts.fct_non_asn_provinsi",),
        sheet="Perlindungan non-ASN",
    )


# --- data quality (annex A) ----------------------------------------------------------------------------------


def penolakan(f: Figures) -> Table:
    nama_wilayah = {w["kode_wilayah"]: w["nama_wilayah"] for w in f.wilayah}
    return Table(
        "penolakan",
        f"Berkas yang ditolak: untuk {format_periode(f.periode)}, tanpa bulan yang terbaca, atau tiba sejak "
        "laporan sebelumnya",
        (
            column("file_name"),
            column("pelapor", in_pdf=False),
            column("nama_pelapor"),
            column(
                "periode",
                label="Bulan diklaim",
                description="Bulan yang tertulis pada berkas (atau namanya), bila terbaca; bisa keliru ketik.",
            ),
            *columns("received_at", "rejected_at", "alasan"),
        ),
        [
            (
                r["file_name"],
                r["pelapor"],
                nama_wilayah.get(r["pelapor"]),
                r["periode"],
                r["received_at"],
                r["rejected_at"],
                "; ".join(r["alasan"]),
            )
            for r in f.penolakan
        ],
        note="Berkas ditolak seluruhnya: tidak ada angkanya yang masuk ke laporan. Pelapor perlu "
        "memperbaiki dan mengirim ulang berkasnya. Berkas yang tiba sejak laporan sebelumnya dicantumkan apa "
        "pun bulan yang diklaimnya.",
        sources=("audit.penolakan",),
        sheet="Berkas ditolak",
    )


def _quality_threshold(name: str):
    """A threshold of the quality gates (expectations/thresholds.json), for the sentence that names it."""
    return json.loads((EXPECTATIONS / "thresholds.json").read_text(encoding="utf-8"))[name]


def _wilayah_name(f: Figures, kode: str | None) -> str:
    nama_wilayah = {w["kode_wilayah"]: w["nama_wilayah"] for w in f.wilayah}
    return "Indonesia" if kode == "00" else nama_wilayah.get(kode or "", kode or "–")


def _month(periode: str | None) -> str:
    return format_periode(periode) if periode else "bulan tidak diketahui"


def _number(x) -> str:
    return format_number(int(x)) if x is not None else "–"


def _place(f: Figures, s: dict) -> str:
    """Where and when a sample row is: 'Kabupaten Parigi Moutong, pegawai BUMD, Oktober 2022'."""
    wilayah, segmen = _wilayah_name(f, s.get("kode_wilayah")), segmen_in_sentence(s.get("segmen", ""))
    return f"{wilayah}, {segmen}, {_month(s.get('periode'))}"


def _example_sasaran(f: Figures, s: dict) -> str:
    sentence = _place(f, s)
    if s.get("pelapor") and s.get("pelapor") != s.get("kode_wilayah"):
        sentence += f" (dilaporkan {_wilayah_name(f, s['pelapor'])})"
    return sentence


_KLAIM_PROBLEMS = {
    "kasus 0 tetapi nilai_rp bukan 0": "ada nilai klaim tanpa kasus",
    "kasus > 0 tetapi nilai_rp 0": "ada kasus tanpa nilai klaim",
    "nilai_rp per kasus JKM melebihi santunan + beasiswa": "nilai per kasus melebihi santunan dan beasiswa JKM",
}


def _example_klaim(f: Figures, s: dict) -> str:
    return (
        f"{_wilayah_name(f, s.get('kode_wilayah'))}, {s.get('program')} {segmen_in_sentence(s.get('segmen', ''))}, "
        f"{_month(s.get('periode'))}: {_number(s.get('kasus'))} kasus, {format_rupiah(s.get('nilai_rp'))} — "
        f"{_KLAIM_PROBLEMS.get(s.get('masalah'), s.get('masalah') or 'tidak sesuai')}"
    )


def _example_bpjs(f: Figures, s: dict) -> str:
    persen = s.get("selisih_persen")
    return (
        f"{_place(f, s)}: dilaporkan {_number(s.get('terlindungi'))}, data BPJS {_number(s.get('peserta_aktif'))}"
        + (f" (selisih {format_percent(Decimal(str(persen)))})" if persen is not None else "")
    )


def _example_jump(f: Figures, s: dict) -> str:
    before, now = _number(s.get("terlindungi_bulan_lalu")), _number(s.get("terlindungi"))
    return f"{_place(f, s)}: {before} menjadi {now} terlindungi"


def _example_other(f: Figures, s: dict) -> str:
    """A rule this module does not know yet: its row in words, regions by name, no database ids."""
    parts = []
    for k, v in s.items():
        if k.endswith("_id") or k == "baris" or v is None:
            continue
        if k in ("kode_wilayah", "pelapor"):
            parts.append(_wilayah_name(f, v))
        elif k == "periode":
            parts.append(_month(v))
        elif k == "segmen":
            parts.append(segmen_in_sentence(v))
        elif k != "nama_wilayah":
            parts.append(f"{k.replace('_', ' ')} {format_number(v) if isinstance(v, int) else v}")
    return ", ".join(parts)


def readable_warning(f: Figures, r: dict) -> tuple[str, str, int | None, str]:
    """One failed warning rule of tonight's gates for people: what was checked, what was found (with the
    count the rest of the report uses for the same thing), that count, and a few examples by region name."""
    aturan, n = r["aturan"], r["unexpected_count"]
    sample_rows = r["sample"] or []
    month = format_periode(f.periode)
    if aturan.startswith("sasaran diisi"):
        return (
            "Sasaran kosong di lembar kepesertaan: cakupan wilayah dan segmen itu tidak dapat dihitung",
            f"{format_number(n)} baris, di semua laporan yang tersimpan (termasuk versi yang sudah diganti revisi)",
            None,
            "; ".join(_example_sasaran(f, s) for s in sample_rows),
        )
    if aturan.startswith("klaim sesuai kasus"):
        return (
            "Nilai klaim tidak sesuai dengan jumlah kasus",
            f"{format_number(n)} angka klaim (pelapor × program × segmen) di semua bulan yang diperiksa",
            None,
            "; ".join(_example_klaim(f, s) for s in sample_rows),
        )
    if aturan.startswith("selisih dengan BPJS"):
        m = len(selisih_bulan_ini(f))
        examples = [s for s in sample_rows if s.get("periode") == f.periode] or sample_rows
        return (
            f"Angka terlindungi kab/kota berselisih lebih dari {_tolerance()} dengan data BPJS Ketenagakerjaan",
            f"{format_number(m)} pasangan angka (kab/kota × segmen) untuk {month}, seperti di bagian Rekonsiliasi; "
            f"{format_number(n)} di semua bulan yang diperiksa",
            m,
            "; ".join(_example_bpjs(f, s) for s in examples),
        )
    if aturan.startswith("perubahan bulanan wajar"):
        return (
            "Perubahan jumlah terlindungi dari bulan lalu jauh di luar kebiasaan wilayah dan segmen itu",
            f"{format_number(n)} wilayah × segmen pada bulan terakhir yang ada datanya",
            n if all(s.get("periode") == f.periode for s in sample_rows) else None,
            "; ".join(_example_jump(f, s) for s in sample_rows),
        )
    if aturan.startswith("tingkat pelaporan nasional"):
        periode = next((s.get("periode") for s in sample_rows if s.get("periode")), None)
        persen = next((s.get("persen_diterima") for s in sample_rows if s.get("persen_diterima") is not None), None)
        found = f"{format_number(n)} pemerintah daerah belum melapor untuk {_month(periode)}"
        if persen is not None:
            found += f" (yang melapor {format_percent(Decimal(str(persen)))})"
        return (
            "Tingkat pelaporan nasional di bawah "
            f"{format_number(_quality_threshold('tingkat_pelaporan_minimum_persen'))} %",
            found + "; daftar lengkapnya di bagian Pemerintah daerah yang belum melapor",
            n if periode == f.periode else None,
            ", ".join(_wilayah_name(f, s.get("kode_wilayah")) for s in sample_rows)
            + (", …" if n > len(sample_rows) else ""),
        )
    return (aturan, f"{format_number(n)} baris", None, "; ".join(_example_other(f, s) for s in sample_rows))


def peringatan_mutu(f: Figures) -> Table:
    rows = []
    for r in f.peringatan:
        pemeriksaan, found, bulan_ini, examples = readable_warning(f, r)
        rows.append((pemeriksaan, found, bulan_ini, r["unexpected_count"], examples))
    return Table(
        "peringatan_mutu",
        f"Peringatan pemeriksaan mutu data pada pengolahan laporan {format_periode(f.periode)}",
        (
            *columns("pemeriksaan", "ditemukan"),
            column("jumlah_bulan_ini", in_pdf=False),
            column("jumlah_diperiksa", in_pdf=False),
            column("contoh"),
        ),
        rows,
        note="Angka tetap dilaporkan, tetapi perlu diperiksa sebelum dikutip.",
        sources=("audit.validation_result",),
        sheet="Peringatan mutu",
    )


def tables(f: Figures) -> list[Table]:
    """Every table of the monthly report, in the order of the workbook's sheets."""
    return [
        cakupan_nasional(f),
        peringkat_provinsi(f),
        cakupan_provinsi(f),
        kepatuhan_provinsi(f),
        kabupaten_kota(f),
        tren_nasional(f),
        kelengkapan_provinsi(f),
        belum_lapor(f),
        belum_pernah_lapor(f),
        selisih_bpjs(f),
        klaim(f),
        non_asn(f),
        penolakan(f),
        peringatan_mutu(f),
        cakupan_wilayah(f),
        register.register_wilayah(f),
        register.register_ganda(f),
    ]


# --- findings --------------------------------------------------------------------------------------------------


def findings(f: Figures) -> list[str]:
    """Headline sentences, each a sentence around figures the marts hold."""
    sentences = []
    month = format_periode(f.periode)
    pr = next((r for r in f.nasional(f.cakupan) if r["segmen"] == "pekerja_rentan"), None)
    if pr:
        sentences.append(national_sentence(pr))
    sentences += ranking_findings(
        [r for r in f.cakupan if r["tingkat"] == "provinsi"],
        "perubahan_persen_bulan_lalu",
        "dari bulan lalu",
        jumlah_provinsi=sum(w["tingkat"] == "provinsi" for w in f.wilayah),
    )
    lengkap = next((r for r in f.kelengkapan if r["kode_wilayah"] == "00"), None)
    if lengkap:
        sentences.append(
            f"{format_number(lengkap['laporan_diterima'])} dari {format_number(lengkap['laporan_diharapkan'])} "
            f"pemerintah daerah telah melapor untuk {month} ({format_percent(lengkap['persen_diterima'])}); "
            f"{format_number(lengkap['laporan_tepat_waktu'])} tepat waktu."
        )
    if f.belum_pernah:
        examples = ", ".join(r["nama_wilayah"] for r in f.belum_pernah[:5])
        rest = len(f.belum_pernah) - 5
        sentences.append(
            f"{format_number(len(f.belum_pernah))} pemerintah daerah belum pernah melapor sama sekali, "
            f"antara lain {examples}" + (f" dan {format_number(rest)} lainnya" if rest > 0 else "") + "."
        )
    gaps = selisih_bulan_ini(f)
    if gaps:
        sentences.append(
            f"{format_number(len(gaps))} angka terlindungi kab/kota untuk {month} (kab/kota × segmen) "
            f"berselisih lebih dari {_tolerance()} dengan data BPJS Ketenagakerjaan (lihat bagian Rekonsiliasi)."
        )
    if register.ada_register(f):
        sentences.append(register.register_sentence(f))
    if f.penolakan:
        sentences.append(
            f"{format_number(len(f.penolakan))} berkas ditolak dan menunggu perbaikan dari pelapor (lihat Lampiran A)."
        )
    return sentences
