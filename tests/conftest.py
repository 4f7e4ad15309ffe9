import os

import pytest
from django.test import Client

from kenesh.core.testing.personas import PASSWORD, make_persona
from tests.factories import PersonFactory


def required(kind: str) -> bool:
    """CI sets KENESH_REQUIRE_BROWSER / _POSTGRES / _AXE (axe-core for the accessibility
    audit, installed by npm): a skip there is a failure."""
    return os.environ.get(f"KENESH_REQUIRE_{kind.upper()}", "") not in {"", "0"}


def skip_or_fail(kind: str, reason: str):
    if required(kind):
        pytest.fail(f"{reason} (KENESH_REQUIRE_{kind.upper()} is set, so this cannot skip)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _settings_cached_for_the_whole_test(monkeypatch):
    """Platform settings are cached for 30 s; a test must not see the cache expire in
    its middle (a query count would differ by one on a slow machine), nor inherit what
    an earlier, rolled-back test cached."""
    from django.core.cache import cache

    from kenesh.core import settings_store

    cache.clear()
    monkeypatch.setattr(settings_store, "_CACHE_SECONDS", None)
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _language_reset():
    """A request in Russian leaves Russian active in this thread; the next test starts
    in the platform's default language whatever the last one asked for."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hash test passwords cheaply; the real hasher is Django's default PBKDF2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def personas(db):
    """One user per role; the mentor, expert and young expert have roster profiles."""
    users = {
        name: make_persona(name)
        for name in ("administrator", "staff", "mentor", "expert", "young_expert", "observer")
    }
    PersonFactory(
        user=users["mentor"],
        name="Наставник Тестов",
        name_latin="Nastavnik Testov",
        can_mentor=True,
    )
    PersonFactory(user=users["expert"], name="Эксперт Опытный", name_latin="Ekspert Opytnyi")
    PersonFactory(
        user=users["young_expert"],
        name="Молодой Эксперт",
        name_latin="Molodoi Ekspert",
        track="emergent",
        birth_year=1999,
    )
    return users


@pytest.fixture
def login(personas):
    """``login("staff")`` gives a test client signed in as that persona."""

    def make(name: str | None) -> Client:
        client = Client()
        if name is not None:
            assert client.login(username=name, password=PASSWORD)
        return client

    return make
