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

from inpres.reports.formatting import MINUS, MONTHS_SHORT, NOT_REPORTED, format_number, format_percent

WIDTH = 6.7  # inches: the A4 text width of the reports

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
_SERIES_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
_BLUE = "#1f5f8b"
_LIGHT_BLUE = "#8fbcdb"
# Blues without its near-white start, so that 0 % still reads as a coloured tile, not as a hole.
_SCALE = LinearSegmentedColormap.from_list(
    "inpres_biru", matplotlib.colormaps["Blues"]([i / 255 * 0.88 + 0.12 for i in range(256)])
)
_GREY = "#e3e3e3"
_GREY_HATCH = "#b3b3b3"  # light enough that the label over it stays readable
_WHITE_HATCH = (1.0, 1.0, 1.0, 0.6)  # over a coloured tile: its colour still reads
# Fewer bars than this with a value make no chart: the table beside it says the same.
MIN_BARS = 3


def worth_drawing(values: Iterable[Decimal | int | None]) -> bool:
    """Whether a bar chart shows anything a table does not: enough bars with a value above zero."""
    return sum(1 for v in values if v) >= MIN_BARS


@contextmanager
def _style() -> Iterator[None]:
    # Some rc values are read when an artist is made, others when saving: the whole drawing runs inside.
    with matplotlib.rc_context(_RC):
        yield


def _save(fig: Figure, path: Path) -> None:
    # dpi only matters for the colour bar's gradient, the one raster part.
    fig.savefig(path, format="svg", metadata={"Date": None}, dpi=200)


def _decimal(x: float, digits: int) -> str:
    """12345.5, 1 -> '12.345,5'."""
    q = Decimal(str(float(x))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    whole, _, frac = f"{abs(q):f}".partition(".")
    return f"{MINUS if q < 0 else ''}{format_number(int(whole))}{',' + frac if frac else ''}"


class _IndonesianFormatter(Formatter):
    """Axis ticks as '1.500.000' or '47,5 %': as few decimals as the ticks need, the same for all."""

    def __init__(self, percent: bool) -> None:
        self.percent = percent

    def _text(self, x: float, digits: int) -> str:
        return _decimal(x, digits) + (" %" if self.percent else "")

    def format_ticks(self, values):
        digits = next((d for d in range(3) if all(abs(round(v, d) - v) < 1e-9 for v in values)), 3)
        return [self._text(v, digits) for v in values]

    def __call__(self, x, pos=None):
        return self.format_ticks([x])[0]


# --- tile-grid map -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tile:
    kode: str
    abbreviation: str
    row: int
    column: int


@cache
def province_tiles() -> tuple[Tile, ...]:
    """The tile of each of the 38 provinces, laid out by hand from geography (tile_grid.csv)."""
    with Path(__file__).with_name("tile_grid.csv").open(newline="", encoding="utf-8") as f:
        return tuple(Tile(r["kode"], r["abbreviation"], int(r["row"]), int(r["column"])) for r in csv.DictReader(f))


def _one_decimal(p: Decimal) -> str:
    """Decimal('48.55') -> '48,6' (half-up, as format_persen rounds)."""
    return _decimal(float(p.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)), 1)


def _text_colour(fill) -> str:
    """White or near-black, whichever contrasts more with the tile (WCAG relative luminance)."""
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(fill))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    # (1 + 0.05) / (L + 0.05) against white, (L + 0.05) / (0.0103 + 0.05) against #1a1a1a
    return "#ffffff" if 1.05 / (luminance + 0.05) > (luminance + 0.05) / 0.0603 else "#1a1a1a"


def _fitting_size(text: Sequence[str], width_pt: float, largest: float) -> float:
    """The font size (at most `largest`) at which the widest of `text` is `width_pt` wide.

    One size for all tiles looks calmer than each name shrunk to its own tile; 'Bengkulu' sets it.
    """
    prop = FontProperties(family="DejaVu Sans")
    return min(largest, *(width_pt / TextPath((0, 0), t, size=1, prop=prop).get_extents().width for t in text))


