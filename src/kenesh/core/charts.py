"""Small charts drawn on the server as SVG: horizontal bars (single, grouped or stacked)
and the opinion map's scatter of people by group. No JavaScript, no chart library.

Why not matplotlib, which monitoring uses for its line charts: measured on this machine,
matplotlib takes 47-58 ms to draw a bar chart or a 200-point scatter (after a 0.6 s import
per process) and writes 8-31 KB per chart; these builders take well under a millisecond
and write 2-10 KB, so pages need neither a cache nor a worker to draw them. Monitoring
keeps matplotlib because it needs the same chart as PNG for the DOCX report.

How a chart stays readable without colour, with any font and without scripts:

- the palette is Okabe-Ito, and in a chart with several series each series also has its
  own fill pattern (solid, diagonal lines, dots, ...), shown in the legend; every bar has a
  dark outline, so even the light colours stand out from the background;
- every bar carries its value as text (a stacked bar its total, and each part wide enough
  to hold it its own value); the opinion map writes each group's letter at the group's
  centre and draws each group's people with their own marker shape;
- text is text (DejaVu Sans, which covers Cyrillic, or the system sans), escaped;
- the ``<svg>`` has ``role="img"``, a ``<title>`` and a ``<desc>`` saying the data in
  words, ``aria-details`` naming the table that carries the numbers; every id starts
  with the chart's own id, so several charts on a page never share one;
- no ``style`` attribute and no ``<style>`` (a page's Content-Security-Policy refuses
  them): presentation attributes only; ``viewBox`` and ``width="100%"`` make it fit
  any width.
"""

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Okabe-Ito, ordered so that neighbouring series differ most; the yellow comes last.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#999999"]
OUTLINE = "#1A1A1A"
TEXT = "#1A1A1A"
MUTED = "#595959"
GRID = "#D9D9D9"
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
# Narrow enough that a phone (about 330 px for the figure) shows its text at 8-9 px and a
# desktop (40rem at most, kenesh.css) at 16 px.
WIDTH = 480
FONT_SIZE = 12
PAD = 8
MAX_LABEL_SHARE = 0.4  # of the width, for category names; longer ones are shortened
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")


def _e(text) -> str:
    return escape(str(text), quote=True)


def _n(value: float) -> str:
    """A coordinate, short: one decimal at most."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """About how wide ``text`` is in DejaVu Sans at ``size`` (its advance widths, rounded
    up a little so that a label never runs into its neighbour)."""
    width = 0.0
    for char in str(text):
        if char == " ":
            width += 0.32
        elif char in "iljtfI.,:;!|'()[]":
            width += 0.36
        elif char.isdigit():
            width += 0.64
        elif char in "mwMWЖжШшЩщЮюМм":
            width += 0.92
        elif char.isupper():
            width += 0.76
        elif "\u0400" <= char <= "\u04ff":  # Cyrillic lower case runs wider than Latin
            width += 0.68
        else:
            width += 0.62
    return width * size


def shorten(text: str, width: float, size: float = FONT_SIZE) -> str:
    """``text`` cut to fit ``width`` with an ellipsis (whole when it fits)."""
    text = str(text)
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def shorten_at_word(text: str, width: float, size: float = FONT_SIZE) -> str:
    """``text`` cut after its last whole word that fits ``width`` with an ellipsis (whole
    when it fits); cut within its first word only when that word alone is too long."""
    text = " ".join(str(text).split())
    if text_width(text, size) <= width:
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        kept = " ".join(words).rstrip(",;:–—-")
        if text_width(kept + "…", size) <= width:
            return kept + "…"
    return shorten(text, width, size)


def wrap(text: str, width: float, lines: int = 2, size: float = FONT_SIZE) -> list[str]:
    """``text`` on at most ``lines`` lines that each fit ``width``, broken between words
    (a word of one or two letters, a preposition or a conjunction, goes on with the word
    after it); what does not fit on the last line is cut at a word with an ellipsis."""
    words = str(text).split()
    out: list[str] = []
    while words and len(out) < lines - 1:
        taken = [words.pop(0)]
        while words and text_width(" ".join([*taken, words[0]]), size) <= width:
            taken.append(words.pop(0))
        if words and len(taken) > 1 and len(taken[-1]) <= 2:
            words.insert(0, taken.pop())
        line = " ".join(taken)
        if text_width(line, size) > width:  # one word longer than a line
            words.insert(0, line)
            break
        out.append(line)
    if words:
        out.append(shorten_at_word(" ".join(words), width, size))
    return out


def number(value) -> str:
    """A value as the page's tables write it (localized; at most two decimals)."""
    if isinstance(value, float) and not value.is_integer():
        return localize(round(value, 2))
    return localize(int(value))


