"""Staff give roster people a sign-in from the roster: a mailed, signed, expiring link to
set a password, the account linked to the person; role changes (the staff and
administrator roles by administrators only), deactivation and reactivation. Every refusal
says why and changes nothing."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from kenesh.access.models import User, UserSession
from kenesh.core.models import AuditEntry
from kenesh.notifications.models import Message
from kenesh.people import accounts
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a long and unusual passphrase 7"


@pytest.fixture
def guest(personas):
    return PersonFactory(name="Гостья Приглашённая", name_latin="Gostya Priglashennaya",
                         email="Guest.One@Example.org")  # fmt: skip


@pytest.fixture
def invite(login, django_capture_on_commit_callbacks):
    def post(person, role="expert", as_role="staff", **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return login(as_role).post(
                f"/people/{person.code}/account/", {"action": "invite", "role": role, **extra}
            )

    return post


def link_in(message) -> str:
    [link] = re.findall(r"https?://[^\s\"<>]+(/people/welcome/[^\s\"<>/]+/)", message.body)
    return link


def state(person) -> dict:
    person.refresh_from_db()
    user = person.user
    return {
        "user": user and (user.username, user.role, user.is_active, user.has_usable_password()),
        "audit": AuditEntry.objects.filter(target_code=str(person.code)).count(),
        "mail": len(mail.outbox),
    }


def test_staff_invite_a_person_who_sets_a_password_and_signs_in(guest, invite):
    response = invite(guest, role="mentor")
    assert response.status_code == 302
    guest.refresh_from_db()
    user = guest.user
    assert (user.username, user.email, user.role) == (
        "guest.one@example.org", "guest.one@example.org", "mentor",
    )  # fmt: skip
    assert not user.has_usable_password() and user.is_active
    [message] = mail.outbox
    assert message.to == ["guest.one@example.org"]
    assert "guest.one@example.org" in message.body and "7" in message.body
    link = link_in(message)
    page = Client().get(link)
    assert page.status_code == 200 and b"guest.one@example.org" in page.content
    assert not User.objects.get(pk=user.pk).has_usable_password()  # GET changed nothing
    done = Client().post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/login/"
    client = Client()
    assert client.login(username="guest.one@example.org", password=NEW_PASSWORD)
    assert client.get("/people/me/").status_code == 302  # their own profile
    actions = list(AuditEntry.objects.filter(target_code=str(guest.code)).values_list(
        "action", flat=True).order_by("pk"))  # fmt: skip
    assert actions == ["people.account.invited", "people.account.activated"]


def test_a_used_link_is_refused_and_changes_nothing(guest, invite):
    invite(guest)
    link = link_in(mail.outbox[0])
    Client().post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    guest.refresh_from_db()
    hashed = User.objects.get(pk=guest.user_id).password
    again = Client().post(
        link, {"password1": "another passphrase 99", "password2": "another passphrase 99"}
    )
    assert again.status_code == 400 and "already set" in again.content.decode()
    assert Client().get(link).status_code == 400
    assert User.objects.get(pk=guest.user_id).password == hashed


def test_a_new_link_replaces_the_older_one(guest, invite):
    invite(guest)
    invite(guest)
    first, second = (link_in(m) for m in mail.outbox)
    assert first != second
    assert Client().get(first).status_code == 400
    assert Client().get(second).status_code == 200


def test_an_expired_or_altered_link_is_refused(guest, invite, monkeypatch):
    invite(guest)
    link = link_in(mail.outbox[0])
    later = timezone.now() + datetime.timedelta(days=accounts.LINK_DAYS, hours=1)
    with monkeypatch.context() as patched:
        patched.setattr(timezone, "now", lambda: later)
        response = Client().post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 400 and b"expired" in response.content
    guest.refresh_from_db()
    altered = link[:-6] + ("A" if link[-6] != "A" else "B") + link[-5:]
    assert Client().get(altered).status_code == 400
    assert not User.objects.get(pk=guest.user_id).has_usable_password()


def test_weak_or_differing_passwords_are_refused_and_the_link_still_works(guest, invite):
    invite(guest)
    link = link_in(mail.outbox[0])
    guest.refresh_from_db()
    weak = Client().post(link, {"password1": "123", "password2": "123"})
    assert weak.status_code == 400 and "too short" in weak.content.decode()
    differ = Client().post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert differ.status_code == 400 and "differ" in differ.content.decode()
    assert not User.objects.get(pk=guest.user_id).has_usable_password()
    assert Client().get(link).status_code == 200


def test_bad_invitations_say_why_and_change_nothing(personas, invite):
    no_mail = PersonFactory(email="")
    before = state(no_mail)
    response = invite(no_mail)
    assert response.status_code == 409 and "no e-mail address" in response.content.decode()
    assert state(no_mail) == before
    taken = PersonFactory(email="Taken@example.org")
    User.objects.create_user(username="taken@example.org")
    response = invite(taken)
    assert response.status_code == 409 and "already signs in as" in response.content.decode()
    withdrawn = PersonFactory(withdrawn_at=timezone.now())
    assert invite(withdrawn).status_code == 409 and state(withdrawn)["user"] is None


def test_only_administrators_give_staff_roles(guest, invite):
    before = state(guest)
    response = invite(guest, role="staff")
    assert response.status_code == 403
    assert "Only administrators" in response.content.decode()
    assert state(guest) == before
    assert invite(guest, role="staff", as_role="administrator").status_code == 302
    assert state(guest)["user"][1] == "staff"


def test_an_unknown_role_or_action_is_refused(guest, invite, login):
    assert invite(guest, role="emperor", as_role="administrator").status_code == 400
    response = login("staff").post(f"/people/{guest.code}/account/", {"action": "explode"})
    assert response.status_code == 400 and state(guest)["user"] is None


@pytest.fixture
def active(guest, invite):
    invite(guest)
    guest.refresh_from_db()
    user = guest.user
    user.set_password(NEW_PASSWORD)
    user.save()
    return guest


def post(client, person, **data):
    return client.post(f"/people/{person.code}/account/", data)


def test_staff_change_a_role_and_the_sessions_end(active, login):
    signed_in = Client()
    assert signed_in.login(username=active.user.username, password=NEW_PASSWORD)
    UserSession.objects.create(user=active.user, key_hash="x" * 64, created_at=timezone.now(),
                               last_seen_at=timezone.now())  # fmt: skip
    response = post(login("staff"), active, action="role", role="observer")
    assert response.status_code == 302
    assert state(active)["user"][1] == "observer"
    assert not UserSession.objects.filter(user=active.user).exists()
    entry = AuditEntry.objects.filter(action="people.account.role_changed").get()
    assert entry.data == {"from": "expert", "role": "observer"}


def test_staff_cannot_touch_staff_accounts_nor_their_own(personas, login, active):
    staff_person = PersonFactory(user=personas["administrator"])
    for target in (staff_person,):
        for data in ({"action": "role", "role": "expert"}, {"action": "deactivate"}):
            response = post(login("staff"), target, **data)
            assert response.status_code == 403
            assert "Only administrators" in response.content.decode()
    assert User.objects.get(username="administrator").is_active
    own = PersonFactory(user=personas["staff"])
    response = post(login("staff"), own, action="deactivate")
    assert response.status_code == 403 and User.objects.get(username="staff").is_active
    response = post(login("staff"), active, action="role", role="administrator")
    assert response.status_code == 403 and state(active)["user"][1] == "expert"


def test_deactivate_and_reactivate(active, login):
    staff = login("staff")
    assert post(staff, active, action="deactivate").status_code == 302
    assert state(active)["user"][2] is False
    assert not Client().login(username=active.user.username, password=NEW_PASSWORD)
    again = post(staff, active, action="deactivate")
    assert again.status_code == 409 and "already" in again.content.decode()
    assert post(staff, active, action="reactivate").status_code == 302
    assert Client().login(username=active.user.username, password=NEW_PASSWORD)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"people.account.deactivated", "people.account.reactivated"} <= actions


@pytest.mark.parametrize(
    "role,status",
    [(None, 302), ("observer", 403), ("expert", 403), ("mentor", 403), ("young_expert", 403),
     ("staff", 200), ("administrator", 200)],
)  # fmt: skip
def test_the_account_page_is_for_staff(role, status, guest, login):
    response = login(role).get(f"/people/{guest.code}/account/")
    assert response.status_code == status
    if status == 200:
        assert "Invite to sign in" in response.content.decode()


def test_the_page_is_in_russian(guest, login):
    client = login("staff")
    client.cookies["django_language"] = "ru"
    body = client.get(f"/people/{guest.code}/account/").content.decode()
    assert "Пригласить" in body


def test_the_outbox_never_shows_a_working_link(guest, invite, login):
    invite(guest)
    message = Message.objects.get()
    assert "/people/welcome/" in message.text
    page = login("staff").get(f"/notifications/outbox/{message.code}/").content.decode()
    assert "/people/welcome/…/" in page
    assert link_in(mail.outbox[0]) not in page
