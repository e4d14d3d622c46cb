"""The tables of the monthly reports and the headline findings, built from `Figures`.

A table here is picked from the marts' rows column by column; the only arithmetic is none. The findings
are sentences around figures the marts already hold (a rank, a count of reports, a change).

A province-wide or national figure is the sum of what was reported, so every one is shown with its basis
(how many of the governments it should include it does include, and how much of the target it covers).
Only a figure whose basis is complete is ranked or named as best, worst or biggest rise; a change is
shown only when both months it compares are complete.
"""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

from inpres.paths import EXPECTATIONS
from inpres.reports.columns import (
    basis_column,
    basis_columns,
    column,
    columns,
    coverage_columns,
    trend_basis_column,
)
from inpres.reports.figures import Figures
from inpres.reports.formatting import (
    format_angka,
    format_periode,
    format_persen,
    format_poin,
    format_rentang,
    format_rentang_singkat,
    format_rupiah,
    format_tanggal,
)
from inpres.reports.tables import Grafik, Kolom, Tabel
from inpres.reports.wording import (
    BELUM_LENGKAP,
    LENGKAP,
    POIN_KEPATUHAN,
    SEGMEN_LABEL,
    STATUS_LAPORAN,
    TANPA_LAPORAN,
    TINGKAT,
    ambang_teks,
    segmen_kecil,
    segmen_label,
    segmen_order,
)
from inpres.transform import dbt_var

MART_CAKUPAN = "marts.fct_cakupan_wilayah"


def _by_segmen(rows: list[dict]) -> dict[tuple[str, str], dict]:
    return {(r["kode_wilayah"], r["segmen"]): r for r in rows}


# --- the basis of a figure ---------------------------------------------------------------------------------


def basis_kata(r: dict | None) -> str:
    """'lengkap', 'belum lengkap', or 'belum ada laporan' for a territory without a row this month."""
    if not r:
        return TANPA_LAPORAN
    return LENGKAP if r["basis_lengkap"] else BELUM_LENGKAP


def kalimat_basis(r: dict) -> str:
    """What a province-wide or national figure includes: 'mencakup 14 dari 36 pemerintah daerah; sasaran
    terlapor 61,00 % dari sasaran acuan'."""
    kalimat = (
        f"mencakup {format_angka(r['pemerintah_dihitung'])} dari "
        f"{format_angka(r['pemerintah_diharapkan'])} pemerintah daerah; "
    )
    if r["persen_sasaran_terlapor"] is None:
        return kalimat + "sasaran acuan belum diketahui"
    return kalimat + f"sasaran terlapor {format_persen(r['persen_sasaran_terlapor'])} dari sasaran acuan"


def pemda_dihitung(r: dict | None) -> tuple[int, int] | None:
    """(14, 36), printed '14/36': the governments a figure includes of those it should, in one narrow column."""
    if not r or r.get("pemerintah_dihitung") is None:
        return None
    return r["pemerintah_dihitung"], r["pemerintah_diharapkan"]


def sebanding(r: dict | None, lengkap_dulu: str = "basis_lengkap_bulan_lalu") -> bool:
    """Whether a change can be read: the basis complete in both months it compares."""
    return bool(r) and r.get("basis_lengkap") is True and r.get(lengkap_dulu) is True


def perubahan(r: dict | None, kolom: str, lengkap_dulu: str = "basis_lengkap_bulan_lalu"):
    """The mart's change where it is comparable, else None (shown as '–')."""
    return r.get(kolom) if sebanding(r, lengkap_dulu) else None


def basis_sel(r: dict | None, *, sasaran: bool = True) -> tuple:
    r = r or {}
    sel = (pemda_dihitung(r), r.get("pemerintah_dihitung"), r.get("pemerintah_diharapkan"))
    if sasaran:
        sel += (r.get("persen_sasaran_terlapor"), basis_kata(r) if r else TANPA_LAPORAN)
    return sel


CATATAN_BASIS = (
    "Angka provinsi dan nasional adalah jumlah dari yang sudah dilaporkan. Cakupan hanya "
    "menghitung pemerintah daerah yang sasarannya diketahui, sehingga dapat berbeda dari "
    "terlindungi dibagi sasaran. Pemda: pemerintah daerah yang angkanya masuk / yang seharusnya "
    "masuk. Basis lengkap: sekurang-kurangnya {ambang} pemerintah daerah dan {ambang} sasaran acuan; "
    "perubahan dihitung atas pemerintah daerah yang angkanya ada pada kedua bulan, dan hanya "
    "ditampilkan bila basis kedua bulan yang dibandingkan lengkap."
)


def catatan_basis() -> str:
    return CATATAN_BASIS.format(ambang=ambang_teks())