def nice_ticks(top: float, most: int = 5) -> list[float]:
    """Round ticks from 0 to at least ``top``: steps of 1, 2 or 5 times a power of ten."""
    if top <= 0:
        return [0, 1]
    raw = top / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if step < 1 and float(top).is_integer():
        step = 1
    count = math.ceil(top / step - 1e-9)
    return [round(i * step, 6) for i in range(count + 1)]


def _check_id(chart_id: str) -> None:
    if not _ID.match(chart_id or ""):
        raise ValueError(f"a chart id is a letter then letters, digits, - or _: {chart_id!r}")


def _open(chart_id: str, height: float, title: str, desc: str, table_id: str | None) -> str:
    details = f' aria-details="{_e(table_id)}"' if table_id else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" id="{chart_id}-svg" '
        f'viewBox="0 0 {WIDTH} {_n(height)}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc"{details} '
        f'font-family="{FONT}" font-size="{FONT_SIZE}" fill="{TEXT}">'
        f'<title id="{chart_id}-title">{_e(title)}</title>'
        f'<desc id="{chart_id}-desc">{_e(desc)}</desc>'
    )


def _pattern(chart_id: str, index: int, colour: str) -> str:
    """Series ``index``'s fill: its colour under a white pattern of its own."""
    pid = f"{chart_id}-p{index}"
    head = f'<pattern id="{pid}" patternUnits="userSpaceOnUse" width="8" height="8"'
    base = f'<rect width="8" height="8" fill="{colour}"/>'
    white = 'stroke="#FFFFFF" stroke-width="1.6"'
    kind = index % 8
    if kind == 1:  # diagonal lines
        body = f'<line x1="0" y1="0" x2="0" y2="8" {white}/>'
        return f'{head} patternTransform="rotate(45)">{base}{body}</pattern>'
    if kind == 2:  # dots
        body = '<circle cx="4" cy="4" r="1.6" fill="#FFFFFF"/>'
    elif kind == 3:  # horizontal lines
        body = f'<line x1="0" y1="4" x2="8" y2="4" {white}/>'
    elif kind == 4:  # cross-hatch
        body = (
            f'<line x1="0" y1="0" x2="0" y2="8" {white}/>'
            f'<line x1="0" y1="4" x2="8" y2="4" {white}/>'
        )
        return f'{head} patternTransform="rotate(45)">{base}{body}</pattern>'
    elif kind == 5:  # vertical lines
        body = f'<line x1="4" y1="0" x2="4" y2="8" {white}/>'
    elif kind == 6:  # diagonal lines the other way
        body = f'<line x1="0" y1="0" x2="0" y2="8" {white}/>'
        return f'{head} patternTransform="rotate(-45)">{base}{body}</pattern>'
    elif kind == 7:  # rings
        body = '<circle cx="4" cy="4" r="2" fill="none" stroke="#FFFFFF" stroke-width="1.2"/>'
    else:
        return ""  # the first series is solid
    return f"{head}>{base}{body}</pattern>"


def _fill(chart_id: str, index: int, patterned: bool) -> str:
    if not patterned or index % 8 == 0:
        return PALETTE[index % len(PALETTE)]
    return f"url(#{chart_id}-p{index})"


def _halo(
    x: float, y: float, text: str, anchor: str = "start", extra: str = "", halo: float = 3
) -> str:
    """Text with a white outline, readable over any bar or pattern."""
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" stroke="#FFFFFF" '
        f'stroke-width="{_n(halo)}" paint-order="stroke" stroke-linejoin="round"{extra}>'
        f"{_e(text)}</text>"
    )


