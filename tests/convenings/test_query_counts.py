"""Every convenings page costs the same number of queries for 3 rows as for 30."""

import datetime

import pytest

from kenesh.convenings.models import Inject, Scenario, Team
from kenesh.core.testing.queries import assert_same_query_count, count_queries
from tests.convenings.factories import ConveningFactory, ParticipationFactory, SessionFactory
from tests.factories import PersonFactory


def opener(client, url):
    def get():
        response = client.get(url)
        assert response.status_code == 200, url

    return get


def assert_cost_does_not_grow(add, client, url):
    """For pages over the whole programme: the page's queries after 3 rows are added,
    then after 27 more (only the page is counted, not the setup)."""
    add(3)
    opener(client, url)()  # warm the per-process caches (platform settings)
    few, few_sql = count_queries(opener(client, url))
    add(27)
    many, many_sql = count_queries(opener(client, url))
    assert few == many, (
        f"{few} queries for few rows but {many} for many.\n{few_sql}\n--\n{many_sql}"
    )


def meeting_with(n, personas):
    """A public meeting the young expert takes part in, with ``n`` more participants
    (half of them emergent), each speaking in a session."""
    meeting = ConveningFactory(confidentiality="public")
    ParticipationFactory(convening=meeting, person=personas["young_expert"].person)
    session = SessionFactory(convening=meeting)
    for i in range(n):
        person = PersonFactory(track="emergent" if i % 2 else "seasoned")
        place = ParticipationFactory(convening=meeting, person=person)
        session.assignments.create(participation=place, role="speaker")
    return meeting


@pytest.mark.parametrize(
    ("role", "page"),
    [
        ("staff", "participants/"),
        ("staff", ""),
        ("young_expert", ""),
        ("expert", ""),
        ("observer", ""),
    ],
)
def test_convening_pages_cost_the_same_for_3_and_30_people(login, personas, role, page):
    few, many = meeting_with(3, personas), meeting_with(30, personas)
    client = login(role)
    opener(client, f"/convenings/{few.code}/{page}")()  # warm the per-process caches
    assert_same_query_count(
        opener(client, f"/convenings/{few.code}/{page}"),
        opener(client, f"/convenings/{many.code}/{page}"),
    )


def test_the_invite_page_costs_the_same_for_3_and_30_candidates(login, personas):
    meeting = meeting_with(0, personas)

    def add(n):
        for _ in range(n):
            PersonFactory()

    assert_cost_does_not_grow(add, login("staff"), f"/convenings/{meeting.code}/invite/")


def programme(personas):
    """Adds convenings, each with a seasoned and an emergent speaker; the mentor and
    the young expert take part in each."""
    day = iter(range(1000))

    def add(n):
        for _ in range(n):
            when = datetime.date(2023, 1, 1) + datetime.timedelta(days=next(day))
            meeting = ConveningFactory(starts_on=when, ends_on=when)
            for track in ("seasoned", "emergent"):
                place = ParticipationFactory(convening=meeting, person=PersonFactory(track=track))
                SessionFactory(convening=meeting).assignments.create(
                    participation=place, role="speaker"
                )
            for persona in ("mentor", "young_expert"):
                ParticipationFactory(convening=meeting, person=personas[persona].person)

    return add


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("staff", "/convenings/"),
        ("observer", "/convenings/"),
        ("mentor", "/convenings/"),
        ("staff", "/convenings/programme/"),
        ("observer", "/convenings/programme/?by=sector"),
        ("mentor", "/convenings/programme/"),
        ("staff", "/convenings/paths/"),
        ("mentor", "/convenings/paths/"),
        ("mentor", "/convenings/mine/"),
        ("young_expert", "/convenings/mine/"),
        ("young_expert", "/convenings/paths/{young}/"),
    ],
)
def test_programme_pages_cost_the_same_for_3_and_30_convenings(login, personas, role, url):
    url = url.format(young=personas["young_expert"].person.code)
    assert_cost_does_not_grow(programme(personas), login(role), url)


@pytest.fixture
def exercise(personas):
    convening = ConveningFactory(kind="simulation", confidentiality="chatham")
    ParticipationFactory(convening=convening, person=personas["mentor"].person, role="facilitator")
    ParticipationFactory(convening=convening, person=personas["young_expert"].person)
    scenario = Scenario.objects.create(convening=convening, title="Dry summer", brief="B.")
    for order, name in enumerate(("Upstream", "Downstream")):
        Team.objects.create(scenario=scenario, name=name, role_card="Card.", order=order)
    return scenario


def players_and_injects(scenario, login):
    staff = login("staff")
    order = iter(range(1, 1000))

    def add(n):
        for _ in range(n):
            ParticipationFactory(convening=scenario.convening, person=PersonFactory())
            inject = Inject.objects.create(
                scenario=scenario, order=next(order), planned_minute=0, title="I", body="B."
            )
            staff.post(
                f"/convenings/{scenario.convening.code}/simulation/injects/{inject.code}/release/"
            )
        staff.post(f"/convenings/{scenario.convening.code}/simulation/teams/")
        young = login("young_expert")
        young.post(f"/convenings/{scenario.convening.code}/simulation/", {"text": "Decided."})

    return add


@pytest.mark.parametrize(
    ("role", "page"),
    [
        ("young_expert", ""),
        ("young_expert", "injects/?released=0"),
        ("mentor", "console/"),
        ("staff", "teams/"),
        ("staff", "debrief/"),
    ],
)
def test_simulation_pages_cost_the_same_for_3_and_30_players(login, exercise, role, page):
    url = f"/convenings/{exercise.convening.code}/simulation/{page}"
    assert_cost_does_not_grow(players_and_injects(exercise, login), login(role), url)
