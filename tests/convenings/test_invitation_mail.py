"""Invitations by mail, answerable from the mail, under each convening's confidentiality;
reminders before the meeting and before answers close, never twice, never to someone
who declined."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from kenesh.convenings import invitations, services
from kenesh.convenings.models import Invitation, Participation
from kenesh.notifications import links
from kenesh.notifications.models import Message
from tests.convenings.factories import ConveningFactory, SessionFactory
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + datetime.timedelta(days=20)


@pytest.fixture(autouse=True)
def _commit(django_capture_on_commit_callbacks):
    global _capture
    _capture = django_capture_on_commit_callbacks


def invite(convening, people, by, role="participant"):
    with _capture(execute=True):
        return services.invite_people(convening=convening, people=people, role=role, by=by)


def convening(confidentiality, **fields):
    fields.setdefault("starts_on", SOON)
    fields.setdefault("ends_on", SOON + datetime.timedelta(days=1))
    made = ConveningFactory(
        title=f"Water talks ({confidentiality})", confidentiality=confidentiality, **fields
    )
    SessionFactory(
        convening=made,
        title="Opening of the agenda",
        starts_at=datetime.datetime.combine(SOON, datetime.time(4), datetime.UTC),
    )
    return made


def people(n=3):
    return [
        PersonFactory(
            name=f"Приглашённый Гость{i}",
            name_latin=f"Priglashennyi Gost{i}",
            email=f"guest{i}@example.org",
        )
        for i in range(n)
    ]


def mail_to(address):
    [message] = [m for m in mail.outbox if m.to == [address]]
    return message


def whole(message) -> str:
    html = "".join(content for content, _type in message.alternatives)
    attachments = "".join(str(a[1]) for a in message.attachments)
    return f"{message.subject}\n{message.body}\n{html}\n{attachments}"


def links_in(message):
    return re.findall(r"https?://[^\s\"<>]+/convenings/invitation/[^\s\"<>/]+/", message.body)


@pytest.mark.parametrize("confidentiality", ["public", "chatham"])
def test_an_open_invitation_carries_the_meeting_but_no_other_name(personas, confidentiality):
    meeting = convening(confidentiality)
    guests = people()
    invite(meeting, guests, personas["staff"])
    assert len(mail.outbox) == 3
    for guest in guests:
        message = mail_to(guest.email)
        text = whole(message)
        assert meeting.title in message.subject
        assert "Opening of the agenda" in message.body
        assert [a[0] for a in message.attachments] == ["invitation.ics"]
        assert "BEGIN:VCALENDAR" in message.attachments[0][1]
        assert len(links_in(message)) == 2  # accept and decline
        for other in guests:
            if other != guest:
                assert other.name not in text and other.name_latin not in text
                assert other.email not in text
    if confidentiality == "chatham":
        assert "Chatham House" in mail.outbox[0].body


def test_a_closed_invitation_says_only_that_one_awaits(personas):
    meeting = convening("closed", kind="track2", city="Termez")
    guests = people()
    invite(meeting, guests, personas["staff"])
    for guest in guests:
        message = mail_to(guest.email)
        text = whole(message)
        assert meeting.title not in text and "Water talks" not in text
        assert "Opening of the agenda" not in text and "Termez" not in text
        assert SOON.isoformat() not in text and str(SOON.day) not in message.subject
        assert message.attachments == []
        assert links_in(message) == []
        assert "sign in" in message.body.lower()
        for other in guests:
            if other != guest:
                assert other.name not in text and other.name_latin not in text


def test_the_accept_link_answers_once_signed_out_and_a_second_click_is_harmless(personas):
    meeting = convening("chatham")
    [guest] = people(1)
    invite(meeting, [guest], personas["staff"])
    accept, decline = links_in(mail.outbox[0])
    assert "accept" not in accept  # the choice is inside the signed token, not readable
    client = Client()
    path = accept.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200 and meeting.title in page.content.decode()
    assert Participation.objects.get(person=guest).invitation == Invitation.INVITED
    answered = client.post("/" + path)
    assert answered.status_code == 200
    assert b'data-testid="answer-recorded"' in answered.content
    assert Participation.objects.get(person=guest).invitation == Invitation.ACCEPTED
    # Again, or the other link from the same mail: the answer stands.
    again = client.post("/" + path)
    assert b'data-testid="link-used"' in again.content
    other = "/" + decline.split("://", 1)[1].split("/", 1)[1]
    assert b'data-testid="link-used"' in client.post(other).content
    assert Participation.objects.get(person=guest).invitation == Invitation.ACCEPTED


def test_a_forged_or_altered_link_is_refused_and_changes_nothing(personas):
    meeting = convening("public")
    [guest] = people(1)
    invite(meeting, [guest], personas["staff"])
    accept, _decline = links_in(mail.outbox[0])
    path = "/" + accept.split("://", 1)[1].split("/", 1)[1]
    token = path.rstrip("/").rsplit("/", 1)[1]
    altered = path.replace(token, token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"))
    for bad in (altered, "/convenings/invitation/not-a-token/"):
        response = Client().post(bad)
        assert response.status_code == 400
        assert b"not valid" in response.content
    assert Participation.objects.get(person=guest).invitation == Invitation.INVITED


def test_a_link_after_answers_closed_says_so_and_stays_unspent(personas):
    meeting = convening("public", answer_by=SOON - datetime.timedelta(days=5))
    [guest] = people(1)
    invite(meeting, [guest], personas["staff"])
    accept, _decline = links_in(mail.outbox[0])
    path = "/" + accept.split("://", 1)[1].split("/", 1)[1]
    meeting.answer_by = timezone.localdate() - datetime.timedelta(days=1)
    meeting.save()
    response = Client().post(path)
    # The signature still holds, but the convening no longer takes answers.
    assert response.status_code in (400, 409)
    assert Participation.objects.get(person=guest).invitation == Invitation.INVITED


def test_an_expired_link_is_refused(personas):
    meeting = convening("public")
    [guest] = people(1)
    invite(meeting, [guest], personas["staff"])
    token = links.make(
        action=invitations.ANSWER_ACTION,
        target=f"{meeting.code}:{guest.code}",
        choice="accept",
        until=timezone.now() - datetime.timedelta(seconds=1),
    )
    response = Client().post(f"/convenings/invitation/{token}/")
    assert response.status_code == 400 and b"expired" in response.content
    assert Participation.objects.get(person=guest).invitation == Invitation.INVITED


def test_a_convening_closed_after_the_mail_is_answered_signed_in_only(personas):
    meeting = convening("public")
    [guest] = people(1)
    invite(meeting, [guest], personas["staff"])
    accept, _decline = links_in(mail.outbox[0])
    meeting.confidentiality = "closed"
    meeting.save()
    path = "/" + accept.split("://", 1)[1].split("/", 1)[1]
    response = Client().get(path)
    assert response.status_code == 400 and meeting.title.encode() not in response.content


def test_inviting_someone_without_an_address_says_so(personas, login):
    meeting = convening("public")
    guest = PersonFactory(email="", name="Безадресный Гость", name_latin="Bezadresnyi Gost")
    client = login("staff")
    with _capture(execute=True):
        response = client.post(
            f"/convenings/{meeting.code}/invite/",
            {"people": [str(guest.code)], "role": "participant"},
            follow=True,
        )
    assert response.status_code == 200
    assert "No e-mail address is known for Безадресный Гость" in response.content.decode()
    assert mail.outbox == []
    assert Message.objects.get(person=guest).status == Message.Status.FAILED


def _run(fn, **kwargs):
    with _capture(execute=True):
        return fn(**kwargs)


def test_meeting_reminders_go_once_on_their_days_and_never_to_who_declined(personas):
    today = timezone.localdate()
    meeting = convening(
        "public",
        starts_on=today + datetime.timedelta(days=7),
        ends_on=today + datetime.timedelta(days=8),
    )
    staying, leaving = people(2)
    invite(meeting, [staying, leaving], personas["staff"])
    services.answer_invitation(
        participation=Participation.objects.get(person=leaving), accept=False, by=None
    )
    mail.outbox.clear()
    assert _run(invitations.send_meeting_reminders, today=today - datetime.timedelta(days=1)) == 0
    assert _run(invitations.send_meeting_reminders, today=today) == 1
    assert _run(invitations.send_meeting_reminders, today=today) == 0
    [reminder] = mail.outbox
    assert reminder.to == [staying.email]
    assert "In 7 days" in reminder.subject
    # The day before: the second reminder, once.
    tomorrow_start = today + datetime.timedelta(days=6)
    assert _run(invitations.send_meeting_reminders, today=tomorrow_start) == 1
    assert _run(invitations.send_meeting_reminders, today=tomorrow_start) == 0
    assert "Tomorrow" in mail.outbox[-1].subject
    assert all(m.to == [staying.email] for m in mail.outbox)


def test_a_closed_meetings_reminder_names_nothing(personas):
    today = timezone.localdate()
    meeting = convening(
        "closed",
        starts_on=today + datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=1),
    )
    [guest] = people(1)
    invite(meeting, [guest], personas["staff"])
    mail.outbox.clear()
    _run(invitations.send_meeting_reminders, today=today)
    [reminder] = mail.outbox
    assert meeting.title not in whole(reminder)
    assert "Opening of the agenda" not in whole(reminder)


def test_unanswered_invitations_are_reminded_once_before_answers_close(personas):
    today = timezone.localdate()
    meeting = convening("public", answer_by=today + datetime.timedelta(days=2))
    waiting, answered = people(2)
    invite(meeting, [waiting, answered], personas["staff"])
    services.answer_invitation(
        participation=Participation.objects.get(person=answered), accept=True, by=None
    )
    mail.outbox.clear()
    assert _run(invitations.send_answer_reminders, today=today) == 1
    assert _run(invitations.send_answer_reminders, today=today) == 0
    [reminder] = mail.outbox
    assert reminder.to == [waiting.email]
    assert len(links_in(reminder)) == 2


def test_a_session_reminder_setting_is_checked(personas, login):
    from kenesh.convenings.forms import ConveningForm

    meeting = convening("public")
    for bad in ("seven", "0", "1,2,3,4,5,6", "90"):
        form = ConveningForm(
            {
                "kind": "rcwg",
                "title": "T",
                "starts_on": SOON,
                "ends_on": SOON,
                "confidentiality": "public",
                "reminder_days": bad,
            },
            instance=meeting,
            user=personas["staff"],
        )
        assert not form.is_valid() and "reminder_days" in form.errors