def _legend(chart_id: str, names: Sequence[str], y: float, patterned: bool) -> tuple[str, float]:
    """Swatches and names in rows across the width; the markup and the height used."""
    parts, x, row = [], PAD, 0
    for index, name in enumerate(names):
        label = shorten(name, WIDTH / 2)
        width = 16 + 4 + text_width(label) + 18
        if x > PAD and x + width > WIDTH - PAD:
            x, row = PAD, row + 1
        top = y + row * 20
        parts.append(
            f'<rect x="{_n(x)}" y="{_n(top)}" width="16" height="14" '
            f'fill="{_fill(chart_id, index, patterned)}" stroke="{OUTLINE}" stroke-width="0.75"/>'
            f'<text x="{_n(x + 20)}" y="{_n(top + 11)}">{_e(label)}</text>'
        )
        x += width
    return "".join(parts), (row + 1) * 20 if names else 0


def _words(categories, series, stacked: bool, missing_word: str) -> str:
    """The data in words: each category with each series' value."""

    def said(value):
        return missing_word if value is None else number(value)

    sentences = []
    for i, category in enumerate(categories):
        values = [values[i] if i < len(values) else None for _name, values in series]
        if len(series) == 1:
            sentences.append(f"{category}: {said(values[0])}")
        else:
            parts = ", ".join(
                f"{name} {said(v)}" for (name, _v), v in zip(series, values, strict=True)
            )
            if stacked:
                total = sum(v for v in values if v is not None)
                said_total = {"values": parts, "total": number(total)}
                parts = _("%(values)s (total %(total)s)") % said_total
            sentences.append(f"{category}: {parts}")
    return "; ".join(sentences) + "." if sentences else _("No data yet.")


def bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    chart_id: str,
    title: str,
    table_id: str | None = None,
    stacked: bool = False,
    maximum: float | None = None,
) -> str:
    """Horizontal bars, one row per category: one bar per series side by side, or the
    series stacked into one bar when ``stacked``. A value of ``None`` is not shown (a
    dash in the bar's place and "not shown" in the words); ``maximum`` fixes the scale's
    end (a 1 to 5 rubric), else it is rounded up from the largest value."""
    _check_id(chart_id)
    categories = [str(c) for c in categories]
    series = [(str(name), list(values)) for name, values in series]
    missing_word = _("not shown")
    desc = _words(categories, series, stacked, missing_word)
    known = [v for _name, values in series for v in values if v is not None]
    if not categories or not series or not known:
        return _no_data(chart_id, title, desc, table_id)

    if stacked:
        ends = [
            sum(_value_at(values, i) or 0 for _name, values in series)
            for i in range(len(categories))
        ]
    else:
        ends = known
    top = max(maximum or 0, max(ends, default=0))
    ticks = nice_ticks(top) if maximum is None else nice_ticks(maximum)
    label_width, axis = _bar_axis(
        categories, [*ends, *known], missing_word, max(ticks[-1], top) or 1
    )
    multi = len(series) > 1
    patterned = multi

    out = []
    defs = "".join(_pattern(chart_id, i, PALETTE[i % len(PALETTE)]) for i in range(len(series)))
    y: float = PAD
    if multi:
        legend, used = _legend(chart_id, [name for name, _v in series], y, patterned)
        out.append(legend)
        y += used + 6
    bar = 22 if stacked or not multi else 14
    gap = 2
    row_height = bar if stacked else len(series) * (bar + gap) - gap
    plot_top = y
    rows = []
    for i, category in enumerate(categories):
        row_top = plot_top + i * (row_height + 12)
        middle = row_top + row_height / 2
        rows.append(_category_label(category, axis.x0, middle, label_width))
        if stacked:
            rows += _stacked_bar(chart_id, axis, series, i, row_top, bar, patterned, ends[i])
        else:
            rows += _side_by_side_bars(
                chart_id, axis, series, i, row_top, bar, gap, patterned, missing_word
            )
    plot_bottom = plot_top + len(categories) * (row_height + 12) - 12
    height = plot_bottom + 28
    return (
        _open(chart_id, height, title, desc, table_id)
        + (f"<defs>{defs}</defs>" if defs else "")
        + "".join(out)
        + _gridlines(axis, ticks, plot_top, plot_bottom)
        + "".join(rows)
        + _axis_line(axis, plot_top, plot_bottom)
        + "</svg>"
    )


