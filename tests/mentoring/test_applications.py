"""The open call: applying without an account, and bad input that changes nothing."""

import datetime
import importlib
import re
import time
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core import mail, signing
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from kenesh.core.testing.documents import docx_bytes, zip_bomb_docx
from kenesh.mentoring.models import Application, ApplicationStatus, PendingApplication
from tests.factories import ThemeFactory
from tests.mentoring.conftest import form_data

LINK = re.compile(r"https?://[^\s]+/mentoring/apply/confirm/[^\s/]+/")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


def stored_files(root) -> set[str]:
    return {p.name for p in root.rglob("*") if p.is_file()}


def test_anyone_applies_without_an_account(client, call, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/mentoring/apply/{call.code}/", form_data())
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.consent_at and application.cv and application.writing_sample
    assert mail.outbox and mail.outbox[0].to == ["applicant@example.org"]


def test_an_address_is_stored_in_lower_case(client, call):
    client.post(f"/mentoring/apply/{call.code}/", form_data(email="Applicant@Example.ORG"))
    assert Application.objects.get().email == "applicant@example.org"


def test_a_stranger_using_a_known_address_changes_nothing_until_its_owner_confirms(
    client, call, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/mentoring/apply/{call.code}/", form_data())
    first = Application.objects.get()
    first_files = {first.cv.name, first.writing_sample.name}
    mail.outbox.clear()

    # Someone else applies with the same address in other letters, with other files.
    stranger = Client()
    new_cv = b"%PDF-1.4\n% the replacement\n%%EOF\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = stranger.post(
            f"/mentoring/apply/{call.code}/",
            form_data(
                email="APPLICANT@Example.org",
                name="Someone Else",
                motivation="Replaced motivation.",
                cv=SimpleUploadedFile("cv.pdf", new_cv),
            ),
        )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.name, first.motivation) == ("Fictional Applicant", "I want to help.")
    assert Application.objects.count() == 1
    assert PendingApplication.objects.count() == 1

    # The owner of the address gets the link; opening it shows, and changes, nothing.
    (message,) = mail.outbox
    assert message.to == ["applicant@example.org"]
    link = LINK.search(message.body).group(0)
    path = link.split("testserver", 1)[1]
    owner = Client()
    page = owner.get(path)
    assert page.status_code == 200
    assert "Replaced motivation." in page.content.decode()
    first.refresh_from_db()
    assert first.motivation == "I want to help."

    # Confirming puts the new application in place of the first; its files go.
    with django_capture_on_commit_callbacks(execute=True):
        done = owner.post(path)
    assert done.status_code == 200 and 'data-testid="replaced"' in done.content.decode()
    first.refresh_from_db()
    assert (first.name, first.motivation) == ("Someone Else", "Replaced motivation.")
    assert first.cv.read() == new_cv
    assert not PendingApplication.objects.exists()
    assert not first_files & stored_files(tmp_path)
    assert {first.cv.name.rsplit("/", 1)[1], first.writing_sample.name.rsplit("/", 1)[1]} == (
        stored_files(tmp_path)
    )

    # The link works once.
    again = owner.post(path)
    assert again.status_code == 404 and 'data-testid="link-invalid"' in again.content.decode()


def without_csrf(html: bytes) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", html.decode())


def test_the_answer_is_the_same_whether_or_not_the_address_had_applied(client, call):
    client.post(f"/mentoring/apply/{call.code}/", form_data(email="known@example.org"))
    answers = []
    for email in ("KNOWN@example.org", "unknown@example.org"):
        visitor = Client()
        response = visitor.post(f"/mentoring/apply/{call.code}/", form_data(email=email))
        thanks = visitor.get(response["Location"])
        answers.append(
            (
                response.status_code,
                response["Location"],
                sorted(response.cookies),
                thanks.status_code,
                sorted(thanks.cookies),
                without_csrf(thanks.content),
            )
        )
    assert answers[0] == answers[1]


