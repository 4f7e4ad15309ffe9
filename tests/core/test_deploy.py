"""A deployment behind a TLS proxy, configured as docs/operations.md says, passes Django's
deployment checks, redirects plain HTTP to HTTPS (but not the health check) and tells
browsers to use HTTPS only."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.shortcuts import resolve_url
from django.test import Client, override_settings

PRODUCTION = {
    "KENESH_BEHIND_TLS_PROXY": "1",
    "KENESH_SECURE_COOKIES": "1",
    "KENESH_ALLOWED_HOSTS": "kenesh.example.org",
    "KENESH_CSRF_TRUSTED_ORIGINS": "https://kenesh.example.org",
}


def run_deploy_check(tmp_path, **overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("KENESH_") and not key.startswith("DJANGO_")
    }
    env.update(PRODUCTION)
    env["KENESH_SECRET_KEY"] = secrets.token_urlsafe(64)
    env["KENESH_DATA_DIR"] = str(tmp_path)
    env.update(overrides)
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "kenesh.cli",
            "manage",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_documented_production_settings_pass_the_deployment_check(tmp_path):
    result = run_deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_check_notices_cookies_sent_over_plain_http(tmp_path):
    result = run_deploy_check(tmp_path, KENESH_SECURE_COOKIES=None)
    assert result.returncode != 0
    assert "security.W012" in result.stdout + result.stderr


def login_path():
    return resolve_url(django_settings.LOGIN_URL)


def test_plain_http_is_redirected_to_https_behind_the_proxy(db):
    with override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["kenesh.example.org"]):
        client = Client(HTTP_HOST="kenesh.example.org")
        response = client.get(login_path())
    assert response.status_code == 301
    assert response["Location"] == "https://kenesh.example.org" + login_path()


def test_a_load_balancer_may_poll_the_health_check_over_plain_http(db):
    with override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["kenesh.example.org"]):
        response = Client(HTTP_HOST="kenesh.example.org").get("/healthz")
    assert response.status_code == 200


@pytest.mark.parametrize("path", [None, "/healthz"])
def test_https_responses_tell_browsers_to_use_https_for_a_year(db, path):
    response = Client().get(path or login_path(), secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


def test_cookies_are_http_only_and_same_site(db, settings):
    response = Client().get(login_path())
    csrf = response.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.LANGUAGE_COOKIE_HTTPONLY and settings.LANGUAGE_COOKIE_SAMESITE == "Lax"
