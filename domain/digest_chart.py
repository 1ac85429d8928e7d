"""The digest chart: tasks by unit the four ways, and houses handed over, readable on a phone."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from domain.dates import fmt
from domain.status_texts import OUTCOME_LABELS
from domain.statuses import Outcome

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from domain.digest import DigestData

TOP = 15  # bars a phone shows legibly; the rest are named by count under the chart
WIDTH, BAR_INCHES, TOP_BAND, BOTTOM_BAND, NOTE = 8.0, 0.32, 0.85, 0.6, 0.2  # inches
COLOURS = {
    Outcome.DONE_ON_TIME: "#2e7d32",
    Outcome.DONE_LATE: "#f9a825",
    Outcome.ON_TRACK: "#1565c0",
    Outcome.OVERDUE: "#c62828",
}


def more_units(hidden: int) -> str:
    return f"… và {hidden} đơn vị khác (ít việc quá hạn hơn, xem tệp Excel)"


def more_communes(hidden: int) -> str:
    return f"… và {hidden} xã/phường khác (xem tệp Excel)"


def figure(data: DigestData, *, top: int = TOP) -> Figure:
    """The chart as a matplotlib figure (its artists are what the tests measure)."""
    from matplotlib.figure import Figure  # loaded when a digest is drawn, not at start-up

    units = list(data.counts)[:top]  # worst first, as the database sorted them
    houses = list(data.houses)[:top]  # the least handed over first
    # Laid out by hand, in inches (a layout engine draws the figure several times: slow): per chart
    # a band above for the legend and its title, the bars, a band below for the axis and the note.
    bands = [(len(units), len(data.counts) > len(units))]
    if houses:
        bands.append((len(houses), len(data.houses) > len(houses)))
    heights = [(TOP_BAND, max(n, 1) * BAR_INCHES, BOTTOM_BAND + (NOTE if more else 0)) for n, more in bands]
    longest = max((len(name) for name in [*(u.name for u in units), *(h.unit for h in houses)]), default=4)
    margin = min(0.3 + 0.075 * longest, 3.0)
    total = sum(sum(h) for h in heights)
    chart = Figure(figsize=(WIDTH, total), dpi=110)  # no pyplot: no global state, no screen
    axes, top_edge = [], total
    for above, bars, below in heights:
        bottom = top_edge - above - bars
        width = (WIDTH - margin - 0.3) / WIDTH
        axes.append(chart.add_axes((margin / WIDTH, bottom / total, width, bars / total)))
        top_edge = bottom - below
    names = [u.name for u in units][::-1]  # barh draws bottom up: the worst unit on top
    left = [0] * len(units)
    for kind in Outcome:
        values = [u.outcomes.get(kind, 0) for u in units][::-1]
        axes[0].barh(names, values, left=left, color=COLOURS[kind], label=OUTCOME_LABELS[kind])
        left = [a + b for a, b in zip(left, values, strict=True)]
    _finish(
        axes[0],
        f"Nhiệm vụ theo đơn vị — {fmt(data.day)}",
        "Số nhiệm vụ",
        more_units(len(data.counts) - len(units)) if len(data.counts) > len(units) else None,
    )
    if houses:
        labels = [h.unit for h in houses][::-1]
        axes[1].barh(labels, [h.planned for h in houses][::-1], color="#cfd8dc", label="Kế hoạch")
        axes[1].barh(labels, [h.handed_over for h in houses][::-1], color="#2e7d32", label="Đã bàn giao")
        _finish(
            axes[1],
            f"Xóa nhà tạm: đã bàn giao / kế hoạch ({data.house_unit})",
            f"Số {data.house_unit}",
            more_communes(len(data.houses) - len(houses)) if len(data.houses) > len(houses) else None,
        )
    return chart


def _finish(axis: Any, title: str, unit: str, hidden: str | None) -> None:
    from matplotlib.ticker import MaxNLocator

    """The legend sits above the bars, outside the plotting area, so it can never cover one; the
    units left out are said under the axis."""
    handles, labels = axis.get_legend_handles_labels()
    axis.legend(
        handles,
        labels,
        title=title,
        title_fontproperties={"weight": "bold", "size": 11},
        loc="lower center",
        bbox_to_anchor=(0.5, 1.01),
        ncol=2,
        fontsize=8,
        frameon=False,
    )
    axis.set_xlabel(unit + (f"\n{hidden}" if hidden else ""), fontsize=9)
    axis.xaxis.set_major_locator(MaxNLocator(integer=True))  # tasks and houses come whole, never 0,5
    axis.tick_params(labelsize=9)
    axis.margins(y=0.01)


def png(chart: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    out = io.BytesIO()
    FigureCanvasAgg(chart).print_png(out)
    return out.getvalue()


def chart(data: DigestData, *, top: int = TOP) -> bytes:
    """A PNG readable on a phone: every unit, or the worst `top` with the rest counted under it."""
    return png(figure(data, top=top))
