"""What every response tells the browser: a Content-Security-Policy that allows no inline
script or style and no other host, no caching of anything a signed-in person sees, and
plain error pages that give nothing away."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path, reverse

import kenesh
from kenesh.access.decorators import public
from tests.test_every_page import CASES, client_for, world  # noqa: F401 (a fixture)

PACKAGE = Path(kenesh.__file__).parent

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)


def directives(header: str) -> set[str]:
    return {part.strip() for part in header.split(";") if part.strip()}


# --- nothing inline, in any template -------------------------------------------------

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style\b", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=""", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"""\son[a-z]+\s*=""", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE)

# A print layout never sent to a browser: rendered to a string that only WeasyPrint reads
# (to make the PDF), so its <style> meets no CSP. (The paper's print layout holds none:
# its style is papers/static/papers/print.css.)
PDF_ONLY = {
    "monitoring/templates/monitoring/report_print.html",
}


def inline_code(html: str, allow_style_tag: bool = False) -> list[str]:
    found = []
    for match in SCRIPT_TAG.finditer(html):
        attributes = match.group(1)
        if "src=" not in attributes and "application/json" not in attributes:
            found.append(match.group(0))
    for pattern in (STYLE_ATTRIBUTE, EVENT_HANDLER, JAVASCRIPT_URL) + (
        () if allow_style_tag else (STYLE_TAG,)
    ):
        found += [m.group(0).strip() for m in pattern.finditer(html)]
    return found


def mail_only(name: str) -> bool:
    """Templates under a ``mail/`` folder are rendered into e-mails only, never served as
    a page (``test_mail_templates_are_never_served``), so no CSP applies to them, and
    mail programs honour style attributes far more often than a <style> element."""
    return "/templates/" in name and "/mail/" in name.split("/templates/", 1)[1]


def test_no_template_holds_inline_script_or_style():
    templates = sorted(PACKAGE.rglob("templates/**/*.html"))
    assert len(templates) > 50
    offenders = []
    for template in templates:
        name = str(template.relative_to(PACKAGE))
        if mail_only(name):
            found = [p for p in inline_code(template.read_text()) if "style=" not in p]
            offenders += [f"{name}: {problem}" for problem in found]
            continue
        for problem in inline_code(template.read_text(), allow_style_tag=name in PDF_ONLY):
            offenders.append(f"{name}: {problem}")
    assert not offenders, "\n".join(offenders)


def test_mail_templates_are_never_served():
    """No view renders a mail template into a response (the notifications service renders
    them into messages)."""
    for views in PACKAGE.rglob("*views.py"):
        assert "/mail/" not in views.read_text(), views


def test_the_paper_print_layout_goes_only_to_the_pdf():
    """papers.printing renders it to a string for WeasyPrint; no view sends it."""
    for views in PACKAGE.rglob("*views.py"):
        assert "paper_print.html" not in views.read_text(), views
    printing = (PACKAGE / "papers" / "printing.py").read_text()
    assert printing.count("paper_print.html") == 1
    body = printing.split("def print_html", 1)[1].split("\ndef ", 1)[0]
    assert "render_to_string(" in body and "paper_print.html" in body
    assert "HTML(string=print_html(" in printing


def test_the_report_print_layout_goes_only_to_the_pdf():
    """Monitoring's print layout, like the paper's, is rendered to a string for WeasyPrint
    only; no view returns it."""
    uses = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "report_print.html" in path.read_text()
    ]
    assert uses == ["monitoring/outputs.py"]
    outputs = (PACKAGE / "monitoring" / "outputs.py").read_text()
    assert "render_to_string(" in outputs and "HttpResponse" not in outputs


def test_the_spam_trap_is_hidden_by_the_stylesheet():
    css = (PACKAGE / "core" / "static" / "kenesh" / "kenesh.css").read_text()
    assert re.search(r"\.spam-trap\s*\{[^}]*left:\s*-10000px", css)


def test_htmx_is_told_to_inject_no_style_and_evaluate_no_code(login):
    page = login("expert").get("/").content.decode()
    config = re.search(r"""<meta name="htmx-config" content='([^']*)'>""", page).group(1)
    assert '"includeIndicatorStyles": false' in config
    assert '"allowEval": false' in config


