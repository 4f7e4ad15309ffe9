"""The people app's permission matrix: which role answers what on each page."""

import re

import pytest

from tests.factories import PersonFactory

ROSTER = "/people/"
DIVERSITY = "/people/diversity/"
EXPORT = "/people/export.csv"
CREATE = "/people/new/"
OWN = "/people/me/"
OWN_ED = "/people/me/edit/"

# role -> expected status per page; 302 means "sent to the login page" (or, for
# /people/me/, to the own profile).
# fmt: off
MATRIX = {
    None: {ROSTER: 302, DIVERSITY: 302, EXPORT: 302, CREATE: 302, OWN: 302, OWN_ED: 302},
    "administrator": {ROSTER: 200, DIVERSITY: 200, EXPORT: 200, CREATE: 200, OWN: 403, OWN_ED: 403},
    "staff": {ROSTER: 200, DIVERSITY: 200, EXPORT: 200, CREATE: 200, OWN: 403, OWN_ED: 403},
    "mentor": {ROSTER: 200, DIVERSITY: 200, EXPORT: 403, CREATE: 403, OWN: 302, OWN_ED: 200},
    "expert": {ROSTER: 200, DIVERSITY: 200, EXPORT: 403, CREATE: 403, OWN: 302, OWN_ED: 200},
    "young_expert": {ROSTER: 200, DIVERSITY: 200, EXPORT: 403, CREATE: 403, OWN: 302, OWN_ED: 200},
    "observer": {ROSTER: 403, DIVERSITY: 200, EXPORT: 403, CREATE: 403, OWN: 403, OWN_ED: 403},
}
# fmt: on


@pytest.mark.parametrize("role", list(MATRIX))
def test_people_pages_by_role(role, login):
    client = login(role)
    got = {url: client.get(url).status_code for url in MATRIX[role]}
    assert got == MATRIX[role]


@pytest.fixture
def listed_and_unlisted(personas):
    listed = PersonFactory(name="Видимая Персона", name_latin="Vidimaya Persona")
    unlisted = PersonFactory(
        name="Скрытая Персона", name_latin="Skrytaya Persona", directory_consent_at=None
    )
    return listed, unlisted


# role -> (listed profile, unlisted profile, listed edit, unlisted edit)
PROFILE_MATRIX = {
    None: (302, 302, 302, 302),
    "administrator": (200, 200, 200, 200),
    "staff": (200, 200, 200, 200),
    "mentor": (200, 404, 403, 403),
    "expert": (200, 404, 403, 403),
    "young_expert": (200, 404, 403, 403),
    "observer": (403, 403, 403, 403),
}


@pytest.mark.parametrize("role", list(PROFILE_MATRIX))
def test_profile_pages_by_role(role, login, listed_and_unlisted):
    listed, unlisted = listed_and_unlisted
    client = login(role)
    got = (
        client.get(f"/people/{listed.code}/").status_code,
        client.get(f"/people/{unlisted.code}/").status_code,
        client.get(f"/people/{listed.code}/edit/").status_code,
        client.get(f"/people/{unlisted.code}/edit/").status_code,
    )
    assert got == PROFILE_MATRIX[role]


def test_members_do_not_see_unlisted_people_on_the_roster(login, listed_and_unlisted):
    page = login("expert").get("/people/").content.decode()
    assert "Vidimaya Persona" in page
    assert "Skrytaya Persona" not in page
    assert "Skrytaya Persona" in login("staff").get("/people/").content.decode()


def test_an_unlisted_expert_still_sees_their_own_profile(login, personas):
    person = personas["expert"].person
    person.directory_consent_at = None
    person.save()
    assert login("expert").get(f"/people/{person.code}/").status_code == 200


@pytest.mark.parametrize("role", ["administrator", "staff", "expert"])
def test_contact_details_only_for_staff_and_the_person(role, login, personas):
    mentor = personas["mentor"].person
    page = login(role).get(f"/people/{mentor.code}/").content.decode()
    shows = mentor.email in page
    assert shows is (role in {"administrator", "staff"})


def test_a_person_sees_their_own_contact_details(login, personas):
    person = personas["mentor"].person
    assert person.email in login("mentor").get(f"/people/{person.code}/").content.decode()


def test_contact_details_never_reach_a_roster_page(login, personas):
    page = login("staff").get("/people/").content.decode()
    assert personas["mentor"].person.email not in page


def every_url(people):
    """Each routed page with no arguments, and each person's pages, admin left out."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace != "admin":
                    yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern)

    for route in walk(get_resolver().url_patterns):
        if "<" not in route:
            yield "/" + route
        elif route.count("<") == 1 and "<uuid:code>" in route:
            for person in people:
                yield "/" + route.replace("<uuid:code>", str(person.code))


def test_observer_sees_no_names_on_any_page(login, personas):
    """Every page an observer can open holds no person's name, in either script."""
    people = list(PersonFactory._meta.model.objects.all())
    names = {part for p in people for n in (p.name, p.name_latin) for part in (n, *n.split())}
    names = {n for n in names if len(n) > 3}
    client = login("observer")
    opened = []
    for url in [*every_url(people), "/people/diversity/?by=track", "/people/diversity/?by=sector"]:
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/"):
            continue
        opened.append(url)
        text = re.sub(r"\s+", " ", response.content.decode())
        leaked = sorted(n for n in names if n in text)
        assert not leaked, f"{url} shows {leaked}"
    assert "/people/diversity/" in opened and "/" in opened
