"""The content of the governor's feedback PDF and of the province's annex in the national report.

Its standing among the provinces and against the nation, each province-wide figure with its basis (how many
of the governments it should include it does include, and how much of the target), who keeps the figure
from being complete and what to ask of them, its kab/kota, and its rejected files with the reasons.
The governor receives only the PDF: it names regions, never codes, files or settings of the warehouse.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime

from inpres.catalogue import SEGMEN_LABEL
from inpres.reports.content.columns import column, columns, coverage_columns
from inpres.reports.content.common import basis_sentence, basis_word, change, pemda_dihitung
from inpres.reports.content.wording import basis_threshold, segmen_in_sentence, segmen_order, threshold_text
from inpres.reports.figures import Figures
from inpres.reports.formatting import WIB, format_date, format_number, format_percent, format_periode
from inpres.reports.tables import Table, hide, select, show
from inpres.transform import dbt_var


def _of_province(kode_provinsi: str):
    """Whether a row is about the province or one of its kab/kota."""
    return lambda r: (
        (r.get("kode_provinsi") or r.get("pelapor") or r.get("kode_wilayah") or "").split(".")[0] == kode_provinsi
    )


def pemerintah_name(r: dict) -> str:
    """'Pemerintah Provinsi Sulawesi Tengah' for a province; a kab/kota's name already says what it is."""
    return f"Pemerintah Provinsi {r['nama_wilayah']}" if r["tingkat"] == "provinsi" else r["nama_wilayah"]


# --- the basis of a province-wide figure -------------------------------------------------------------------


def _pemerintah_needed(r: dict) -> int:
    """The fewest governments whose figures make the first half of a complete basis."""
    return math.ceil(basis_threshold() * r["pemerintah_diharapkan"] / 100)


def why_unranked(r: dict) -> str:
    """Why a province-wide figure is not ranked ('' when it is complete)."""
    if r["basis_lengkap"]:
        return ""
    missing = []
    needed = _pemerintah_needed(r)
    if r["pemerintah_dihitung"] < needed:
        missing.append(
            f"baru {format_number(r['pemerintah_dihitung'])} dari {format_number(r['pemerintah_diharapkan'])} "
            f"pemerintah daerah yang angkanya masuk (perlu sekurang-kurangnya {format_number(needed)})"
        )
    if r["persen_sasaran_terlapor"] is None:
        missing.append("belum ada sasaran yang dilaporkan bulan ini")
    elif r["persen_sasaran_terlapor"] < basis_threshold():
        missing.append(
            f"sasaran yang terlapor baru {format_percent(r['persen_sasaran_terlapor'])} dari sasaran acuan "
            f"(perlu sekurang-kurangnya {threshold_text()})"
        )
    return "Belum diberi peringkat karena angkanya belum lengkap: " + " dan ".join(missing) + "."


def ranking_rule(f: Figures, r: dict) -> str:
    """The rule an unranked province figure needs, and what would complete it."""
    threshold = threshold_text()
    completing = []
    if r["pemerintah_dihitung"] < r["pemerintah_diharapkan"]:
        completing.append("laporan dari pemerintah daerah yang belum melapor")
    if any(k["sasaran"] is None for k in _kabupaten_kota_segmen(f, r["kode_wilayah"], r["segmen"])):
        completing.append(f"sasaran {segmen_in_sentence(r['segmen'])} yang masih kosong")
    sentence = (
        f"Provinsi diberi peringkat bila angkanya mencakup sekurang-kurangnya {threshold} pemerintah daerahnya "
        f"dan {threshold} sasaran acuannya."
    )
    if completing:
        sentence += f" Yang melengkapinya: {' dan '.join(completing)}, seperti diuraikan di bawah."
    return sentence


def _kabupaten_kota_segmen(f: Figures, kode: str, segmen: str) -> list[dict]:
    return [
        k
        for k in f.cakupan
        if k["kode_provinsi"] == kode and k["segmen"] == segmen and k["tingkat"] in ("kabupaten", "kota")
    ]