def test_a_decided_application_is_never_replaced(client, call, django_capture_on_commit_callbacks):
    client.post(f"/mentoring/apply/{call.code}/", form_data())
    # A replacement sent before the decision, confirmed after it.
    client.post(f"/mentoring/apply/{call.code}/", form_data(motivation="Before the decision."))
    early = PendingApplication.objects.get()
    Application.objects.update(status=ApplicationStatus.SELECTED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/mentoring/apply/{call.code}/", form_data(motivation="After it."))
    (message,) = mail.outbox
    assert "can no longer be changed" in message.body and "/confirm/" not in message.body
    assert list(PendingApplication.objects.all()) == [early]  # nothing new kept

    from kenesh.mentoring.rules import replacement_token

    path = f"/mentoring/apply/confirm/{replacement_token(early)}/"
    assert "can no longer be changed" in Client().get(path).content.decode()
    refused = Client().post(path)
    assert refused.status_code == 409
    assert "can no longer be changed" in refused.content.decode()
    assert Application.objects.get().motivation == "I want to help."


def test_an_expired_or_forged_link_changes_nothing(
    client, call, monkeypatch, tmp_path, django_capture_on_commit_callbacks
):
    client.post(f"/mentoring/apply/{call.code}/", form_data())
    client.post(f"/mentoring/apply/{call.code}/", form_data(motivation="Late."))
    pending = PendingApplication.objects.get()
    from kenesh.mentoring.rules import replacement_token

    token = replacement_token(pending)
    forged = [
        token[:-2] + ("aa" if not token.endswith("aa") else "bb"),
        signing.dumps(str(pending.code)),  # signed, but not for this purpose
        "not-a-token",
    ]
    for bad in forged:
        response = Client().post(f"/mentoring/apply/confirm/{bad}/")
        assert response.status_code == 404
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 49 * 3600)
    response = Client().post(f"/mentoring/apply/confirm/{token}/")
    assert response.status_code == 404 and "expired" in response.content.decode()
    assert Application.objects.get().motivation == "I want to help."
    # The next application clears replacements nobody confirmed in time, files too.
    monkeypatch.setattr(time, "time", real_time)
    pending_files = {
        name.rsplit("/", 1)[1] for name in (pending.cv.name, pending.writing_sample.name)
    }
    PendingApplication.objects.update(created_at=timezone.now() - datetime.timedelta(hours=49))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/mentoring/apply/{call.code}/", form_data(email="other@example.org"))
    assert not PendingApplication.objects.exists()
    assert not pending_files & stored_files(tmp_path)


def test_emails_differing_only_in_case_are_lowered_unless_they_clash(call):
    migration = importlib.import_module("kenesh.mentoring.migrations.0003_lower_case_emails")
    from tests.mentoring.test_reviews_and_mentorships import applicant

    solo = applicant(call, "solo")
    twin_a, twin_b = applicant(call, "twin"), applicant(call, "twin2")
    Application.objects.filter(pk=solo.pk).update(email="Solo@Example.org")
    Application.objects.filter(pk=twin_a.pk).update(email="Twin@Example.org")
    Application.objects.filter(pk=twin_b.pk).update(email="twin@example.org")
    migration.lower_case_emails(apps, None)
    emails = dict(Application.objects.values_list("pk", "email"))
    assert emails[solo.pk] == "solo@example.org"
    assert {emails[twin_a.pk], emails[twin_b.pk]} == {"Twin@Example.org", "twin@example.org"}


class Tree(HTMLParser):
    """Each element with the attributes of its ancestors, and where each text lies."""

    VOID = {"input", "br", "img", "meta", "link", "hr"}

    def __init__(self):
        super().__init__()
        self.stack, self.elements, self.texts = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs, [a for _t, a in self.stack]))
        if tag not in self.VOID:
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if data.strip():
            self.texts.append((data.strip(), [a for _t, a in self.stack]))


def test_people_never_see_nor_hear_the_spam_trap(client, call):
    tree = Tree()
    tree.feed(client.get(f"/mentoring/apply/{call.code}/").content.decode())
    (trap,) = [(a, up) for t, a, up in tree.elements if t == "input" and a.get("name") == "website"]
    attrs, ancestors = trap
    assert attrs["tabindex"] == "-1" and attrs["autocomplete"] == "off"
    # Off screen through the stylesheet's .spam-trap (no inline style: the CSP forbids it).
    assert any(
        a.get("aria-hidden") == "true" and "spam-trap" in a.get("class", "").split()
        for a in ancestors
    )
    labels = [up for text, up in tree.texts if text == "Leave this empty"]
    assert labels and all(any(a.get("aria-hidden") == "true" for a in up) for up in labels)


def test_a_bot_filling_the_hidden_field_gets_nothing_stored(client, call, tmp_path):
    response = client.post(f"/mentoring/apply/{call.code}/", form_data(website="http://spam"))
    assert response.status_code == 302
    assert not Application.objects.exists()
    assert not stored_files(tmp_path)


