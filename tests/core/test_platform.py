"""Platform-wide promises: health check, demo label, no outside assets, settings."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import kenesh

PACKAGE = Path(kenesh.__file__).parent


def test_healthz_answers_json(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body == {"status": "ok", "version": body["version"], "database": body["database"]}
    assert response.json()["database"] in {"sqlite", "postgresql"}


def test_healthz_reports_a_broken_database(client, db, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    with monkeypatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", broken)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


EXTERNAL = re.compile(r"""(src|href)\s*=\s*["'](https?:)?//""", re.IGNORECASE)


def test_no_template_loads_anything_from_another_host():
    offenders = []
    for template in PACKAGE.rglob("templates/**/*.html"):
        for number, line in enumerate(template.read_text().splitlines(), 1):
            if EXTERNAL.search(line):
                offenders.append(f"{template.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_pages_reference_only_local_assets(login):
    page = login("staff").get("/people/diversity/").content.decode()
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page)
    assert assets
    assert all(not re.match(r"(https?:)?//", url) for url in assets), assets


def test_static_assets_are_served_by_the_platform(login, db):
    client = login("staff")
    page = client.get("/people/diversity/").content.decode()
    assets = re.findall(r"""(?:src|href)=["'](/static/[^"']+)["']""", page)
    assert any("htmx" in a for a in assets) and any("kenesh.css" in a for a in assets), assets
    for path in assets:
        response = client.get(path)
        assert response.status_code == 200, path


def test_demo_label_shows_only_when_the_demo_is_loaded(login, db):
    from kenesh.core.settings_store import set_setting

    client = login("staff")
    assert 'data-testid="demo-banner"' not in client.get("/").content.decode()
    set_setting("demo", {"seed": 1})
    assert 'data-testid="demo-banner"' in client.get("/").content.decode()


def run_settings(env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KENESH_")}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "kenesh.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_refuse_an_unset_secret(tmp_path):
    result = run_settings({"KENESH_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "KENESH_SECRET_KEY is not set" in result.stderr


def test_settings_read_the_environment(tmp_path):
    result = run_settings(
        {"KENESH_SECRET_KEY": "s" * 50, "KENESH_DATA_DIR": str(tmp_path), "KENESH_DEBUG": "1"}
    )
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize("language", ["en", "ru"])
def test_home_and_navigation_in_each_language(login, language):
    client = login("staff")
    client.cookies["django_language"] = language
    page = client.get("/").content.decode()
    assert f'<html lang="{language}">' in page
    assert ("Реестр" in page) is (language == "ru")


def test_language_switcher_sets_the_language(login):
    client = login("expert")
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/people/"})
    assert response.status_code == 302
    assert '<html lang="ru">' in client.get("/people/").content.decode()


def test_english_dates_put_the_day_first(login, personas):
    person = personas["expert"].person
    page = login("expert").get(f"/people/{person.code}/").content.decode()
    from django.utils import timezone

    given = timezone.localtime(person.data_processing_consent_at)
    assert f"{given.day} {given:%b %Y}" in page


def test_favicon_ico_leads_to_the_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg")
    assert client.get(response["Location"]).status_code == 200


def test_static_files_are_hashed_compressed_and_cached_long(tmp_path, settings, login):
    from django.core.management import call_command
    from django.test import Client

    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    page = login("staff").get("/").content.decode()
    css = re.search(r'href="(/static/kenesh/kenesh\.[0-9a-f]{12}\.css)"', page)
    assert css, "the page links the stylesheet under its hashed name"
    response = Client().get(css.group(1), HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"]
    assert "max-age=31536000," in response["Cache-Control"]  # a year