def _cakupan_phrase(r: dict) -> str:
    if r["persen_terlindungi"] is None:
        return f"belum dapat dihitung: {format_number(r['terlindungi'])} terlindungi, belum ada sasaran yang dilaporkan"
    persen, terlindungi, sasaran = r["persen_terlindungi"], r["terlindungi"], r["sasaran"]
    return f"{format_percent(persen)} ({format_number(terlindungi)} dari {format_number(sasaran)})"


def summary(f: Figures, kode: str, *, for_governor: bool = False) -> list[list[str]]:
    """The province's standing as label/sentence pairs. `for_governor`: for the governor's PDF, which also says
    what would complete an unranked figure and compares with the nation (the annex leaves both out)."""
    pr = next((r for r in f.cakupan if r["kode_wilayah"] == kode and r["segmen"] == "pekerja_rentan"), None)
    skor = next((r for r in f.kepatuhan if r["kode_wilayah"] == kode), None)
    lengkap = next((r for r in f.kelengkapan if r["kode_wilayah"] == kode), None)
    rows = []
    if pr:
        cakupan = _cakupan_phrase(pr)
        if pr["peringkat"] is not None:
            cakupan += f", peringkat {pr['peringkat']} dari {pr['jumlah_diperingkat']} provinsi"
        rows.append(["Cakupan pekerja rentan", f"{cakupan} — {basis_sentence(pr)}"])
        if not pr["basis_lengkap"]:
            rows.append(["Peringkat", why_unranked(pr) + (" " + ranking_rule(f, pr) if for_governor else "")])
    else:
        rows.append(["Cakupan pekerja rentan", "belum ada laporan"])
    if for_governor:
        rows.append(["Pembanding nasional", benchmark_sentence(f)])
    if skor and skor["skor"] is not None:
        rows.append(
            [
                "Skor kepatuhan Inpres",
                f"{format_percent(skor['skor'])}, peringkat {skor['peringkat']} "
                f"dari {skor['jumlah_diperingkat']} provinsi",
            ]
        )
    else:
        rows.append(["Skor kepatuhan Inpres", "belum dapat dihitung (pemerintah provinsi belum melapor)"])
    if lengkap:
        rows.append(
            [
                "Laporan diterima",
                f"{format_number(lengkap['laporan_diterima'])} dari "
                f"{format_number(lengkap['laporan_diharapkan'])} "
                f"({format_number(lengkap['laporan_tepat_waktu'])} tepat waktu)",
            ]
        )
    return rows


def benchmark_sentence(f: Figures) -> str:
    """The nation's pekerja-rentan figure with its basis: it too is a sum of what was reported."""
    pr = next((r for r in f.nasional(f.cakupan) if r["segmen"] == "pekerja_rentan"), None)
    if pr is None:
        return "belum ada laporan"
    sentence = f"Cakupan pekerja rentan nasional {_cakupan_phrase(pr)} — {basis_sentence(pr)}"
    if not pr["basis_lengkap"]:
        sentence += ". Angka nasional juga belum lengkap: bandingkan dengan hati-hati"
    return sentence


def _with_figures(f: Figures) -> set[str]:
    """Territories with figures this month, reported by themselves or by their province on their behalf."""
    return {r["kode_wilayah"] for r in f.cakupan}


# --- who keeps the province's figure from being complete ----------------------------------------------------


def belum_lapor(f: Figures, kode: str) -> list[dict]:
    """The province's governments (itself first, then its kab/kota) that have not reported this month."""
    return [r for r in f.laporan if r["kode_provinsi"] == kode and r["status_laporan"] == "belum_lapor"]


