"""Signed-in sessions: tracked without secrets, ended on time, on request and on every change
of who someone is allowed to be."""

import hashlib
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import login as django_login
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.forms import MultiWidget
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from kenesh.access import services
from kenesh.access.models import Role, UserSession
from kenesh.access.sessions import SESSION_ROW_KEY, coarse_network, device_summary
from kenesh.core.models import AuditEntry
from kenesh.core.testing.personas import PASSWORD

FIREFOX_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
)
EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0"
)
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


@pytest.fixture(autouse=True)
def _one_step_sign_in(settings):
    """These tests are about sessions, not the second step: administrators sign in with a
    password here (the two-step tests cover the rest)."""
    settings.KENESH_MFA_REQUIRED = False


def rows_of(user):
    return UserSession.objects.filter(user=user)


def signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


# --- what a session row holds ----------------------------------------------------------


def test_device_is_summarised_as_browser_and_system_families():
    assert device_summary(FIREFOX_ON_WINDOWS) == "Firefox, Windows"
    assert device_summary(EDGE) == "Edge, Windows"
    assert device_summary(SAFARI_ON_IPHONE) == "Safari, iOS"
    assert device_summary("curl/8.5.0") == "curl"
    assert device_summary("") == ""
    assert len(device_summary("x" * 5000)) <= 80


def test_address_is_kept_only_as_its_network():
    assert coarse_network("203.0.113.77") == "203.0.113.0/24"
    assert coarse_network("2001:db8:1234:5678::1") == "2001:db8:1234::/48"
    assert coarse_network("::ffff:198.51.100.9") == "198.51.100.0/24"
    assert coarse_network("not an address") == ""


def test_signing_in_records_the_session_without_its_key_or_full_address(personas):
    expert = personas["expert"]
    request = RequestFactory().get(
        "/", HTTP_USER_AGENT=FIREFOX_ON_WINDOWS, REMOTE_ADDR="203.0.113.77"
    )
    request.session = SessionStore()
    django_login(request, expert, backend="django.contrib.auth.backends.ModelBackend")
    request.session.save()

    row = rows_of(expert).get()
    key = request.session.session_key
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {row.key_hash, row.device, row.network}
    assert row.device == "Firefox, Windows"
    assert row.network == "203.0.113.0/24"
    assert request.session[SESSION_ROW_KEY] == str(row.code)


def test_signing_in_through_the_login_page_starts_a_tracked_session(client, personas):
    response = client.post(
        "/login/",
        {"username": "expert", "password": PASSWORD},
        HTTP_USER_AGENT=SAFARI_ON_IPHONE,
    )
    assert response.status_code == 302
    assert rows_of(personas["expert"]).get().device == "Safari, iOS"
    assert client.get("/").status_code == 200


def test_signing_in_clears_rows_of_sessions_that_ran_out(personas):
    expert = personas["expert"]
    signed_in(expert)
    rows_of(expert).update(last_seen_at=timezone.now() - timedelta(days=2))
    signed_in(expert)
    assert rows_of(expert).count() == 1


def test_signing_in_again_in_the_same_browser_keeps_one_row(personas):
    expert = personas["expert"]
    request = RequestFactory().get("/")
    request.session = SessionStore()
    for _attempt in range(2):
        django_login(request, expert, backend="django.contrib.auth.backends.ModelBackend")
    row = rows_of(expert).get()
    assert request.session[SESSION_ROW_KEY] == str(row.code)


def test_signing_out_ends_the_session_row(personas):
    client = signed_in(personas["expert"])
    assert rows_of(personas["expert"]).count() == 1
    client.post("/logout/")
    assert not rows_of(personas["expert"]).exists()


# --- timeouts --------------------------------------------------------------------------


def test_idle_session_ends_with_a_message_on_the_login_page(personas, settings):
    settings.KENESH_SESSION_IDLE_MINUTES = 60
    client = signed_in(personas["expert"])
    client.get("/")
    later = timezone.now() + timedelta(minutes=61)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.get("/people/")
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=/people/")
        page = client.get(response["Location"]).content.decode()
    assert "Your session ended after 60 minutes without activity" in page
    assert not rows_of(personas["expert"]).exists()
    assert client.get("/").status_code == 302  # signed out for good