# --- coverage ------------------------------------------------------------------------------------------------


def cakupan_nasional(f: Figures) -> Tabel:
    rows = sorted(f.nasional(f.cakupan), key=segmen_order)
    return Tabel(
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
                perubahan(r, "perubahan_terlindungi_bulan_lalu"),
                perubahan(r, "perubahan_persen_bulan_lalu"),
                perubahan(r, "perubahan_terlindungi_tahun_lalu", "basis_lengkap_tahun_lalu"),
                perubahan(r, "perubahan_persen_tahun_lalu", "basis_lengkap_tahun_lalu"),
                *basis_sel(r),
            )
            for r in rows
        ],
        catatan=catatan_basis(),
        sumber=(MART_CAKUPAN,),
        lembar="Ringkasan nasional",
    )


def _urutan_peringkat(r: dict | None, kode: str):
    """Ranked first, best first; then those with figures but an incomplete basis; then those without any
    figure. The unranked stay in code order, so their order suggests no rank."""
    if r and r.get("peringkat") is not None:
        return (0, r["peringkat"], kode)
    return (1 if r else 2, 0, kode)


def peringkat_provinsi(f: Figures) -> Tabel:
    """The 38 provinces by pekerja-rentan coverage: the ranked ones (complete basis), then the others."""
    cakupan = _by_segmen(f.cakupan)
    kepatuhan = {r["kode_wilayah"]: r for r in f.kepatuhan}
    kelengkapan = {r["kode_wilayah"]: r for r in f.kelengkapan}
    provinsi = sorted(
        (w for w in f.wilayah if w["tingkat"] == "provinsi"),
        key=lambda w: _urutan_peringkat(cakupan.get((w["kode_wilayah"], "pekerja_rentan")), w["kode_wilayah"]),
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
                perubahan(c, "perubahan_persen_bulan_lalu"),
                *basis_sel(c),
                k.get("skor"),
                k.get("peringkat"),
                lengkap.get("laporan_diterima"),
                lengkap.get("laporan_diharapkan"),
            )
        )
    return Tabel(
        "peringkat_provinsi",
        f"Peringkat provinsi: cakupan pekerja rentan dan kepatuhan Inpres, {format_periode(f.periode)}",
        (
            column("kode_wilayah"),
            column("nama_wilayah", label="Provinsi"),
            column("peringkat_cakupan"),
            *(
                replace(k, nama=f"{k.nama.removesuffix('_terlindungi')}_pekerja_rentan")
                for k in coverage_columns(", seluruh provinsi")
            ),
            column(
                "perubahan_persen_bulan_lalu",
                label="Δ bulan lalu",
                keterangan="Perubahan cakupan pekerja rentan dari bulan lalu, poin persen; kosong bila basis salah "
                "satu bulan belum lengkap.",
            ),
            *basis_columns(),
            column("skor_kepatuhan"),
            column("peringkat_kepatuhan"),
            column(
                "laporan_diterima",
                label="Laporan diterima",
                keterangan="Laporan bulan ini yang diterima dari pemerintah provinsi dan kab/kotanya.",
                di_pdf=False,
            ),
            column(
                "laporan_diharapkan",
                label="Laporan diharapkan",
                keterangan="Laporan yang diharapkan: pemerintah provinsi dan setiap kab/kotanya.",
                di_pdf=False,
            ),
        ),
        rows,
        catatan=(
            "Peringkat sama untuk cakupan yang sama. Hanya provinsi yang basisnya lengkap yang diberi "
            "peringkat; yang belum lengkap tercantum di bawahnya tanpa peringkat. " + catatan_basis()
        ),
        grafik=Grafik("batang", "Cakupan pekerja rentan per provinsi (%)", "nama_wilayah", ("persen_pekerja_rentan",)),
        sumber=(MART_CAKUPAN, "marts.fct_kepatuhan_pelapor", "marts.fct_kelengkapan_laporan"),
    )


def cakupan_provinsi(f: Figures) -> Tabel:
    rows = sorted(
        (r for r in f.cakupan if r["tingkat"] == "provinsi"), key=lambda r: (r["kode_wilayah"], segmen_order(r))
    )
    return Tabel(
        "cakupan_provinsi",
        f"Cakupan per provinsi dan segmen, {format_periode(f.periode)}",
        (
            column("kode_wilayah"),
            column("nama_wilayah", label="Provinsi"),
            column("segmen"),
            *coverage_columns(", seluruh provinsi (pemerintah provinsi dan kab/kotanya)"),
            column(
                "peringkat",
                keterangan="Peringkat cakupan segmen ini di antara provinsi yang basisnya lengkap; kosong bila "
                "belum lengkap.",
            ),
            column(
                "perubahan_persen_bulan_lalu",
                label="Δ bulan lalu",
                keterangan="Perubahan cakupan dari bulan lalu, poin persen; kosong bila basis salah satu bulan "
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
                perubahan(r, "perubahan_persen_bulan_lalu"),
                *basis_sel(r),
            )
            for r in rows
        ],
        catatan=catatan_basis(),
        sumber=(MART_CAKUPAN,),
    )


