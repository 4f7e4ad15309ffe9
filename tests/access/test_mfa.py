"""Two-step sign-in: an authenticator app and recovery codes, required of staff."""

import time
from binascii import unhexlify

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kenesh.access import mfa
from kenesh.core.models import AuditEntry
from kenesh.core.testing.personas import PASSWORD


@pytest.fixture(autouse=True)
def _two_step_required(settings):
    settings.KENESH_MFA_REQUIRED = True


def code_for(hex_key: str, *, steps_ahead: int = 0) -> str:
    totp = TOTP(unhexlify(hex_key), step=30, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def sign_in_with_password(username: str) -> tuple[Client, object]:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    return client, response


def enrol(client) -> tuple[str, list[str]]:
    """Set up an authenticator on the two-step page; (its key, the recovery codes)."""
    client.get("/two-step/")
    key = client.session[mfa.OFFERED_KEY]
    response = client.post("/two-step/", {"action": "enrol", "code": code_for(key)})
    assert response.status_code == 200, response.content.decode()[:500]
    return key, list(response.context["codes"])


def test_an_expert_turns_on_two_step_sign_in_and_then_needs_a_code(personas):
    client, response = sign_in_with_password("expert")
    assert response["Location"] == "/"
    page = client.get("/two-step/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "http" not in body.split("<svg", 1)[1].split("</svg>")[0].replace(
        "http://www.w3.org/2000/svg", ""
    )
    assert page.context["secret_text"].replace(" ", "")
    key, codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert AuditEntry.objects.filter(action="access.two_step.enabled").count() == 1
    assert key not in str(list(AuditEntry.objects.values_list("data", flat=True)))

    second, response = sign_in_with_password("expert")
    assert response["Location"].startswith("/login/code/")
    # Between the steps, no page opens.
    assert second.get("/people/")["Location"].startswith("/login/code/?next=%2Fpeople%2F")
    device = TOTPDevice.objects.get(user=personas["expert"])
    device.last_t = -1  # the enrolment used this time step's code
    device.save()
    response = second.post("/login/code/", {"code": code_for(key), "next": "/people/"})
    assert response.status_code == 302 and response["Location"] == "/people/"
    assert second.get("/people/").status_code == 200


def test_a_reused_or_wrong_code_is_refused_and_changes_nothing(personas):
    client, _ = sign_in_with_password("expert")
    key, _codes = enrol(client)
    used = code_for(key)  # the enrolment's own code
    second, _ = sign_in_with_password("expert")
    response = second.post("/login/code/", {"code": used})
    assert response.status_code == 200
    assert "has been used already" in response.content.decode()
    assert second.get("/")["Location"].startswith("/login/code/")
    response = second.post("/login/code/", {"code": "not a code"})
    assert "not right" in response.content.decode()
    assert StaticToken.objects.filter(device__user=personas["expert"]).count() == 10


def test_a_recovery_code_signs_in_once(personas):
    client, _ = sign_in_with_password("mentor")
    _key, codes = enrol(client)
    first, _ = sign_in_with_password("mentor")
    response = first.post("/login/code/", {"code": codes[0].upper()})
    assert response.status_code == 302
    assert first.get("/").status_code == 200
    assert StaticToken.objects.filter(device__user=personas["mentor"]).count() == 9
    again, _ = sign_in_with_password("mentor")
    response = again.post("/login/code/", {"code": codes[0]}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert again.get("/")["Location"].startswith("/login/code/")


def test_the_session_key_changes_at_the_password_and_again_at_the_code(personas):
    client, _ = sign_in_with_password("expert")
    key, _codes = enrol(client)
    second = Client()
    second.get("/login/")
    before = second.cookies.get("sessionid")
    second.post("/login/", {"username": "expert", "password": PASSWORD})
    after_password = second.session.session_key
    assert before is None or before.value != after_password
    device = TOTPDevice.objects.get(user=personas["expert"])
    device.last_t = -1
    device.save()
    second.post("/login/code/", {"code": code_for(key)})
    assert second.session.session_key != after_password
    assert second.get("/").status_code == 200


def test_staff_without_an_authenticator_must_set_one_up_first(personas):
    client, response = sign_in_with_password("staff")
    assert response["Location"].startswith("/two-step/")
    for path in ("/", "/people/", "/admin/", "/password/"):
        assert client.get(path)["Location"].startswith("/two-step/?next=")
    assert client.get("/healthz").status_code == 200
    page = client.get("/two-step/")
    assert "must use two-step sign-in" in page.content.decode()
    # Nothing else opens yet, so the menu offers nothing.
    assert page.context["nav_entries"] == []
    response = client.post("/two-step/", {"action": "enrol", "code": "000000"})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=personas["staff"]).exists()
    enrol(client)
    assert client.get("/people/").status_code == 200
    assert client.get("/admin/").status_code == 302  # the back office: administrators only


def test_an_administrator_signed_in_elsewhere_is_held_too(personas, client):
    client.force_login(personas["administrator"])
    assert client.get("/admin/")["Location"].startswith("/two-step/")


def test_two_step_is_turned_off_only_with_a_current_code(personas):
    client, _ = sign_in_with_password("expert")
    _key, codes = enrol(client)
    response = client.post("/two-step/", {"action": "disable", "disable-code": "123456"})
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=personas["expert"]).exists()
    response = client.post("/two-step/", {"action": "disable", "disable-code": codes[3]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=personas["expert"]).exists()
    assert not StaticToken.objects.filter(device__user=personas["expert"]).exists()
    assert AuditEntry.objects.filter(action="access.two_step.disabled").count() == 1
    _client, response = sign_in_with_password("expert")
    assert response["Location"] == "/"


def test_new_recovery_codes_replace_the_old_ones(personas):
    client, _ = sign_in_with_password("expert")
    key, old = enrol(client)
    response = client.post(
        "/two-step/", {"action": "renew", "renew-code": code_for(key, steps_ahead=1)}
    )
    assert response.status_code == 200
    new = response.context["codes"]
    stored = set(
        StaticToken.objects.filter(device__user=personas["expert"]).values_list("token", flat=True)
    )
    assert stored == set(new) and not stored & set(old)
    assert AuditEntry.objects.filter(action="access.two_step.recovery_codes_renewed").exists()


def test_an_unknown_action_is_refused(login):
    assert login("expert").post("/two-step/", {"action": "explode"}).status_code == 400


def test_wrong_codes_at_the_second_step_lock_the_account_and_address(personas):
    client, _ = sign_in_with_password("expert")
    enrol(client)
    second, _ = sign_in_with_password("expert")
    device = TOTPDevice.objects.get(user=personas["expert"])
    for _attempt in range(5):
        device.throttle_reset()
        response = second.post("/login/code/", {"code": "zzzzzzzz"})
    assert response.status_code == 429
    # The codes tried are not kept in the record of failures.
    assert "zzzzzzzz" not in str(list(AccessAttempt.objects.values_list("post_data", flat=True)))
    assert AccessAttempt.objects.get().failures_since_start == 5
    assert "too many failed attempts" in response.content.decode()
    # The partly signed-in session is ended.
    assert second.get("/")["Location"].startswith("/login/")
    _third, response = sign_in_with_password("expert")
    assert response.status_code == 429
