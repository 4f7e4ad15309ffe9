"""Light on slow links (issue 14, item 9): after collectstatic, pages link static files
under hashed names, served Brotli- or gzip-compressed as the browser accepts and cached
for a year; pages are gzipped; files are sent as they are; without collectstatic the
plain names still work."""

import gzip
import re

import brotli
import pytest
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.test import Client, RequestFactory, override_settings

from kenesh.core.transfer import CompressionMiddleware

STATIC = re.compile(r'(?:src|href)="(/static/[^"]+)"')
HASHED = re.compile(r"\.[0-9a-f]{12}\.[a-z0-9]+$")


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """collectstatic once for the module (the admin's files left out: no page here uses
    them, and compressing them is most of the time)."""
    from django.core.management import call_command

    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root):
        call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=["admin"])
    return root


@pytest.fixture
def served(collected, settings):
    settings.STATIC_ROOT = collected
    return collected


def fetch(url: str, accept: str | None):
    """A fresh client (WhiteNoise reads STATIC_ROOT when it starts); the body as sent."""
    headers = {"HTTP_ACCEPT_ENCODING": accept} if accept is not None else {}
    response = Client().get(url, **headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    return response, body


def test_pages_link_hashed_names_sent_compressed_and_kept_a_year(served, login):
    page = login("staff").get("/").content.decode()
    urls = STATIC.findall(page)
    assert any(url.endswith(".css") for url in urls) and any(url.endswith(".js") for url in urls)
    for url in urls:
        assert HASHED.search(url), f"{url} is not under its hashed name"
        original = (served / url.removeprefix("/static/")).read_bytes()
        response, body = fetch(url, "gzip, deflate, br")
        assert response.status_code == 200, url
        assert "Accept-Encoding" in response["Vary"], url
        cache = response["Cache-Control"]
        assert "max-age=31536000," in cache and "immutable" in cache, (url, cache)
        assert response["Content-Encoding"] == "br", url
        assert brotli.decompress(body) == original, url
        response, body = fetch(url, "gzip")
        assert response["Content-Encoding"] == "gzip", url
        assert gzip.decompress(body) == original, url
        response, body = fetch(url, None)
        assert not response.has_header("Content-Encoding"), url
        assert body == original, url


def test_a_plain_name_comes_compressed_from_the_collected_copy(served, db):
    response, body = fetch("/static/kenesh/kenesh.css", "br")
    assert response["Content-Encoding"] == "br"
    assert brotli.decompress(body) == (served / "kenesh/kenesh.css").read_bytes()
    # Not hashed, so it may change under this name: a short cache only.
    assert "immutable" not in response["Cache-Control"]


def test_pages_are_gzipped_with_the_breach_counter_when_accepted(served, login):
    client = login("staff")
    response = client.get("/", HTTP_ACCEPT_ENCODING="br, gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    # The gzip header names a random "file" (Heal The Breach): its length varies.
    assert response.content[3] & gzip.FNAME
    assert "<html" in gzip.decompress(response.content).decode()

    plain = client.get("/", HTTP_ACCEPT_ENCODING="identity")
    assert not plain.has_header("Content-Encoding")
    assert "<html" in plain.content.decode()
    assert "Accept-Encoding" in plain["Vary"]


def test_files_are_sent_as_they_are_and_text_streams_are_compressed(tmp_path):
    middleware = CompressionMiddleware(lambda request: None)
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")
    text = b"<p>a line of a page</p>\n" * 100

    pdf = HttpResponse(b"%PDF-1.7\n" + text, content_type="application/pdf")
    assert not middleware.process_response(request, pdf).has_header("Content-Encoding")
    upload = tmp_path / "cv.txt"
    upload.write_bytes(text)
    with upload.open("rb") as handle:
        download = FileResponse(handle, as_attachment=True, filename="cv.txt")
        assert not middleware.process_response(request, download).has_header("Content-Encoding")

    page = middleware.process_response(request, HttpResponse(text))
    assert page["Content-Encoding"] == "gzip"
    assert gzip.decompress(page.content) == text
    rows = StreamingHttpResponse((b"a,b\n" for _ in range(500)), content_type="text/csv")
    rows = middleware.process_response(request, rows)
    assert rows["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(rows.streaming_content)) == b"a,b\n" * 500


def test_without_collectstatic_plain_names_are_served_from_the_apps(tmp_path, settings, login):
    settings.STATIC_ROOT = tmp_path  # empty: collectstatic has not run
    page = login("staff").get("/").content.decode()
    assert '/static/kenesh/kenesh.css"' in page
    response, body = fetch("/static/kenesh/kenesh.css", "gzip, br")
    assert response.status_code == 200
    assert b"{" in body and not response.has_header("Content-Encoding")
