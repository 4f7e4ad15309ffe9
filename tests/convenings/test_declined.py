"""Someone who declined an invitation is, everywhere, as one never invited: one
definition of taking part ("invited or accepted") for pages, lists, documents,
calendars and the simulation. Only their own "My convenings" keeps a line saying they
declined, so that they can change their mind while answers are open."""

import datetime

import pytest
from django.core.files.base import ContentFile
from icalendar import Calendar

from kenesh.convenings.models import (
    CalendarFeed,
    Convening,
    Document,
    Inject,
    Invitation,
    Participation,
    Scenario,
    Team,
    TeamMember,
)
from kenesh.convenings.rules import is_participant, leads_it
from tests.convenings.factories import ConveningFactory, ParticipationFactory, SessionFactory


def decline(convening, user):
    place = Participation.objects.get(convening=convening, person__user=user)
    place.invitation = Invitation.DECLINED
    place.attended = None
    place.save()
    return place


@pytest.fixture
def closed_with_document(meetings, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    closed = meetings["closed"]
    document = Document(
        convening=closed,
        kind="report",
        title="Round notes",
        filename="notes.txt",
        content_type="text/plain",
        size=5,
    )
    document.file.save("notes.txt", ContentFile(b"notes"), save=False)
    document.save()
    return closed, document


def test_young_expert_who_declined_a_closed_dialogue_no_longer_reaches_it(
    login, personas, closed_with_document
):
    closed, document = closed_with_document
    client = login("young_expert")
    urls = [
        f"/convenings/{closed.code}/",
        f"/convenings/{closed.code}/convening.ics",
        f"/convenings/documents/{document.code}/",
    ]
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    decline(closed, personas["young_expert"])
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    assert "Closed dialogue" not in client.get("/convenings/").content.decode()
    assert closed not in Convening.objects.visible_to(personas["young_expert"])


def test_declined_invitee_of_a_chatham_meeting_is_an_ordinary_member_there(
    login, personas, meetings
):
    chatham = meetings["chatham"]
    decline(chatham, personas["young_expert"])
    page = login("young_expert").get(f"/convenings/{chatham.code}/").content.decode()
    assert "What was said, unattributed." in page  # details, as for any member
    assert "Sekretnyi Uchastnik" not in page  # but no names any more


def test_the_predicates_agree_with_the_lists(personas, meetings):
    young = personas["young_expert"]
    closed = meetings["closed"]
    assert is_participant(young, closed)
    decline(closed, young)
    closed = Convening.objects.get(pk=closed.pk)  # the predicates cache per object
    assert not is_participant(young, closed)
    assert not young.has_perm("convenings.see_convening", closed)
    assert not young.has_perm("convenings.see_details", closed)
    assert not young.has_perm("convenings.see_names", closed)


def test_a_facilitator_who_declined_leads_nothing(login, personas):
    convening = ConveningFactory(kind="simulation", confidentiality="closed")
    place = ParticipationFactory(
        convening=convening, person=personas["mentor"].person, role="facilitator"
    )
    Scenario.objects.create(convening=convening, title="Dry summer", brief="A brief.")
    url = f"/convenings/{convening.code}/simulation/console/"
    assert login("mentor").get(url).status_code == 200
    place.invitation = Invitation.DECLINED
    place.save()
    assert not leads_it(personas["mentor"], Convening.objects.get(pk=convening.pk))
    assert login("mentor").get(url).status_code == 404


def test_a_player_who_declined_after_the_draw_plays_no_more(login, personas):
    convening = ConveningFactory(kind="simulation", confidentiality="chatham")
    place = ParticipationFactory(convening=convening, person=personas["expert"].person)
    scenario = Scenario.objects.create(convening=convening, title="Dry summer", brief="B.")
    team = Team.objects.create(scenario=scenario, name="Upstream", role_card="Keep water.")
    TeamMember.objects.create(team=team, participation=place)
    Inject.objects.create(
        scenario=scenario, order=1, planned_minute=0, title="Drought", body="Low flow."
    )
    play = f"/convenings/{convening.code}/simulation/"
    client = login("expert")
    assert 'data-testid="role-card"' in client.get(play).content.decode()
    place.invitation = Invitation.DECLINED
    place.save()
    page = client.get(play).content.decode()  # Chatham House: members see the brief
    assert 'data-testid="role-card"' not in page
    assert client.post(play, {"text": "Still here"}).status_code == 403
    teams = login("staff").get(f"/convenings/{convening.code}/simulation/teams/")
    assert "Эксперт Опытный" not in teams.content.decode()


def test_declined_convenings_leave_the_calendar_feed(login, personas, meetings):
    client = login("young_expert")
    client.post("/convenings/mine/calendar/open/")
    feed = CalendarFeed.objects.get(user=personas["young_expert"])
    decline(meetings["chatham"], personas["young_expert"])
    body = login(None).get(f"/convenings/calendar/{feed.token}.ics").content
    titles = {str(e["summary"]) for e in Calendar.from_ical(body).walk("VEVENT")}
    assert titles == {"Closed dialogue"}


def test_my_convenings_keeps_a_bare_line_for_a_declined_invitation(login, personas):
    upcoming = ConveningFactory(
        title="Track II round 7",
        kind="track2",
        confidentiality="closed",
        starts_on=datetime.date(2099, 3, 1),
        ends_on=datetime.date(2099, 3, 2),
    )
    SessionFactory(convening=upcoming, title="Water sharing options")
    ParticipationFactory(
        convening=upcoming,
        person=personas["expert"].person,
        invitation=Invitation.INVITED,
        attended=None,
    )
    client = login("expert")
    client.post(f"/convenings/{upcoming.code}/answer/", {"answer": "decline"})
    page = client.get("/convenings/mine/").content.decode()
    assert f'data-testid="declined-{upcoming.code}"' in page
    assert "Track II round 7" in page
    assert f'href="/convenings/{upcoming.code}/"' not in page  # no way in
    assert "Water sharing options" not in page
    assert client.get(f"/convenings/{upcoming.code}/").status_code == 404
    # Answers are still open: the invitee may change their mind, and is back in.
    assert 'value="accept"' in page
    client.post(f"/convenings/{upcoming.code}/answer/", {"answer": "accept"})
    assert client.get(f"/convenings/{upcoming.code}/").status_code == 200


def test_declined_invitees_are_not_among_the_names_shown(login, personas, meetings):
    public = meetings["public"]
    decline(public, personas["mentor"])
    expert_page = login("expert").get(f"/convenings/{public.code}/").content.decode()
    assert "Nastavnik Testov" not in expert_page
    staff_page = login("staff").get(f"/convenings/{public.code}/").content.decode()
    assert "Nastavnik Testov" in staff_page  # staff see every answer
