"""The database unreachable: a plain 503 with Retry-After, one warning, nothing half-written."""

import logging

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

from kenesh.papers.models import PaperVersion
from tests.papers.conftest import paper  # noqa: F401 (a fixture)

MESSAGE = "The platform cannot reach its database just now; nothing was saved."


def assert_clean_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert MESSAGE in page
    assert "Traceback" not in page and "<link" not in page  # a plain page, no stylesheet


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_view_that_loses_the_database_answers_503(login, monkeypatch, caplog, error):
    client = login("staff")
    from kenesh.core import views

    def down(request):
        raise error("server closed the connection unexpectedly")

    monkeypatch.setattr(views, "render", lambda *args, **kwargs: down(None))
    with caplog.at_level(logging.WARNING):
        response = client.get("/")
    assert_clean_503(response)
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(records) == 1, [r.getMessage() for r in records]
    assert records[0].levelno == logging.WARNING and records[0].exc_info is None
    assert "Database unavailable" in records[0].getMessage()


def test_a_middleware_that_loses_the_database_answers_503(login, monkeypatch, caplog):
    """A signed-in request reads its session row in a middleware, before any view."""
    client = login("staff")
    from kenesh.access import sessions

    def down(request):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(sessions, "current_row", down)
    client.raise_request_exception = False  # Django's handler turned it into a response
    with caplog.at_level(logging.WARNING):
        response = client.get("/")
    assert_clean_503(response)
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(records) == 1, [r.getMessage() for r in records]
    assert records[0].exc_info is None


def test_the_page_is_in_the_visitors_language(login, monkeypatch):
    from kenesh.core import views

    def down(*args, **kwargs):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(views, "render", down)
    response = login("staff").get("/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 503
    assert '<html lang="' in response.content.decode()


def test_other_errors_stay_server_errors(login, monkeypatch):
    from kenesh.core import views

    def broken(*args, **kwargs):
        raise ValueError("a bug, not the database")

    monkeypatch.setattr(views, "render", broken)
    client = login("staff")
    client.raise_request_exception = False
    assert client.get("/").status_code == 500


def test_healthz_answers_503_while_the_database_is_down(client, monkeypatch):
    def down(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_a_save_cut_off_by_the_database_writes_nothing(login, paper, monkeypatch):  # noqa: F811
    """The connection drops after the new version's row was written, before the audit
    entry: the page says nothing was saved, and indeed nothing was."""
    from kenesh.papers import services

    def down(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(services, "log_action", down)
    response = login("young_expert").post(
        f"/papers/{paper.code}/edit/", {"body": "A second draft.", "base": 1}
    )
    assert_clean_503(response)
    assert list(PaperVersion.objects.filter(paper=paper).values_list("number", flat=True)) == [1]


def test_kept_connections_are_checked_before_use(monkeypatch):
    """After a restart, a kept connection is dead: it must be checked before a request."""
    import importlib

    from kenesh import settings as module

    monkeypatch.setenv("KENESH_DB_CONN_MAX_AGE", "60")
    try:
        database = importlib.reload(module).DATABASES["default"]
        assert database["CONN_MAX_AGE"] == 60 and database["CONN_HEALTH_CHECKS"] is True
    finally:
        monkeypatch.delenv("KENESH_DB_CONN_MAX_AGE")
        importlib.reload(module)
