"""Passwords are hashed with Argon2; older PBKDF2 hashes still work and are upgraded."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import make_password
from django.test import Client

from kenesh.access.models import User


@pytest.fixture
def real_hashers(settings):
    # tests/conftest.py hashes with MD5 for speed; these tests use the platform's own list.
    import kenesh.settings as platform

    settings.PASSWORD_HASHERS = list(platform.PASSWORD_HASHERS)
    settings.KENESH_MFA_REQUIRED = False
    return settings.PASSWORD_HASHERS


def test_argon2_comes_first(real_hashers):
    assert real_hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in real_hashers
    assert make_password("a long passphrase").startswith("argon2$")


def test_an_old_pbkdf2_password_signs_in_and_is_rehashed_with_argon2(real_hashers, db):
    old = make_password("an older passphrase", hasher="pbkdf2_sha256")
    user = User.objects.create(username="veteran", password=old)
    response = Client().post("/login/", {"username": "veteran", "password": "an older passphrase"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert real_hashers == django_settings.PASSWORD_HASHERS
