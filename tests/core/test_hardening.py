"""Shared defences every app relies on: visible text, safe exports, honest uploads,
client addresses behind a proxy, and logs that hold no one's input."""

import io
import logging

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory, override_settings

from kenesh.core.exports import neutralise, restore, safe_writer
from kenesh.core.net import client_address
from kenesh.core.testing.documents import docx_bytes, zip_bomb_docx
from kenesh.core.text import is_visible
from kenesh.core.uploads import check_upload


@pytest.mark.parametrize(
    "text", ["\u200b", " \u00a0\u2003", "\u2060\ufeff", "\u3164", "\u200e\u200f", "\u0301"]
)
def test_invisible_text_is_not_text(text):
    assert not is_visible(text)


@pytest.mark.parametrize("text", ["a", "Ош", "مذاکره", " x\u200b", "5", "—"])
def test_visible_text_in_any_script(text):
    assert is_visible(text)


@pytest.mark.parametrize(
    "value", ["=1+1", "+7 700", "-2", "@SUM(A1)", "\tx", "\rx", "\uff1dcmd", "=HYPERLINK()"]
)
def test_a_cell_that_would_be_a_formula_is_plain_text(value):
    assert neutralise(value) == "'" + value
    assert restore(neutralise(value)) == value


@pytest.mark.parametrize("value", ["Water", "'quoted", "", "a=b", 12, None])
def test_ordinary_cells_pass_unchanged(value):
    assert neutralise(value) == value


def test_safe_writer_neutralises_every_text_cell():
    out = io.StringIO()
    safe_writer(out).writerow(["=cmd()", 3, "plain"])
    assert out.getvalue().strip() == "'=cmd(),3,plain"


def upload(name, content):
    return SimpleUploadedFile(name, content)


def test_a_real_docx_passes():
    assert check_upload(upload("p.docx", docx_bytes()), allowed={".docx"}, max_bytes=10**7)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04<html><script>alert(1)</script></html>", "not a valid .docx"),
        (zip_bomb_docx(250), "unpack to far more"),
    ],
    ids=["html-after-PK", "zip-bomb"],
)
def test_a_docx_that_is_not_one_is_refused(content, message):
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("p.docx", content), allowed={".docx"}, max_bytes=10**7)
    assert message in str(refused.value)


def test_a_zip_without_a_document_inside_is_refused():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a document")
    with pytest.raises(ValidationError):
        check_upload(upload("p.docx", buffer.getvalue()), allowed={".docx"}, max_bytes=10**7)


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_connection_is_the_client():
    assert client_address(request_from("203.0.113.5", "198.51.100.1")) == "203.0.113.5"


@override_settings(KENESH_TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8"])
def test_behind_a_trusted_proxy_the_forwarded_client_counts():
    assert client_address(request_from("127.0.0.1", "198.51.100.7")) == "198.51.100.7"
    # Two trusted hops: the right-most untrusted address is the client.
    assert client_address(request_from("127.0.0.1", "198.51.100.7, 10.1.2.3")) == "198.51.100.7"
    # What the client itself wrote further left is not believed.
    assert client_address(request_from("127.0.0.1", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"
    # A client that is not a proxy cannot pose as another address.
    assert client_address(request_from("203.0.113.9", "198.51.100.7")) == "203.0.113.9"
    # Garbage in the header falls back to the connection.
    assert client_address(request_from("127.0.0.1", "not-an-address")) == "127.0.0.1"


def test_a_refused_request_is_logged_in_one_line_without_traceback(login, caplog):
    from kenesh.core.logfilters import BoundedMessages, ClientErrorsWithoutTraceback

    handler = logging.StreamHandler(io.StringIO())
    handler.addFilter(ClientErrorsWithoutTraceback())
    handler.addFilter(BoundedMessages())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        login("observer").get("/people/")  # 403
        login("observer").get("/people/" + "x" * 5000 + "/")  # 404 with a long path
    finally:
        logger.removeHandler(handler)
    logged = handler.stream.getvalue()
    assert "Forbidden" in logged
    assert "Traceback" not in logged
    assert "x" * 600 not in logged and "[cut:" in logged


def test_settings_attach_the_log_filters():
    from django.conf import settings

    filters = settings.LOGGING["handlers"]["console"]["filters"]
    assert filters == ["client_errors", "bounded"]


@pytest.mark.parametrize("value", [str(2**64), str(-(2**70)), "99999999999999999999999"])
def test_an_id_no_database_holds_is_an_unknown_choice_not_an_error(login, value):
    """A model form's own choice field, through UserModelForm, refuses it with 400."""
    from kenesh.deliberation.models import Conversation

    response = login("staff").post(
        "/deliberation/new/",
        {"title": "Fictional question", "language": "en", "anonymity": "named",
         "convening": value},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Conversation.objects.exists()


def test_a_list_of_ids_beyond_any_database_is_refused(login):
    from kenesh.papers.models import PolicyPaper

    response = login("staff").post(
        "/papers/new/", {"title": "Fictional paper", "convenings": [str(2**64)]}
    )
    assert response.status_code == 400
    assert not PolicyPaper.objects.exists()
