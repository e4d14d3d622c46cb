"""The charts of the PDF reports, drawn with matplotlib as SVG.

Pure functions: each takes the figures to draw and writes one SVG to `path`. `Figure` is used directly,
without pyplot, so no global state is shared between reports drawn in the same worker. Every chart is
6.7 in wide (the A4 text width) in matplotlib's bundled DejaVu Sans, so the PDF looks the same on every
machine, and the same input gives a byte-identical SVG (the reports' input hash relies on that).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import matplotlib
from matplotlib.cm import ScalarMappable
from matplotlib.colors import LinearSegmentedColormap, Normalize, to_rgb
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch, Rectangle
from matplotlib.textpath import TextPath
from matplotlib.ticker import Formatter, MaxNLocator, MultipleLocator

from inpres.reports.formatting import MINUS, TIDAK_DILAPORKAN, format_angka, format_persen

LEBAR = 6.7  # inches: the A4 text width of the reports
_BULAN_SINGKAT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")  # CLDR id

_RC = {
    "font.family": "DejaVu Sans",  # bundled with matplotlib: no dependency on the host's fonts
    "font.size": 8,
    "axes.labelsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "svg.fonttype": "path",  # glyphs as paths: Typst needs no fonts to show the charts
    "svg.hashsalt": "inpres",  # stable SVG ids between runs
    "hatch.linewidth": 0.6,
}
# Okabe–Ito: told apart with every common colour-vision deficiency; markers differ too for grey print.
_WARNA_SERI = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
_PENANDA = ("o", "s", "^", "D", "v", "P", "X")
_BIRU = "#1f5f8b"
_BIRU_MUDA = "#8fbcdb"
# Blues without its near-white start, so that 0 % still reads as a coloured tile, not as a hole.
_SKALA = LinearSegmentedColormap.from_list(
    "inpres_biru", matplotlib.colormaps["Blues"]([i / 255 * 0.88 + 0.12 for i in range(256)])
)
_ABU = "#e3e3e3"
_ABU_ARSIR = "#b3b3b3"  # light enough that the label over it stays readable
_ARSIR_PUTIH = (1.0, 1.0, 1.0, 0.6)  # over a coloured tile: its colour still reads
# Fewer bars than this with a value make no chart: the table beside it says the same.
MINIMUM_BATANG = 3


def layak_digambar(nilai: Iterable[Decimal | int | None]) -> bool:
    """Whether a bar chart shows anything a table does not: enough bars with a value above zero."""
    return sum(1 for v in nilai if v) >= MINIMUM_BATANG


@contextmanager
def _gaya() -> Iterator[None]:
    # Some rc values are read when an artist is made, others when saving: the whole drawing runs inside.
    with matplotlib.rc_context(_RC):
        yield


def _simpan(fig: Figure, path: Path) -> None:
    # dpi only matters for the colour bar's gradient, the one raster part.
    fig.savefig(path, format="svg", metadata={"Date": None}, dpi=200)


def _desimal(x: float, digits: int) -> str:
    """12345.5, 1 -> '12.345,5'."""
    q = Decimal(str(float(x))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    whole, _, frac = f"{abs(q):f}".partition(".")
    return f"{MINUS if q < 0 else ''}{format_angka(int(whole))}{',' + frac if frac else ''}"


class _FormatIndonesia(Formatter):
    """Axis ticks as '1.500.000' or '47,5 %': as few decimals as the ticks need, the same for all."""

    def __init__(self, persen: bool) -> None:
        self.persen = persen

    def _teks(self, x: float, digits: int) -> str:
        return _desimal(x, digits) + (" %" if self.persen else "")

    def format_ticks(self, values):
        digits = next((d for d in range(3) if all(abs(round(v, d) - v) < 1e-9 for v in values)), 3)
        return [self._teks(v, digits) for v in values]

    def __call__(self, x, pos=None):
        return self.format_ticks([x])[0]


# --- tile-grid map -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Petak:
    kode: str
    singkatan: str
    baris: int
    kolom: int


@cache
def petak_provinsi() -> tuple[Petak, ...]:
    """The tile of each of the 38 provinces, laid out by hand from geography (tile_grid.csv)."""
    with Path(__file__).with_name("tile_grid.csv").open(newline="", encoding="utf-8") as f:
        return tuple(Petak(r["kode"], r["singkatan"], int(r["baris"]), int(r["kolom"])) for r in csv.DictReader(f))


def _satu_desimal(p: Decimal) -> str:
    """Decimal('48.55') -> '48,6' (half-up, as format_persen rounds)."""
    return _desimal(float(p.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)), 1)


def _warna_teks(fill) -> str:
    """White or near-black, whichever contrasts more with the tile (WCAG relative luminance)."""
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(fill))
    terang = 0.2126 * r + 0.7152 * g + 0.0722 * b
    # (1 + 0.05) / (L + 0.05) against white, (L + 0.05) / (0.0103 + 0.05) against #1a1a1a
    return "#ffffff" if 1.05 / (terang + 0.05) > (terang + 0.05) / 0.0603 else "#1a1a1a"


def _ukuran_muat(teks: Sequence[str], lebar_pt: float, maks: float) -> float:
    """The font size (at most `maks`) at which the widest of `teks` is `lebar_pt` wide.

    One size for all tiles looks calmer than each name shrunk to its own tile; 'Bengkulu' sets it.
    """
    prop = FontProperties(family="DejaVu Sans")
    return min(maks, *(lebar_pt / TextPath((0, 0), t, size=1, prop=prop).get_extents().width for t in teks))


def peta_provinsi(
    nilai: Mapping[str, Decimal | None],
    path: Path,
    *,
    judul_legenda: str,
    belum_lengkap: Collection[str] = (),
    melapor: Collection[str] | None = None,
) -> None:
    """A tile-grid map: one square per province where it roughly lies, coloured on a fixed 0–100 % scale.

    `nilai` maps a province code ('11') to its percentage. A province in `belum_lengkap` keeps its colour
    and is hatched white: a figure from part of its governments, not its whole. A province without a
    percentage is grey: hatched when it has not reported at all, plain with '?' when it reported (it is in
    `melapor`) but its coverage cannot be computed, so a province that reported is never shown as silent.
    `melapor` None: every province in `nilai` reported.
    """
    tiles = petak_provinsi()
    unknown = sorted(set(nilai) - {t.kode for t in tiles})
    if unknown:
        raise ValueError(f"no tile for province code(s) {unknown}")
    melapor = set(nilai) if melapor is None else set(melapor)
    n_baris = max(t.baris for t in tiles) + 1
    n_kolom = max(t.kolom for t in tiles) + 1
    norm = Normalize(0, 100, clip=True)
    sisi = LEBAR / n_kolom  # inches per tile
    ukuran_singkatan = _ukuran_muat([t.singkatan for t in tiles], 0.88 * sisi * 72, maks=6.5)
    with _gaya():
        fig = Figure(figsize=(LEBAR, sisi * n_baris))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, n_kolom)
        ax.set_ylim(n_baris, 0)  # row 0 on top: north up
        ax.set_axis_off()
        celah = 0.06  # the white gap between tiles, in tiles
        ada = set()  # which legend entries the map needs
        for t in tiles:
            v = nilai.get(t.kode)
            x, y = t.kolom + celah / 2, t.baris + celah / 2
            kotak = {"xy": (x, y), "width": 1 - celah, "height": 1 - celah, "linewidth": 0}
            if v is None and t.kode in melapor:
                ada.add("tak_terhitung")
                fill, label = _ABU, "?"
                ax.add_patch(Rectangle(facecolor=_ABU, edgecolor="none", **kotak))
            elif v is None:
                ada.add("kosong")
                fill, label = _ABU, TIDAK_DILAPORKAN
                ax.add_patch(Rectangle(facecolor=_ABU, hatch="////", hatchcolor=_ABU_ARSIR, edgecolor="none", **kotak))
            else:
                fill, label = _SKALA(norm(float(v))), _satu_desimal(v)
                ax.add_patch(Rectangle(facecolor=fill, edgecolor="none", **kotak))
                if t.kode in belum_lengkap:
                    ada.add("belum_lengkap")
                    ax.add_patch(
                        Rectangle(facecolor="none", hatch="////", hatchcolor=_ARSIR_PUTIH, edgecolor="none", **kotak)
                    )
            warna = _warna_teks(fill)
            ax.text(
                t.kolom + 0.5,
                t.baris + 0.33,
                t.singkatan,
                ha="center",
                va="center",
                color=warna,
                fontsize=ukuran_singkatan,
            )
            ax.text(
                t.kolom + 0.5,
                t.baris + 0.66,
                label,
                ha="center",
                va="center",
                fontsize=7.5,
                fontweight="bold",
                color=warna,
            )

        # The legend sits in the empty sea south of Sulawesi and Maluku (bottom right of the grid).
        def kotak_legenda(kolom: float, baris: float, lebar: float, tinggi: float) -> tuple[float, float, float, float]:
            return (kolom / n_kolom, 1 - (baris + tinggi) / n_baris, lebar / n_kolom, tinggi / n_baris)

        cax = fig.add_axes(kotak_legenda(11.3, 5.45, 4.4, 0.16))
        bar = fig.colorbar(
            ScalarMappable(norm=norm, cmap=_SKALA),
            cax=cax,
            orientation="horizontal",
            ticks=range(0, 101, 20),
            format=_FormatIndonesia(persen=False),
        )
        bar.outline.set_linewidth(0.5)
        cax.tick_params(labelsize=7, length=2, width=0.5, pad=1.5)
        cax.set_title(f"{judul_legenda} (%)", fontsize=7.5, loc="left", pad=3)
        keterangan = {
            "belum_lengkap": Patch(
                facecolor=_SKALA(0.5),
                hatch="////",
                hatchcolor=_ARSIR_PUTIH,
                edgecolor="none",
                label="Basis belum lengkap",
            ),
            "tak_terhitung": Patch(facecolor=_ABU, edgecolor="none", label="Melapor, cakupan belum dapat dihitung (?)"),
            "kosong": Patch(
                facecolor=_ABU, hatch="////", hatchcolor=_ABU_ARSIR, edgecolor="none", label="Belum ada laporan (–)"
            ),
        }
        handles = [patch for key, patch in keterangan.items() if key in ada]
        if handles:
            lax = fig.add_axes(kotak_legenda(11.3, 6.05, 4.6, 0.9))
            lax.set_axis_off()
            lax.legend(
                handles=handles,
                loc="upper left",
                frameon=False,
                fontsize=7,
                borderaxespad=0,
                handlelength=1.6,
                handleheight=1.2,
                borderpad=0,
                labelspacing=0.3,
            )
        _simpan(fig, path)


# --- line chart over months ---------------------------------------------------------------------------


def _bulan_ke(periode: str) -> int:
    tahun, bulan = periode.split("-")
    return int(tahun) * 12 + int(bulan) - 1


def _label_bulan(ke: int) -> str:
    """The month number since year 0 -> 'Okt 22'."""
    return f"{_BULAN_SINGKAT[ke % 12]} {ke // 12 % 100:02d}"


def tren_segmen(
    seri: Mapping[str, Sequence[tuple[str, Decimal | int | None]]], path: Path, *, sumbu_y: str, persen: bool
) -> None:
    """One line per series (label -> [('2022-10', value), ...]), a gap where a value is None."""
    bulan = sorted({_bulan_ke(p) for points in seri.values() for p, _ in points})
    if not bulan:
        raise ValueError("tren_segmen needs at least one month")
    awal, akhir = bulan[0], bulan[-1]
    with _gaya():
        fig = Figure(figsize=(LEBAR, 3.2), layout="constrained")
        ax = fig.add_subplot()
        tertinggi = 0.0
        for i, (label, points) in enumerate(seri.items()):
            per_bulan = {_bulan_ke(p): v for p, v in points}
            # Every month of the range, NaN where unknown: matplotlib breaks the line there.
            xs = list(range(awal, akhir + 1))
            ys = [math.nan if per_bulan.get(m) is None else float(per_bulan[m]) for m in xs]
            tertinggi = max([tertinggi, *(y for y in ys if not math.isnan(y))])
            ax.plot(
                xs,
                ys,
                color=_WARNA_SERI[i % len(_WARNA_SERI)],
                marker=_PENANDA[i % len(_PENANDA)],
                markersize=4,
                linewidth=1.5,
                label=label,
            )

        # About 13 labels fit across; the step counts back from the report's month so that one is named.
        n = akhir - awal + 1
        langkah = next(s for s in (1, 2, 3, 4, 6, 12, 24) if n / s <= 13 or s == 24)
        ticks = [m for m in range(awal, akhir + 1) if (akhir - m) % langkah == 0]
        ax.set_xticks(ticks, [_label_bulan(m) for m in ticks])
        ax.xaxis.set_minor_locator(MultipleLocator(1))
        ax.set_xlim(awal - 0.5, akhir + 0.5)

        # From zero, so a line's height reads as its size; up to the first tick above the highest value,
        # so the top gridline is labelled. A percentage axis stops at 100 %.
        locator = MaxNLocator(nbins=6, steps=[1, 2, 5, 10], integer=not persen)
        atas = float(locator.tick_values(0, tertinggi * 1.05 or 1.0)[-1])
        ax.set_ylim(0, min(atas, 100.0) if persen and tertinggi <= 100 else atas)
        ax.yaxis.set_major_locator(locator)
        ax.yaxis.set_major_formatter(_FormatIndonesia(persen))
        ax.set_ylabel(sumbu_y)
        ax.grid(axis="y", color="#dddddd", linewidth=0.5)
        ax.set_axisbelow(True)
        ax.spines[["top", "right"]].set_visible(False)
        fig.legend(loc="outside lower center", ncols=min(len(seri), 3), frameon=False)
        _simpan(fig, path)


# --- bar charts ---------------------------------------------------------------------------------------


def batang_peringkat(baris: Sequence[tuple[str, Decimal]], path: Path, *, sumbu_x: str) -> None:
    """Horizontal bars (label, percentage), highest on top, each labelled '48,55 %'."""
    # Reversed because barh draws from the bottom up: the highest ends on top.
    rows = sorted(baris, key=lambda r: (-r[1], r[0]))[::-1]
    values = [float(v) for _, v in rows]
    with _gaya():
        # 0.2 in per bar keeps all 38 provinces on one page.
        fig = Figure(figsize=(LEBAR, 0.8 + 0.2 * len(rows)), layout="constrained")
        ax = fig.add_subplot()
        bars = ax.barh(range(len(rows)), values, color=_BIRU, height=0.7)
        ax.set_yticks(range(len(rows)), [label for label, _ in rows])
        ax.bar_label(bars, [format_persen(v) if v else "" for _, v in rows], padding=3)
        ax.set_xlim(0, max(100.0, *values) * 1.15)  # room for the label of a full bar
        ax.set_xticks(range(0, 101, 20))
        ax.set_xlabel(sumbu_x)
        ax.margins(y=0.01)
        ax.spines[["top", "right"]].set_visible(False)
        _simpan(fig, path)


def batang_kelengkapan(baris: Sequence[tuple[str, Decimal | None, Decimal | None]], path: Path) -> None:
    """Per province (name, % received, % on time): two bars, in the given order from the top."""
    n = len(baris)
    with _gaya():
        # 0.22 in per province keeps 38 of them on one page with their labels apart.
        fig = Figure(figsize=(LEBAR, 0.9 + 0.22 * n), layout="constrained")
        ax = fig.add_subplot()
        tinggi = 0.4
        for geser, indeks, warna, label in (
            (-tinggi / 2, 1, _BIRU, "Diterima"),
            (tinggi / 2, 2, _BIRU_MUDA, "Tepat waktu"),
        ):
            nilai = [r[indeks] for r in baris]
            # A zero or unknown share gets neither bar nor label: 38 labels of "0,00 %" hide the few that
            # matter; the table beside the chart has every figure.
            bars = ax.barh(
                [i + geser for i in range(n)], [float(v or 0) for v in nilai], height=tinggi, color=warna, label=label
            )
            ax.bar_label(bars, [format_persen(v) if v else "" for v in nilai], padding=2, fontsize=5.8)
        ax.set_yticks(range(n), [r[0] for r in baris])
        ax.set_ylim(n - 0.5, -0.5)  # the first row on top
        ax.set_xlim(0, 117)  # room for '100,00 %'
        ax.set_xticks(range(0, 101, 20))
        ax.set_xlabel("Persentase laporan (%)")
        ax.spines[["top", "right"]].set_visible(False)
        fig.legend(loc="outside upper center", ncols=2, frameon=False)
        _simpan(fig, path)