def cakupan_wilayah(f: Figures) -> Tabel:
    """Every territory and segment of the month (for the workbook and the CSV, not printed)."""
    rows = sorted(f.cakupan, key=lambda r: (tuple(r["kode_wilayah"].split(".")), segmen_order(r)))
    return Tabel(
        "cakupan_wilayah",
        f"Cakupan per wilayah dan segmen, {format_periode(f.periode)}",
        (
            column("kode_wilayah"),
            column("nama_wilayah"),
            column("tingkat", keterangan="nasional, provinsi, kabupaten atau kota."),
            column("periode"),
            column("segmen", jenis="kode", keterangan="Kode segmen."),
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
                perubahan(r, "perubahan_terlindungi_bulan_lalu"),
                perubahan(r, "perubahan_persen_bulan_lalu"),
                *basis_sel(r, sasaran=False),
                r["pemerintah_bersasaran"],
                r["sasaran_acuan"],
                r["persen_sasaran_terlapor"],
                basis_kata(r),
            )
            for r in rows
        ],
        sumber=(MART_CAKUPAN,),
    )


def kepatuhan_provinsi(f: Figures) -> Tabel:
    rows = sorted((r for r in f.kepatuhan if r["jenjang"] == "provinsi"), key=lambda r: r["kode_wilayah"])

    return Tabel(
        "kepatuhan_provinsi",
        f"Kartu kepatuhan Inpres pemerintah provinsi, {format_periode(f.periode)}",
        (
            column("kode_wilayah"),
            column("nama_wilayah", label="Provinsi"),
            *columns(*(f"status_{p}" for p in POIN_KEPATUHAN), "poin_diperoleh", "poin_maksimal", "skor"),
            column("peringkat", keterangan="Peringkat skor di antara provinsi."),
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
        catatan="● terpenuhi · ◐ sebagian · ○ tidak terpenuhi · ? tidak diketahui. Hanya pemerintah "
        "provinsi yang melapor bulan ini yang ditampilkan.",
        sumber=("marts.fct_kepatuhan_pelapor",),
        lembar="Kartu kepatuhan",
    )


def kabupaten_kota(f: Figures) -> Tabel:
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
    return Tabel(
        "kabupaten_kota",
        f"Kabupaten/kota: laporan dan cakupan, {format_periode(f.periode)}",
        (
            column("kode_provinsi", di_pdf=False),
            column("kode_wilayah"),
            column("nama_wilayah", label="Kabupaten/kota"),
            column("status_laporan"),
            column("sasaran_pekerja_rentan"),
            column(
                "terlindungi_pekerja_rentan",
                label="Terlindungi p. rentan",
                keterangan="Pekerja rentan terlindungi yang dilaporkan.",
                grup="",
            ),
            column(
                "persen_pekerja_rentan",
                label="Cakupan p. rentan",
                keterangan="100 × terlindungi / sasaran pekerja rentan.",
                grup="",
            ),
            column("peringkat_pekerja_rentan"),
            *columns(*(f"persen_{s}" for s in list(SEGMEN_LABEL)[1:])),
        ),
        rows,
        sumber=(MART_CAKUPAN, "marts.fct_laporan_pelapor"),
        lembar="Kabupaten-kota",
    )


def tren_nasional(f: Figures) -> Tabel:
    by = _by_segmen_periode(f.nasional(f.tren))
    periodes = sorted({r["periode"] for r in f.nasional(f.tren)})
    segmen = list(SEGMEN_LABEL)
    rentang = format_rentang(periodes[0], f.periode) if periodes else format_periode(f.periode)
    return Tabel(
        "tren_nasional",
        f"Tren nasional per segmen, {rentang}",
        (
            column("periode"),
            *columns(*(f"terlindungi_{s}" for s in segmen)),
            *(column(f"persen_{s}", keterangan=f"Cakupan nasional {segmen_kecil(s)}.", di_pdf=False) for s in segmen),
            *basis_columns(sasaran=False),
            trend_basis_column(
                f"Basis angka nasional pekerja rentan bulan itu: 'lengkap' bila sekurang-kurangnya {ambang_teks()} "
                "pemerintah daerah dan sasaran acuan; selain itu 'belum lengkap'."
            ),
        ),
        [
            (
                p,
                *(by.get((p, s), {}).get("terlindungi") for s in segmen),
                *(by.get((p, s), {}).get("persen_terlindungi") for s in segmen),
                *basis_sel(by.get((p, "pekerja_rentan")), sasaran=False),
                basis_kata(by.get((p, "pekerja_rentan"))),
            )
            for p in periodes
        ],
        catatan=(
            "Jumlah nasional adalah jumlah dari yang dilaporkan setiap bulan: naik-turunnya juga mencerminkan "
            "berapa pemerintah daerah yang melapor (kolom Pemda)."
        ),
        grafik=Grafik(
            "garis", "Pekerja terlindungi per segmen, nasional", "periode", tuple(f"terlindungi_{s}" for s in segmen)
        ),
        sumber=(MART_CAKUPAN,),
    )


def _by_segmen_periode(rows: list[dict]) -> dict[tuple[str, str], dict]:
    return {(r["periode"], r["segmen"]): r for r in rows}


# --- reporting -----------------------------------------------------------------------------------------------


def kelengkapan_provinsi(f: Figures) -> Tabel:
    rows = sorted(f.kelengkapan, key=lambda r: (r["kode_wilayah"] != "00", r["kode_wilayah"]))
    return Tabel(
        "kelengkapan_laporan_provinsi",
        f"Kelengkapan dan ketepatan waktu laporan, {format_periode(f.periode)}",
        (
            column("kode_wilayah"),
            column("nama_wilayah"),
            *columns("laporan_diharapkan", "laporan_diterima", "laporan_tepat_waktu", "persen_diterima"),
            column("persen_tepat_waktu"),
        ),
        [
            (
                r["kode_wilayah"],
                r["nama_wilayah"],
                r["laporan_diharapkan"],
                r["laporan_diterima"],
                r["laporan_tepat_waktu"],
                r["persen_diterima"],
                r["persen_tepat_waktu"],
            )
            for r in rows
        ],
        catatan=(f"Batas lapor: {_batas(f)}. Ketepatan waktu ditentukan oleh versi pertama; revisi tidak mengubahnya."),
        grafik=Grafik(
            "batang", "Laporan diterima dan tepat waktu (%)", "nama_wilayah", ("persen_diterima", "persen_tepat_waktu")
        ),
        sumber=("marts.fct_kelengkapan_laporan",),
        lembar="Kelengkapan laporan",
    )


def _batas(f: Figures) -> str:
    batas = next((r["batas_lapor"] for r in f.kelengkapan), None)
    return format_tanggal(batas) if batas else "–"


def belum_lapor(f: Figures) -> Tabel:
    nama = {w["kode_wilayah"]: w for w in f.wilayah}
    rows = [r for r in f.laporan if r["status_laporan"] == "belum_lapor"]
    return Tabel(
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
                nama[r["kode_wilayah"]]["nama_wilayah"],
                TINGKAT.get(r["tingkat"], r["tingkat"]),
            )
            for r in rows
        ],
        sumber=("marts.fct_laporan_pelapor",),
        lembar="Belum lapor bulan ini",
    )


