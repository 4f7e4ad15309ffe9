"""No input makes the platform fail: property-based tests of every form (hypothesis).

For every page of the permission matrix that shows a form, staff (who reach every form)
and a young expert submit values drawn by hypothesis for the form's own fields: text of
any script, control characters, huge numbers, malformed dates, ids and codes that name
nothing, values far over any length limit. Whatever the input, the answer is a page or a
refusal, never a server error.
"""

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_every_page import (  # noqa: F401  (world is a fixture)
    CASES,
    STAFF,
    YOUNG,
    client_for,
    forms_in,
    reverse,
    world,
)

NASTY = [
    "", " ", "0", "-1", "1e309", "NaN", str(2**64), str(-(2**70)), "2024-02-30", "9999-12-31",
    "00:00", "x" * 5000, "\x00", "\u200b", "' OR 1=1 --", "<script>x()</script>",
    "../../etc/passwd", "on", "true", str(uuid.UUID(int=0)), "Жылдыз", "مذاکره",
]  # fmt: skip
values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=300),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.uuids().map(str),
)


def form_pages(world, role):  # noqa: F811
    """(url, field names) of every page in the matrix that gives ``role`` a form."""
    client = client_for(role)
    found = []
    for case in CASES:
        kwargs = case.kwargs(world) if case.kwargs else {}
        url = reverse(case.url_name.lstrip(":"), kwargs=kwargs)
        response = client.get(url, case.query)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        names = sorted({name for form in forms_in(response.context) for name in form.fields})
        if names:
            found.append((url, names))
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("role", [STAFF, YOUNG])
def test_no_input_to_any_form_gives_a_server_error(world, role):  # noqa: F811
    client = client_for(role)
    pages = form_pages(world, role)
    assert pages, "the matrix offers this role no form at all"
    failures = []

    @settings(
        max_examples=12,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def submit(data):
        for url, names in pages:
            body = {name: data.draw(values, label=name) for name in names}
            response = client.post(url, body)
            if response.status_code >= 500:
                failures.append(f"{url} {body!r}: {response.status_code}")

    submit()
    assert not failures, "server errors:\n" + "\n".join(failures[:10])
