"""Accessibility audit: axe-core on every page of the demo, as each role and signed out,
in English and Russian, at desktop (1280 px) and phone (375 px) width.

axe-core comes from the npm registry, pinned by tests/a11y/package-lock.json; the test
installs it (``npm ci``) when it is missing, and Playwright injects its ``axe.min.js``
into each page of Debian's Chromium, so nothing is fetched while the platform runs. The
rules are axe's WCAG 2.0 / 2.1 level A and AA ones; a violation of impact "serious" or
"critical" fails the test, each one listed with the rule, role, language, width, path,
the first elements it concerns and axe's one-line help.

The pages are those each role reaches by following links from its home page
(tests/crawl.py, one page of each path shape), listed through Django's test client, which
is quick. A page whose ``<main>`` two roles receive with the same markup skeleton (the
same tags and attributes, text aside) is audited once, as the first role; each role's home
page is always audited, so its own header and navigation are. Each page is loaded once per
language and audited twice, the viewport resized from desktop to phone width in between.

Measured on two cores with the demo at scale 1: 198 pages, 396 loads, 792 audits, about
3.5 minutes (20 s of it listing the pages). The whole matrix runs on SQLite only and skips
on PostgreSQL, since the markup of a page does not depend on the database.
"""

import hashlib
import os
import shutil
import subprocess
import time
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import skip_or_fail
from tests.crawl import crawl

pytestmark = pytest.mark.browser

