"""Numbers, quotations and days as each language writes them (issue 16).

The patterns are messages of the catalogue, so each language keeps its own typography:
Russian puts a no-break space before the per cent sign («100 %») and writes quotations
in «ёлочки», English writes "100%" and “curly quotes”; a day with its weekday reads
"Tue 16 Mar 2027" in English and «вт, 16 марта 2027» in Russian."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import date_format
from django.utils.translation import pgettext, pgettext_lazy

# Django's own abbreviations ("Вт" in Russian) start with a capital; in a date Russian
# writes the weekday in lower case, so the day names are messages of their own.
_WEEKDAYS = (
    pgettext_lazy("weekday, abbreviated, before a date", "Mon"),
    pgettext_lazy("weekday, abbreviated, before a date", "Tue"),
    pgettext_lazy("weekday, abbreviated, before a date", "Wed"),
    pgettext_lazy("weekday, abbreviated, before a date", "Thu"),
    pgettext_lazy("weekday, abbreviated, before a date", "Fri"),
    pgettext_lazy("weekday, abbreviated, before a date", "Sat"),
    pgettext_lazy("weekday, abbreviated, before a date", "Sun"),
)


def whole_percent(fraction: float | Decimal) -> int:
    """A share (0.92) as whole per cent (92), a half rounded up (0.125 is 13)."""
    return int((Decimal(str(fraction)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_of(value) -> str:
    """A number already in per cent (92, or "69–98") with the language's per cent sign."""
    # Translators: a percentage. Russian puts a no-break space (U+00A0) before the sign:
    # "%(value)s %%" with U+00A0; keep the doubled %% (one per cent sign is shown).
    return pgettext("percentage", "%(value)s%%") % {"value": value}


def percent(fraction: float | Decimal) -> str:
    """A share (0.92) as the language writes a percentage: "92%", «92 %»."""
    return percent_of(whole_percent(fraction))


def percent_range(low: float | Decimal, high: float | Decimal) -> str:
    """Two shares as a range of percentages: "69–98%", «69–98 %»."""
    return percent_of(f"{whole_percent(low)}–{whole_percent(high)}")


def quoted(text: str) -> str:
    """``text`` between the language's quotation marks: “text”, «text»."""
    # Translators: quotation marks around a quoted text: «%(text)s» in Russian.
    return pgettext("quotation marks", "“%(text)s”") % {"text": text}


def day_label(day: datetime.date) -> str:
    """A day with its weekday as the language writes it: "Tue 16 Mar 2027",
    «вт, 16 марта 2027». A datetime is taken as it is: convert it to the reader's zone
    first."""
    # Translators: the date after a weekday, in Django's date format
    # (https://docs.djangoproject.com/en/stable/ref/templates/builtins/#date):
    # j day, M short month, E month in the genitive ("марта"), Y year. Russian: "j E Y".
    date = date_format(day, pgettext("date format after a weekday", "j M Y"))
    # Translators: a weekday and a date ("Tue" and "16 Mar 2027"). Russian: "%(weekday)s, %(date)s".
    return pgettext("a weekday and a date", "%(weekday)s %(date)s") % {
        "weekday": _WEEKDAYS[day.weekday()],
        "date": date,
    }


def date_range(first: datetime.date, last: datetime.date) -> str:
    """Two dates as a range the language writes: one date when they are the same day,
    "16–17 March 2027" and «16–17 марта 2027 г.» within one month, both dates with a
    spaced dash otherwise ("30 March 2027 – 2 April 2027")."""
    if last == first:
        return date_format(first, "DATE_FORMAT")
    full = date_format(last, "DATE_FORMAT")
    same_month = (first.year, first.month) == (last.year, last.month)
    # The compact form needs the day first in the language's date format (English and
    # Russian here); another language keeps both dates whole.
    if same_month and full.startswith(f"{last.day} "):
        return f"{first.day}–{full}"
    return f"{date_format(first, 'DATE_FORMAT')}\u00a0– {full}"
