"""Per-province feedback: a short PDF for each governor, and the province's annex in the national report.

Its standing among the provinces and against the nation, each province-wide figure with its basis (how many
of the governments it should include it does include, and how much of the target), who keeps the figure
from being complete and what to ask of them, its kab/kota, and its rejected files with the reasons.
The governor receives only the PDF: it names regions, never codes, files or settings of the warehouse.
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from inpres.reports import content
from inpres.reports.build import info_sampul
from inpres.reports.columns import column, columns, coverage_columns
from inpres.reports.figures import Figures
from inpres.reports.formatting import format_angka, format_periode, format_persen, format_tanggal
from inpres.reports.pdf import compile_pdf, tabel_pdf
from inpres.reports.tables import STATUS_KATA, WIB, Tabel, pilih, sembunyikan, tampilkan
from inpres.reports.wording import POIN_KEPATUHAN, SEGMEN_LABEL, ambang_basis, ambang_teks, segmen_kecil
from inpres.transform import dbt_var

_URUTAN_SEGMEN = list(SEGMEN_LABEL)


def _milik(kode_provinsi: str):
    """Whether a row is about the province or one of its kab/kota."""
    return lambda r: (
        (r.get("kode_provinsi") or r.get("pelapor") or r.get("kode_wilayah") or "").split(".")[0] == kode_provinsi
    )


def nama_pemerintah(r: dict) -> str:
    """'Pemerintah Provinsi Sulawesi Tengah' for a province; a kab/kota's name already says what it is."""
    return f"Pemerintah Provinsi {r['nama_wilayah']}" if r["tingkat"] == "provinsi" else r["nama_wilayah"]


# --- the basis of a province-wide figure -------------------------------------------------------------------


def _pemerintah_perlu(r: dict) -> int:
    """The fewest governments whose figures make the first half of a complete basis."""
    return math.ceil(ambang_basis() * r["pemerintah_diharapkan"] / 100)


def belum_lengkap(r: dict) -> str:
    """Why a province-wide figure is not ranked ('' when it is complete)."""
    if r["basis_lengkap"]:
        return ""
    kurang = []
    perlu = _pemerintah_perlu(r)
    if r["pemerintah_dihitung"] < perlu:
        kurang.append(
            f"baru {format_angka(r['pemerintah_dihitung'])} dari {format_angka(r['pemerintah_diharapkan'])} "
            f"pemerintah daerah yang angkanya masuk (perlu sekurang-kurangnya {format_angka(perlu)})"
        )
    if r["persen_sasaran_terlapor"] is None:
        kurang.append("belum ada sasaran yang dilaporkan bulan ini")
    elif r["persen_sasaran_terlapor"] < ambang_basis():
        kurang.append(
            f"sasaran yang terlapor baru {format_persen(r['persen_sasaran_terlapor'])} dari sasaran acuan "
            f"(perlu sekurang-kurangnya {ambang_teks()})"
        )
    return "Belum diberi peringkat karena angkanya belum lengkap: " + " dan ".join(kurang) + "."


def syarat_peringkat(f: Figures, r: dict) -> str:
    """The rule an unranked province figure needs, and what would complete it."""
    ambang = ambang_teks()
    lengkapi = []
    if r["pemerintah_dihitung"] < r["pemerintah_diharapkan"]:
        lengkapi.append("laporan dari pemerintah daerah yang belum melapor")
    if any(k["sasaran"] is None for k in _kabupaten_kota_segmen(f, r["kode_wilayah"], r["segmen"])):
        lengkapi.append(f"sasaran {segmen_kecil(r['segmen'])} yang masih kosong")
    kalimat = (
        f"Provinsi diberi peringkat bila angkanya mencakup sekurang-kurangnya {ambang} pemerintah daerahnya "
        f"dan {ambang} sasaran acuannya."
    )
    if lengkapi:
        kalimat += f" Yang melengkapinya: {' dan '.join(lengkapi)}, seperti diuraikan di bawah."
    return kalimat


def _kabupaten_kota_segmen(f: Figures, kode: str, segmen: str) -> list[dict]:
    return [
        k
        for k in f.cakupan
        if k["kode_provinsi"] == kode and k["segmen"] == segmen and k["tingkat"] in ("kabupaten", "kota")
    ]


