"""``{% bar_chart data chart_id table_id title %}`` and ``{% opinion_map points ... %}``:
a chart drawn on the server as SVG (``kenesh.core.charts``) in a ``<figure>`` whose
caption links to the table carrying its numbers (the page's own table for bars; for the
opinion map, whose numbers no other table on its page holds, a table written under it)."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kenesh.core import charts

register = template.Library()


@register.inclusion_tag("core/chart.html")
def bar_chart(data, chart_id, table_id, title, maximum=None):
    """``data`` is ``{"labels": [...], "datasets": [{"label", "data"}], "stacked"}`` or,
    for a single series, ``{"labels": [...], "data": [...]}``."""
    if "datasets" in data:
        series = [(d["label"], d["data"]) for d in data["datasets"]]
    else:
        series = [(title, data["data"])]
    svg = charts.bars(
        data["labels"], series, chart_id=chart_id, title=title, table_id=table_id,
        stacked=bool(data.get("stacked")), maximum=maximum,
    )  # fmt: skip
    # Built from escaped text only (charts.py escapes every label and number).
    return {"svg": mark_safe(svg), "chart_id": chart_id, "table_id": table_id, "title": title}  # nosec B308 B703


@register.inclusion_tag("core/chart.html")
def opinion_map(points, chart_id, table_id, title):
    """``points`` is ``[{"x", "y", "g"}]``, ``g`` a group's number or None."""
    svg = charts.opinion_map(points, chart_id=chart_id, title=title, table_id=table_id)
    return {
        "svg": mark_safe(svg),  # nosec B308 B703
        "chart_id": chart_id,
        "table_id": table_id,
        "title": title,
        # The map's own numbers, in a table under it.
        "rows": charts.map_counts(points),
        "headers": (_("Group"), _("People")),
    }
