"""``{% lang_of text %}``: a ` lang="ru"` attribute for text in Cyrillic letters on a page
in another language (WCAG 3.1.2), so that a screen reader reads it with a Russian voice
rather than spelling it out with an English one. Names are often the only such text whose
language no field records; Russian is the closest voice for the region's Cyrillic names."""

import re

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@register.simple_tag
def lang_of(text) -> str:
    if not text or not _CYRILLIC.search(str(text)):
        return ""
    if (get_language() or "").split("-")[0] == "ru":
        return ""
    return format_html(' lang="{}"', "ru")