def _cakupan(r: dict) -> str:
    if r["persen_terlindungi"] is None:
        return f"belum dapat dihitung: {format_angka(r['terlindungi'])} terlindungi, belum ada sasaran yang dilaporkan"
    return (
        f"{format_persen(r['persen_terlindungi'])} ({format_angka(r['terlindungi'])} dari {format_angka(r['sasaran'])})"
    )


def ringkasan(f: Figures, kode: str, *, gubernur: bool = False) -> list[list[str]]:
    """The province's standing as label/sentence pairs. `gubernur`: for the governor's PDF, which also says
    what would complete an unranked figure and compares with the nation (the annex leaves both out)."""
    pr = next((r for r in f.cakupan if r["kode_wilayah"] == kode and r["segmen"] == "pekerja_rentan"), None)
    skor = next((r for r in f.kepatuhan if r["kode_wilayah"] == kode), None)
    lengkap = next((r for r in f.kelengkapan if r["kode_wilayah"] == kode), None)
    rows = []
    if pr:
        cakupan = _cakupan(pr)
        if pr["peringkat"] is not None:
            cakupan += f", peringkat {pr['peringkat']} dari {pr['jumlah_diperingkat']} provinsi"
        rows.append(["Cakupan pekerja rentan", f"{cakupan} — {content.kalimat_basis(pr)}"])
        if not pr["basis_lengkap"]:
            rows.append(["Peringkat", belum_lengkap(pr) + (" " + syarat_peringkat(f, pr) if gubernur else "")])
    else:
        rows.append(["Cakupan pekerja rentan", "belum ada laporan"])
    if gubernur:
        rows.append(["Pembanding nasional", pembanding_nasional(f)])
    if skor and skor["skor"] is not None:
        rows.append(
            [
                "Skor kepatuhan Inpres",
                f"{format_persen(skor['skor'])}, peringkat {skor['peringkat']} "
                f"dari {skor['jumlah_diperingkat']} provinsi",
            ]
        )
    else:
        rows.append(["Skor kepatuhan Inpres", "belum dapat dihitung (pemerintah provinsi belum melapor)"])
    if lengkap:
        rows.append(
            [
                "Laporan diterima",
                f"{format_angka(lengkap['laporan_diterima'])} dari "
                f"{format_angka(lengkap['laporan_diharapkan'])} "
                f"({format_angka(lengkap['laporan_tepat_waktu'])} tepat waktu)",
            ]
        )
    return rows


def pembanding_nasional(f: Figures) -> str:
    """The nation's pekerja-rentan figure with its basis: it too is a sum of what was reported."""
    pr = next((r for r in f.nasional(f.cakupan) if r["segmen"] == "pekerja_rentan"), None)
    if pr is None:
        return "belum ada laporan"
    kalimat = f"Cakupan pekerja rentan nasional {_cakupan(pr)} — {content.kalimat_basis(pr)}"
    if not pr["basis_lengkap"]:
        kalimat += ". Angka nasional juga belum lengkap: bandingkan dengan hati-hati"
    return kalimat


# --- who keeps the province's figure from being complete ----------------------------------------------------


def _berangka(f: Figures) -> set[str]:
    """Territories with figures this month, reported by themselves or by their province on their behalf."""
    return {r["kode_wilayah"] for r in f.cakupan}


def belum_lapor(f: Figures, kode: str) -> list[dict]:
    """The province's governments (itself first, then its kab/kota) that have not reported this month."""
    return [r for r in f.laporan if r["kode_provinsi"] == kode and r["status_laporan"] == "belum_lapor"]


def sasaran_kosong(f: Figures, kode: str) -> list[dict]:
    """The province's kab/kota with figures but a blank target, by kab/kota: [{nama, segmen: [label, ...],
    oleh_provinsi}]; `oleh_provinsi`: the kab/kota did not report, its figures came in the province's report."""
    belum = {r["kode_wilayah"] for r in belum_lapor(f, kode)}
    kosong: dict[str, dict] = {}
    rows = sorted(
        (
            r
            for r in f.cakupan
            if r["kode_provinsi"] == kode and r["tingkat"] in ("kabupaten", "kota") and r["sasaran"] is None
        ),
        key=lambda r: (r["kode_wilayah"], _URUTAN_SEGMEN.index(r["segmen"])),
    )
    for r in rows:
        k = kosong.setdefault(
            r["kode_wilayah"], {"nama": r["nama_wilayah"], "segmen": [], "oleh_provinsi": r["kode_wilayah"] in belum}
        )
        k["segmen"].append(segmen_kecil(r["segmen"]))
    return list(kosong.values())


