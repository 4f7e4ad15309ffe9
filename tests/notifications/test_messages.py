"""Every message goes through one service: rendered in the recipient's language, sent
multipart through a real SMTP server, recorded, tried again when the server refuses or
does not answer, and never sent twice."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from kenesh.notifications import services
from kenesh.notifications.models import Delivery, Kind, Message, Notice
from kenesh.people.models import Language
from tests.factories import PersonFactory
from tests.smtp import html_of, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (queueing the mail) as each test's steps commit."""
    global _capture
    _capture = django_capture_on_commit_callbacks


def send(**kwargs):
    with _capture(execute=True):
        return services.send(**kwargs)


def retry_message(**kwargs):
    with _capture(execute=True):
        return services.retry_message(**kwargs)


TEMPLATE = "convenings/mail/reminder"


def _context(convening_title="Border water forum"):
    from tests.convenings.factories import ConveningFactory

    convening = ConveningFactory(
        title=convening_title,
        starts_on=datetime.date(2030, 5, 1),
        ends_on=datetime.date(2030, 5, 2),
    )
    return {
        "convening": convening,
        "closed": False,
        "days_left": 7,
        "sessions": [],
        "platform_url": "http://example.test/",
    }


def _later(minutes):
    return timezone.now() + datetime.timedelta(minutes=minutes)


def test_a_message_goes_out_multipart_with_unsubscribe_and_is_recorded(smtp, personas):
    person = personas["expert"].person
    message = send(to=person, kind=Kind.REMINDER, template=TEMPLATE, context=_context(), key="k1")
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.attempts == 1
    [received] = smtp.received
    assert received["To"] == personas["expert"].email or received["To"] == person.email
    assert "Border water forum" in received["Subject"]
    assert "Border water forum" in text_of(received)
    assert "<html" in html_of(received)
    assert str(received["List-Unsubscribe"]).strip().startswith("<http")
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The recipient also sees it in the platform.
    assert Notice.objects.filter(user=personas["expert"], kind=Kind.REMINDER).count() == 1


def test_a_russian_reader_gets_russian(smtp, db):
    person = PersonFactory(email="ru@example.org")
    person.languages.set([Language.objects.get_or_create(code="ru")[0]])
    send(to=person, kind=Kind.REMINDER, template=TEMPLATE, context=_context())
    [received] = smtp.received
    assert "Через 7 дней" in received["Subject"]
    assert "Напоминаем" in text_of(received) or "встреча" in text_of(received)


def test_the_same_key_is_never_sent_twice(smtp, personas):
    person = personas["expert"].person
    for _ in range(3):
        send(to=person, kind=Kind.REMINDER, template=TEMPLATE, context=_context(), key="once")
    assert len(smtp.received) == 1
    assert Message.objects.filter(key="once").count() == 1


def test_a_server_that_refuses_for_now_is_tried_again_then_delivers(smtp, personas):
    smtp.refuse("451 4.3.0 Try again later")
    message = send(
        to=personas["expert"].person, kind=Kind.REMINDER, template=TEMPLATE, context=_context()
    )
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED
    assert message.attempts == 1 and "451" in message.last_error
    assert message.next_attempt_at > timezone.now()
    # Not yet due: nothing is queued again.
    assert services.retry_due_messages() == 0
    smtp.refuse(None)
    Message.objects.filter(pk=message.pk).update(next_attempt_at=_later(-1))
    assert services.retry_due_messages() == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.attempts == 2
    assert len(smtp.received) == 1
    # Nothing is due any more, and nothing goes out twice.
    assert services.retry_due_messages() == 0
    assert len(smtp.received) == 1


def test_a_server_that_refuses_for_good_fails_at_once_and_staff_can_send_again(smtp, personas):
    smtp.refuse("550 5.1.1 No such mailbox")
    message = send(
        to=personas["expert"].person, kind=Kind.REMINDER, template=TEMPLATE, context=_context()
    )
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED and message.attempts == 1
    assert "550" in message.last_error
    assert services.retry_due_messages() == 0
    smtp.refuse(None)
    retry_message(message=message, by=personas["staff"])
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert len(smtp.received) == 1


def test_a_server_that_does_not_answer_is_given_up_after_the_last_attempt(smtp, personas, settings):
    settings.EMAIL_TIMEOUT = 0.5
    smtp.delay(1.5)
    message = send(
        to=personas["expert"].person, kind=Kind.REMINDER, template=TEMPLATE, context=_context()
    )
    for _ in range(services.MAX_ATTEMPTS - 1):
        message.refresh_from_db()
        assert message.status == Message.Status.QUEUED, message.last_error
        Message.objects.filter(pk=message.pk).update(next_attempt_at=_later(-1))
        services.retry_due_messages()
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.attempts == services.MAX_ATTEMPTS
    assert "timed out" in message.last_error.lower() or "timeout" in message.last_error.lower()


def test_a_message_left_sending_by_a_dead_worker_is_queued_again(smtp, personas):
    smtp.refuse("451 later")
    message = send(
        to=personas["expert"].person, kind=Kind.REMINDER, template=TEMPLATE, context=_context()
    )
    smtp.refuse(None)
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENDING, next_attempt_at=_later(-1)
    )
    assert services.retry_due_messages() == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT


def test_a_person_without_an_address_is_recorded_as_failed_and_nothing_is_sent(db):
    person = PersonFactory(email="")
    assert send(to=person, kind=Kind.REMINDER, template=TEMPLATE, context=_context()) is None
    message = Message.objects.get(person=person)
    assert message.status == Message.Status.FAILED
    assert "No e-mail address" in message.last_error
    assert mail.outbox == []


def test_a_kind_kept_for_the_digest_or_never_mailed_stays_in_the_platform(personas):
    user = personas["expert"]
    Delivery.objects.create(
        user=user, frequencies={Kind.REMINDER: "daily", Kind.INVITATION: "never"}
    )
    assert (
        send(to=user.person, kind=Kind.REMINDER, template=TEMPLATE, context=_context(), key="held")
        is None
    )
    assert send(to=user.person, kind=Kind.INVITATION, template=TEMPLATE, context=_context()) is None
    assert mail.outbox == []
    held = Notice.objects.get(user=user, kind=Kind.REMINDER)
    assert held.digested_at is None  # the digest carries it
    assert Notice.objects.filter(user=user, kind=Kind.INVITATION).exists()
    # A held message keeps its key, so it is not made again either.
    assert Message.objects.get(key="held").status == Message.Status.HELD
    assert (
        send(to=user.person, kind=Kind.REMINDER, template=TEMPLATE, context=_context(), key="held")
        is None
    )
    assert Notice.objects.filter(user=user, kind=Kind.REMINDER).count() == 1


def test_mail_one_must_receive_comes_whatever_was_chosen(personas):
    user = personas["expert"]
    Delivery.objects.create(user=user, frequencies={Kind.ACCOUNT: "never"})
    send(to=user, kind=Kind.ACCOUNT, template=TEMPLATE, context=_context())
    [sent] = mail.outbox
    assert "List-Unsubscribe" not in sent.extra_headers
