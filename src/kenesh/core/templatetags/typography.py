"""Percentages and days as the page's language writes them (kenesh.core.typography):

- ``{{ share|percent }}``: a share (0.92) as "92%" in English, «92 %» in Russian;
- ``{{ low|percent_range:high }}``: two shares as "69–98%", «69–98 %»;
- ``{{ moment|day }}``: a date or a datetime (in the reader's zone) with its weekday,
  "Tue 16 Mar 2027", «вт, 16 марта 2027».

The results are plain text: the page's autoescaping applies as to any value."""

import datetime

from django import template

from kenesh.core import typography

register = template.Library()


@register.filter
def percent(share) -> str:
    if share is None or share == "":
        return ""
    return typography.percent(share)


@register.filter
def percent_range(low, high) -> str:
    if low is None or high is None or low == "" or high == "":
        return ""
    return typography.percent_range(low, high)


@register.filter(expects_localtime=True)
def day(value) -> str:
    if not isinstance(value, datetime.date):
        return ""
    return typography.day_label(value)


@register.filter
def date_range(first, last) -> str:
    """``{{ convening.starts_on|date_range:convening.ends_on }}``."""
    if not isinstance(first, datetime.date):
        return ""
    if not isinstance(last, datetime.date):
        last = first
    return typography.date_range(first, last)