@pytest.mark.parametrize(
    ("overrides", "message", "status"),
    [
        ({"consent": ""}, "cannot be processed without your consent", 200),
        ({"cv": SimpleUploadedFile("cv.exe", b"MZ")}, "cannot be attached", 200),
        ({"writing_sample": SimpleUploadedFile("s.pdf", b"<html>")}, "does not match", 200),
        ({"birth_year": 1950}, "aged 18 to 40", 200),
        ({"email": "not-an-email"}, "valid email", 200),
        ({"country": "AF"}, "valid choice", 400),
        ({"themes": ["999999"]}, "valid choice", 400),
        ({"themes": ["x"]}, "valid value", 400),
        ({"name": "x" * 201}, "at most 200", 200),
        ({"name": "\u200b\u3164 \u2800"}, "visible text", 200),
        ({"motivation": "\u00a0\u200d"}, "visible text", 200),
    ],
)
def test_bad_applications_are_explained_and_nothing_is_kept(
    client, call, tmp_path, overrides, message, status
):
    ThemeFactory()
    response = client.post(f"/mentoring/apply/{call.code}/", form_data(**overrides))
    assert response.status_code == status
    assert message in response.content.decode()
    assert not Application.objects.exists()
    assert not stored_files(tmp_path)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (zip_bomb_docx(), "far more than a document holds"),
        (b"PK\x03\x04<html><script>alert(1)</script></html>", "not a valid .docx document"),
    ],
)
def test_a_docx_that_is_no_document_is_refused(client, call, tmp_path, upload, message):
    response = client.post(
        f"/mentoring/apply/{call.code}/",
        form_data(writing_sample=SimpleUploadedFile("sample.docx", upload)),
    )
    assert message in response.content.decode()
    assert not Application.objects.exists()
    assert not stored_files(tmp_path)


def test_an_honest_docx_is_taken(client, call):
    client.post(
        f"/mentoring/apply/{call.code}/",
        form_data(writing_sample=SimpleUploadedFile("sample.docx", docx_bytes())),
    )
    assert Application.objects.get().writing_sample


def test_oversized_files_are_refused(client, call, monkeypatch):
    from kenesh.mentoring import forms

    monkeypatch.setattr(forms, "MAX_APPLICATION_FILE", 100)
    big = SimpleUploadedFile("cv.pdf", b"%PDF-1.4" + b"0" * 500)
    response = client.post(f"/mentoring/apply/{call.code}/", form_data(cv=big))
    assert "the limit is" in response.content.decode()
    assert not Application.objects.exists()


def test_too_many_applications_from_one_connection(client, call):
    for i in range(10):
        client.post(f"/mentoring/apply/{call.code}/", form_data(email=f"a{i}@example.org"))
    response = client.post(f"/mentoring/apply/{call.code}/", form_data(email="late@example.org"))
    assert response.status_code == 429
    assert "Too many applications" in response.content.decode()
    assert Application.objects.count() == 10


def test_behind_the_proxy_each_client_has_its_own_limit(call, settings):
    settings.KENESH_TRUSTED_PROXIES = ["127.0.0.1"]
    url = f"/mentoring/apply/{call.code}/"
    abuser = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    for i in range(10):
        abuser.post(url, form_data(email=f"spam{i}@example.org"))
    assert abuser.post(url, form_data(email="spam-late@example.org")).status_code == 429
    # Another visitor behind the same proxy still applies.
    visitor = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert visitor.post(url, form_data(email="visitor@example.org")).status_code == 302
    # The abuser cannot pose as someone else by writing the header themselves: the proxy
    # appends the address it saw, and that is the one believed.
    posing = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.7")
    assert posing.post(url, form_data(email="posing@example.org")).status_code == 429


def test_a_forged_forwarded_header_without_the_proxy_escapes_no_limit(call, settings):
    settings.KENESH_TRUSTED_PROXIES = ["127.0.0.1"]
    url = f"/mentoring/apply/{call.code}/"
    for i in range(10):
        forger = Client(REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
        assert forger.post(url, form_data(email=f"f{i}@example.org")).status_code == 302
    forger = Client(REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert forger.post(url, form_data(email="f-late@example.org")).status_code == 429
    assert Application.objects.count() == 10


def test_a_closed_call_takes_no_applications(client, call, tmp_path):
    call.closes_on = datetime.date(2021, 1, 1)
    call.save()
    response = client.post(f"/mentoring/apply/{call.code}/", form_data())
    assert "not open for applications" in response.content.decode()
    assert not Application.objects.exists()
    assert not stored_files(tmp_path)
