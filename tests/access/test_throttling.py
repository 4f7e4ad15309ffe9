"""Repeated failed sign-ins lock one account from one address, and no one else."""

import pytest
from django.test import Client

from kenesh.core.testing.personas import PASSWORD


@pytest.fixture(autouse=True)
def _no_second_step(settings):
    settings.KENESH_MFA_REQUIRED = False


def attempt(username, password, address="203.0.113.5", **headers):
    client = Client(REMOTE_ADDR=address)
    return client.post("/login/", {"username": username, "password": password}, **headers)


def test_five_wrong_passwords_lock_that_account_from_that_address(personas):
    for _ in range(4):
        assert attempt("expert", "wrong").status_code == 200
    response = attempt("expert", "wrong")
    assert response.status_code == 429
    # Even the right password is refused now, with a clear page.
    response = attempt("expert", PASSWORD, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 429
    assert "Слишком много" in response.content.decode() or "too many" in response.content.decode()


def test_the_lock_holds_no_one_else(personas):
    for _ in range(5):
        attempt("expert", "wrong")
    assert attempt("expert", PASSWORD, address="198.51.100.7").status_code == 302
    assert attempt("mentor", PASSWORD).status_code == 302


def test_the_lock_ends_after_the_cool_off(personas, settings):
    settings.AXES_COOLOFF_TIME = 0.00001  # hours: well under a second
    for _ in range(5):
        attempt("expert", "wrong")
    import time

    time.sleep(0.1)
    assert attempt("expert", PASSWORD).status_code == 302


def test_behind_a_trusted_proxy_the_client_address_is_the_one_locked(personas, settings):
    settings.KENESH_TRUSTED_PROXIES = ["10.0.0.0/8"]
    for _ in range(5):
        attempt("expert", "wrong", address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    locked = attempt("expert", PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert locked.status_code == 429
    # Another client behind the same proxy still signs in.
    other = attempt("expert", PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert other.status_code == 302


def test_a_forged_forwarded_header_from_outside_changes_nothing(personas, settings):
    settings.KENESH_TRUSTED_PROXIES = ["10.0.0.0/8"]
    for n in range(5):
        attempt("expert", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert attempt("expert", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429
