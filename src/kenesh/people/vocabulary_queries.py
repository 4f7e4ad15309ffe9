"""Reads shaped for the pages where staff keep organisations and themes."""

from django.db.models import Count

from kenesh.people import transliteration
from kenesh.people.models import Organization, Theme


def organisations(text: str = ""):
    """Organisations with how many people each has, matching ``text`` if given: every word
    must appear in the name as written or in English, typed in either script."""
    qs = Organization.objects.annotate(people_count=Count("people")).order_by("name", "pk")
    words = [transliteration.search_forms(word) for word in text.split()]
    words = [forms for forms in words if forms]
    if not words:
        return qs if not text.strip() else qs.none()
    # Names are few and stored without a folded copy: fold them here, in one query.
    matching = [
        pk
        for pk, name, name_en in Organization.objects.values_list("pk", "name", "name_en")
        if _matches(transliteration.search_text(name, name_en), words)
    ]
    return qs.filter(pk__in=matching)


def _matches(haystack: str, words: list[set[str]]) -> bool:
    return all(any(form in haystack for form in forms) for forms in words)


def themes():
    """Themes with how many people and convenings use each."""
    return Theme.objects.annotate(
        people_count=Count("person", distinct=True),
        convening_count=Count("convening", distinct=True),
    ).order_by("name", "pk")
