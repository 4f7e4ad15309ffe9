"""Proposed times as each reader reads them: in their zone, named with its UTC offset,
in the active language ("Tue 12 May 2026, 10:00–12:00 (Asia/Tashkent, UTC+05:00)", in Russian
«вт, 12 мая 2026, 10:00–12:00 (Asia/Tashkent, UTC+05:00)»)."""

import datetime
import zoneinfo

from django import template

from kenesh.core.typography import day_label
from kenesh.notifications import zones

register = template.Library()


def offset_of(moment: datetime.datetime) -> str:
    """ "UTC+04:30" from the zone database's offset at ``moment``."""
    offset = moment.utcoffset() or datetime.timedelta()
    sign = "-" if offset < datetime.timedelta() else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def slot_label(starts_at, ends_at, zone) -> str:
    if not isinstance(zone, zoneinfo.ZoneInfo):
        zone = zones.zone_named(str(zone or ""))
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    day = day_label(start)
    if end.date() == start.date():
        span = f"{start:%H:%M}–{end:%H:%M}"
    else:
        # Between two full dates the dash is spaced (a no-break space before it), as both
        # languages set a range of compound dates: "10:00 – Wed 13 May 2026, 12:00".
        span = f"{start:%H:%M}\u00a0– {day_label(end)}, {end:%H:%M}"
    # UTC itself needs no offset after its name ("UTC, UTC+00:00" says it twice).
    where = zone.key if zone.key == "UTC" else f"{zone.key}, {offset_of(start)}"
    return f"{day}, {span} ({where})"


@register.filter
def slot_time(slot, zone):
    """``{{ slot|slot_time:zone }}``: the slot in ``zone`` (a ZoneInfo or its name)."""
    return slot_label(slot.starts_at, slot.ends_at, zone)