def penghambat(f: Figures, kode: str, dibuat: datetime) -> dict:
    """Who blocks the province-wide figure, and what to ask of them."""
    periode = format_periode(f.periode)
    belum = belum_lapor(f, kode)
    # A kab/kota whose province sent some of its figures has still not reported itself.
    dikirim_provinsi = {}
    for r in f.cakupan:
        if r["kode_provinsi"] == kode and r["tingkat"] in ("kabupaten", "kota"):
            dikirim_provinsi.setdefault(r["kode_wilayah"], []).append(r["segmen"])
    daftar = []
    for r in belum:
        nama = nama_pemerintah(r)
        if r["kode_wilayah"] in dikirim_provinsi:
            segmen = sorted(dikirim_provinsi[r["kode_wilayah"]], key=_URUTAN_SEGMEN.index)
            nama += f" (hanya angka {' dan '.join(segmen_kecil(s) for s in segmen)} yang dikirim pemerintah provinsi)"
        daftar.append(nama)
    kosong = sasaran_kosong(f, kode)
    tindakan = []
    if belum:
        batas = belum[0]["batas_lapor"]
        yang = "pemerintah daerah ini" if len(belum) == 1 else f"{format_angka(len(belum))} pemerintah daerah ini"
        if dibuat.astimezone(WIB).date() <= batas:
            tindakan.append(
                f"Minta dinas yang membidangi ketenagakerjaan di {yang} mengirim laporan {periode} "
                f"paling lambat {format_tanggal(batas)}."
            )
        else:
            tindakan.append(
                f"Minta dinas yang membidangi ketenagakerjaan di {yang} mengirim laporan {periode} "
                f"secepatnya. Batas lapor {format_tanggal(batas)} sudah lewat, tetapi laporan yang "
                "terlambat tetap masuk ke angka provinsi pada pengolahan malam berikutnya."
            )
    sendiri = [k for k in kosong if not k["oleh_provinsi"]]
    if sendiri:
        yang = "kabupaten/kota ini" if len(sendiri) == 1 else f"{format_angka(len(sendiri))} kabupaten/kota ini"
        tindakan.append(
            f"Minta {yang} mengisi kolom sasaran untuk segmen yang disebut di lembar kepesertaan, "
            f"lalu mengirim ulang laporan {periode}; kiriman terbaru menggantikan yang lama."
        )
    if len(sendiri) < len(kosong):
        tindakan.append(
            "Isi sasaran yang angkanya dikirim pemerintah provinsi di laporan pemerintah provinsi, "
            f"lalu kirim ulang laporan {periode}."
        )
    return {
        "belum_lapor": daftar,
        "sasaran_kosong": [
            f"{k['nama']}: {', '.join(k['segmen'])}"
            + (" (angkanya dikirim pemerintah provinsi)" if k["oleh_provinsi"] else "")
            for k in kosong
        ],
        "tindakan": tindakan,
    }


# --- tables -------------------------------------------------------------------------------------------------


def kabupaten_kota(f: Figures, by_name: dict[str, Tabel], kode: str) -> Tabel | None:
    """The province's kab/kota that have figures this month; the others are named in one line under the
    table instead of a row of dashes each. None when none of them has figures."""
    berangka = _berangka(f)
    semua = pilih(by_name["kabupaten_kota"], _milik(kode))
    t = pilih(semua, lambda r: r["kode_wilayah"] in berangka)
    if not t.baris:
        return None
    tanpa = [r for r in belum_lapor(f, kode) if r["tingkat"] != "provinsi" and r["kode_wilayah"] not in berangka]
    if tanpa:
        t = replace(
            t,
            catatan=f"Belum melapor untuk {format_periode(f.periode)} dan belum ada angkanya "
            f"({format_angka(len(tanpa))}): {', '.join(r['nama_wilayah'] for r in tanpa)}.",
        )
    return t