def _no_data(chart_id: str, title: str, desc: str, table_id: str | None) -> str:
    """An empty chart that says there is no data yet."""
    return (
        _open(chart_id, 48, title, desc, table_id)
        + f'<text x="{WIDTH / 2}" y="28" text-anchor="middle" fill="{MUTED}">'
        + _e(_("No data yet."))
        + "</text></svg>"
    )


def _value_at(values: Sequence[float | None], i: int) -> float | None:
    """The series' value for category ``i``; a short series has none for the rest."""
    return values[i] if i < len(values) else None


@dataclass(frozen=True)
class _Axis:
    """Where values fall across a bar chart: zero at ``x0``, ``end`` at ``x0 + span``."""

    x0: float
    span: float
    end: float

    def x(self, value: float) -> float:
        return self.x0 + self.span * (value / self.end)

    def width(self, value: float) -> float:
        return self.span * max(value, 0) / self.end  # counts and scores: never below 0


def _bar_axis(
    categories: list[str], values: list[float], missing_word: str, end: float
) -> tuple[float, _Axis]:
    """How wide the category labels may be, and the axis in the room left between them
    and the widest value written after a bar."""
    most = WIDTH * MAX_LABEL_SHARE  # a longer name goes on two lines (_category_label)
    label_width = max(text_width(line) for c in categories for line in wrap(c, most))
    value_width = max(text_width(number(v)) for v in values) + 10
    value_width = max(value_width, text_width(missing_word) + 10)
    x0 = PAD + label_width + 8
    x1 = WIDTH - PAD - value_width
    return label_width, _Axis(x0, x1 - x0, end)


def _category_label(category: str, x0: float, middle: float, label_width: float) -> str:
    """A row's category name, right-aligned before the axis: on two lines, broken between
    words, when it is too long for one; cut at a word with an ellipsis when it is too long
    for two, with the whole name as its tooltip."""
    lines = wrap(category, label_width)
    x = _n(x0 - 8)
    if len(lines) == 1:
        text = _e(lines[0])
    else:  # the two lines centred on the row: 13 apart, around its middle
        text = "".join(
            f'<tspan x="{x}" y="{_n(middle + 4 + 13 * (i - 0.5))}">{_e(line)}</tspan>'
            for i, line in enumerate(lines)
        )
    whole = " ".join(category.split())
    return (
        f'<text x="{x}" y="{_n(middle + 4)}" text-anchor="end">{text}'
        + (f"<title>{_e(category)}</title>" if " ".join(lines) != whole else "")
        + "</text>"
    )


def _stacked_bar(
    chart_id: str,
    axis: _Axis,
    series: Sequence[tuple[str, Sequence[float | None]]],
    i: int,
    row_top: float,
    bar: float,
    patterned: bool,
    total: float,
) -> list[str]:
    """Category ``i``'s stacked bar: a part per series, its value written inside where
    it fits, and the total after the bar."""
    middle = row_top + bar / 2
    parts = []
    left = 0.0
    for j, (name, values) in enumerate(series):
        value = _value_at(values, i)
        if not value:
            continue
        width = axis.width(value)
        parts.append(
            f'<rect x="{_n(axis.x(left))}" y="{_n(row_top)}" width="{_n(width)}" '
            f'height="{bar}" fill="{_fill(chart_id, j, patterned)}" '
            f'stroke="{OUTLINE}" stroke-width="0.75"><title>{_e(name)}: '
            f"{_e(number(value))}</title></rect>"
        )
        if width >= text_width(number(value)) + 8:
            parts.append(_halo(axis.x(left) + width / 2, middle + 4, number(value), "middle"))
        left += value
    parts.append(_halo(axis.x(left) + 6, middle + 4, number(total), extra=' font-weight="bold"'))
    return parts


def _side_by_side_bars(
    chart_id: str,
    axis: _Axis,
    series: Sequence[tuple[str, Sequence[float | None]]],
    i: int,
    row_top: float,
    bar: float,
    gap: float,
    patterned: bool,
    missing_word: str,
) -> list[str]:
    """Category ``i``'s bars, one per series under each other, each with its value after
    it; a value not shown is a dash and the word."""
    parts = []
    for j, (name, values) in enumerate(series):
        value = _value_at(values, i)
        bar_top = row_top + j * (bar + gap)
        if value is None:
            parts.append(
                f'<text x="{_n(axis.x0 + 6)}" y="{_n(bar_top + bar / 2 + 4)}" fill="{MUTED}">'
                f"— {_e(missing_word)}</text>"
            )
            continue
        width = axis.width(value)
        if width > 0:
            parts.append(
                f'<rect x="{_n(axis.x0)}" y="{_n(bar_top)}" width="{_n(width)}" '
                f'height="{bar}" fill="{_fill(chart_id, j, patterned)}" '
                f'stroke="{OUTLINE}" stroke-width="0.75"><title>{_e(name)}: '
                f"{_e(number(value))}</title></rect>"
            )
        parts.append(_halo(axis.x0 + width + 5, bar_top + bar / 2 + 4, number(value)))
    return parts