def sasaran_kosong(f: Figures, kode: str) -> list[dict]:
    """The province's kab/kota with figures but a blank target, by kab/kota: [{name, segmen: [label, ...],
    by_province}]; `by_province`: the kab/kota did not report, its figures came in the province's report."""
    not_reported = {r["kode_wilayah"] for r in belum_lapor(f, kode)}
    blank: dict[str, dict] = {}
    rows = sorted(
        (
            r
            for r in f.cakupan
            if r["kode_provinsi"] == kode and r["tingkat"] in ("kabupaten", "kota") and r["sasaran"] is None
        ),
        key=lambda r: (r["kode_wilayah"], segmen_order(r)),
    )
    for r in rows:
        k = blank.setdefault(
            r["kode_wilayah"],
            {"name": r["nama_wilayah"], "segmen": [], "by_province": r["kode_wilayah"] in not_reported},
        )
        k["segmen"].append(segmen_in_sentence(r["segmen"]))
    return list(blank.values())


def blockers(f: Figures, kode: str, created: datetime) -> dict:
    """Who blocks the province-wide figure, and what to ask of them."""
    periode = format_periode(f.periode)
    not_reported = belum_lapor(f, kode)
    # A kab/kota whose province sent some of its figures has still not reported itself.
    sent_by_province = {}
    for r in f.cakupan:
        if r["kode_provinsi"] == kode and r["tingkat"] in ("kabupaten", "kota"):
            sent_by_province.setdefault(r["kode_wilayah"], []).append(r["segmen"])
    names = []
    for r in not_reported:
        name = pemerintah_name(r)
        if r["kode_wilayah"] in sent_by_province:
            segmen = sorted(sent_by_province[r["kode_wilayah"]], key=list(SEGMEN_LABEL).index)
            name += (
                f" (hanya angka {' dan '.join(segmen_in_sentence(s) for s in segmen)} yang dikirim pemerintah provinsi)"
            )
        names.append(name)
    blank = sasaran_kosong(f, kode)
    actions = []
    if not_reported:
        batas = not_reported[0]["batas_lapor"]
        whom = (
            "pemerintah daerah ini"
            if len(not_reported) == 1
            else f"{format_number(len(not_reported))} pemerintah daerah ini"
        )
        if created.astimezone(WIB).date() <= batas:
            actions.append(
                f"Minta dinas yang membidangi ketenagakerjaan di {whom} mengirim laporan {periode} "
                f"paling lambat {format_date(batas)}."
            )
        else:
            actions.append(
                f"Minta dinas yang membidangi ketenagakerjaan di {whom} mengirim laporan {periode} "
                f"secepatnya. Batas lapor {format_date(batas)} sudah lewat, tetapi laporan yang "
                "terlambat tetap masuk ke angka provinsi pada pengolahan malam berikutnya."
            )
    own = [k for k in blank if not k["by_province"]]
    if own:
        whom = "kabupaten/kota ini" if len(own) == 1 else f"{format_number(len(own))} kabupaten/kota ini"
        actions.append(
            f"Minta {whom} mengisi kolom sasaran untuk segmen yang disebut di lembar kepesertaan, "
            f"lalu mengirim ulang laporan {periode}; kiriman terbaru menggantikan yang lama."
        )
    if len(own) < len(blank):
        actions.append(
            "Isi sasaran yang angkanya dikirim pemerintah provinsi di laporan pemerintah provinsi, "
            f"lalu kirim ulang laporan {periode}."
        )
    return {
        "belum_lapor": names,
        "sasaran_kosong": [
            f"{k['name']}: {', '.join(k['segmen'])}"
            + (" (angkanya dikirim pemerintah provinsi)" if k["by_province"] else "")
            for k in blank
        ],
        "actions": actions,
    }


# --- tables -------------------------------------------------------------------------------------------------


def kabupaten_kota(f: Figures, by_name: dict[str, Table], kode: str) -> Table | None:
    """The province's kab/kota that have figures this month; the others are named in one line under the
    table instead of a row of dashes each. None when none of them has figures."""
    with_figures = _with_figures(f)
    all_kabkota = select(by_name["kabupaten_kota"], _of_province(kode))
    t = select(all_kabkota, lambda r: r["kode_wilayah"] in with_figures)
    if not t.rows:
        return None
    without = [r for r in belum_lapor(f, kode) if r["tingkat"] != "provinsi" and r["kode_wilayah"] not in with_figures]
    if without:
        t = replace(
            t,
            note=f"Belum melapor untuk {format_periode(f.periode)} dan belum ada angkanya "
            f"({format_number(len(without))}): {', '.join(r['nama_wilayah'] for r in without)}.",
        )
    return t


