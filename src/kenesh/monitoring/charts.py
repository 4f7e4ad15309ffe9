"""Charts of one indicator's targets against its actuals over the reporting periods, drawn
by matplotlib: SVG for the page and the PDF, PNG for the DOCX.

Pure: no Django and no kenesh but the pure ``document`` dataclasses. Matplotlib is
imported inside the functions (it takes about a second to import) and used through its
object API on the Agg and SVG canvases, never pyplot, so no global figure state is kept
between requests and no GUI backend is ever chosen.

How a chart is made readable without colour: the palette is Okabe-Ito (safe for the
common colour-vision deficiencies); targets are a dashed line with square markers,
actuals a solid line with round markers, both named in a legend; every actual carries its
value as a label. The SVG keeps its text as text (``svg.fonttype = none``, DejaVu Sans),
so it stays small, selectable and readable by screen readers; it opens with ``<title>``
and ``<desc>`` (the data in words) and has ``role="img"``. Output is deterministic: a
fixed hash salt, fixed ids, no date, no software version.
"""

import io
import math
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

from kenesh.monitoring.document import DEFAULT_LABELS, ChartSeries, Number, format_number

# How a value is written: ``format_number`` (a report's plain "1.85") unless the caller,
# which knows the reader's language, passes its own ("1,85", "−0,12").
Formatter = Callable[[Number | None], str]

if TYPE_CHECKING:  # matplotlib is imported where it is used (see above)
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

WIDTH_IN, HEIGHT_IN = 6.0, 3.0  # 432 x 216 pt in the SVG; 900 x 450 px at 150 dpi
PNG_DPI = 150
TARGET_COLOUR = "#D55E00"  # Okabe-Ito vermillion
ACTUAL_COLOUR = "#0072B2"  # Okabe-Ito blue
FONT = "DejaVu Sans"  # covers Cyrillic and Latin; installed with fonts-dejavu-core

_RC: "dict[RcKeyType, Any]" = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "font.size": 8,
    "svg.fonttype": "none",
    "svg.hashsalt": "kenesh-monitoring",
    "svg.id": "kenesh-chart",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "path.simplify": True,
}


def _label(labels: Mapping[str, str], key: str) -> str:
    return labels.get(key) or DEFAULT_LABELS[key]


def description(
    series: ChartSeries, labels: Mapping[str, str], number: Formatter = format_number
) -> str:
    """The chart in words, for ``<desc>`` and a DOCX picture's alt text: each period with
    its target and actual (``-`` where there is none), each value written by ``number``."""
    target, actual = _label(labels, "target"), _label(labels, "actual")
    unit = f" ({series.unit})" if series.unit else ""
    parts = [
        f"{p.period}: {target} {number(p.target)}, {actual} {number(p.actual)}"
        for p in series.points
    ]
    return f"{series.ref} {series.name}{unit}. " + "; ".join(parts) + ("." if parts else "")


def title(series: ChartSeries, labels: Mapping[str, str]) -> str:
    """The chart's title: what it shows and for which indicator."""
    return f"{_label(labels, 'chart')}: {series.ref} {series.name}".strip()