def _gridlines(axis: _Axis, ticks: list[float], plot_top: float, plot_bottom: float) -> str:
    """The ticks within the scale, each a gridline with its number below."""
    grid = []
    for tick in ticks:
        if tick > axis.end + 1e-9:
            continue
        x = axis.x(tick)
        grid.append(
            f'<line x1="{_n(x)}" y1="{_n(plot_top - 4)}" x2="{_n(x)}" y2="{_n(plot_bottom + 4)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{_n(x)}" y="{_n(plot_bottom + 20)}" text-anchor="middle" fill="{MUTED}" '
            f'font-size="11">{_e(number(tick))}</text>'
        )
    return "".join(grid)


def _axis_line(axis: _Axis, plot_top: float, plot_bottom: float) -> str:
    """The line at zero the bars start from."""
    return (
        f'<line x1="{_n(axis.x0)}" y1="{_n(plot_top - 4)}" x2="{_n(axis.x0)}" '
        f'y2="{_n(plot_bottom + 4)}" stroke="{OUTLINE}" stroke-width="1"/>'
    )


# Marker shapes per group, so that groups differ in shape as well as colour. Colour and
# outline are set once on the group's <g>, so that a point costs only its geometry.
def _marker(kind: int, x: float, y: float) -> str:
    shape = kind % 4
    if shape == 0:
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4.5"/>'
    if shape == 1:
        return f'<rect x="{_n(x - 4)}" y="{_n(y - 4)}" width="8" height="8"/>'
    if shape == 2:
        return f'<path d="M{_n(x)} {_n(y - 5)}l5 9h-10z"/>'
    return f'<path d="M{_n(x)} {_n(y - 5.5)}l5 5.5l-5 5.5l-5-5.5z"/>'


def _unassigned(x: float, y: float) -> str:
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3"/>'


def _group(colour: str | None, marks: list[str]) -> str:
    if colour is None:  # people in no group shown: hollow grey rings
        return f'<g fill="none" stroke="{MUTED}" stroke-width="1.2">{"".join(marks)}</g>'
    return f'<g fill="{colour}" stroke="{OUTLINE}" stroke-width="0.6">{"".join(marks)}</g>'


def group_letter(group: int | None) -> str:
    """Group 0 is A, 1 is B, ...; a person in no group shown is "?"."""
    return "?" if group is None else chr(65 + group)


def map_counts(points: Sequence[dict]) -> list[tuple[str, int]]:
    """How many people the opinion map shows in each group, then in none: its numbers,
    for its legend and the table beside it."""
    groups = sorted({p["g"] for p in points if p["g"] is not None})
    rows = [
        (_("Group %(letter)s") % {"letter": group_letter(g)}, sum(1 for p in points if p["g"] == g))
        for g in groups
    ]
    unassigned = sum(1 for p in points if p["g"] is None)
    if unassigned:
        rows.append(("? " + _("in no group shown"), unassigned))
    return rows