def test_session_used_within_the_idle_limit_goes_on(personas, settings):
    settings.KENESH_SESSION_IDLE_MINUTES = 60
    client = signed_in(personas["expert"])
    later = timezone.now() + timedelta(minutes=59)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert client.get("/").status_code == 200


def test_session_ends_at_the_absolute_limit_even_when_busy(personas, settings):
    settings.KENESH_SESSION_MAX_HOURS = 12
    client = signed_in(personas["expert"])
    rows_of(personas["expert"]).update(
        created_at=timezone.now() - timedelta(hours=12, minutes=1), last_seen_at=timezone.now()
    )
    response = client.get("/", follow=True)
    assert "Your session ended 12 hours after you signed in" in response.content.decode()
    assert response.redirect_chain[-1][0].startswith("/login/")


def test_timeout_message_is_in_the_users_language(personas, settings):
    settings.KENESH_SESSION_IDLE_MINUTES = 5
    client = signed_in(personas["expert"])
    rows_of(personas["expert"]).update(last_seen_at=timezone.now() - timedelta(minutes=6))

    # The message is made while the user's language is active (the catalogue itself is
    # the translators'): record which language that was.
    def in_active_language(singular, plural, n):
        return f"[{translation.get_language()}] {plural}"

    with mock.patch("kenesh.access.sessions.ngettext", side_effect=in_active_language):
        response = client.get("/", follow=True, HTTP_ACCEPT_LANGUAGE="ru")
    assert "[ru] Your session ended after 5 minutes" in response.content.decode()


def test_last_seen_is_written_at_most_once_a_minute(personas):
    client = signed_in(personas["expert"])
    row = rows_of(personas["expert"]).get()
    half_a_minute_ago = timezone.now() - timedelta(seconds=30)
    rows_of(personas["expert"]).update(last_seen_at=half_a_minute_ago)
    client.get("/")
    row.refresh_from_db()
    assert row.last_seen_at == half_a_minute_ago
    rows_of(personas["expert"]).update(last_seen_at=timezone.now() - timedelta(minutes=2))
    client.get("/")
    row.refresh_from_db()
    assert timezone.now() - row.last_seen_at < timedelta(seconds=5)


def test_session_whose_row_is_gone_is_refused_with_a_message(personas):
    client = signed_in(personas["expert"])
    rows_of(personas["expert"]).delete()
    response = client.get("/", follow=True)
    assert "Your session has ended. Please sign in again." in response.content.decode()
    assert client.get("/").status_code == 302


def test_htmx_request_of_an_ended_session_reloads_the_login_page(personas):
    client = signed_in(personas["expert"])
    rows_of(personas["expert"]).delete()
    response = client.get("/people/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/login/")


# --- ending a user's sessions when who they are changes --------------------------------


def admin_form_data(response, **changes) -> dict:
    """The admin change form as the page filled it in, with ``changes``."""
    form = response.context["adminform"].form
    data = {}
    for name, bound in form.fields.items():
        field = form[name]
        value = field.value()
        widget = bound.widget
        if isinstance(widget, MultiWidget):
            for index, part in enumerate(widget.decompress(value)):
                data[f"{name}_{index}"] = widget.widgets[index].format_value(part) or ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def change_in_back_office(admin_client, user, **changes):
    url = f"/admin/access/user/{user.pk}/change/"
    data = admin_form_data(admin_client.get(url), **changes)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()


def test_role_change_ends_every_session_of_the_user(personas):
    expert = personas["expert"]
    laptop, phone = signed_in(expert), signed_in(expert)
    administrator = signed_in(personas["administrator"])

    change_in_back_office(administrator, expert, role=Role.MENTOR)

    assert expert.role == Role.MENTOR
    assert not rows_of(expert).exists()
    for device in (laptop, phone):
        assert device.get("/").status_code == 302
    entry = AuditEntry.objects.get(action="access.sessions.ended", target_code=str(expert.code))
    assert entry.actor == personas["administrator"]
    assert entry.data == {"reason": services.ROLE_CHANGED, "count": 2}
    assert administrator.get("/").status_code == 200  # the administrator's own goes on


def test_deactivation_ends_every_session_of_the_user(personas):
    expert = personas["expert"]
    laptop = signed_in(expert)
    administrator = signed_in(personas["administrator"])

    change_in_back_office(administrator, expert, is_active=False)

    assert not expert.is_active
    assert not rows_of(expert).exists()
    assert laptop.get("/").status_code == 302
    assert AuditEntry.objects.get(action="access.sessions.ended").data["reason"] == (
        services.DEACTIVATED
    )