def _figure(series: ChartSeries, labels: Mapping[str, str], number: Formatter) -> "Figure":
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN))
    axes = figure.add_subplot()
    periods = [p.period for p in series.points]
    xs = list(range(len(periods)))

    def values(attribute: str) -> list[float]:
        # NaN leaves a gap in the line where a period has no value (or a hidden one).
        return [
            math.nan if getattr(p, attribute) is None else getattr(p, attribute)
            for p in series.points
        ]

    targets, actuals = values("target"), values("actual")
    axes.plot(
        xs, targets, color=TARGET_COLOUR, linestyle="--", marker="s", markersize=5,
        linewidth=1.5, label=_label(labels, "target"),
    )  # fmt: skip
    axes.plot(
        xs, actuals, color=ACTUAL_COLOUR, linestyle="-", marker="o", markersize=5,
        linewidth=2, label=_label(labels, "actual"),
    )  # fmt: skip
    for x, value, goal in zip(xs, actuals, targets, strict=True):
        if not math.isnan(value):
            # Below the point when under target, so the label never sits on the target.
            below = not math.isnan(goal) and value < goal
            axes.annotate(
                number(value), (x, value), textcoords="offset points",
                xytext=(0, -11 if below else 6), ha="center", fontsize=7, color="#000000",
            )  # fmt: skip
    axes.set_xticks(xs, periods)
    if len(periods) > 5:  # slant many period names so they never run into one another
        axes.tick_params(axis="x", labelrotation=30)
        for tick in axes.get_xticklabels():
            tick.set_horizontalalignment("right")
            tick.set_rotation_mode("anchor")
    axes.set_xlim(-0.5, max(len(xs) - 0.5, 0.5))
    known = [v for v in targets + actuals if not math.isnan(v)]
    top = max(known, default=1) or 1
    axes.set_ylim(min(0, min(known, default=0)), top * 1.15)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    axes.grid(axis="y", color="#DDDDDD", linewidth=0.5)
    axes.set_axisbelow(True)
    if series.unit:
        axes.set_ylabel(series.unit)
    # The title on the top line, the legend on its own line under it: never over a point,
    # never over the title, however long the indicator's name.
    figure.suptitle(_short(f"{series.ref} {series.name}", 78), x=0.01, ha="left", fontsize=9)
    axes.legend(
        loc="lower left", bbox_to_anchor=(0, 1), frameon=False, ncols=2, fontsize=7,
        borderaxespad=0.2,
    )  # fmt: skip
    figure.tight_layout()
    return figure


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def svg(
    series: ChartSeries,
    labels: Mapping[str, str] | None = None,
    number: Formatter = format_number,
) -> bytes:
    """The chart as a standalone SVG document (UTF-8), text kept as text, with
    ``<title>`` and ``<desc>`` first, ``role="img"``, no scripts; values written by
    ``number``."""
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    labels = labels or {}
    with matplotlib.rc_context(_RC):
        figure = _figure(series, labels, number)
        FigureCanvasSVG(figure)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    # Drop the RDF metadata block (it only repeats what <title>/<desc> say better) and
    # open the picture with what a screen reader announces.
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.S)
    head = (
        f'<title id="kenesh-chart-title">{escape(title(series, labels))}</title>'
        f'<desc id="kenesh-chart-desc">{escape(description(series, labels, number))}</desc>'
    )
    text = re.sub(
        r"<svg\b([^>]*)>",
        lambda m: (
            f'<svg{m.group(1)} role="img" '
            f'aria-labelledby="kenesh-chart-title kenesh-chart-desc">\n{head}'
        ),
        text,
        count=1,
    )
    return text.encode("utf-8")


def png(
    series: ChartSeries,
    labels: Mapping[str, str] | None = None,
    dpi: int = PNG_DPI,
    number: Formatter = format_number,
) -> bytes:
    """The chart as a PNG at ``dpi`` (150 by default: sharp in print, small in a DOCX)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    labels = labels or {}
    with matplotlib.rc_context(_RC):
        figure = _figure(series, labels, number)
        FigureCanvasAgg(figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


_STYLE = re.compile(r'\sstyle="([^"]*)"')
_ID = re.compile(r'\sid="([^"]+)"')


def _attributes(match: re.Match[str]) -> str:
    """``style="fill: #fff; stroke-width: 0.8"`` as SVG presentation attributes, which a
    Content-Security-Policy allows where inline styles are refused."""
    parts = []
    for declaration in match.group(1).split(";"):
        name, _sep, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if re.fullmatch(r"[a-z-]+", name) and value:
            parts.append(f" {name}={quoteattr(value)}")
    return "".join(parts)


def inline(document: bytes, prefix: str) -> str:
    """An SVG from ``svg`` ready to sit inside an HTML page or the PDF's print page: no
    XML prolog, no ``<style>`` and no ``style=""`` (a page's CSP forbids both), and every
    id prefixed with ``prefix`` so that several charts on one page never share one."""
    text = document.decode("utf-8")
    text = text[text.index("<svg") :]
    text = re.sub(r"\s*<style[^>]*>.*?</style>", "", text, flags=re.S)
    text = re.sub(r"<defs>\s*</defs>", "", text, count=1)
    text = _STYLE.sub(_attributes, text)
    ids = sorted(set(_ID.findall(text)), key=len, reverse=True)
    for name in ids:
        text = re.sub(r'(?<=["#\s])' + re.escape(name) + r'(?=["\)\s])', prefix + name, text)
    return text.replace(
        "<svg ", '<svg class="chart-svg" stroke-linejoin="round" stroke-linecap="butt" ', 1
    )
