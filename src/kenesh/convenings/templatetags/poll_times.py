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
        until = end.strftime("%H:%M")
    else:
        until = f"{day_label(end)}, {end:%H:%M}"
    return f"{day}, {start:%H:%M}–{until} ({zone.key}, {offset_of(start)})"


@register.filter
def slot_time(slot, zone):
    """``{{ slot|slot_time:zone }}``: the slot in ``zone`` (a ZoneInfo or its name)."""
    return slot_label(slot.starts_at, slot.ends_at, zone)
