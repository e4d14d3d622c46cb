"""Per-province feedback: a short PDF for each governor, and the province's annex in the national report.

Its standing among the provinces, its kab/kota, what is missing, and its rejected files with the reasons.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from inpres.reports import content
from inpres.reports.figures import Figures
from inpres.reports.formatting import format_angka, format_periode, format_persen
from inpres.reports.pdf import compile_pdf, tabel_pdf
from inpres.reports.tables import Kolom, Tabel, pilih

STATUS_KATA = {"terpenuhi": "terpenuhi", "sebagian": "sebagian", "tidak_terpenuhi": "tidak terpenuhi",
               "tidak_diketahui": "tidak diketahui"}


def _milik(kode_provinsi: str):
    """Whether a row is about the province or one of its kab/kota."""
    return lambda r: (r.get("kode_provinsi") or r.get("pelapor") or r.get("kode_wilayah") or "").split(".")[0] == kode_provinsi


def ringkasan(f: Figures, kode: str) -> list[list[str]]:
    pr = next((r for r in f.cakupan if r["kode_wilayah"] == kode and r["segmen"] == "pekerja_rentan"), None)
    skor = next((r for r in f.kepatuhan if r["kode_wilayah"] == kode), None)
    lengkap = next((r for r in f.kelengkapan if r["kode_wilayah"] == kode), None)
    rows = []
    if pr and pr["persen_terlindungi"] is None:
        rows.append(["Cakupan pekerja rentan", f"belum dapat dihitung: {format_angka(pr['terlindungi'])} terlindungi, "
                                               "sasaran seluruh provinsi belum lengkap dilaporkan"])
    elif pr:
        cakupan = f"{format_persen(pr['persen_terlindungi'])} ({format_angka(pr['terlindungi'])} dari {format_angka(pr['sasaran'])})"
        if pr["peringkat"] is not None:
            cakupan += f", peringkat {pr['peringkat']} dari {pr['jumlah_diperingkat']} provinsi"
        rows.append(["Cakupan pekerja rentan", cakupan])
    else:
        rows.append(["Cakupan pekerja rentan", "belum ada laporan"])
    if skor and skor["skor"] is not None:
        rows.append(["Skor kepatuhan Inpres", f"{format_persen(skor['skor'])}, peringkat {skor['peringkat']} "
                                              f"dari {skor['jumlah_diperingkat']} provinsi"])
    else:
        rows.append(["Skor kepatuhan Inpres", "belum dapat dihitung (pemerintah provinsi belum melapor)"])
    if lengkap:
        rows.append(["Laporan diterima", f"{format_angka(lengkap['laporan_diterima'])} dari "
                                         f"{format_angka(lengkap['laporan_diharapkan'])} "
                                         f"({format_angka(lengkap['laporan_tepat_waktu'])} tepat waktu)"])
    return rows


def lampiran(f: Figures, by_name: dict[str, Tabel], w: dict) -> dict:
    """The province's section in the national report's annex."""
    kode = w["kode_wilayah"]
    klaim = pilih(by_name["klaim"], lambda r: r["tingkat"] in ("Kabupaten", "Kota") and _milik(kode)(r))
    return {
        "kode": kode,
        "nama": w["nama_wilayah"],
        "ringkasan": ringkasan(f, kode),
        "kabupaten_kota": tabel_pdf(pilih(by_name["kabupaten_kota"], _milik(kode)), csv=False),
        "klaim": tabel_pdf(klaim, csv=False),
    }


def kedudukan(f: Figures, kode: str) -> Tabel:
    """The province against the nation, segment by segment (rows of the coverage mart side by side)."""
    own = {r["segmen"]: r for r in f.cakupan if r["kode_wilayah"] == kode}
    nasional = {r["segmen"]: r for r in f.nasional(f.cakupan)}
    rows = []
    for segmen, label in content.SEGMEN_LABEL.items():
        r = own.get(segmen, {})
        rows.append((label, r.get("sasaran"), r.get("terlindungi"), r.get("persen_terlindungi"),
                     r.get("peringkat"), r.get("jumlah_diperingkat"), r.get("perubahan_persen_bulan_lalu"),
                     nasional.get(segmen, {}).get("persen_terlindungi")))
    return Tabel(
        "kedudukan_provinsi", f"Cakupan seluruh provinsi per segmen, {format_periode(f.periode)}",
        (
            Kolom("segmen", "Segmen", "teks", "Segmen pekerja."),
            Kolom("sasaran", "Sasaran", "angka", "Sasaran seluruh provinsi."),
            Kolom("terlindungi", "Terlindungi", "angka", "Terlindungi seluruh provinsi."),
            Kolom("persen_terlindungi", "Cakupan", "persen", "Cakupan provinsi."),
            Kolom("peringkat", "Peringkat", "angka", "Peringkat di antara provinsi."),
            Kolom("jumlah_diperingkat", "dari", "angka", "Provinsi yang diberi peringkat."),
            Kolom("perubahan_persen_bulan_lalu", "Δ bulan lalu", "poin", "Perubahan dari bulan lalu."),
            Kolom("persen_nasional", "Nasional", "persen", "Cakupan nasional segmen ini."),
        ),
        rows,
        sumber=("marts.fct_cakupan_wilayah",),
    )


def render(f: Figures, by_name: dict[str, Tabel], w: dict, *, versi, dibuat: datetime) -> bytes:
    from inpres.reports.national import info_sampul

    kode = w["kode_wilayah"]
    milik = _milik(kode)
    skor = next((r for r in f.kepatuhan if r["kode_wilayah"] == kode), None)
    poin = [[label, STATUS_KATA.get(skor[f"status_{p}"], skor[f"status_{p}"])] for p, label in
            content.POIN_KEPATUHAN.items()] if skor else []
    belum = pilih(by_name["belum_lapor_bulan_ini"], milik)
    belum_pernah = pilih(by_name["belum_pernah_lapor"], milik)
    i_nama = belum.kolom_ke("nama_wilayah")
    data = {
        "judul": f"Umpan Balik Pemantauan Inpres 2/2021 — {w['nama_wilayah']}",
        "provinsi": w["nama_wilayah"],
        "periode": format_periode(f.periode),
        "versi_pendek": versi.pendek,
        "info": info_sampul(format_periode(f.periode), versi, dibuat)[1:3],
        "ringkasan": ringkasan(f, kode),
        "kedudukan": tabel_pdf(kedudukan(f, kode), csv=False),
        "poin": poin,
        "kabupaten_kota": tabel_pdf(pilih(by_name["kabupaten_kota"], milik), csv=False),
        "belum_lapor": [r[i_nama] for r in belum.baris],
        "belum_pernah": [r[belum_pernah.kolom_ke("nama_wilayah")] for r in belum_pernah.baris],
        "selisih": tabel_pdf(pilih(by_name["selisih_bpjs"], milik), csv=False),
        "penolakan": tabel_pdf(pilih(by_name["penolakan"], milik), csv=False),
    }
    with tempfile.TemporaryDirectory(prefix="laporan_provinsi_") as tmp:
        return compile_pdf("provinsi.typ", data, Path(tmp), dibuat=dibuat)
