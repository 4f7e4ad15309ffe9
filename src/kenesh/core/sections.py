"""Sections one app adds to another app's page, so that the page's app need not import it.

Records flow one way (convenings know nothing of influence), yet a briefing's page shows
the recommendations presented there. The app that knows registers, in its ``ready()``,
a function ``section(request, obj) -> str`` for a named place on a page; the page renders
what the registered functions return. Each function decides, through its own app's
access rules, what the viewer may see.
"""

from collections import defaultdict
from collections.abc import Callable

from django.utils.safestring import SafeString

_sections: dict[str, list[Callable]] = defaultdict(list)


def register(place: str, section: Callable) -> None:
    """Show ``section(request, obj)`` at ``place`` (for example "convenings.briefing")."""
    if section not in _sections[place]:
        _sections[place].append(section)


def render(place: str, *, request, obj) -> list[SafeString]:
    """The HTML each section registered for ``place`` gives for ``obj``, empties left out."""
    return [html for section in _sections[place] if (html := section(request, obj))]