def province_map(
    values: Mapping[str, Decimal | None],
    path: Path,
    *,
    legend_title: str,
    incomplete: Collection[str] = (),
    reported: Collection[str] | None = None,
) -> None:
    """A tile-grid map: one square per province where it roughly lies, coloured on a fixed 0–100 % scale.

    `values` maps a province code ('11') to its percentage. A province in `incomplete` keeps its colour
    and is hatched white: a figure from part of its governments, not its whole. A province without a
    percentage is grey: hatched when it has not reported at all, plain with '?' when it reported (it is in
    `reported`) but its coverage cannot be computed, so a province that reported is never shown as silent.
    `reported` None: every province in `values` reported.
    """
    tiles = province_tiles()
    unknown = sorted(set(values) - {t.kode for t in tiles})
    if unknown:
        raise ValueError(f"no tile for province code(s) {unknown}")
    reported = set(values) if reported is None else set(reported)
    n_rows = max(t.row for t in tiles) + 1
    n_columns = max(t.column for t in tiles) + 1
    norm = Normalize(0, 100, clip=True)
    side = WIDTH / n_columns  # inches per tile
    abbreviation_size = _fitting_size([t.abbreviation for t in tiles], 0.88 * side * 72, largest=6.5)
    with _style():
        fig = Figure(figsize=(WIDTH, side * n_rows))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, n_columns)
        ax.set_ylim(n_rows, 0)  # row 0 on top: north up
        ax.set_axis_off()
        gap = 0.06  # the white gap between tiles, in tiles
        shown = set()  # which legend entries the map needs
        for t in tiles:
            v = values.get(t.kode)
            x, y = t.column + gap / 2, t.row + gap / 2
            box = {"xy": (x, y), "width": 1 - gap, "height": 1 - gap, "linewidth": 0}
            if v is None and t.kode in reported:
                shown.add("uncomputed")
                fill, label = _GREY, "?"
                ax.add_patch(Rectangle(facecolor=_GREY, edgecolor="none", **box))
            elif v is None:
                shown.add("none_reported")
                fill, label = _GREY, NOT_REPORTED
                ax.add_patch(Rectangle(facecolor=_GREY, hatch="////", hatchcolor=_GREY_HATCH, edgecolor="none", **box))
            else:
                fill, label = _SCALE(norm(float(v))), _one_decimal(v)
                ax.add_patch(Rectangle(facecolor=fill, edgecolor="none", **box))
                if t.kode in incomplete:
                    shown.add("incomplete")
                    ax.add_patch(
                        Rectangle(facecolor="none", hatch="////", hatchcolor=_WHITE_HATCH, edgecolor="none", **box)
                    )
            colour = _text_colour(fill)
            ax.text(
                t.column + 0.5,
                t.row + 0.33,
                t.abbreviation,
                ha="center",
                va="center",
                color=colour,
                fontsize=abbreviation_size,
            )
            ax.text(
                t.column + 0.5,
                t.row + 0.66,
                label,
                ha="center",
                va="center",
                fontsize=7.5,
                fontweight="bold",
                color=colour,
            )

        # The legend sits in the empty sea south of Sulawesi and Maluku (bottom right of the grid).
        def legend_box(column: float, row: float, width: float, height: float) -> tuple[float, float, float, float]:
            return (column / n_columns, 1 - (row + height) / n_rows, width / n_columns, height / n_rows)

        cax = fig.add_axes(legend_box(11.3, 5.45, 4.4, 0.16))
        bar = fig.colorbar(
            ScalarMappable(norm=norm, cmap=_SCALE),
            cax=cax,
            orientation="horizontal",
            ticks=range(0, 101, 20),
            format=_IndonesianFormatter(percent=False),
        )
        bar.outline.set_linewidth(0.5)
        cax.tick_params(labelsize=7, length=2, width=0.5, pad=1.5)
        cax.set_title(f"{legend_title} (%)", fontsize=7.5, loc="left", pad=3)
        legend = {
            "incomplete": Patch(
                facecolor=_SCALE(0.5),
                hatch="////",
                hatchcolor=_WHITE_HATCH,
                edgecolor="none",
                label="Basis belum lengkap",
            ),
            "uncomputed": Patch(facecolor=_GREY, edgecolor="none", label="Melapor, cakupan belum dapat dihitung (?)"),
            "none_reported": Patch(
                facecolor=_GREY, hatch="////", hatchcolor=_GREY_HATCH, edgecolor="none", label="Belum ada laporan (–)"
            ),
        }
        handles = [patch for key, patch in legend.items() if key in shown]
        if handles:
            lax = fig.add_axes(legend_box(11.3, 6.05, 4.6, 0.9))
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
        _save(fig, path)


# --- line chart over months ---------------------------------------------------------------------------


def _month_number(periode: str) -> int:
    year, month = periode.split("-")
    return int(year) * 12 + int(month) - 1


def _month_label(month: int) -> str:
    """The month number since year 0 -> 'Okt 22'."""
    return f"{MONTHS_SHORT[month % 12]} {month // 12 % 100:02d}"


