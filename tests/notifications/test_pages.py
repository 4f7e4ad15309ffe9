"""The notifications page, the unread count in the header, the settings page, the
one-click unsubscribe, and the outbox staff read."""

import pytest
from django.test import Client
from django.utils import timezone

from kenesh.notifications import links, services
from kenesh.notifications.models import Delivery, Kind, Message, Notice

pytestmark = pytest.mark.django_db


def notice(user, text="Your paper moved", **fields):
    return Notice.objects.create(user=user, kind=Kind.PAPER, text=text, url="/papers/", **fields)


def test_the_header_counts_unread_notices_and_the_page_marks_them_read(personas, login):
    user = personas["expert"]
    first, second = notice(user, "First news"), notice(user, "Second news")
    notice(personas["mentor"], "Someone else's news")
    client = login("expert")
    page = client.get("/notifications/").content.decode()
    assert 'data-testid="unread-count">2<' in page
    assert "First news" in page and "Second news" in page
    assert "Someone else" not in page
    response = client.post("/notifications/read/", {"notice": first.pk})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    badge = client.get("/notifications/unread/").content.decode()
    assert 'data-testid="unread-count">1<' in badge
    # htmx marks one as read and gets the header's count back.
    swapped = client.post("/notifications/read/", {"notice": second.pk}, HTTP_HX_REQUEST="true")
    assert 'hx-swap-oob="true"' in swapped.content.decode()
    assert Notice.objects.filter(user=user, read_at__isnull=True).count() == 0


def test_no_one_marks_another_users_notice(personas, login):
    theirs = notice(personas["mentor"])
    client = login("expert")
    for bad in (theirs.pk, "abc", 10**9):
        response = client.post("/notifications/read/", {"notice": bad})
        assert response.status_code in (400, 404)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_as_read(personas, login):
    user = personas["expert"]
    for i in range(3):
        notice(user, f"News {i}")
    login("expert").post("/notifications/read/")
    assert not Notice.objects.filter(user=user, read_at__isnull=True).exists()


def test_settings_choose_per_kind_and_refuse_what_cannot_be_chosen(personas, login):
    client = login("expert")
    page = client.get("/notifications/settings/").content.decode()
    assert "Invitations to convenings" in page
    assert "Your account" not in page  # mail one must receive is not offered
    data = {
        "language": "ru",
        "time_zone": "Asia/Tashkent",
        **{f"kind_{k}": "weekly" for k in ("invitation", "reminder", "date_poll", "review",
                                            "paper", "activity")},
    }  # fmt: skip
    assert client.post("/notifications/settings/", data).status_code == 302
    delivery = Delivery.objects.get(user=personas["expert"])
    assert delivery.language == "ru" and delivery.time_zone == "Asia/Tashkent"
    assert delivery.frequency_of(Kind.INVITATION) == "weekly"
    assert delivery.frequency_of(Kind.ACCOUNT) == "now"
    for bad in ({"time_zone": "Mars/Olympus"}, {"kind_invitation": "hourly"},
                {"language": "xx"}):  # fmt: skip
        response = client.post("/notifications/settings/", {**data, **bad})
        assert response.status_code == 400
    delivery.refresh_from_db()
    assert delivery.time_zone == "Asia/Tashkent"
    assert delivery.frequency_of(Kind.INVITATION) == "weekly"


def _unsubscribe_path(user, kind):
    return services.unsubscribe_url(user, kind).split("://", 1)[1].split("/", 1)[1]


def test_one_click_unsubscribe_stops_that_kind_only(personas):
    user = personas["expert"]
    path = "/" + _unsubscribe_path(user, Kind.REMINDER)
    client = Client(enforce_csrf_checks=True)
    assert client.get(path).status_code == 200
    assert not Delivery.objects.filter(user=user).exists()
    # What a mail program sends (RFC 8058): no CSRF token, the one-click body.
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    delivery = Delivery.objects.get(user=user)
    assert delivery.frequency_of(Kind.REMINDER) == "never"
    assert delivery.frequency_of(Kind.INVITATION) == "now"


def test_any_other_unsubscribe_post_needs_the_csrf_token(personas):
    path = "/" + _unsubscribe_path(personas["expert"], Kind.REMINDER)
    response = Client(enforce_csrf_checks=True).post(path, {"title": "forged"})
    assert response.status_code == 403
    assert not Delivery.objects.filter(user=personas["expert"]).exists()


def test_a_forged_or_mandatory_unsubscribe_is_refused(personas):
    user = personas["expert"]
    path = "/" + _unsubscribe_path(user, Kind.REMINDER)
    altered = path[:-5] + ("xxxx/" if not path.endswith("xxxx/") else "yyyy/")
    assert Client().post(altered, {"List-Unsubscribe": "One-Click"}).status_code == 400
    token = links.make(action="unsubscribe", target=str(user.code), choice=Kind.ACCOUNT,
                       until=timezone.now() + links.LONGEST)  # fmt: skip
    response = Client().post(f"/notifications/unsubscribe/{token}/",
                             {"List-Unsubscribe": "One-Click"})  # fmt: skip
    assert response.status_code == 400
    assert not Delivery.objects.filter(user=user).exists()


def test_staff_read_the_outbox_and_send_a_failed_message_again(personas, login):
    failed = Message.objects.create(kind=Kind.INVITATION, to="a@example.org", language="en",
                                    subject="Invitation: Water talks", text="Hello",
                                    status=Message.Status.FAILED, attempts=4,
                                    last_error="SMTPServerDisconnected")  # fmt: skip
    Message.objects.create(kind=Kind.REMINDER, to="b@example.org", language="ru",
                           subject="Tomorrow: Water talks", text="Hi",
                           status=Message.Status.SENT)  # fmt: skip
    client = login("staff")
    page = client.get("/notifications/outbox/?status=failed").content.decode()
    assert "Invitation: Water talks" in page and "Tomorrow: Water talks" not in page
    detail = client.get(f"/notifications/outbox/{failed.code}/").content.decode()
    assert "SMTPServerDisconnected" in detail
    assert client.post(f"/notifications/outbox/{failed.code}/retry/").status_code == 302
    failed.refresh_from_db()
    assert failed.status in (Message.Status.QUEUED, Message.Status.SENT)
    assert failed.attempts <= 1
    # A message that did not fail is not sent again.
    sent = Message.objects.get(status=Message.Status.SENT, to="b@example.org")
    assert client.post(f"/notifications/outbox/{sent.code}/retry/").status_code == 409
    for role in ("expert", "mentor", "young_expert", "observer"):
        assert login(role).get("/notifications/outbox/").status_code == 403