def tanpa_laporan_sentence(f: Figures, kode: str) -> str:
    """The one line that replaces a province's figures when none of its governments has reported."""
    not_reported = belum_lapor(f, kode)
    return (
        f"Belum ada laporan untuk {format_periode(f.periode)} dari {format_number(len(not_reported))} pemerintah "
        f"daerah di provinsi ini: {', '.join(pemerintah_name(r) for r in not_reported)}."
    )


def has_laporan(f: Figures, kode: str) -> bool:
    return any(r["kode_provinsi"] == kode and r["status_laporan"] != "belum_lapor" for r in f.laporan)


def _rank_text(r: dict) -> str | None:
    if r.get("peringkat") is not None:
        return f"{r['peringkat']} dari {r['jumlah_diperingkat']}"
    if r and not r["basis_lengkap"]:
        return "belum lengkap"
    return None


def standing_table(f: Figures, kode: str) -> Table:
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
                pemda_dihitung(r),
                r.get("persen_sasaran_terlapor"),
                _rank_text(r),
                change(r, "perubahan_persen_bulan_lalu"),
            )
        )
    threshold = threshold_text()
    return Table(
        "kedudukan_provinsi",
        f"Cakupan seluruh provinsi per segmen, {format_periode(f.periode)}",
        (
            column("segmen"),
            *coverage_columns(", seluruh provinsi"),
            *columns("pemda_dihitung", "persen_sasaran_terlapor"),
            column("peringkat", kind="teks", description="Peringkat di antara provinsi yang angkanya lengkap."),
            column("perubahan_persen_bulan_lalu", label="Δ bulan lalu"),
        ),
        rows,
        note=(
            f"Cakupan dihitung atas sasaran yang dilaporkan. Pemda: pemerintah daerah yang angkanya masuk / yang "
            "seharusnya masuk. Sasaran acuan: sasaran bulan ini dari semua pemerintah "
            "daerah di provinsi, atau sasaran terakhir yang pernah dilaporkan bila bulan ini belum ada. Angka "
            f"diberi peringkat bila mencakup sekurang-kurangnya {threshold} pemerintah daerah dan {threshold} sasaran "
            "acuan; perubahan dari bulan lalu dihitung atas pemerintah daerah yang angkanya ada pada kedua bulan "
            "dan ditampilkan bila angka kedua bulan itu lengkap."
        ),
        sources=("marts.fct_cakupan_wilayah",),
    )


def benchmark_table(f: Figures, kode: str) -> Table:
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
                pemda_dihitung(n),
                n.get("persen_sasaran_terlapor"),
                basis_word(n),
            )
        )
    return Table(
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
        note="Angka nasional juga jumlah dari yang sudah dilaporkan: selama belum lengkap, bandingkan "
        "dengan hati-hati.",
        sources=("marts.fct_cakupan_wilayah",),
    )


def selisih(f: Figures, by_name: dict[str, Table], kode: str) -> Table:
    """The BPJS reconciliation table in plain words: no setting or file the governor never sees."""
    t = hide(select(by_name["selisih_bpjs"], _of_province(kode)), "kode_wilayah")
    return replace(
        t,
        note=f"Ditampilkan bila angka terlindungi yang dilaporkan berselisih lebih dari "
        f"{dbt_var('toleransi_selisih_persen')} % dari data BPJS Ketenagakerjaan. Cocokkan "
        "angka yang dilaporkan dengan kantor cabang BPJS Ketenagakerjaan setempat.",
    )


def penolakan(by_name: dict[str, Table], kode: str) -> Table:
    t = show(hide(select(by_name["penolakan"], _of_province(kode)), "pelapor"), "nama_pelapor")
    return replace(
        t,
        note="Berkas yang ditolak tidak masuk ke angka sama sekali. Perbaiki sesuai alasan di atas "
        "dan kirim ulang berkas lengkapnya.",
    )