def belum_pernah_lapor(f: Figures) -> Tabel:
    return Tabel(
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
        sumber=("marts.fct_pelapor_belum_pernah_lapor",),
        lembar="Belum pernah lapor",
    )


def selisih_bpjs(f: Figures) -> Tabel:
    rows = selisih_bulan_ini(f)
    return Tabel(
        "selisih_bpjs",
        f"Selisih dengan data BPJS Ketenagakerjaan yang melewati toleransi, {format_periode(f.periode)}",
        (
            column("kode_provinsi", di_pdf=False),
            column("kode_wilayah"),
            column("nama_wilayah", label="Kabupaten/kota"),
            column("segmen"),
            replace(
                coverage_columns("")[1], label="Dilaporkan daerah", keterangan="Terlindungi menurut laporan daerah."
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
        catatan=f"Satu baris per kab/kota dan segmen yang angkanya berselisih lebih dari {_toleransi()} "
        "dari data BPJS Ketenagakerjaan.",
        sumber=("marts.fct_rekonsiliasi_bpjs",),
        lembar="Selisih dengan BPJS",
    )


def selisih_bulan_ini(f: Figures) -> list[dict]:
    """The kab/kota × segment pairs of the month past the tolerance: what the summary, the reconciliation
    table and the annex all count."""
    return sorted(
        (r for r in f.rekonsiliasi if r["melewati_toleransi"]),
        key=lambda r: (tuple(r["kode_wilayah"].split(".")), segmen_order(r)),
    )


def _toleransi() -> str:
    return f"{format_angka(int(dbt_var('toleransi_selisih_persen')))} %"


def _awal_tahun(periode: str) -> str:
    return f"{periode[:4]}-01"


def _basis_klaim(bulan: str) -> tuple[Kolom, ...]:
    """The basis of a claims figure: the governments whose report of the month came in."""
    pemda, dihitung, diharapkan = basis_columns(sasaran=False)
    return (
        replace(pemda, di_pdf=False),
        replace(
            dihitung,
            keterangan=f"Pemerintah daerah yang laporan {bulan}-nya diterima dan klaimnya masuk ke jumlah ini "
            "(laporan diterima menurut kelengkapan laporan); 1 untuk kab/kota.",
        ),
        replace(
            diharapkan,
            keterangan="Pemerintah daerah yang laporannya seharusnya masuk: pemerintah provinsi dan setiap "
            "kab/kotanya untuk provinsi, 552 untuk nasional, 1 untuk kab/kota.",
        ),
    )


def klaim(f: Figures) -> Tabel:
    rows = [r for r in f.klaim if r["kasus"] or r["kasus_kumulatif_tahun"]]
    rows.sort(key=lambda r: (tuple(r["kode_wilayah"].split(".")), r["program"], segmen_order(r)))
    bulan = format_periode(f.periode)
    sejak = format_rentang(_awal_tahun(f.periode), f.periode)
    singkat = format_rentang_singkat(_awal_tahun(f.periode), f.periode)
    return Tabel(
        "klaim",
        f"Klaim yang dibayar, {bulan} dan {sejak}",
        (
            column("kode_provinsi", keterangan="Kode provinsi; kosong untuk nasional.", di_pdf=False),
            column("kode_wilayah"),
            column("nama_wilayah"),
            column("tingkat", keterangan="Nasional, provinsi, kabupaten atau kota.", di_pdf=False),
            *columns("program", "segmen"),
            column("kasus", keterangan=f"Klaim dibayar pada {bulan}."),
            column("nilai_rp", keterangan=f"Nilai klaim dibayar pada {bulan}, Rupiah."),
            column(
                "kasus_kumulatif_tahun",
                label=f"Kasus {singkat}",
                keterangan=f"Klaim dibayar {sejak}: jumlah klaim yang dilaporkan untuk setiap bulan itu.",
            ),
            column(
                "nilai_rp_kumulatif_tahun",
                label=f"Nilai {singkat}",
                keterangan=f"Nilai klaim dibayar {sejak}, Rupiah: jumlah yang dilaporkan untuk setiap bulan itu.",
            ),
            *_basis_klaim(bulan),
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
                *basis_sel(r, sasaran=False),
            )
            for r in rows
        ],
        catatan=(
            f"Angka provinsi dan nasional adalah jumlah klaim dari laporan yang diterima; Pemda: pemerintah "
            f"daerah yang laporan {bulan}-nya masuk / yang seharusnya. Kolom {singkat} menjumlahkan klaim "
            f"yang dilaporkan untuk setiap bulan {sejak}."
        ),
        sumber=("marts.fct_klaim_wilayah",),
        lembar="Klaim",
    )


def non_asn(f: Figures) -> Tabel:
    return Tabel(
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
        catatan="Persentase dihitung dari kab/kota yang melaporkan angka non-ASN bulan ini, bukan dari semua kab/kota.",
        sumber=("marts.fct_non_asn_provinsi",),
        lembar="Perlindungan non-ASN",
    )


# --- data quality (annex A) ----------------------------------------------------------------------------------


def penolakan(f: Figures) -> Tabel:
    nama = {w["kode_wilayah"]: w["nama_wilayah"] for w in f.wilayah}
    return Tabel(
        "penolakan",
        f"Berkas yang ditolak untuk {format_periode(f.periode)} atau tanpa bulan yang terbaca",
        (
            column("file_name"),
            column("pelapor", di_pdf=False),
            column("nama_pelapor"),
            column("periode", keterangan="Bulan laporan bila terbaca.", di_pdf=False),
            *columns("received_at", "alasan"),
        ),
        [
            (
                r["file_name"],
                r["pelapor"],
                nama.get(r["pelapor"]),
                r["periode"],
                r["received_at"],
                "; ".join(r["alasan"]),
            )
            for r in f.penolakan
        ],
        catatan="Berkas ditolak seluruhnya: tidak ada angkanya yang masuk ke laporan. Pelapor perlu "
        "memperbaiki dan mengirim ulang berkasnya.",
        sumber=("audit.penolakan",),
        lembar="Berkas ditolak",
    )


def _ambang_mutu(nama: str):
    """A threshold of the quality gates (expectations/thresholds.json), for the sentence that names it."""
    return json.loads((EXPECTATIONS / "thresholds.json").read_text(encoding="utf-8"))[nama]


def _wilayah(f: Figures, kode: str | None) -> str:
    nama = {w["kode_wilayah"]: w["nama_wilayah"] for w in f.wilayah}
    return "Indonesia" if kode == "00" else nama.get(kode or "", kode or "–")


def _bulan(periode: str | None) -> str:
    return format_periode(periode) if periode else "bulan tidak diketahui"


def _angka(x) -> str:
    return format_angka(int(x)) if x is not None else "–"


def _contoh_sasaran(f: Figures, s: dict) -> str:
    kalimat = f"{_wilayah(f, s.get('kode_wilayah'))}, {segmen_kecil(s.get('segmen', ''))}, {_bulan(s.get('periode'))}"
    if s.get("pelapor") and s.get("pelapor") != s.get("kode_wilayah"):
        kalimat += f" (dilaporkan {_wilayah(f, s['pelapor'])})"
    return kalimat


_MASALAH_KLAIM = {
    "kasus 0 tetapi nilai_rp bukan 0": "ada nilai klaim tanpa kasus",
    "kasus > 0 tetapi nilai_rp 0": "ada kasus tanpa nilai klaim",
    "nilai_rp per kasus JKM melebihi santunan + beasiswa": "nilai per kasus melebihi santunan dan beasiswa JKM",
}


def _contoh_klaim(f: Figures, s: dict) -> str:
    return (
        f"{_wilayah(f, s.get('kode_wilayah'))}, {s.get('program')} {segmen_kecil(s.get('segmen', ''))}, "
        f"{_bulan(s.get('periode'))}: {_angka(s.get('kasus'))} kasus, {format_rupiah(s.get('nilai_rp'))} — "
        f"{_MASALAH_KLAIM.get(s.get('masalah'), s.get('masalah') or 'tidak sesuai')}"
    )


def _contoh_bpjs(f: Figures, s: dict) -> str:
    persen = s.get("selisih_persen")
    return (
        f"{_wilayah(f, s.get('kode_wilayah'))}, {segmen_kecil(s.get('segmen', ''))}, "
        f"{_bulan(s.get('periode'))}: dilaporkan {_angka(s.get('terlindungi'))}, data BPJS "
        f"{_angka(s.get('peserta_aktif'))}"
        + (f" (selisih {format_persen(Decimal(str(persen)))})" if persen is not None else "")
    )


def _contoh_lonjakan(f: Figures, s: dict) -> str:
    return (
        f"{_wilayah(f, s.get('kode_wilayah'))}, {segmen_kecil(s.get('segmen', ''))}, "
        f"{_bulan(s.get('periode'))}: {_angka(s.get('terlindungi_bulan_lalu'))} menjadi "
        f"{_angka(s.get('terlindungi'))} terlindungi"
    )


def _contoh_lain(f: Figures, s: dict) -> str:
    """A rule this module does not know yet: its row in words, regions by name, no database ids."""
    bagian = []
    for k, v in s.items():
        if k.endswith("_id") or k == "baris" or v is None:
            continue
        if k in ("kode_wilayah", "pelapor"):
            bagian.append(_wilayah(f, v))
        elif k == "periode":
            bagian.append(_bulan(v))
        elif k == "segmen":
            bagian.append(segmen_kecil(v))
        elif k != "nama_wilayah":
            bagian.append(f"{k.replace('_', ' ')} {format_angka(v) if isinstance(v, int) else v}")
    return ", ".join(bagian)


def peringatan_terbaca(f: Figures, r: dict) -> tuple[str, str, int | None, str]:
    """One failed warning rule of tonight's gates for people: what was checked, what was found (with the
    count the rest of the report uses for the same thing), that count, and a few examples by region name."""
    aturan, n = r["aturan"], r["unexpected_count"]
    sampel = r["sample"] or []
    bulan = format_periode(f.periode)
    if aturan.startswith("sasaran diisi"):
        return (
            "Sasaran kosong di lembar kepesertaan: cakupan wilayah dan segmen itu tidak dapat dihitung",
            f"{format_angka(n)} baris, di semua laporan yang tersimpan (termasuk versi yang sudah diganti revisi)",
            None,
            "; ".join(_contoh_sasaran(f, s) for s in sampel),
        )
    if aturan.startswith("klaim sesuai kasus"):
        return (
            "Nilai klaim tidak sesuai dengan jumlah kasus",
            f"{format_angka(n)} angka klaim (pelapor × program × segmen) di semua bulan yang diperiksa",
            None,
            "; ".join(_contoh_klaim(f, s) for s in sampel),
        )
    if aturan.startswith("selisih dengan BPJS"):
        m = len(selisih_bulan_ini(f))
        contoh = [s for s in sampel if s.get("periode") == f.periode] or sampel
        return (
            f"Angka terlindungi kab/kota berselisih lebih dari {_toleransi()} dengan data BPJS Ketenagakerjaan",
            f"{format_angka(m)} pasangan angka (kab/kota × segmen) untuk {bulan}, seperti di bagian Rekonsiliasi; "
            f"{format_angka(n)} di semua bulan yang diperiksa",
            m,
            "; ".join(_contoh_bpjs(f, s) for s in contoh),
        )
    if aturan.startswith("perubahan bulanan wajar"):
        return (
            "Perubahan jumlah terlindungi dari bulan lalu jauh di luar kebiasaan wilayah dan segmen itu",
            f"{format_angka(n)} wilayah × segmen pada bulan terakhir yang ada datanya",
            n if all(s.get("periode") == f.periode for s in sampel) else None,
            "; ".join(_contoh_lonjakan(f, s) for s in sampel),
        )
    if aturan.startswith("tingkat pelaporan nasional"):
        periode = next((s.get("periode") for s in sampel if s.get("periode")), None)
        persen = next((s.get("persen_diterima") for s in sampel if s.get("persen_diterima") is not None), None)
        ditemukan = f"{format_angka(n)} pemerintah daerah belum melapor untuk {_bulan(periode)}"
        if persen is not None:
            ditemukan += f" (yang melapor {format_persen(Decimal(str(persen)))})"
        return (
            f"Tingkat pelaporan nasional di bawah {format_angka(_ambang_mutu('tingkat_pelaporan_minimum_persen'))} %",
            ditemukan + "; daftar lengkapnya di bagian Pemerintah daerah yang belum melapor",
            n if periode == f.periode else None,
            ", ".join(_wilayah(f, s.get("kode_wilayah")) for s in sampel) + (", …" if n > len(sampel) else ""),
        )
    return (aturan, f"{format_angka(n)} baris", None, "; ".join(_contoh_lain(f, s) for s in sampel))


def peringatan_mutu(f: Figures) -> Tabel:
    rows = []
    for r in f.peringatan:
        pemeriksaan, ditemukan, bulan_ini, contoh = peringatan_terbaca(f, r)
        rows.append((pemeriksaan, ditemukan, bulan_ini, r["unexpected_count"], contoh))
    return Tabel(
        "peringatan_mutu",
        f"Peringatan pemeriksaan mutu data pada pengolahan laporan {format_periode(f.periode)}",
        (
            *columns("pemeriksaan", "ditemukan"),
            column("jumlah_bulan_ini", di_pdf=False),
            column("jumlah_diperiksa", di_pdf=False),
            column("contoh"),
        ),
        rows,
        catatan="Angka tetap dilaporkan, tetapi perlu diperiksa sebelum dikutip.",
        sumber=("audit.validation_result",),
        lembar="Peringatan mutu",
    )


def tables_bulanan(f: Figures) -> list[Tabel]:
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
    ]