def segmen_trend(
    series: Mapping[str, Sequence[tuple[str, Decimal | int | None]]], path: Path, *, y_label: str, percent: bool
) -> None:
    """One line per series (label -> [('2022-10', value), ...]), a gap where a value is None."""
    months = sorted({_month_number(p) for points in series.values() for p, _ in points})
    if not months:
        raise ValueError("segmen_trend needs at least one month")
    start, end = months[0], months[-1]
    with _style():
        fig = Figure(figsize=(WIDTH, 3.2), layout="constrained")
        ax = fig.add_subplot()
        highest = 0.0
        for i, (label, points) in enumerate(series.items()):
            by_month = {_month_number(p): v for p, v in points}
            # Every month of the range, NaN where unknown: matplotlib breaks the line there.
            xs = list(range(start, end + 1))
            ys = [math.nan if by_month.get(m) is None else float(by_month[m]) for m in xs]
            highest = max([highest, *(y for y in ys if not math.isnan(y))])
            ax.plot(
                xs,
                ys,
                color=_SERIES_COLOURS[i % len(_SERIES_COLOURS)],
                marker=_MARKERS[i % len(_MARKERS)],
                markersize=4,
                linewidth=1.5,
                label=label,
            )

        # About 13 labels fit across; the step counts back from the report's month so that one is named.
        n = end - start + 1
        step = next(s for s in (1, 2, 3, 4, 6, 12, 24) if n / s <= 13 or s == 24)
        ticks = [m for m in range(start, end + 1) if (end - m) % step == 0]
        ax.set_xticks(ticks, [_month_label(m) for m in ticks])
        ax.xaxis.set_minor_locator(MultipleLocator(1))
        ax.set_xlim(start - 0.5, end + 0.5)

        # From zero, so a line's height reads as its size; up to the first tick above the highest value,
        # so the top gridline is labelled. A percentage axis stops at 100 %.
        locator = MaxNLocator(nbins=6, steps=[1, 2, 5, 10], integer=not percent)
        top = float(locator.tick_values(0, highest * 1.05 or 1.0)[-1])
        ax.set_ylim(0, min(top, 100.0) if percent and highest <= 100 else top)
        ax.yaxis.set_major_locator(locator)
        ax.yaxis.set_major_formatter(_IndonesianFormatter(percent))
        ax.set_ylabel(y_label)
        ax.grid(axis="y", color="#dddddd", linewidth=0.5)
        ax.set_axisbelow(True)
        ax.spines[["top", "right"]].set_visible(False)
        fig.legend(loc="outside lower center", ncols=min(len(series), 3), frameon=False)
        _save(fig, path)


# --- bar charts ---------------------------------------------------------------------------------------


def ranking_bars(rows: Sequence[tuple[str, Decimal]], path: Path, *, x_label: str) -> None:
    """Horizontal bars (label, percentage), highest on top, each labelled '48,55 %'."""
    # Reversed because barh draws from the bottom up: the highest ends on top.
    rows = sorted(rows, key=lambda r: (-r[1], r[0]))[::-1]
    values = [float(v) for _, v in rows]
    with _style():
        # 0.2 in per bar keeps all 38 provinces on one page.
        fig = Figure(figsize=(WIDTH, 0.8 + 0.2 * len(rows)), layout="constrained")
        ax = fig.add_subplot()
        bars = ax.barh(range(len(rows)), values, color=_BLUE, height=0.7)
        ax.set_yticks(range(len(rows)), [label for label, _ in rows])
        ax.bar_label(bars, [format_percent(v) if v else "" for _, v in rows], padding=3)
        ax.set_xlim(0, max(100.0, *values) * 1.15)  # room for the label of a full bar
        ax.set_xticks(range(0, 101, 20))
        ax.set_xlabel(x_label)
        ax.margins(y=0.01)
        ax.spines[["top", "right"]].set_visible(False)
        _save(fig, path)


def kelengkapan_bars(rows: Sequence[tuple[str, Decimal | None, Decimal | None]], path: Path) -> None:
    """Per province (name, % received, % on time): two bars, in the given order from the top."""
    n = len(rows)
    with _style():
        # 0.22 in per province keeps 38 of them on one page with their labels apart.
        fig = Figure(figsize=(WIDTH, 0.9 + 0.22 * n), layout="constrained")
        ax = fig.add_subplot()
        height = 0.4
        for offset, index, colour, label in (
            (-height / 2, 1, _BLUE, "Diterima"),
            (height / 2, 2, _LIGHT_BLUE, "Tepat waktu"),
        ):
            values = [r[index] for r in rows]
            # A zero or unknown share gets neither bar nor label: 38 labels of "0,00 %" hide the few that
            # matter; the table beside the chart has every figure.
            bars = ax.barh(
                [i + offset for i in range(n)],
                [float(v or 0) for v in values],
                height=height,
                color=colour,
                label=label,
            )
            ax.bar_label(bars, [format_percent(v) if v else "" for v in values], padding=2, fontsize=5.8)
        ax.set_yticks(range(n), [r[0] for r in rows])
        ax.set_ylim(n - 0.5, -0.5)  # the first row on top
        ax.set_xlim(0, 117)  # room for '100,00 %'
        ax.set_xticks(range(0, 101, 20))
        ax.set_xlabel("Persentase laporan (%)")
        ax.spines[["top", "right"]].set_visible(False)
        fig.legend(loc="outside upper center", ncols=2, frameon=False)
        _save(fig, path)
