"""``{% lang_of text %}``: a ` lang="ru"` attribute for text in Cyrillic letters on a page
in another language (WCAG 3.1.2), so that a screen reader reads it with a Russian voice
rather than spelling it out with an English one. Names are often the only such text whose
language no field records; Russian is the closest voice for the region's Cyrillic names."""

import re

from django import template
from django.utils.html import conditional_escape, format_html
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


@register.filter
def in_its_language(text) -> str:
    """``{{ name|in_its_language }}``: ``text`` escaped, in a ``<span lang="ru">`` where
    ``lang_of`` would mark it, for a name inside a translated sentence."""
    attribute = lang_of(text)
    if not attribute:
        return conditional_escape(text)
    return format_html("<span{}>{}</span>", attribute, text)