def _tanpa_laporan(f: Figures, kode: str) -> str:
    """The one line that replaces a province's figures when none of its governments has reported."""
    belum = belum_lapor(f, kode)
    return (
        f"Belum ada laporan untuk {format_periode(f.periode)} dari {format_angka(len(belum))} pemerintah "
        f"daerah di provinsi ini: {', '.join(nama_pemerintah(r) for r in belum)}."
    )


def ada_laporan(f: Figures, kode: str) -> bool:
    return any(r["kode_provinsi"] == kode and r["status_laporan"] != "belum_lapor" for r in f.laporan)


def lampiran(f: Figures, by_name: dict[str, Tabel], w: dict) -> dict:
    """The province's section in the national report's annex: one line when it has no figures."""
    kode = w["kode_wilayah"]
    if not ada_laporan(f, kode):
        return {
            "kode": kode,
            "nama": w["nama_wilayah"],
            "ringkasan": [["Laporan", _tanpa_laporan(f, kode)]],
            "kabupaten_kota": None,
            "klaim": tabel_pdf(pilih(by_name["klaim"], lambda r: False), csv=False),
        }
    # The province-wide claims: a page, not the dozens each kab/kota's rows would fill (they are in the workbook).
    klaim = pilih(by_name["klaim"], lambda r: r["kode_wilayah"] == kode)
    kabkota = kabupaten_kota(f, by_name, kode)
    return {
        "kode": kode,
        "nama": w["nama_wilayah"],
        "ringkasan": ringkasan(f, kode),
        "kabupaten_kota": tabel_pdf(kabkota, csv=False) if kabkota else None,
        "klaim": tabel_pdf(klaim, csv=False),
    }


def _peringkat(r: dict) -> str | None:
    if r.get("peringkat") is not None:
        return f"{r['peringkat']} dari {r['jumlah_diperingkat']}"
    if r and not r["basis_lengkap"]:
        return "belum lengkap"
    return None


def kedudukan(f: Figures, kode: str) -> Tabel:
    """The province-wide figures segment by segment, each with its basis and rank."""
    own = {r["segmen"]: r for r in f.cakupan if r["kode_wilayah"] == kode}
    rows = []
    for segmen, label in SEGMEN_LABEL.items():
        r = own.get(segmen, {})
        rows.append(
            (
                label,
                r.get("sasaran"),
                r.get("terlindungi"),
                r.get("persen_terlindungi"),
                content.pemda_dihitung(r),
                r.get("persen_sasaran_terlapor"),
                _peringkat(r),
                content.perubahan(r, "perubahan_persen_bulan_lalu"),
            )
        )
    ambang = ambang_teks()
    return Tabel(
        "kedudukan_provinsi",
        f"Cakupan seluruh provinsi per segmen, {format_periode(f.periode)}",
        (
            column("segmen"),
            *coverage_columns(", seluruh provinsi"),
            *columns("pemda_dihitung", "persen_sasaran_terlapor"),
            column("peringkat", jenis="teks", keterangan="Peringkat di antara provinsi yang angkanya lengkap."),
            column("perubahan_persen_bulan_lalu", label="Δ bulan lalu"),
        ),
        rows,
        catatan=(
            f"Cakupan dihitung atas sasaran yang dilaporkan. Pemda: pemerintah daerah yang angkanya masuk / yang "
            "seharusnya masuk. Sasaran acuan: sasaran bulan ini dari semua pemerintah "
            "daerah di provinsi, atau sasaran terakhir yang pernah dilaporkan bila bulan ini belum ada. Angka "
            f"diberi peringkat bila mencakup sekurang-kurangnya {ambang} pemerintah daerah dan {ambang} sasaran "
            "acuan; perubahan dari bulan lalu dihitung atas pemerintah daerah yang angkanya ada pada kedua bulan "
            "dan ditampilkan bila angka kedua bulan itu lengkap."
        ),
        sumber=("marts.fct_cakupan_wilayah",),
    )