def opinion_map(
    points: Sequence[dict],
    *,
    chart_id: str,
    title: str,
    table_id: str | None = None,
) -> str:
    """People as points placed by how they voted (``{"x", "y", "g"}``, ``g`` the group's
    number or ``None``), each group with its own colour and marker shape and its letter
    written at its centre; people in no group shown are hollow grey rings, "?" in the
    legend. Both axes share one scale, so distances on the map are not stretched."""
    _check_id(chart_id)
    points = [p for p in points if p.get("x") is not None and p.get("y") is not None]
    groups = sorted({p["g"] for p in points if p["g"] is not None})
    desc = _map_words(points, groups)
    if not points:
        return _no_data(chart_id, title, desc, table_id)
    names = [f"{label} ({count})" for label, count in map_counts(points)]
    plot_width, plot_height = WIDTH - 2 * PAD, 360
    top = PAD
    place = _placement(points, plot_width, plot_height, top)
    colour = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(groups)}
    shape = {g: i for i, g in enumerate(groups)}
    marks = [_group(None, [_unassigned(*place(p["x"], p["y"])) for p in points if p["g"] is None])]
    for g in groups:
        member = [p for p in points if p["g"] == g]
        marks.append(_group(colour[g], [_marker(shape[g], *place(p["x"], p["y"])) for p in member]))
    letters = []
    for g in groups:
        member_at = [place(p["x"], p["y"]) for p in points if p["g"] == g]
        cx = sum(x for x, _y in member_at) / len(member_at)
        cy = sum(y for _x, y in member_at) / len(member_at)
        letters.append(
            _halo(
                cx, cy + 8, group_letter(g), "middle", ' font-size="24" font-weight="bold"', halo=5
            )
        )
    frame = (
        f'<rect x="{PAD}" y="{top}" width="{plot_width}" height="{plot_height}" fill="none" '
        f'stroke="{GRID}" stroke-width="1"/>'
    )
    legend, legend_height = _map_legend(names, groups, colour, shape, top + plot_height + 10)
    height = top + plot_height + 10 + legend_height
    return (
        _open(chart_id, height, title, desc, table_id)
        + frame
        + "".join(marks)
        + "".join(letters)
        + legend
        + "</svg>"
    )


def _map_words(points: list[dict], groups: list[int]) -> str:
    """The map in words, for its description: how many people each group has and how
    many are in no group shown, each said in a whole sentence of its own."""
    unassigned = sum(1 for p in points if p["g"] is None)
    sizes = {g: sum(1 for p in points if p["g"] == g) for g in groups}
    sentences = [
        ngettext("Group %(letter)s: %(count)s person.", "Group %(letter)s: %(count)s people.", n)
        % {"letter": group_letter(g), "count": n}
        for g, n in sizes.items()
    ]
    if unassigned:
        sentences.append(
            ngettext(
                "%(count)s person is in no group shown (?).",
                "%(count)s people are in no group shown (?).",
                unassigned,
            )
            % {"count": unassigned}
        )
    return " ".join(
        [
            _("People placed by how they voted: those who voted alike are close together."),
            *(sentences or [_("No data yet.")]),
        ]
    )


def _placement(
    points: list[dict], plot_width: float, plot_height: float, top: float
) -> Callable[[float, float], tuple[float, float]]:
    """Where a point of the map falls in the plot: centred, with one scale for both
    axes that fits every point with room for a marker at the edge."""
    xs, ys = [p["x"] for p in points], [p["y"] for p in points]
    x_range = (max(xs) - min(xs)) or 1.0
    y_range = (max(ys) - min(ys)) or 1.0
    inner = 24  # room for a marker or a letter at the edge
    scale = min((plot_width - 2 * inner) / x_range, (plot_height - 2 * inner) / y_range)
    x_mid, y_mid = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2

    def place(x: float, y: float) -> tuple[float, float]:
        # SVG's y grows downwards; the map's upwards.
        return (
            PAD + plot_width / 2 + (x - x_mid) * scale,
            top + plot_height / 2 - (y - y_mid) * scale,
        )

    return place


def _map_legend(
    names: list[str],
    groups: list[int],
    colour: dict[int, str],
    shape: dict[int, int],
    legend_top: float,
) -> tuple[str, float]:
    """Each group's marker and name with its count, then those in no group, in rows
    across the width; the markup and the height it takes, margin included."""
    legend = []
    x: float = PAD
    row = 0
    for index, name in enumerate(names):
        width = 14 + 6 + text_width(name) + 18
        if x > PAD and x + width > WIDTH - PAD:
            x, row = PAD, row + 1
        ly = legend_top + row * 20 + 7
        if index < len(groups):
            group = groups[index]
            legend.append(_group(colour[group], [_marker(shape[group], x + 6, ly)]))
        else:
            legend.append(_group(None, [_unassigned(x + 6, ly)]))
        legend.append(f'<text x="{_n(x + 18)}" y="{_n(ly + 4)}">{_e(name)}</text>')
        x += width
    return "".join(legend), (row + 1) * 20 + 4