# --- findings --------------------------------------------------------------------------------------------------


def kalimat_nasional(
    r: dict,
    *,
    sejak: str = "dari bulan lalu",
    kolom: str = "perubahan_terlindungi_bulan_lalu",
    lengkap_dulu: str = "basis_lengkap_bulan_lalu",
    pada: str = "Secara nasional",
) -> str:
    """The nation's pekerja-rentan figure with its basis and, when comparable, its change."""
    kalimat = f"{pada} {format_angka(r['terlindungi'])} pekerja rentan terlindungi"
    if r["persen_terlindungi"] is not None:
        kalimat += f", cakupan {format_persen(r['persen_terlindungi'])} dari sasaran {format_angka(r['sasaran'])}"
    kalimat += f" ({kalimat_basis(r)})"
    if sebanding(r, lengkap_dulu) and r.get(kolom) is not None:
        kalimat += f"; {_berubah(r[kolom])} {sejak}"
    kalimat += "."
    if not r["basis_lengkap"]:
        kalimat += (
            f" Basis nasional belum lengkap (perlu sekurang-kurangnya {ambang_teks()}): angka ini jumlah "
            "dari yang sudah dilaporkan, belum angka seluruh Indonesia, dan tidak dibandingkan dengan bulan lain."
        )
    elif not sebanding(r, lengkap_dulu):
        kalimat += f" Perubahan {sejak} tidak dihitung: basis pembandingnya belum lengkap."
    return kalimat