def banding_nasional(f: Figures, kode: str) -> Tabel:
    """The province against the nation, segment by segment, with the nation's basis: it is partial too."""
    own = {r["segmen"]: r for r in f.cakupan if r["kode_wilayah"] == kode}
    nasional = {r["segmen"]: r for r in f.nasional(f.cakupan)}
    rows = []
    for segmen, label in SEGMEN_LABEL.items():
        n = nasional.get(segmen, {})
        rows.append(
            (
                label,
                own.get(segmen, {}).get("persen_terlindungi"),
                n.get("persen_terlindungi"),
                content.pemda_dihitung(n),
                n.get("persen_sasaran_terlapor"),
                content.basis_kata(n),
            )
        )
    return Tabel(
        "banding_nasional",
        f"Provinsi dibandingkan dengan nasional, {format_periode(f.periode)}",
        columns(
            "segmen",
            "persen_provinsi",
            "persen_nasional",
            "pemda_nasional",
            "sasaran_terlapor_nasional",
            "basis_nasional",
        ),
        rows,
        catatan="Angka nasional juga jumlah dari yang sudah dilaporkan: selama belum lengkap, bandingkan "
        "dengan hati-hati.",
        sumber=("marts.fct_cakupan_wilayah",),
    )


def selisih(f: Figures, by_name: dict[str, Tabel], kode: str) -> Tabel:
    """The BPJS reconciliation table in plain words: no setting or file the governor never sees."""
    t = sembunyikan(pilih(by_name["selisih_bpjs"], _milik(kode)), "kode_wilayah")
    return replace(
        t,
        catatan=f"Ditampilkan bila angka terlindungi yang dilaporkan berselisih lebih dari "
        f"{dbt_var('toleransi_selisih_persen')} % dari data BPJS Ketenagakerjaan. Cocokkan "
        "angka yang dilaporkan dengan kantor cabang BPJS Ketenagakerjaan setempat.",
    )


def penolakan(by_name: dict[str, Tabel], kode: str) -> Tabel:
    t = tampilkan(sembunyikan(pilih(by_name["penolakan"], _milik(kode)), "pelapor"), "nama_pelapor")
    return replace(
        t,
        catatan="Berkas yang ditolak tidak masuk ke angka sama sekali. Perbaiki sesuai alasan di atas "
        "dan kirim ulang berkas lengkapnya.",
    )


def data_pdf(f: Figures, by_name: dict[str, Tabel], w: dict, *, versi, dibuat: datetime) -> dict:
    """Everything provinsi.typ prints, as formatted strings."""
    kode = w["kode_wilayah"]
    skor = next((r for r in f.kepatuhan if r["kode_wilayah"] == kode), None)
    poin = (
        [[label, STATUS_KATA.get(skor[f"status_{p}"], skor[f"status_{p}"])] for p, label in POIN_KEPATUHAN.items()]
        if skor
        else []
    )
    berangka = any(r["kode_wilayah"] == kode for r in f.cakupan)
    kabkota = kabupaten_kota(f, by_name, kode)
    return {
        "judul": f"Umpan Balik Pemantauan Inpres 2/2021 — {w['nama_wilayah']}",
        "provinsi": w["nama_wilayah"],
        "periode": format_periode(f.periode),
        "versi_pendek": versi.pendek,
        "info": info_sampul(format_periode(f.periode), versi, dibuat)[1:3],
        "ringkasan": ringkasan(f, kode, gubernur=True)
        if ada_laporan(f, kode)
        else [["Laporan", _tanpa_laporan(f, kode)], ["Pembanding nasional", pembanding_nasional(f)]],
        "kedudukan": tabel_pdf(kedudukan(f, kode), csv=False) if berangka else None,
        "banding": tabel_pdf(banding_nasional(f, kode), csv=False) if berangka else None,
        "penghambat": penghambat(f, kode, dibuat),
        "poin": poin,
        "kabupaten_kota": tabel_pdf(sembunyikan(kabkota, "kode_wilayah"), csv=False) if kabkota else None,
        "belum_pernah": [nama_pemerintah(r) for r in f.belum_pernah if r["kode_provinsi"] == kode],
        "selisih": tabel_pdf(selisih(f, by_name, kode), csv=False),
        "penolakan": tabel_pdf(penolakan(by_name, kode), csv=False),
    }


def render(f: Figures, by_name: dict[str, Tabel], w: dict, *, versi, dibuat: datetime) -> bytes:
    data = data_pdf(f, by_name, w, versi=versi, dibuat=dibuat)
    with tempfile.TemporaryDirectory(prefix="laporan_provinsi_") as tmp:
        return compile_pdf("provinsi.typ", data, Path(tmp), dibuat=dibuat)
