"""Script in any text a person can write is shown as text, on every page.

Every free-text column of every Kenesh model (names, titles, notes, statements, paper
bodies, recommendations, applications, e-mail addresses...) is filled with markup that
would run if a template printed it raw, then every page of the permission matrix is
opened as staff (who see the most) and as a young expert. No page may answer 500 or
carry the markup unescaped.
"""

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Value
from django.db.models.functions import Cast, Concat

from tests.test_every_page import CASES, STAFF, YOUNG, client_for, reverse, world  # noqa: F401

PAYLOAD = '<script>kenesh_xss()</script><img src=x onerror="kenesh_xss()">'
RAW = ("<script>kenesh_xss", "<img src=x onerror")
# Columns whose value is not free text a person writes (keys, tokens, derived search
# forms) or that other columns are computed from.
NOT_FREE_TEXT = {"code", "token", "slug", "search_text", "name_key", "latin_key", "key"}


def plant_payload() -> int:
    """Write the payload into every free-text column of every Kenesh model; return how
    many columns were filled."""
    filled = 0
    for model in apps.get_models():
        if not model.__module__.startswith("kenesh."):
            continue
        # The row's id after the payload keeps values apart where a constraint wants them so.
        value = Concat(Value(PAYLOAD), Cast("pk", models.CharField()))
        fields = {
            field.name: value
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
            and not field.choices
            and not field.unique
            and not field.primary_key
            and field.name not in NOT_FREE_TEXT
            and (field.max_length is None or field.max_length >= len(PAYLOAD) + 12)
        }
        if fields:
            model.objects.update(**fields)
            filled += len(fields)
    return filled


@pytest.mark.django_db
@pytest.mark.parametrize("role", [STAFF, YOUNG])
def test_markup_in_every_text_field_is_shown_as_text_on_every_page(world, role):  # noqa: F811
    assert plant_payload() > 50
    client = client_for(role)
    problems = []
    for case in CASES:
        kwargs = case.kwargs(world) if case.kwargs else {}
        url = reverse(case.url_name.lstrip(":"), kwargs=kwargs)
        response = client.get(url, case.query)
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
            continue
        if response.streaming or "html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        if any(raw in page for raw in RAW):
            problems.append(f"{case.url_name} {url}: markup printed raw")
    assert not problems, f"as {role}:\n" + "\n".join(problems)
