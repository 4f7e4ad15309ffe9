"""iCalendar files for convenings (RFC 5545), built with the icalendar package."""

import datetime

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

PRODID = "-//Kenesh//Convenings//EN"


def calendar_for(convenings, *, name: str) -> bytes:
    """A calendar with one all-day event per convening, naming no participant."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for convening in convenings:
        event = Event()
        event.add("uid", f"{convening.code}@kenesh")
        event.add("summary", convening.title)
        event.add("dtstart", convening.starts_on)
        event.add("dtend", convening.ends_on + datetime.timedelta(days=1))
        event.add("dtstamp", convening.created_at)
        place = _("Online") if convening.online else convening.place
        if place:
            event.add("location", place)
        event.add(
            "description",
            f"{convening.get_kind_display()} · {convening.get_confidentiality_display()}",
        )
        event.add("class", "PUBLIC" if convening.confidentiality == "public" else "CONFIDENTIAL")
        calendar.add_component(event)
    return calendar.to_ical()
