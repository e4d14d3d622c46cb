"""What the content of every report shares: the basis of a province-wide or national figure, the changes
that can be compared, and the sentences and table shapes the monthly and the semester report both use.

A province-wide or national figure is the sum of what was reported, so every one is shown with its basis
(how many of the governments it should include it does include, and how much of the target it covers).
Only a figure whose basis is complete is ranked or named as best, worst or biggest rise; a change is
shown only when both months it compares are complete.
"""

from __future__ import annotations

from dataclasses import replace

from inpres.catalogue import SEGMEN_LABEL
from inpres.reports.content.wording import BELUM_LENGKAP, LENGKAP, TANPA_LAPORAN, threshold_text
from inpres.reports.formatting import format_number, format_percent, format_points
from inpres.reports.tables import Chart, Table, hide, select

# --- the basis of a figure ---------------------------------------------------------------------------------


def basis_word(r: dict | None) -> str:
    """'lengkap', 'belum lengkap', or 'belum ada laporan' for a territory without a row this month."""
    if not r:
        return TANPA_LAPORAN
    return LENGKAP if r["basis_lengkap"] else BELUM_LENGKAP


def basis_sentence(r: dict) -> str:
    """What a province-wide or national figure includes: 'mencakup 14 dari 36 pemerintah daerah; sasaran
    terlapor 61,00 % dari sasaran acuan'."""
    sentence = (
        f"mencakup {format_number(r['pemerintah_dihitung'])} dari "
        f"{format_number(r['pemerintah_diharapkan'])} pemerintah daerah; "
    )
    if r["persen_sasaran_terlapor"] is None:
        return sentence + "sasaran acuan belum diketahui"
    return sentence + f"sasaran terlapor {format_percent(r['persen_sasaran_terlapor'])} dari sasaran acuan"


def pemda_dihitung(r: dict | None) -> tuple[int, int] | None:
    """(14, 36), printed '14/36': the governments a figure includes of those it should, in one narrow column."""
    if not r or r.get("pemerintah_dihitung") is None:
        return None
    return r["pemerintah_dihitung"], r["pemerintah_diharapkan"]


def comparable(r: dict | None, earlier_complete: str = "basis_lengkap_bulan_lalu") -> bool:
    """Whether a change can be read: the basis complete in both months it compares."""
    return bool(r) and r.get("basis_lengkap") is True and r.get(earlier_complete) is True


def change(r: dict | None, column: str, earlier_complete: str = "basis_lengkap_bulan_lalu"):
    """The mart's change where it is comparable, else None (shown as '–')."""
    return r.get(column) if comparable(r, earlier_complete) else None


def basis_cells(r: dict | None, *, sasaran: bool = True) -> tuple:
    r = r or {}
    cells = (pemda_dihitung(r), r.get("pemerintah_dihitung"), r.get("pemerintah_diharapkan"))
    if sasaran:
        cells += (r.get("persen_sasaran_terlapor"), basis_word(r) if r else TANPA_LAPORAN)
    return cells


BASIS_NOTE = (
    "Angka provinsi dan nasional adalah jumlah dari yang sudah dilaporkan. Cakupan hanya "
    "menghitung pemerintah daerah yang sasarannya diketahui, sehingga dapat berbeda dari "
    "terlindungi dibagi sasaran. Pemda: pemerintah daerah yang angkanya masuk / yang seharusnya "
    "masuk. Basis lengkap: sekurang-kurangnya {threshold} pemerintah daerah dan {threshold} sasaran acuan; "
    "perubahan dihitung atas pemerintah daerah yang angkanya ada pada kedua bulan, dan hanya "
    "ditampilkan bila basis kedua bulan yang dibandingkan lengkap."
)


def basis_note() -> str:
    return BASIS_NOTE.format(threshold=threshold_text())


# --- what the monthly and the semester report both say ------------------------------------------------------


def national_sentence(
    r: dict,
    *,
    since: str = "dari bulan lalu",
    column: str = "perubahan_terlindungi_bulan_lalu",
    earlier_complete: str = "basis_lengkap_bulan_lalu",
    opening: str = "Secara nasional",
) -> str:
    """The nation's pekerja-rentan figure with its basis and, when comparable, its change."""
    sentence = f"{opening} {format_number(r['terlindungi'])} pekerja rentan terlindungi"
    if r["persen_terlindungi"] is not None:
        sentence += f", cakupan {format_percent(r['persen_terlindungi'])} dari sasaran {format_number(r['sasaran'])}"
    sentence += f" ({basis_sentence(r)})"
    if comparable(r, earlier_complete) and r.get(column) is not None:
        sentence += f"; {_change_words(r[column])} {since}"
    sentence += "."
    if not r["basis_lengkap"]:
        sentence += (
            f" Basis nasional belum lengkap (perlu sekurang-kurangnya {threshold_text()}): angka ini jumlah "
            "dari yang sudah dilaporkan, belum angka seluruh Indonesia, dan tidak dibandingkan dengan bulan lain."
        )
    elif not comparable(r, earlier_complete):
        sentence += f" Perubahan {since} tidak dihitung: basis pembandingnya belum lengkap."
    return sentence


