"""Page weight on a slow link (issue 14, item 11): the bytes each page of the demo costs
a browser with an empty cache, compressed as a browser asks (``Accept-Encoding: br, gzip``).

Starts the platform as ``kenesh demo`` does (migrations, collectstatic, the demo, waitress
and its background worker) in a temporary data directory on a free port, with two-step
sign-in off (KENESH_MFA_REQUIRED=0); signs in through the sign-in form as each demo login
(admin, staff, mentor, expert, young, donor; password kenesh-demo) and walks the pages
that role reaches by links from its home page (tests/crawl.py, one page of each shape).

A page's weight is the body of its HTML as sent plus the body of every file it
references, each counted once per page: ``<script src>``, ``<link rel="stylesheet" |
"icon" | "preload" href>``, ``<img src>``, and the ``url(...)``/``@import`` of those
stylesheets. Headers are not counted. A page showing a chart (an ``<svg role="img">``
or a chart script) may weigh 120 KB, any other page 60 KB (1 KB = 1,000 bytes).

    python bench/weight.py [--top 20] [--data-dir DIR (kept; reused if it holds the demo)]

Prints the heaviest pages, the pages over their target, responses sent uncompressed
although compressible, and on its last line the page closest to (or furthest over) its
target, as a ratio of the target.
"""

import argparse
import contextlib
import gzip
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from crawl import crawl  # noqa: E402 - tests/ is not a package on the path

