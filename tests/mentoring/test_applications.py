"""The open call: applying without an account, and bad input that changes nothing."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from kenesh.mentoring.models import Application
from tests.mentoring.conftest import form_data


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


def test_anyone_applies_without_an_account(client, call, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/mentoring/apply/{call.code}/", form_data())
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.consent_at and application.cv and application.writing_sample
    assert mail.outbox and mail.outbox[0].to == ["applicant@example.org"]


def test_a_second_application_updates_the_first(client, call):
    client.post(f"/mentoring/apply/{call.code}/", form_data())
    client.post(
        f"/mentoring/apply/{call.code}/",
        form_data(email="APPLICANT@example.org ", motivation="Updated motivation."),
    )
    application = Application.objects.get()
    assert application.motivation == "Updated motivation."
    page = client.get(f"/mentoring/apply/{call.code}/thanks/")
    assert page.status_code == 200


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"consent": ""}, "cannot be processed without your consent"),
        ({"cv": SimpleUploadedFile("cv.exe", b"MZ")}, "cannot be attached"),
        ({"writing_sample": SimpleUploadedFile("s.pdf", b"<html>")}, "does not match"),
        ({"birth_year": 1950}, "aged 18 to 40"),
        ({"email": "not-an-email"}, "valid email"),
        ({"country": "AF"}, "valid choice"),
        ({"name": "x" * 201}, "at most 200"),
    ],
)
def test_bad_applications_are_explained_and_nothing_is_kept(client, call, overrides, message):
    response = client.post(f"/mentoring/apply/{call.code}/", form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Application.objects.exists()


def test_oversized_files_are_refused(client, call, monkeypatch):
    from kenesh.mentoring import forms

    monkeypatch.setattr(forms, "MAX_APPLICATION_FILE", 100)
    big = SimpleUploadedFile("cv.pdf", b"%PDF-1.4" + b"0" * 500)
    response = client.post(f"/mentoring/apply/{call.code}/", form_data(cv=big))
    assert "the limit is" in response.content.decode()
    assert not Application.objects.exists()


def test_a_bot_filling_the_hidden_field_gets_nothing_stored(client, call):
    response = client.post(f"/mentoring/apply/{call.code}/", form_data(website="http://spam"))
    assert response.status_code == 302
    assert not Application.objects.exists()


def test_too_many_applications_from_one_connection(client, call):
    for i in range(10):
        client.post(f"/mentoring/apply/{call.code}/", form_data(email=f"a{i}@example.org"))
    response = client.post(f"/mentoring/apply/{call.code}/", form_data(email="late@example.org"))
    assert "Too many applications" in response.content.decode()
    assert Application.objects.count() == 10


def test_a_closed_call_takes_no_applications(client, call):
    import datetime

    call.closes_on = datetime.date(2021, 1, 1)
    call.save()
    response = client.post(f"/mentoring/apply/{call.code}/", form_data())
    assert "not open for applications" in response.content.decode()
    assert not Application.objects.exists()