def temuan_utama(f: Figures) -> list[str]:
    """Headline findings, each a sentence around figures the marts hold."""
    temuan = []
    bulan = format_periode(f.periode)
    pr = next((r for r in f.nasional(f.cakupan) if r["segmen"] == "pekerja_rentan"), None)
    if pr:
        temuan.append(kalimat_nasional(pr))
    temuan += temuan_peringkat(
        [r for r in f.cakupan if r["tingkat"] == "provinsi"],
        "perubahan_persen_bulan_lalu",
        "dari bulan lalu",
        jumlah_provinsi=sum(w["tingkat"] == "provinsi" for w in f.wilayah),
    )
    lengkap = next((r for r in f.kelengkapan if r["kode_wilayah"] == "00"), None)
    if lengkap:
        temuan.append(
            f"{format_angka(lengkap['laporan_diterima'])} dari {format_angka(lengkap['laporan_diharapkan'])} "
            f"pemerintah daerah telah melapor untuk {bulan} ({format_persen(lengkap['persen_diterima'])}); "
            f"{format_angka(lengkap['laporan_tepat_waktu'])} tepat waktu."
        )
    if f.belum_pernah:
        contoh = ", ".join(r["nama_wilayah"] for r in f.belum_pernah[:5])
        sisa = len(f.belum_pernah) - 5
        temuan.append(
            f"{format_angka(len(f.belum_pernah))} pemerintah daerah belum pernah melapor sama sekali, "
            f"antara lain {contoh}" + (f" dan {format_angka(sisa)} lainnya" if sisa > 0 else "") + "."
        )
    lewat = selisih_bulan_ini(f)
    if lewat:
        temuan.append(
            f"{format_angka(len(lewat))} angka terlindungi kab/kota untuk {bulan} (kab/kota × segmen) "
            f"berselisih lebih dari {_toleransi()} dengan data BPJS Ketenagakerjaan (lihat bagian Rekonsiliasi)."
        )
    if f.penolakan:
        temuan.append(
            f"{format_angka(len(f.penolakan))} berkas ditolak dan menunggu perbaikan dari pelapor (lihat Lampiran A)."
        )
    return temuan


