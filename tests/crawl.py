"""The pages of a running Kenesh that a signed-in role reaches by following links from
its home page: the list that the accessibility audit (tests/browser/test_accessibility.py)
and the page-weight benchmark (bench/weight.py) both walk.

Pure standard library, so that a benchmark and a browser test can share it: the caller
passes ``fetch(path) -> (status, content_type, html)``, however it fetches.

Pages of one kind (two hundred person pages, say) are one page to an audit: a path's
*shape* replaces codes and numbers with ``*``, and at most ``per_shape`` paths of each
shape are kept. Links that act rather than show (sign out, language switch) and files
(PDF, CSV, XLSX, iCal, IATI, DOCX) are not followed.
"""

import re
from collections import deque
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# Paths never followed: they change state on GET-like navigation or are not pages.
SKIP_PREFIXES = ("/static/", "/media/", "/admin/", "/i18n/", "/access/logout")
SKIP_SUFFIXES = (".pdf", ".csv", ".xlsx", ".ics", ".xml", ".docx", ".json", ".zip", ".svg")
SKIP_WORDS = ("logout", "sign-out", "export", "download", "unsubscribe")

_CODE = re.compile(
    r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+|[0-9a-f]{32}|[A-Za-z0-9_-]{20,})$"
)

Fetch = Callable[[str], tuple[int, str, str]]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links(html: str, base: str) -> list[str]:
    """Same-site paths (with their query) that the page's ``<a href>`` point to."""
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        if href.startswith(("mailto:", "tel:", "javascript:", "#")):
            continue
        url = urlsplit(urljoin(base, href))
        if url.scheme not in {"", "http", "https"} or (
            url.netloc and url.netloc != urlsplit(base).netloc
        ):
            continue
        found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


def shape(path: str) -> str:
    """The path with codes and numbers as ``*`` and without its query's values: pages
    that differ only in which record they show have one shape."""
    route, _sep, query = path.partition("?")
    parts = ["*" if _CODE.match(part) else part for part in route.split("/")]
    keys = sorted({pair.partition("=")[0] for pair in query.split("&") if pair})
    return "/".join(parts) + ("?" + "&".join(keys) if keys else "")


def followed(path: str) -> bool:
    route = path.partition("?")[0]
    return not (
        route.startswith(SKIP_PREFIXES)
        or route.lower().endswith(SKIP_SUFFIXES)
        or any(word in route.lower() for word in SKIP_WORDS)
    )


def crawl(
    fetch: Fetch, start: str | Iterable[str] = "/", per_shape: int = 1, limit: int = 400
) -> list[str]:
    """The HTML pages reachable from ``start`` (a path, or several), breadth first, at most
    ``per_shape`` of each shape and ``limit`` in all, in the order they were found. Pages
    answering other than 200 or other than HTML are left out (and not followed)."""
    starts = [start] if isinstance(start, str) else list(dict.fromkeys(start))
    seen_shapes: dict[str, int] = {}
    queued = set(starts)
    queue = deque(starts)
    pages = []
    while queue and len(pages) < limit:
        path = queue.popleft()
        status, content_type, html = fetch(path)
        if status != 200 or "text/html" not in content_type:
            continue
        pages.append(path)
        for link in links(html, "http://kenesh.invalid" + path):
            if link in queued or not followed(link):
                continue
            key = shape(link)
            if seen_shapes.get(key, 0) >= per_shape:
                continue
            seen_shapes[key] = seen_shapes.get(key, 0) + 1
            queued.add(link)
            queue.append(link)
    return pages