def test_the_pages_scripts_are_static_files_that_are_served(login, db):
    client = login("expert")
    page = client.get(reverse("convenings:overview")).content.decode()
    scripts = re.findall(r'<script src="(/static/kenesh/[^"]*\.js)"', page)
    assert scripts and "<script>" not in page
    for script in scripts:
        assert client.get(script).status_code == 200


def test_a_signed_in_user_gets_nothing_a_cache_may_keep(login):
    client = login("expert")
    response = client.get(resolve_url("core:favicon"))
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_anonymous_visitors_may_cache_what_a_view_declares_public(client, db):
    response = client.get(resolve_url("core:favicon"))
    assert response["Cache-Control"] == "max-age=86400, public"


def test_the_sign_in_page_is_not_stored(client, db):
    response = client.get(resolve_url("access:login"))
    assert "no-store" in response["Cache-Control"]


def test_static_files_keep_their_own_caching(login):
    response = login("expert").get("/static/kenesh/kenesh.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Content-Security-Policy" not in response


# --- plain error pages --------------------------------------------------------------


@public
def broken(request):
    raise RuntimeError("a secret in the traceback: canary-7f3a")


@public
def suspicious(request):
    raise SuspiciousOperation("canary-7f3a")


urlpatterns = [
    path("broken/", broken),
    path("suspicious/", suspicious),
]


def plain(page: str) -> bool:
    return "canary-7f3a" not in page and "Traceback" not in page and "<footer" not in page


@pytest.mark.urls(__name__)
def test_a_server_error_shows_the_plain_page_and_no_details(db, settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Server error / Ошибка сервера" in page and plain(page)
    assert directives(response["Content-Security-Policy"]) == directives(POLICY)
    assert "no-store" in response["Cache-Control"]


@pytest.mark.urls(__name__)
def test_a_bad_request_shows_the_plain_page(db, settings):
    settings.DEBUG = False
    response = Client().get("/suspicious/")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Bad request / Неверный запрос" in page and plain(page)


def test_an_unknown_host_gets_the_plain_bad_request_page(db, settings):
    settings.DEBUG = False
    response = Client(HTTP_HOST="attacker.example").get("/")
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


def test_a_form_sent_without_its_token_gets_the_plain_explanation(db, settings):
    settings.DEBUG = False
    response = Client(enforce_csrf_checks=True).post(resolve_url("access:login"), {})
    assert response.status_code == 403
    page = response.content.decode()
    assert "The form has expired / Форма устарела" in page and "<style" not in page


def test_a_missing_page_says_so_without_details(client, db, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page-canary-7f3a/")
    assert response.status_code == 404
    assert "Traceback" not in response.content.decode()


@pytest.mark.parametrize("name", ["400.html", "403_csrf.html", "500.html"])
def test_the_last_resort_pages_render_without_any_context(name):
    page = render_to_string(name)
    assert page.startswith("<!doctype html>") and "{%" not in page and "{{" not in page


# --- every page, as three kinds of visitor (last: the demo stays loaded to the end) -----


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "staff", "expert", "mentor"])
def test_every_page_carries_the_policy_and_is_not_stored(world, role, settings):  # noqa: F811
    # The second sign-in step is not what this test is about: without it, staff see their
    # pages rather than the two-step form.
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if "SecondStep" not in name]
    client = client_for(role)
    problems = []
    pages = 0
    for case in CASES:
        kwargs = case.kwargs(world) if case.kwargs else {}
        url = reverse(case.url_name.lstrip(":"), kwargs=kwargs)
        response = client.get(url, case.query)
        if directives(response.get("Content-Security-Policy", "")) != directives(POLICY):
            problems.append(f"{url}: policy {response.get('Content-Security-Policy')!r}")
        cache = response.get("Cache-Control", "")
        if role != "anonymous" and "no-store" not in cache:
            problems.append(f"{url}: Cache-Control {cache!r} for a signed-in user")
        if role == "anonymous" and "no-store" not in cache and "public" not in cache:
            problems.append(f"{url}: Cache-Control {cache!r} neither public nor no-store")
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            pages += 1
            for problem in inline_code(response.content.decode()):
                problems.append(f"{url}: inline {problem}")
    assert pages > (3 if role == "anonymous" else 20)
    assert not problems, "\n".join(problems)
