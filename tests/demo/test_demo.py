"""The demo programme: fictional, deterministic, at the programme's scale."""

from collections import Counter

import pytest

from kenesh.access.models import Role, User
from kenesh.demo import loader
from kenesh.people.models import Person, Track


@pytest.fixture
def demo(db):
    return loader.load_demo(scale=1)


def test_demo_has_the_programmes_scale(demo):
    people = Person.objects.all()
    assert people.count() >= 55
    assert set(people.values_list("country", flat=True)) == {"KZ", "KG", "TJ", "UZ", "AF"}
    emergent = people.filter(track=Track.EMERGENT)
    assert emergent.count() == 10
    assert set(emergent.values_list("country", flat=True)) == {"KZ", "KG", "TJ", "UZ"}
    mentors = people.filter(can_mentor=True)
    assert mentors.count() == 10
    assert set(mentors.values_list("track", flat=True)) == {Track.SEASONED}


def test_demo_names_follow_each_countrys_script(demo):
    for person in Person.objects.all():
        if person.country in {"KZ", "KG", "TJ"}:
            assert any("\u0400" <= c <= "\u04ff" for c in person.name), person.name
        elif person.country == "AF":
            assert any("\u0600" <= c <= "\u06ff" for c in person.name), person.name
        assert person.name_latin.isascii() or "'" in person.name_latin, person.name_latin


def test_demo_is_deterministic(db):
    first = loader.load_demo(scale=1)
    names = list(Person.objects.order_by("id").values_list("name", "country", "track"))
    from kenesh.mentoring.models import Call, Mentorship
    from kenesh.papers.models import PolicyPaper

    Call.objects.all().delete()  # reviews protect their reviewers
    PolicyPaper.objects.all().delete()  # authorships protect people
    Mentorship.objects.all().delete()  # so do mentorships
    Person.objects.all().delete()
    User.objects.all().delete()
    from kenesh.people.models import Organization, Theme

    Organization.objects.all().delete()
    Theme.objects.all().delete()
    second = loader.load_demo(scale=1)
    assert names == list(Person.objects.order_by("id").values_list("name", "country", "track"))
    assert first.people == second.people


def test_one_login_per_role(demo):
    roles = Counter(User.objects.values_list("role", flat=True))
    assert set(roles) == set(Role.values)
    assert User.objects.get(username="young").person.track == Track.EMERGENT
    assert User.objects.get(username="mentor").person.can_mentor
    assert not hasattr(User.objects.get(username="donor"), "person")
    assert [login.username for login in demo.logins] == [
        "admin", "staff", "mentor", "expert", "young", "donor",
    ]  # fmt: skip


def test_scale_multiplies_the_roster(db):
    result = loader.load_demo(scale=3)
    assert result.people == 3 * 55
    assert Person.objects.filter(track=Track.EMERGENT).count() == 30


def test_demo_refuses_a_database_that_holds_people(demo):
    with pytest.raises(RuntimeError):
        loader.load_demo()


def test_every_page_says_the_data_is_fictional(demo, client):
    assert 'data-testid="demo-banner"' in client.get("/login/").content.decode()
    client.login(username="staff", password=loader.DEMO_PASSWORD)
    person = Person.objects.first()
    for url in ("/", "/people/", "/people/diversity/", f"/people/{person.code}/"):
        assert 'data-testid="demo-banner"' in client.get(url).content.decode(), url