def ranking_findings(
    provinsi: list[dict],
    change_column: str,
    since: str,
    earlier_complete: str = "basis_lengkap_bulan_lalu",
    *,
    jumlah_provinsi: int | None = None,
) -> list[str]:
    """Best and worst province by pekerja-rentan coverage, and the biggest rise (`change_column`, in points).

    Only provinces whose basis is complete are named: the best and worst among the ranked ones, the
    biggest rise among those complete in both months compared (`earlier_complete`). The sentence says how many
    were left out. `jumlah_provinsi`: all provinces, to count those without any figure too.
    """
    pr = [r for r in provinsi if r["segmen"] == "pekerja_rentan"]
    ranked = sorted(
        (r for r in pr if r["basis_lengkap"] and r["peringkat"] is not None),
        key=lambda r: (r["peringkat"], r["kode_wilayah"]),
    )
    incomplete = len(pr) - len(ranked)
    without = max((jumlah_provinsi or 0) - len(pr), 0)
    others = []
    if incomplete:
        others.append(f"{format_number(incomplete)} provinsi belum lengkap")
    if without:
        others.append(f"{format_number(without)} belum ada laporan")
    unranked = (" dan ".join(others) + " sehingga tidak diperingkat") if others else ""
    if not ranked:
        return (
            [f"Belum ada provinsi yang basis cakupan pekerja rentannya lengkap untuk diberi peringkat: {unranked}."]
            if unranked
            else []
        )
    best, worst = ranked[0], ranked[-1]
    sentence = (
        f"Cakupan pekerja rentan tertinggi: {best['nama_wilayah']} ({format_percent(best['persen_terlindungi'])})"
    )
    if worst is not best:
        sentence += f"; terendah: {worst['nama_wilayah']} ({format_percent(worst['persen_terlindungi'])})"
    sentence += f", di antara {format_number(len(ranked))} provinsi yang basisnya lengkap"
    findings = [sentence + (f"; {unranked}." if unranked else ".")]
    comparable_rows = [r for r in ranked if r.get(earlier_complete) is True and r[change_column] is not None]
    risen = [r for r in comparable_rows if r[change_column] > 0]
    if risen:
        top = max(risen, key=lambda r: (r[change_column], r["kode_wilayah"]))
        findings.append(
            f"Kenaikan cakupan pekerja rentan terbesar {since}: {top['nama_wilayah']} "
            f"({format_points(top[change_column])}), di antara {format_number(len(comparable_rows))} provinsi yang "
            "basisnya lengkap pada kedua bulan yang dibandingkan."
        )
    return findings


def _change_words(n: int) -> str:
    if n > 0:
        return f"bertambah {format_number(n)}"
    if n < 0:
        return f"berkurang {format_number(-n)}"
    return "tidak berubah"


def trend_series(rows: list[dict], column: str) -> dict[str, list[tuple[str, object]]]:
    """The nation's `column` per segment label, month by month, for a trend chart: a month whose national
    basis is incomplete is a gap (a line through sums of different parts of the country would show who
    reported, not coverage), and a segment with fewer than two months left is no line at all."""
    series = {
        label: [(r["periode"], r[column] if r["basis_lengkap"] else None) for r in rows if r["segmen"] == segmen]
        for segmen, label in SEGMEN_LABEL.items()
    }
    return {label: points for label, points in series.items() if sum(v is not None for _, v in points) >= 2}


# The national trend table of both reports: its note and its chart.
TREND_NOTE = (
    "Jumlah nasional adalah jumlah dari yang dilaporkan setiap bulan: naik-turunnya juga mencerminkan "
    "berapa pemerintah daerah yang melapor (kolom Pemda)."
)
TREND_CHART = Chart(
    "line", "Pekerja terlindungi per segmen, nasional", "periode", tuple(f"terlindungi_{s}" for s in SEGMEN_LABEL)
)
KELENGKAPAN_COLUMNS = ("laporan_diharapkan", "laporan_diterima", "laporan_tepat_waktu")


def kelengkapan_rows(rows: list[dict]) -> list[tuple]:
    """Reports received, one row per territory, the nation first: code, name, expected, received, on time and
    the two shares, as the completeness tables of both reports hold them."""
    return [
        (
            r["kode_wilayah"],
            r["nama_wilayah"],
            *(r[c] for c in KELENGKAPAN_COLUMNS),
            r["persen_diterima"],
            r["persen_tepat_waktu"],
        )
        for r in sorted(rows, key=lambda r: (r["kode_wilayah"] != "00", r["kode_wilayah"]))
    ]


def split_ranking(peringkat: Table, rank: str, change: str, *, title: str, note: str) -> tuple[Table, Table]:
    """A ranking as the PDFs print it: the ranked provinces, and apart from them, without a rank or a change,
    the provinces whose basis is incomplete (those without any figure are named in a line of their own)."""
    ranked = select(peringkat, lambda r: r[rank] is not None)
    incomplete = select(hide(peringkat, rank, change), lambda r: r["basis"] == BELUM_LENGKAP)
    return ranked, replace(incomplete, title=title, note=note)