A11Y = Path(__file__).resolve().parents[1] / "a11y"
AXE = A11Y / "node_modules" / "axe-core" / "axe.min.js"
ROLES = ("admin", "staff", "mentor", "expert", "young", "donor")
LANGUAGES = ("en", "ru")
WIDTHS = ((1280, 900), (375, 812))
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING = ("serious", "critical")
VOID = {
    "area",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
# Signed-out pages the crawl starts from: the sign-in page links to the rest.
ANONYMOUS_STARTS = ("/login/",)

RUN_AXE = """async tags => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
      count: v.nodes.length,
    }));
}"""


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe.min.js from the npm registry, installed from the lock file once per session."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            skip_or_fail("axe", "npm is not installed, so axe-core cannot be (apt-get install npm)")
        done = subprocess.run(
            [npm, "ci", "--prefix", str(A11Y), "--no-audit", "--no-fund"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0 or not AXE.exists():
            skip_or_fail("axe", f"npm ci could not install axe-core:\n{done.stderr[-2000:]}")
    return AXE


class _Skeleton(HTMLParser):
    """The markup of the page's ``<main>`` without its text: tags and attributes, and
    whether text was there. The header and navigation around it are each role's own and
    are audited on that role's home page and on every page it alone reaches."""

    def __init__(self):
        super().__init__()
        self.digest = hashlib.sha256()
        self.inside = 0

    def handle_starttag(self, tag, attrs):
        if tag == "main" or self.inside:
            self.inside += tag not in VOID
            kept = [(k, v) for k, v in attrs if k not in {"value", "content", "nonce"}]
            self.digest.update(f"<{tag} {sorted(kept, key=str)}>".encode())

    def handle_endtag(self, tag):
        if self.inside and tag not in VOID:
            self.inside -= 1
            self.digest.update(f"</{tag}>".encode())

    def handle_data(self, data):
        if self.inside and data.strip():
            self.digest.update(b"T")


def skeleton(html: str) -> str:
    parser = _Skeleton()
    parser.feed(html)
    return parser.digest.hexdigest()


def pages_to_audit(users) -> list[tuple[str, str]]:
    """(role, path) pairs to audit: each role's crawl, then the signed-out pages (the
    sign-in page, and the public pages the roles' crawls met: a call's application form,
    a conversation's vote page, a published paper), without a page whose ``<main>``
    skeleton an earlier role already brought (but always with each role's home page, so
    that its own header and navigation are audited)."""
    from django.urls import Resolver404, resolve

    from kenesh.access.decorators import PUBLIC, declared_access

    seen: set[tuple[str, str]] = set()
    chosen = []
    met: list[str] = []
    for role in (*ROLES, "anonymous"):
        client = Client()
        if role != "anonymous":
            client.force_login(users[role])
        bodies: dict[str, str] = {}

        def fetch(path, client=client, bodies=bodies):
            response = client.get(path)
            content_type = response.get("Content-Type", "")
            if response.streaming or "text/html" not in content_type:
                return response.status_code, content_type, ""
            bodies[path] = response.content.decode()
            return response.status_code, content_type, bodies[path]

        if role == "anonymous":
            starts = [*ANONYMOUS_STARTS, *public_papers()]
            for path in met:
                try:
                    view = resolve(path.partition("?")[0]).func
                except Resolver404:
                    continue
                if declared_access(view) is PUBLIC:
                    starts.append(path)
        else:
            starts = ["/"]
        for path in crawl(fetch, start=starts, per_shape=1):
            met.append(path)
            key = (path, skeleton(bodies[path]))
            if key not in seen or path == "/":
                seen.add(key)
                chosen.append((role, path))
    return chosen


def public_papers() -> list[str]:
    """A published public paper's page, which no signed-in page need link to."""
    from django.urls import reverse

    from kenesh.papers.models import PolicyPaper, Status, Visibility

    paper = PolicyPaper.objects.filter(
        status=Status.PUBLISHED, visibility=Visibility.PUBLIC
    ).first()
    return [reverse("papers:paper-public", kwargs={"code": paper.code})] if paper else []


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def on_sqlite():
    """Skips before the demo loads: on PostgreSQL the audit would only repeat itself."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the markup does not depend on the database: the audit runs on SQLite")


def test_every_page_passes_axe(on_sqlite, browser, axe_script, demo_site):
    from kenesh.access.models import User

    started = time.monotonic()
    users = {user.username: user for user in User.objects.filter(username__in=ROLES)}
    pages = pages_to_audit(users)
    listed = time.monotonic() - started
    host = demo_site.split("//", 1)[1].split(":")[0]
    found = []
    loads = 0
    contexts = {}
    for role in (*ROLES, "anonymous"):
        for language in LANGUAGES:
            context = browser.new_context(
                viewport={"width": WIDTHS[0][0], "height": WIDTHS[0][1]},
                bypass_csp=True,
                locale="en-GB",
            )
            cookies = [
                {
                    "name": settings.LANGUAGE_COOKIE_NAME,
                    "value": language,
                    "domain": host,
                    "path": "/",
                }
            ]
            if role != "anonymous":
                cookies.append(
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": session_cookie(users[role]),
                        "domain": host,
                        "path": "/",
                    }
                )
            context.add_cookies(cookies)
            context.add_init_script(path=str(axe_script))
            page = context.new_page()
            page.set_default_timeout(15_000)
            contexts[role, language] = page
    try:
        for role, path in pages:
            for language in LANGUAGES:
                page = contexts[role, language]
                page.set_viewport_size({"width": WIDTHS[0][0], "height": WIDTHS[0][1]})
                response = page.goto(demo_site + path, wait_until="load")
                loads += 1
                assert response.status == 200, f"{path} as {role} in {language}: {response.status}"
                for width, height in WIDTHS:
                    page.set_viewport_size({"width": width, "height": height})
                    for violation in page.evaluate(RUN_AXE, TAGS):
                        found.append((violation, role, language, width, path))
    finally:
        for page in contexts.values():
            page.context.close()
    took = time.monotonic() - started
    by_role = Counter(role for role, _path in pages)
    print(
        f"\naxe: {len(pages)} pages ({dict(by_role)}), {loads} loads, {2 * loads} audits, "
        f"listed in {listed:.1f} s, {took:.1f} s in all"
    )
    report = [
        f"{v['id']} ({v['impact']}, {v['count']} elements) as {role}, {language}, {width} px, "
        f"{path}: {', '.join(v['targets'])} - {v['help']}"
        for v, role, language, width, path in found
    ]
    dump = os.environ.get("KENESH_AXE_REPORT")
    if dump:
        Path(dump).write_text("\n".join(report) + "\n")
    assert not found, f"{len(found)} serious or critical accessibility violations:\n" + "\n".join(
        report
    )


def test_the_audit_reports_serious_violations_and_not_minor_ones(browser, axe_script):
    """The harness itself: axe runs in the page and only serious or critical findings
    come back (a nameless button, grey text on white), not moderate ones."""
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.set_content(
            '<!doctype html><html lang="en"><head><title>Probe</title></head><body><main>'
            "<h1>Probe</h1><h3>Skipped level</h3><button></button>"
            '<p style="color:#bbb;background:#fff">faint</p></main></body></html>'
        )
        page.add_script_tag(path=str(axe_script))
        found = {v["id"]: v["impact"] for v in page.evaluate(RUN_AXE, TAGS)}
    finally:
        context.close()
    assert found == {"button-name": "critical", "color-contrast": "serious"}