def test_editing_a_name_leaves_the_sessions_alone(personas):
    expert = personas["expert"]
    laptop = signed_in(expert)
    change_in_back_office(signed_in(personas["administrator"]), expert, first_name="Renamed")
    assert expert.first_name == "Renamed"
    assert laptop.get("/").status_code == 200
    assert not AuditEntry.objects.filter(action="access.sessions.ended").exists()


def test_password_set_by_an_administrator_ends_every_session_of_the_user(personas):
    expert = personas["expert"]
    laptop = signed_in(expert)
    administrator = signed_in(personas["administrator"])
    new_password = "a-new-long-password-9"
    response = administrator.post(
        f"/admin/access/user/{expert.pk}/password/",
        {"password1": new_password, "password2": new_password, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert not rows_of(expert).exists()
    assert laptop.get("/").status_code == 302
    entry = AuditEntry.objects.get(action="access.sessions.ended")
    assert entry.data == {"reason": services.PASSWORD_SET_BY_OTHER, "count": 1}
    assert new_password not in str(entry.data)
    assert administrator.get("/").status_code == 200


def test_own_password_change_keeps_this_session_and_ends_the_others(personas):
    expert = personas["expert"]
    here, elsewhere = signed_in(expert), signed_in(expert)
    new_password = "a-new-long-password-9"
    response = here.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert here.get("/sessions/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    # The other session's row is gone too, and its ending is in the audit trail.
    assert UserSession.objects.filter(user=expert).count() == 1
    entry = AuditEntry.objects.get(action="access.sessions.ended")
    assert entry.data == {"reason": services.PASSWORD_CHANGED, "count": 1}


def test_ending_sessions_also_deletes_djangos_session_records(personas):
    expert = personas["expert"]
    laptop = signed_in(expert)
    key = laptop.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    services.end_sessions(user=expert, by=personas["administrator"], reason="test")
    assert not Session.objects.filter(session_key=key).exists()


# --- the pages -------------------------------------------------------------------------


def test_expert_sees_own_sessions_with_this_one_marked(personas):
    expert = personas["expert"]
    here = signed_in(expert)
    signed_in(expert)
    page = here.get("/sessions/")
    assert page.status_code == 200
    assert len(page.context["sessions"]) == 2
    html = page.content.decode()
    assert html.count('data-testid="current-session"') == 1
    assert html.count('name="session"') == 1  # the current one has no End button


def test_expert_ends_the_other_sessions_and_keeps_this_one(personas):
    expert = personas["expert"]
    here, elsewhere, third = signed_in(expert), signed_in(expert), signed_in(expert)
    response = here.post("/sessions/", {"end": "all"}, follow=True)
    assert "2 sessions ended." in response.content.decode()
    assert rows_of(expert).count() == 1
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    assert third.get("/").status_code == 302
    entry = AuditEntry.objects.get(action="access.sessions.ended")
    assert entry.actor == expert
    assert entry.data == {"reason": services.ENDED_BY_USER, "count": 2}


def test_expert_ends_one_other_session(personas):
    expert = personas["expert"]
    here, elsewhere = signed_in(expert), signed_in(expert)
    other = rows_of(expert).exclude(code=here.session[SESSION_ROW_KEY]).get()
    response = here.post("/sessions/", {"session": str(other.code)}, follow=True)
    assert "The session was ended." in response.content.decode()
    assert elsewhere.get("/").status_code == 302
    assert here.get("/").status_code == 200


@pytest.mark.parametrize("value", ["", "not-a-code", "00000000-0000-0000-0000-000000000000"])
def test_ending_an_unknown_session_changes_nothing_and_says_so(personas, value):
    expert = personas["expert"]
    here, elsewhere = signed_in(expert), signed_in(expert)
    response = here.post("/sessions/", {"session": value}, follow=True)
    assert response.status_code == 200
    assert "That session has already ended" in response.content.decode()
    assert rows_of(expert).count() == 2
    assert elsewhere.get("/").status_code == 200
    assert not AuditEntry.objects.filter(action="access.sessions.ended").exists()


def test_nobody_ends_someone_elses_session_from_their_own_page(personas):
    mentor_device = signed_in(personas["mentor"])
    mentor_row = rows_of(personas["mentor"]).get()
    expert = signed_in(personas["expert"])
    response = expert.post("/sessions/", {"session": str(mentor_row.code)}, follow=True)
    assert "That session has already ended" in response.content.decode()
    assert mentor_device.get("/").status_code == 200


def test_own_current_session_cannot_be_ended_from_the_list(personas):
    here = signed_in(personas["expert"])
    response = here.post("/sessions/", {"session": here.session[SESSION_ROW_KEY]}, follow=True)
    assert "That session has already ended" in response.content.decode()
    assert here.get("/").status_code == 200


def test_administrator_sees_and_ends_a_users_sessions(personas):
    expert = personas["expert"]
    laptop, phone = signed_in(expert), signed_in(expert)
    administrator = signed_in(personas["administrator"])
    url = f"/users/{expert.code}/sessions/"

    page = administrator.get(url)
    assert page.status_code == 200
    assert len(page.context["sessions"]) == 2
    assert f"/admin/access/user/{expert.pk}/change/" in page.content.decode()

    one = rows_of(expert).get(code=laptop.session[SESSION_ROW_KEY])
    administrator.post(url, {"session": str(one.code)})
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 200

    response = administrator.post(url, {"end": "all"}, follow=True)
    assert "1 session ended." in response.content.decode()
    assert phone.get("/").status_code == 302
    reasons = AuditEntry.objects.filter(action="access.sessions.ended").values_list("data", "actor")
    assert (
        list(reasons)
        == [({"reason": services.ENDED_BY_STAFF, "count": 1}, personas["administrator"].pk)] * 2
    )


def test_users_change_page_links_to_their_sessions(personas):
    expert = personas["expert"]
    page = signed_in(personas["administrator"]).get(f"/admin/access/user/{expert.pk}/change/")
    assert f"/users/{expert.code}/sessions/" in page.content.decode()


@pytest.mark.parametrize("persona", ["staff", "mentor", "expert", "observer"])
def test_only_administrators_manage_other_users_sessions(personas, persona):
    expert = personas["expert"]
    signed_in(expert)
    client = signed_in(personas[persona])
    url = f"/users/{expert.code}/sessions/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"end": "all"}).status_code == 403
    assert rows_of(expert).exists()


def test_unknown_user_is_404_for_an_administrator(personas):
    response = signed_in(personas["administrator"]).get(
        "/users/00000000-0000-0000-0000-000000000000/sessions/"
    )
    assert response.status_code == 404


def test_ending_sessions_needs_the_csrf_token(personas):
    expert = personas["expert"]
    here = Client(enforce_csrf_checks=True)
    here.login(username="expert", password=PASSWORD)
    signed_in(expert)
    assert here.post("/sessions/", {"end": "all"}).status_code == 403
    assert rows_of(expert).count() == 2


def test_anonymous_visitor_is_sent_to_login_from_the_sessions_page(client, db):
    response = client.get("/sessions/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# --- a tampered or replayed cookie -------------------------------------------------------


@pytest.mark.parametrize(
    "tamper",
    [
        lambda key: key[:-1] + ("a" if key[-1] != "a" else "b"),  # one character changed
        lambda key: key + "x",  # longer than any key
        lambda key: "",  # emptied
        lambda key: "../" + key,  # not a key's alphabet
        # Not ASCII: UTF-8 bytes as a WSGI server passes them on (decoded as Latin-1).
        lambda key: ("\u0436" * 16).encode().decode("latin-1"),
    ],
)
def test_a_tampered_session_cookie_is_a_stranger_and_changes_nothing(personas, tamper):
    client = signed_in(personas["expert"])
    key = client.cookies["sessionid"].value
    rows_before = set(UserSession.objects.values_list("pk", "last_seen_at"))
    stranger = Client()
    stranger.cookies["sessionid"] = tamper(key)
    response = stranger.get("/people/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert stranger.post("/people/new/", {"name": "Forged"}).status_code in (302, 403)
    assert set(UserSession.objects.values_list("pk", "last_seen_at")) == rows_before
    assert client.get("/people/").status_code == 200  # the real session goes on


def test_a_cookie_replayed_after_logout_is_refused(personas):
    client = signed_in(personas["expert"])
    key = client.cookies["sessionid"].value
    client.post("/logout/")
    thief = Client()
    thief.cookies["sessionid"] = key
    response = thief.get("/people/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert not rows_of(personas["expert"]).exists()