ROLES = ("admin", "staff", "mentor", "expert", "young", "donor")
PASSWORD = "kenesh-demo"
KB = 1000
TARGET = 60 * KB
CHART_TARGET = 120 * KB
ACCEPT = "br, gzip"
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSS_URL_RE = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
COMPRESSIBLE = re.compile(r"^(text/|application/(javascript|json|xml)|image/svg\+xml)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Body:
    status: int
    content_type: str
    sent: int  # bytes on the wire (the body as sent, compressed or not)
    text: bytes  # the body decoded
    encoding: str
    url: str  # where redirects ended


@dataclass
class Page:
    role: str
    path: str
    html: int
    assets: dict[str, int] = field(default_factory=dict)
    chart: bool = False
    plain: int = 0  # the same page and files uncompressed (a client accepting no encoding)

    @property
    def total(self) -> int:
        return self.html + sum(self.assets.values())

    @property
    def target(self) -> int:
        return CHART_TARGET if self.chart else TARGET


class _References(HTMLParser):
    """What a page makes the browser fetch: scripts, stylesheets, icons, preloads, images."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.chart = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
            self.chart = self.chart or "chart" in attrs["src"].lower()
        elif tag == "link" and attrs.get("href"):
            rel = (attrs.get("rel") or "").lower().split()
            if {"stylesheet", "icon", "preload", "modulepreload"} & set(rel):
                self.urls.append(attrs["href"])
        elif tag == "img" and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag == "svg" and (attrs.get("role") or "").lower() == "img":
            self.chart = True


class Browser:
    """One signed-in visitor with an empty cache, asking for compressed responses."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, url: str, data: dict | None = None) -> Body:
        request = urllib.request.Request(
            urllib.parse.urljoin(self.base, url),
            data=urllib.parse.urlencode(data).encode() if data is not None else None,
            headers={"Accept-Encoding": ACCEPT, "Referer": self.base + "/login/"},
        )
        try:
            response = self.opener.open(request, timeout=120)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            raw = response.read()
            encoding = response.headers.get("Content-Encoding", "") or ""
            content_type = response.headers.get("Content-Type", "") or ""
            status = response.status if hasattr(response, "status") else response.code
            final = response.geturl()
        if encoding == "br":
            text = brotli.decompress(raw)
        elif encoding == "gzip":
            text = gzip.decompress(raw)
        else:
            text = raw
        return Body(status, content_type, len(raw), text, encoding, final)

    def sign_in(self, username: str) -> None:
        form = self.get("/login/").text.decode()
        token = TOKEN_RE.search(form).group(1)
        self.get(
            "/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD, "next": ""},
        )
        home = self.get("/")
        if home.status != 200 or urllib.parse.urlsplit(home.url).path.startswith("/login/"):
            raise SystemExit(f"Could not sign in as {username} (is two-step sign-in off?)")


class Weigher:
    def __init__(self, base: str):
        self.base = base
        self.files: dict[str, Body] = {}  # each file fetched once: its size does not vary
        self.uncompressed: set[str] = set()

    def file(self, browser: Browser, url: str) -> Body:
        if url not in self.files:
            body = browser.get(url)
            self.files[url] = body
            self.note_encoding(url, body)
        return self.files[url]

    def note_encoding(self, url: str, body: Body) -> None:
        big_enough = body.status == 200 and len(body.text) >= 200
        if big_enough and not body.encoding and COMPRESSIBLE.match(body.content_type):
            self.uncompressed.add(url)

    def same_site(self, url: str, base: str) -> str | None:
        if url.startswith("data:"):
            return None
        absolute = urllib.parse.urlsplit(urllib.parse.urljoin(base, url))
        if absolute.netloc and absolute.netloc != urllib.parse.urlsplit(self.base).netloc:
            return None  # another host: the CSP forbids it, and a test looks for it
        return absolute.path + (f"?{absolute.query}" if absolute.query else "")

    def assets(self, browser: Browser, html: str, path: str) -> tuple[dict[str, int], bool]:
        parser = _References()
        parser.feed(html)
        found: dict[str, int] = {}
        queue = [u for u in (self.same_site(url, self.base + path) for url in parser.urls) if u]
        chart = parser.chart
        while queue:
            url = queue.pop(0)
            if url in found:
                continue
            body = self.file(browser, url)
            found[url] = body.sent
            if "text/css" in body.content_type:
                for match in CSS_URL_RE.finditer(body.text.decode("utf-8", "replace")):
                    inner = self.same_site(match.group(1) or match.group(2), self.base + url)
                    if inner and not inner.startswith("#"):
                        queue.append(inner)
            if "javascript" in body.content_type and "chart" in url.lower():
                chart = True
        return found, chart


def start_demo(data_dir: Path, port: int, log_path: Path) -> subprocess.Popen:
    env = os.environ.copy()
    env.update(KENESH_MFA_REQUIRED="0", KENESH_DATA_DIR=str(data_dir))
    for name in ("DJANGO_SETTINGS_MODULE", "KENESH_DEBUG", "KENESH_STATIC_ROOT"):
        env.pop(name, None)
    log = open(log_path, "ab")  # noqa: SIM115 - kept open for the child
    process = subprocess.Popen(
        [sys.executable, "-m", "kenesh.cli", "demo", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=log,
        cwd=data_dir,
    )
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"kenesh demo exited; see {log_path}:\n{log_path.read_text()[-3000:]}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as answer,
        ):
            if answer.status == 200:
                return process
        time.sleep(1)
    process.terminate()
    raise SystemExit(f"kenesh demo did not answer within 15 minutes; see {log_path}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()  # kenesh serve turns SIGTERM into an exit that stops its worker
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def kb(size: int) -> str:
    return f"{size / KB:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=20, help="how many of the heaviest pages")
    parser.add_argument("--data-dir", help="keep the demo here (reused when run again)")
    args = parser.parse_args()

    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="kenesh-weight-")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = data_dir / "weight-bench.log"
    started = time.monotonic()
    process = start_demo(data_dir, port, log_path)
    print(f"kenesh demo serving on port {port} after {time.monotonic() - started:.0f} s")
    base = f"http://127.0.0.1:{port}"
    weigher = Weigher(base)
    pages: list[Page] = []
    try:
        for role in ROLES:
            browser = Browser(base)
            browser.sign_in(role)
            html_of: dict[str, Body] = {}

            def fetch(path, browser=browser, html_of=html_of):
                body = browser.get(path)
                html_of[path] = body
                weigher.note_encoding(path, body)
                return body.status, body.content_type, body.text.decode("utf-8", "replace")

            for path in crawl(fetch, start="/", per_shape=1):
                body = html_of[path]
                assets, chart = weigher.assets(browser, body.text.decode("utf-8", "replace"), path)
                plain = len(body.text) + sum(len(weigher.files[url].text) for url in assets)
                pages.append(Page(role, path, body.sent, assets, chart, plain))
            print(f"  {role:<7} {sum(p.role == role for p in pages):4d} pages", flush=True)
    finally:
        stop(process)
        if not args.data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)

    if not pages:
        raise SystemExit("No page was reached.")
    print(f"\n{len(pages)} pages as {len(ROLES)} roles; {len(weigher.files)} distinct files")
    print(
        f"\nHeaviest {min(args.top, len(pages))} pages (KB = 1,000 bytes, as sent with {ACCEPT}):"
    )
    print(
        f"{'role':<7} {'path':<58} {'html':>6} {'files':>6} {'total':>6} {'target':>6} {'plain':>6}"
    )
    by_weight = sorted(pages, key=lambda p: p.total, reverse=True)
    for page in by_weight[: args.top]:
        print(
            f"{page.role:<7} {page.path[:58]:<58} {kb(page.html):>6} "
            f"{kb(sum(page.assets.values())):>6} {kb(page.total):>6} {page.target // KB:>6} "
            f"{kb(page.plain):>6}" + ("  chart" if page.chart else "")
        )
    heaviest = by_weight[0]
    print(f"\nLargest files of the heaviest page ({heaviest.role} {heaviest.path}):")
    for url, size in sorted(heaviest.assets.items(), key=lambda item: -item[1])[:8]:
        print(f"  {kb(size):>6} KB  {url}")
    charts = [p for p in pages if p.chart]
    over = [p for p in pages if p.total > p.target]
    print(
        f"\nPages over target: {len(over)} of {len(pages)} "
        f"({sum(p.chart for p in over)} of {len(charts)} chart pages over 120 KB, "
        f"{sum(not p.chart for p in over)} of {len(pages) - len(charts)} others over 60 KB)"
    )
    for page in over:
        print(f"  {page.role:<7} {page.path}  {kb(page.total)} KB of {page.target // KB} KB")
    sent, plain = sum(p.total for p in pages), sum(p.plain for p in pages)
    median = sorted(p.total for p in pages)[len(pages) // 2]
    print(
        f"All pages together: {kb(sent)} KB as sent, {kb(plain)} KB uncompressed "
        f"({sent / plain:.0%}); median page {kb(median)} KB"
    )
    print(f"Compressible responses sent uncompressed: {len(weigher.uncompressed)}")
    for url in sorted(weigher.uncompressed)[:10]:
        print(f"  {url}")
    worst = max(pages, key=lambda p: p.total / p.target)
    print(
        f"heaviest page ({worst.role} {worst.path}) {kb(worst.total)} KB "
        f"of {worst.target // KB} KB target (ratio {worst.total / worst.target:.2f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
