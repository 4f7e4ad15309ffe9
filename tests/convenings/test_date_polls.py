"""Finding a date: staff propose times, invitees from five countries mark them in their
own zones from a link or the platform, staff choose and the convening's dates follow.
A closed meeting's poll names neither the meeting nor anyone taking part."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kenesh.convenings import poll_services
from kenesh.convenings.models import Invitation
from kenesh.convenings.poll_models import DatePoll, Slot, SlotAnswer
from kenesh.convenings.templatetags.poll_times import slot_label
from kenesh.core.models import AuditEntry
from kenesh.notifications import links
from kenesh.notifications.models import Delivery, Message
from tests.convenings.factories import ConveningFactory, ParticipationFactory
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

MAY_12 = datetime.datetime(2026, 5, 12, 5, 0, tzinfo=datetime.UTC)


def soon(days, hour=5):
    day = timezone.now().date() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), datetime.UTC)


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def run(convening, by):
        with django_capture_on_commit_callbacks(execute=True):
            return poll_services.send_poll(convening=convening, by=by)

    return run


def meeting(confidentiality="public", **fields):
    fields.setdefault("starts_on", timezone.now().date() + datetime.timedelta(days=60))
    fields.setdefault("ends_on", fields["starts_on"])
    return ConveningFactory(
        title=f"Water talks ({confidentiality})", confidentiality=confidentiality, **fields
    )


def invitees(convening):
    """One invitee from each country of the region, each named so a leak shows."""
    people = {}
    for country in ("AF", "KG", "KZ", "TJ", "UZ"):
        person = PersonFactory(
            country=country,
            name=f"Гость {country}",
            name_latin=f"Guest {country}",
            email=f"guest-{country.lower()}@example.org",
        )
        ParticipationFactory(
            convening=convening, person=person, invitation=Invitation.INVITED, attended=None
        )
        people[country] = person
    return people


def with_slots(convening, staff, *starts):
    poll_services.propose_slots(
        convening=convening,
        slots=[(s, s + datetime.timedelta(hours=2)) for s in starts],
        by=staff,
    )
    return list(DatePoll.objects.get(convening=convening).slots.all())


def whole(message) -> str:
    html = "".join(content for content, _type in message.alternatives)
    return f"{message.subject}\n{message.body}\n{html}"


def link_for(convening, person, **overrides):
    poll = convening.date_poll
    fields = {
        "action": poll_services.LINK_ACTION,
        "target": f"{poll.code}:{person.code}",
        "until": timezone.now() + datetime.timedelta(days=30),
    }
    fields.update(overrides)
    return reverse("convenings:poll-link", kwargs={"token": links.make(**fields)})


# Zones -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Asia/Kabul", "09:30–11:30 (Asia/Kabul, UTC+04:30)"),
        ("Asia/Tashkent", "10:00–12:00 (Asia/Tashkent, UTC+05:00)"),
        ("Asia/Dushanbe", "10:00–12:00 (Asia/Dushanbe, UTC+05:00)"),
        ("Asia/Almaty", "10:00–12:00 (Asia/Almaty, UTC+05:00)"),
        ("Asia/Bishkek", "11:00–13:00 (Asia/Bishkek, UTC+06:00)"),
        ("UTC", "05:00–07:00 (UTC)"),
    ],
)
def test_each_zone_comes_from_the_time_zone_database(zone, expected):
    label = slot_label(MAY_12, MAY_12 + datetime.timedelta(hours=2), zone)
    assert label == f"Tue 12 May 2026, {expected}"


def test_kazakhstan_was_on_utc_plus_six_before_2024():
    then = datetime.datetime(2023, 5, 12, 5, 0, tzinfo=datetime.UTC)
    assert "UTC+06:00" in slot_label(then, then + datetime.timedelta(hours=1), "Asia/Almaty")


# Proposing -------------------------------------------------------------------------


def test_a_time_in_the_past_is_refused_and_nothing_is_written(personas):
    convening = meeting()
    past = timezone.now() - datetime.timedelta(hours=1)
    with pytest.raises(ValidationError, match="passed"):
        poll_services.propose_slots(
            convening=convening, slots=[(past, past + datetime.timedelta(hours=2))],
            by=personas["staff"],
        )  # fmt: skip
    assert not Slot.objects.exists()


def test_a_time_ending_before_it_starts_or_a_thirteenth_is_refused(personas):
    convening = meeting()
    start = soon(10)
    with pytest.raises(ValidationError, match="end after"):
        poll_services.propose_slots(
            convening=convening, slots=[(start, start - datetime.timedelta(hours=1))],
            by=personas["staff"],
        )  # fmt: skip
    with pytest.raises(ValidationError, match="at most 12"):
        with_slots(convening, personas["staff"], *[soon(10 + i) for i in range(13)])
    assert not Slot.objects.exists()


def test_staff_propose_a_time_in_a_zone_of_their_choosing(login, personas):
    convening = meeting()
    day = timezone.now().date() + datetime.timedelta(days=20)
    response = login("staff").post(
        reverse("convenings:poll", kwargs={"code": convening.code}),
        {"day": day.isoformat(), "starts_at": "10:00", "ends_at": "12:00", "zone": "Asia/Kabul"},
    )
    assert response.status_code == 302
    [slot] = Slot.objects.all()
    assert slot.starts_at == datetime.datetime.combine(day, datetime.time(5, 30), datetime.UTC)


def test_staff_proposing_a_past_day_see_why(login, personas):
    convening = meeting()
    response = login("staff").post(
        reverse("convenings:poll", kwargs={"code": convening.code}),
        {"day": "2020-01-01", "starts_at": "10:00", "ends_at": "12:00", "zone": "UTC"},
    )
    assert response.status_code == 200
    assert "has passed already" in response.content.decode()
    assert not Slot.objects.exists()


# Sending ---------------------------------------------------------------------------


def test_each_invitee_gets_one_mail_in_their_own_zone(personas, send):
    convening = meeting("chatham")
    people = invitees(convening)
    declined = PersonFactory(email="declined@example.org")
    ParticipationFactory(convening=convening, person=declined, invitation=Invitation.DECLINED)
    with_slots(convening, personas["staff"], MAY_12.replace(year=MAY_12.year + 1))
    assert send(convening, personas["staff"]) == 5
    assert send(convening, personas["staff"]) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people.values())
    by_address = {m.to[0]: whole(m) for m in mail.outbox}
    assert "09:30–11:30 (Asia/Kabul, UTC+04:30)" in by_address["guest-af@example.org"]
    assert "11:00–13:00 (Asia/Bishkek, UTC+06:00)" in by_address["guest-kg@example.org"]
    assert "(Asia/Almaty, UTC+05:00)" in by_address["guest-kz@example.org"]
    assert "(UTC)" in by_address["guest-tj@example.org"]
    for address, text in by_address.items():
        assert "Water talks (chatham)" in text
        others = [p for p in people.values() if p.email != address]
        assert not any(p.name in text or p.name_latin in text for p in others)
    assert Message.objects.filter(key__startswith="poll:").count() == 5


def test_a_closed_meeting_poll_names_neither_the_meeting_nor_anyone(personas, send):
    convening = meeting("closed", kind="track2")
    people = invitees(convening)
    with_slots(convening, personas["staff"], soon(20))
    send(convening, personas["staff"])
    assert len(mail.outbox) == 5
    for message in mail.outbox:
        text = whole(message)
        assert "Water talks" not in text
        assert "A meeting of the programme needs a date" in text
        assert "/convenings/poll/" in text
        others = [p for p in people.values() if p.email != message.to[0]]
        assert not any(p.name in text or p.name_latin in text for p in others)


def test_a_poll_whose_times_have_all_passed_is_not_sent(personas, send):
    convening = meeting()
    invitees(convening)
    poll = DatePoll.objects.create(convening=convening)
    past = timezone.now() - datetime.timedelta(days=1)
    Slot.objects.create(poll=poll, starts_at=past, ends_at=past + datetime.timedelta(hours=1))
    with pytest.raises(ValidationError, match="passed"):
        send(convening, personas["staff"])
    assert not mail.outbox


# Answering -------------------------------------------------------------------------


def test_answering_twice_is_harmless(personas):
    convening = meeting()
    people = invitees(convening)
    slots = with_slots(convening, personas["staff"], soon(10), soon(11))
    place = people["UZ"].participations.get()
    answers = {slots[0]: "yes", slots[1]: "maybe"}
    assert poll_services.answer_poll(participation=place, answers=answers, by=None) == 2
    assert poll_services.answer_poll(participation=place, answers=answers, by=None) == 0
    assert SlotAnswer.objects.count() == 2
    assert AuditEntry.objects.filter(action="convenings.date_poll.answered").count() == 1


def test_a_past_time_cannot_be_answered(personas):
    convening = meeting()
    people = invitees(convening)
    poll = DatePoll.objects.create(convening=convening)
    past = timezone.now() - datetime.timedelta(hours=3)
    slot = Slot.objects.create(poll=poll, starts_at=past, ends_at=past + datetime.timedelta(1))
    place = people["KG"].participations.get()
    with pytest.raises(ValidationError, match="passed"):
        poll_services.answer_poll(participation=place, answers={slot: "yes"}, by=None)
    assert not SlotAnswer.objects.exists()


def test_the_link_shows_the_person_zone_and_answers_once(personas):
    convening = meeting("closed", kind="track2")
    people = invitees(convening)
    [slot] = with_slots(convening, personas["staff"], soon(15))
    url = link_for(convening, people["AF"])
    client = Client()
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "(Asia/Kabul, UTC+04:30)" in body and "(UTC)" in body
    assert "<fieldset" in body and "<legend>" in body
    assert "Water talks" not in body and "Guest KG" not in body
    assert not SlotAnswer.objects.exists()  # a GET answers nothing
    field = f"slot-{slot.code}"
    assert client.post(url, {field: "yes"}).status_code == 200
    assert SlotAnswer.objects.get().answer == "yes"
    again = client.post(url, {field: "no"})
    assert again.status_code == 410
    assert "used already" in again.content.decode()
    assert SlotAnswer.objects.get().answer == "yes"


@pytest.mark.parametrize(
    ("overrides", "status", "words"),
    [
        ({"until": timezone.now() - datetime.timedelta(minutes=1)}, 410, "expired"),
        ({"action": "invitation"}, 400, "something else"),
        ({"target": "not-a-poll:nobody"}, 400, "something else"),
    ],
)
def test_an_expired_or_wrong_link_is_refused_and_writes_nothing(personas, overrides, status, words):
    convening = meeting()
    people = invitees(convening)
    [slot] = with_slots(convening, personas["staff"], soon(15))
    url = link_for(convening, people["TJ"], **overrides)
    response = Client().post(url, {f"slot-{slot.code}": "yes"})
    assert response.status_code == status
    assert words in response.content.decode()
    assert not SlotAnswer.objects.exists()


def test_a_forged_link_is_refused_and_writes_nothing(personas):
    convening = meeting()
    people = invitees(convening)
    [slot] = with_slots(convening, personas["staff"], soon(15))
    url = link_for(convening, people["TJ"])
    forged = url[:-6] + ("AAAAA/" if not url.endswith("AAAAA/") else "BBBBB/")
    response = Client().post(forged, {f"slot-{slot.code}": "yes"})
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert not SlotAnswer.objects.exists()


def test_someone_who_declined_cannot_use_their_link(personas):
    convening = meeting()
    people = invitees(convening)
    [slot] = with_slots(convening, personas["staff"], soon(15))
    url = link_for(convening, people["KZ"])
    people["KZ"].participations.update(invitation=Invitation.DECLINED)
    assert Client().post(url, {f"slot-{slot.code}": "yes"}).status_code == 400
    assert not SlotAnswer.objects.exists()


# Choosing --------------------------------------------------------------------------


def test_staff_choice_moves_the_dates_by_the_convening_zone(personas):
    convening = meeting(country="KG")
    invitees(convening)
    # 20:00 UTC is 02:00 the next day in Bishkek.
    late = soon(30, hour=20)
    slots = with_slots(convening, personas["staff"], soon(25), late)
    poll_services.choose_slot(poll=convening.date_poll, slot=slots[1], by=personas["staff"])
    convening.refresh_from_db()
    next_day = late.date() + datetime.timedelta(days=1)
    assert (convening.starts_on, convening.ends_on) == (next_day, next_day)
    poll = DatePoll.objects.get()
    assert poll.is_closed and poll.chosen_slot == slots[1]
    place = convening.participations.first()
    with pytest.raises(ValidationError, match="closed"):
        poll_services.answer_poll(participation=place, answers={slots[0]: "yes"}, by=None)
    assert AuditEntry.objects.filter(action="convenings.date_poll.slot_chosen").exists()


def test_a_past_time_cannot_be_chosen(personas):
    convening = meeting()
    before = (convening.starts_on, convening.ends_on)
    poll = DatePoll.objects.create(convening=convening)
    past = timezone.now() - datetime.timedelta(hours=3)
    slot = Slot.objects.create(poll=poll, starts_at=past, ends_at=past + datetime.timedelta(1))
    with pytest.raises(ValidationError, match="passed"):
        poll_services.choose_slot(poll=poll, slot=slot, by=personas["staff"])
    convening.refresh_from_db()
    assert (convening.starts_on, convening.ends_on) == before
    assert not DatePoll.objects.get().is_closed


def test_staff_choose_from_their_page(login, personas):
    convening = meeting()
    [slot] = with_slots(convening, personas["staff"], soon(40))
    response = login("staff").post(
        reverse("convenings:poll-choose", kwargs={"code": convening.code}),
        {"slot": str(slot.code)},
    )
    assert response.status_code == 302
    convening.refresh_from_db()
    assert convening.starts_on == slot.starts_at.date()


# Who sees what ---------------------------------------------------------------------


@pytest.fixture
def polls(personas, send):
    """A Chatham House and a closed meeting, each with its poll sent; the young expert
    is invited to both, and a named outsider has answered yes everywhere."""
    made = {}
    for confidentiality in ("chatham", "closed"):
        convening = meeting(confidentiality)
        ParticipationFactory(
            convening=convening, person=personas["young_expert"].person,
            invitation=Invitation.INVITED, attended=None,
        )  # fmt: skip
        outsider = PersonFactory(name="Секретный Участник", name_latin="Sekretnyi Uchastnik")
        place = ParticipationFactory(convening=convening, person=outsider, attended=None)
        slots = with_slots(convening, personas["staff"], soon(15), soon(16))
        poll_services.answer_poll(participation=place, answers=dict.fromkeys(slots, "yes"), by=None)
        send(convening, personas["staff"])
        made[confidentiality] = convening
    return made


def test_invitees_see_counts_of_an_open_meeting_but_never_names(login, polls):
    client = login("young_expert")
    body = client.get(
        reverse("convenings:poll-answer", kwargs={"code": polls["chatham"].code})
    ).content.decode()
    assert "1 yes" in body
    assert "Sekretnyi" not in body and "Секретный" not in body


def test_invitees_of_a_closed_meeting_see_only_their_own_answers(login, polls):
    client = login("young_expert")
    url = reverse("convenings:poll-answer", kwargs={"code": polls["closed"].code})
    slot = polls["closed"].date_poll.slots.first()
    assert client.post(url, {f"slot-{slot.code}": "maybe"}).status_code == 302
    body = client.get(url).content.decode()
    assert "Your answer: If need be" in body
    assert "1 yes" not in body
    assert "Sekretnyi" not in body and "Секретный" not in body


def test_staff_see_who_answered_a_closed_meeting(login, polls):
    body = (
        login("staff")
        .get(reverse("convenings:poll", kwargs={"code": polls["closed"].code}))
        .content.decode()
    )
    assert "Секретный Участник" in body


def test_a_signed_in_invitee_reads_times_in_the_zone_they_chose(login, personas, polls):
    Delivery.objects.create(user=personas["young_expert"], time_zone="Asia/Kabul")
    body = (
        login("young_expert")
        .get(reverse("convenings:poll-answer", kwargs={"code": polls["chatham"].code}))
        .content.decode()
    )
    assert "(Asia/Kabul, UTC+04:30)" in body
    assert "(UTC)" in body


@pytest.mark.parametrize(
    ("persona", "page", "chatham", "closed"),
    [
        (None, "poll", 302, 302),
        (None, "poll-answer", 302, 302),
        ("observer", "poll", 403, 403),
        ("observer", "poll-answer", 403, 404),
        ("expert", "poll", 403, 403),
        ("expert", "poll-answer", 403, 404),
        ("young_expert", "poll", 403, 403),
        ("young_expert", "poll-answer", 200, 200),
        ("staff", "poll", 200, 200),
        ("staff", "poll-answer", 302, 302),
    ],
)
def test_who_may_open_the_poll_pages(login, polls, persona, page, chatham, closed):
    client = login(persona)
    for confidentiality, status in (("chatham", chatham), ("closed", closed)):
        url = reverse(f"convenings:{page}", kwargs={"code": polls[confidentiality].code})
        assert client.get(url).status_code == status, (confidentiality, url)


@pytest.mark.parametrize("page", ["poll-send", "poll-choose", "poll-withdraw"])
def test_only_staff_change_a_poll(login, polls, page):
    convening = polls["chatham"]
    slot = convening.date_poll.slots.first()
    url = reverse(f"convenings:{page}", kwargs={"code": convening.code})
    for persona in ("observer", "expert", "young_expert"):
        assert login(persona).post(url, {"slot": str(slot.code)}).status_code == 403
    assert Slot.objects.filter(pk=slot.pk).exists()
    assert not DatePoll.objects.get(pk=convening.date_poll.pk).is_closed


def test_an_invitee_with_no_poll_sent_is_told_there_is_none(login, personas):
    convening = meeting()
    ParticipationFactory(
        convening=convening, person=personas["young_expert"].person,
        invitation=Invitation.INVITED, attended=None,
    )  # fmt: skip
    with_slots(convening, personas["staff"], soon(15))  # proposed, not sent
    response = login("young_expert").get(
        reverse("convenings:poll-answer", kwargs={"code": convening.code})
    )
    assert response.status_code == 200
    assert "There is no date poll" in response.content.decode()
    assert "<fieldset" not in response.content.decode()


def test_choosing_with_no_poll_or_a_foreign_slot_changes_nothing(login, personas):
    convening, other = meeting(), meeting()
    [foreign] = with_slots(other, personas["staff"], soon(15))
    client = login("staff")
    url = reverse("convenings:poll-choose", kwargs={"code": convening.code})
    assert client.post(url, {"slot": str(foreign.code)}).status_code == 302
    assert client.post(url, {"slot": "not-a-code"}).status_code == 302
    assert not DatePoll.objects.filter(closed_at__isnull=False).exists()


def test_an_empty_answer_from_the_link_does_not_use_it_up(personas):
    convening = meeting()
    people = invitees(convening)
    [slot] = with_slots(convening, personas["staff"], soon(15))
    url = link_for(convening, people["UZ"])
    client = Client()
    refused = client.post(url, {})
    assert refused.status_code == 400
    assert "Mark at least one time" in refused.content.decode()
    assert client.post(url, {f"slot-{slot.code}": "no"}).status_code == 200
    assert SlotAnswer.objects.get().answer == "no"


def test_a_time_over_two_days_spaces_the_dash_between_its_dates():
    label = slot_label(MAY_12, MAY_12 + datetime.timedelta(days=1), "UTC")
    assert label == "Tue 12 May 2026, 05:00\u00a0– Wed 13 May 2026, 05:00 (UTC)"
