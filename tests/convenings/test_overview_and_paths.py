"""The programme overview and the young experts' paths, read from the records."""

import datetime

from kenesh.convenings import queries
from kenesh.convenings.models import Invitation
from tests.convenings.factories import ConveningFactory, ParticipationFactory, SessionFactory
from tests.factories import PersonFactory


def rcwg(day, **kwargs):
    return ConveningFactory(kind="rcwg", starts_on=day, ends_on=day, **kwargs)


def test_young_expert_becomes_facilitator(personas):
    young = personas["young_expert"].person
    first = rcwg(datetime.date(2022, 9, 20))
    second = rcwg(datetime.date(2023, 4, 18))
    third = rcwg(datetime.date(2023, 11, 14))
    ParticipationFactory(convening=first, person=young)
    place = ParticipationFactory(convening=second, person=young)
    SessionFactory(convening=second).assignments.create(participation=place, role="speaker")
    place = ParticipationFactory(convening=third, person=young)
    SessionFactory(convening=third).assignments.create(participation=place, role="facilitator")
    (path,) = queries.paths([young], viewer=personas["staff"])
    assert [s.role for s in path.steps] == ["participant", "speaker", "facilitator"]
    assert path.highest == "facilitator"


def test_declined_and_absent_convenings_are_not_steps(personas):
    young = personas["young_expert"].person
    ParticipationFactory(convening=rcwg(datetime.date(2023, 1, 1)), person=young, attended=False)
    ParticipationFactory(
        convening=rcwg(datetime.date(2023, 2, 1)),
        person=young,
        invitation=Invitation.DECLINED,
        attended=None,
    )
    (path,) = queries.paths([young], viewer=personas["staff"])
    assert path.steps == []


def test_a_path_shows_only_convenings_the_viewer_may_know(login, personas, meetings):
    young = personas["young_expert"].person
    ParticipationFactory(convening=meetings["public"], person=young)
    url = f"/convenings/paths/{young.code}/"
    mentor_page = login("mentor").get(url).content.decode()
    assert "Open forum" in mentor_page
    assert "Chatham meeting" not in mentor_page and "Closed dialogue" not in mentor_page
    own = login("young_expert").get(url).content.decode()
    assert all(t in own for t in ("Open forum", "Chatham meeting", "Closed dialogue"))
    assert login("observer").get(url).status_code == 403


def test_programme_paths_page_for_staff_and_mentors(login, meetings):
    assert login("staff").get("/convenings/paths/").status_code == 200
    assert login("mentor").get("/convenings/paths/").status_code == 200
    assert login("expert").get("/convenings/paths/").status_code == 403
    assert login("observer").get("/convenings/paths/").status_code == 403


def test_overview_counts_come_from_the_records(login, personas):
    kg = [PersonFactory(country="KG") for _ in range(3)]
    tj = [PersonFactory(country="TJ", gender="male") for _ in range(2)]
    for day in (datetime.date(2022, 9, 20), datetime.date(2023, 4, 18)):
        meeting = rcwg(day)
        for person in kg + tj:
            ParticipationFactory(convening=meeting, person=person)
    absent = PersonFactory(country="AF")
    ParticipationFactory(convening=meeting, person=absent, attended=False)
    rcwg(datetime.date(2099, 1, 1))  # planned, not held
    overview = queries.overview(viewer=personas["staff"])
    assert overview.held["rcwg"] == 2 and overview.planned["rcwg"] == 1
    # Each counted once, the absent one not at all.
    assert overview.experts_convened.count == 5
    assert (overview.rcwg_experts.count, overview.rcwg_countries) == (5, 2)
    page = login("observer").get("/convenings/programme/").content.decode()
    assert "2 RCWG meetings held, convening 5 experts from 2 countries." in page