def temuan_peringkat(
    provinsi: list[dict],
    perubahan: str,
    sejak: str,
    lengkap_dulu: str = "basis_lengkap_bulan_lalu",
    *,
    jumlah_provinsi: int | None = None,
) -> list[str]:
    """Best and worst province by pekerja-rentan coverage, and the biggest rise (`perubahan`, in points).

    Only provinces whose basis is complete are named: the best and worst among the ranked ones, the
    biggest rise among those complete in both months compared (`lengkap_dulu`). The sentence says how many
    were left out. `jumlah_provinsi`: all provinces, to count those without any figure too.
    """
    pr = [r for r in provinsi if r["segmen"] == "pekerja_rentan"]
    ranked = sorted(
        (r for r in pr if r["basis_lengkap"] and r["peringkat"] is not None),
        key=lambda r: (r["peringkat"], r["kode_wilayah"]),
    )
    belum = len(pr) - len(ranked)
    tanpa = max((jumlah_provinsi or 0) - len(pr), 0)
    sisanya = []
    if belum:
        sisanya.append(f"{format_angka(belum)} provinsi belum lengkap")
    if tanpa:
        sisanya.append(f"{format_angka(tanpa)} belum ada laporan")
    tidak = (" dan ".join(sisanya) + " sehingga tidak diperingkat") if sisanya else ""
    if not ranked:
        return (
            [f"Belum ada provinsi yang basis cakupan pekerja rentannya lengkap untuk diberi peringkat: {tidak}."]
            if tidak
            else []
        )
    best, worst = ranked[0], ranked[-1]
    kalimat = f"Cakupan pekerja rentan tertinggi: {best['nama_wilayah']} ({format_persen(best['persen_terlindungi'])})"
    if worst is not best:
        kalimat += f"; terendah: {worst['nama_wilayah']} ({format_persen(worst['persen_terlindungi'])})"
    kalimat += f", di antara {format_angka(len(ranked))} provinsi yang basisnya lengkap"
    temuan = [kalimat + (f"; {tidak}." if tidak else ".")]
    banding = [r for r in ranked if r.get(lengkap_dulu) is True and r[perubahan] is not None]
    naik = [r for r in banding if r[perubahan] > 0]
    if naik:
        top = max(naik, key=lambda r: (r[perubahan], r["kode_wilayah"]))
        temuan.append(
            f"Kenaikan cakupan pekerja rentan terbesar {sejak}: {top['nama_wilayah']} "
            f"({format_poin(top[perubahan])}), di antara {format_angka(len(banding))} provinsi yang "
            "basisnya lengkap pada kedua bulan yang dibandingkan."
        )
    return temuan


def _berubah(n: int) -> str:
    if n > 0:
        return f"bertambah {format_angka(n)}"
    if n < 0:
        return f"berkurang {format_angka(-n)}"
    return "tidak berubah"
