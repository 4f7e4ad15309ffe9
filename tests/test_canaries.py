"""Canaries: secrets planted in the demo, then every page and export crawled as each role.

Issue 10, item 6. Distinct strings ("canaries") are written into what some roles must
never read: a closed Track II convening (title, summary, outputs, place, agenda, notes,
a document's title, file name and contents), the session notes of a Chatham House
meeting, people's contact fields, a name no one outside staff may know, an applicant's
CV and writing sample, an unpublished paper (title, abstract, text, the attached file's
name), a pseudonymous Track II conversation (title, description, statements, a link's
label), the notes of mentorships, and a closed briefing one demo role takes part in.

Then, as each role, the crawler opens every URL of the permission matrix
(``tests/test_every_page.py``) and "/", and follows every same-site ``href``, ``src``
and ``hx-get`` of every HTML page it gets (redirects too), breadth first, GET only.
It also fetches the role's personal calendar feed (opened through its POST endpoint
first) and every export format (CSV, JSON, Pol.is zip) of both conversations, and reads
any e-mail sent meanwhile. Every answer is searched, body and headers (so a download's
file name too), for every canary: calendar lines unfolded, a zip member by member, a
PDF through the HTML WeasyPrint is given to print it (its own text is stored as glyph
ids, which no byte search finds; see ``crawl``).

- No role outside staff finds a canary it must not see (each canary names the roles
  that must not; a demo role that legitimately is a party is left out of that set, and
  must then find it: the young expert their closed briefing and own phone, the mentor
  the application they review and their own pair's notes, members the Chatham House
  notes, the reviewers the paper in review).
- Staff, crawling the same way, find every canary at least once: proof that each was
  planted where some page or download shows it.
- No GET answers 500.

The demo is loaded once for the module, inside a transaction rolled back at the end.
"""

import contextlib
import html
import io
import re
import time
import zipfile
import zlib
from collections import deque
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from kenesh.access.models import User
from tests.test_every_page import (
    ADMIN,
    ANON,
    CASES,
    DONOR,
    EXPERT,
    MENTOR,
    ROLES,
    STAFF,
    YOUNG,
    World,
    secrets_for,
)

NOT_STAFF = frozenset({ANON, MENTOR, EXPERT, YOUNG, DONOR})
# Answers per role before the crawl stops, and fails: a crawl that stops early proves
# nothing about the pages it did not reach. The demo needs about 500 (the mentor).
PAGE_CAP = 1500
# Staff's crawl opens this many URLs of each pattern (see test_staff_find_every_canary).
STAFF_SAMPLE = 3
# PDFs printed for real per role (see crawl()).
PDFS_PRINTED = 3
# Never opened: they change state, sign out, switch the language, or are the Django
# admin (its own permission system, tested elsewhere) or static files.
SKIP_PREFIXES = ("/static/", "/admin/", "/i18n/", "/media/")
SKIP_VIEWS = {
    "access:logout",
    "set_language",
    *(case.url_name.lstrip(":") for case in CASES if case.label.startswith("POST only")),
}
LINK = re.compile(r"""\b(href|src|hx-get)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


@dataclass(frozen=True)
class Canary:
    text: str
    where: str
    hidden_from: frozenset
    # False where no page shows the value to anyone by design (the check is then only
    # that no one finds it).
    staff_finds: bool = True


def canary(tag: str) -> str:
    # Lower case, letters, digits and hyphens: printed the same in HTML, CSV, JSON and
    # iCalendar; "kncry" and "q7zx" occur in no demo text.
    return f"kncry-{tag}-q7zx"


def user_for(role):
    return AnonymousUser() if role == ANON else User.objects.get(username=role)


def plant(world) -> tuple[list[Canary], set[str]]:
    """Write the canaries into the demo; return them (with who must not see each) and
    the codes of the objects they were written into."""
    from kenesh.convenings.models import (
        Convening,
        Document,
        Participation,
        Session,
        SessionAssignment,
    )
    from kenesh.deliberation.models import Participant, Statement
    from kenesh.mentoring.models import Application, MentoringSession, Mentorship, Milestone
    from kenesh.papers.models import Authorship, PaperVersion, PolicyPaper
    from kenesh.people.models import Person

    canaries: list[Canary] = []

    def add(tag, where, hidden_from=NOT_STAFF, staff_finds=True) -> str:
        text = canary(tag)
        canaries.append(Canary(text, where, frozenset(hidden_from), staff_finds))
        return text

    role_people = set(Person.objects.filter(user__username__in=ROLES).values_list("pk", flat=True))
    young = world.young

    def places(convening) -> set[str]:
        return set(
            Participation.objects.holding_place()
            .filter(convening=convening, person__user__isnull=False)
            .values_list("person__user__username", flat=True)
        )

    # A closed Track II round none of the demo roles takes part in.
    t2 = world.track2
    assert not places(t2) & set(ROLES), "a demo role takes part in the Track II round"
    Convening.objects.filter(pk=t2.pk).update(
        title=f"{add('t2-title', 'Track II title')} {t2.title}",
        summary=f"{add('t2-summary', 'Track II summary')} {t2.summary}",
        outputs=add("t2-outputs", "Track II outputs"),
        city=add("t2-city", "Track II city"),
        online=False,
    )
    session = Session.objects.filter(convening=t2).first()
    Session.objects.filter(pk=session.pk).update(
        title=f"{add('t2-session', 'Track II session title')} {session.title}",
        description=add("t2-session-text", "Track II session description"),
        notes=add("t2-notes", "Track II session notes"),
    )
    document = world.track2_document
    document.file.save(
        "report.txt", ContentFile(add("t2-doc-body", "Track II document contents").encode())
    )
    Document.objects.filter(pk=document.pk).update(
        title=add("t2-doc-title", "Track II document title"),
        filename=f"{add('t2-doc-file', 'Track II document file name')}.txt",
    )

    # A closed briefing where the young expert holds a place: theirs to see.
    briefing = world.closed_briefing
    insiders = places(briefing) & NOT_STAFF
    assert insiders == {YOUNG}, insiders
    Convening.objects.filter(pk=briefing.pk).update(
        title=f"{add('closed-brief', 'closed briefing title', NOT_STAFF - insiders)} "
        f"{briefing.title}",
        summary=add("closed-brief-sum", "closed briefing summary", NOT_STAFF - insiders),
    )

    # Chatham House: members may read what was said; observers and the public may not.
    rcwg = world.rcwg
    assert rcwg.confidentiality == "chatham"
    Session.objects.filter(pk=world.rcwg_session.pk).update(
        notes=add("chatham-notes", "Chatham House session notes", {ANON, DONOR})
    )

    # Contact details: staff and the person only.
    def contacts(person, tag, hidden_from=NOT_STAFF, **fields):
        values = {}
        for field in fields:
            text = add(f"{field}-{tag}", f"{field} of {tag}", hidden_from)
            values[field] = f"{text}@example.org" if field == "email" else text
        Person.objects.filter(pk=person.pk).update(**values)

    mentee_of_mentor = world.mentor_mentorship.mentee
    mentor_of_young = world.young_mentorship.mentor
    contacts(world.listed, "listed", email=1, phone=1, messenger=1)
    contacts(world.unlisted, "unlisted", email=1, phone=1)
    contacts(world.withdrawn, "withdrawn", email=1)
    contacts(mentee_of_mentor, "mentee", email=1, phone=1)
    contacts(mentor_of_young, "mentor-of-young", email=1, messenger=1)
    contacts(young, "young-self", NOT_STAFF - {YOUNG}, phone=1)

    # A name only staff may know: someone unlisted who took part in the Track II round
    # (facilitating a session) and spoke, under the Chatham House rule, at a meeting no
    # demo role attended.
    chatham = next(
        c
        for c in Convening.objects.filter(confidentiality="chatham").order_by("starts_on")
        if not places(c) & set(ROLES)
    )
    secret_person = Person(
        name=f"{add('name', 'a hidden name')} Петрова",
        name_latin=f"{add('name-latin', 'a hidden name in Latin letters')} Petrova",
        gender="female",
        country="KG",
        sector="academia",
        track="seasoned",
        data_processing_consent_at=timezone.now(),
    )
    secret_person.refresh_derived_fields()
    secret_person.save()
    for convening, role, session_role in ((t2, "participant", "facilitator"),
                                          (chatham, "speaker", "speaker")):  # fmt: skip
        place = Participation.objects.create(
            convening=convening, person=secret_person, role=role, invitation="accepted"
        )
        SessionAssignment.objects.create(
            session=Session.objects.filter(convening=convening).first(),
            participation=place,
            role=session_role,
        )
    for role in NOT_STAFF:  # the platform's own account of who may know the name
        assert secret_person.name in secrets_for(user_for(role)), role

    # An application: reviewers (staff and mentors) read it; no one else.
    reviewers_only = NOT_STAFF - {MENTOR}
    application = world.application
    assert application.person_id not in role_people
    cv_text = add("cv-body", "CV contents", reviewers_only)
    sample_text = add("sample-body", "writing sample contents", reviewers_only)
    # The platform keeps no uploaded file name (it serves "cv-<id>"); the stored name is
    # planted instead, which no page should reveal, staff's included.
    stored = default_storage.save(
        f"applications/{application.call.code}/"
        f"{add('cv-file', 'CV stored name', staff_finds=False)}",
        ContentFile(f"%PDF-1.4\n{cv_text}\n".encode()),
    )
    sample = default_storage.save(
        f"applications/{application.call.code}/"
        f"{add('sample-file', 'writing sample stored name', staff_finds=False)}",
        ContentFile(f"%PDF-1.4\n{sample_text}\n".encode()),
    )
    Application.objects.filter(pk=application.pk).update(
        cv=stored,
        writing_sample=sample,
        motivation=f"{add('motivation', 'application motivation', reviewers_only)} "
        f"{application.motivation}",
    )
    # An applicant's address: staff only (it shows in the person's data export).
    linked = (
        Application.objects.filter(person__isnull=False)
        .exclude(person__in=role_people)
        .exclude(person__withdrawn_at__isnull=False)
        .first()
    )
    Application.objects.filter(pk=linked.pk).update(
        email=f"{add('applicant-mail', 'applicant email')}@example.org"
    )

    # An unpublished paper no demo role writes or reviews.
    draft = world.draft_paper
    assert not Authorship.objects.filter(paper=draft, person__in=role_people).exists()
    PolicyPaper.objects.filter(pk=draft.pk).update(
        title=f"{add('draft-title', 'draft paper title')} {draft.title}",
        abstract=add("draft-abstract", "draft paper abstract"),
    )
    version = PaperVersion.objects.filter(paper=draft).order_by("-number").first()
    assert version is not None
    attached = default_storage.save(f"papers/{draft.code}/attached", ContentFile(b"%PDF-1.4\n"))
    PaperVersion.objects.filter(pk=version.pk).update(
        body=f"{add('draft-body', 'draft paper text')}\n\n{version.body}",
        note=add("draft-note", "draft version note"),
        file=attached,
        filename=f"{add('draft-file', 'draft attached file name')}.docx",
    )
    # A paper in review: its reviewers (the mentor and the expert) read it.
    review = world.review_paper
    PolicyPaper.objects.filter(pk=review.pk).update(
        abstract=add("review-abstract", "in-review paper abstract", {ANON, DONOR, YOUNG})
    )

    # The pseudonymous Track II conversation.
    border = world.border
    border.refresh_from_db()
    type(border).objects.filter(pk=border.pk).update(
        title=f"{add('conv-title', 'closed conversation title')} {border.title}",
        description=add("conv-description", "closed conversation description"),
    )
    statements = list(Statement.objects.filter(conversation=border).order_by("number"))
    accepted = next(s for s in statements if s.status == "accepted")
    Statement.objects.filter(pk=accepted.pk).update(
        text=f"{add('statement', 'closed conversation statement')} {accepted.text}"
    )
    pending = next((s for s in statements if s.status == "pending"), None)
    if pending is not None:
        Statement.objects.filter(pk=pending.pk).update(
            text=add("statement-pending", "closed conversation pending statement")
        )
    participant = Participant.objects.filter(conversation=border).first()
    Participant.objects.filter(pk=participant.pk).update(
        label=add("link-label", "pseudonymous link label")
    )

    # Mentorship notes: the pair and staff. One pair with no demo role in it, and the
    # mentor's own pair (theirs to read).
    others = Mentorship.objects.exclude(mentor__in=role_people).exclude(mentee__in=role_people)
    other = others.first()
    assert other is not None
    Mentorship.objects.filter(pk=other.pk).update(goals=add("goals", "mentorship goals"))
    first = MentoringSession.objects.filter(mentorship=other).first()
    MentoringSession.objects.filter(pk=first.pk).update(
        notes=add("mentoring-notes", "mentoring session notes"),
        topics=add("mentoring-topics", "mentoring session topics"),
    )
    milestone = Milestone.objects.filter(mentorship=other).first()
    Milestone.objects.filter(pk=milestone.pk).update(title=add("milestone", "mentorship milestone"))
    own = MentoringSession.objects.filter(mentorship=world.mentor_mentorship).first()
    MentoringSession.objects.filter(pk=own.pk).update(
        notes=add("mentor-own-notes", "the mentor's own pair's notes", NOT_STAFF - {MENTOR})
    )

    texts = [c.text for c in canaries]
    assert len(set(texts)) == len(texts)
    assert not any(a != b and a in b for a in texts for b in texts)
    people = [world.listed, world.unlisted, world.withdrawn, mentee_of_mentor, mentor_of_young]
    objects = [
        t2, document, briefing, rcwg, chatham, young, secret_person, *people, application,
        linked, linked.person, draft, review, border, accepted, other, world.mentor_mentorship,
    ]  # fmt: skip
    return canaries, {str(obj.code) for obj in objects}


@pytest.fixture(scope="module")
def planted(django_db_setup, django_db_blocker):
    from kenesh.demo.loader import load_demo

    with (
        django_db_blocker.unblock(),
        override_settings(KENESH_OPINION_BOOTSTRAP=0),
        transaction.atomic(),
    ):
        load_demo(scale=1)
        world = World()
        yield world, *plant(world)
        transaction.set_rollback(True)
    # The rollback takes the demo away; so must the cached platform settings (its label).
    cache.clear()


# -- reading what a response says ------------------------------------------------------


def pdf_streams(data: bytes) -> str:
    """The PDF's streams, inflated where they are compressed, as text: catches anything
    written in clear (metadata, attachments). The page text itself is glyph ids."""
    parts = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        raw = match.group(1)
        with contextlib.suppress(zlib.error):
            raw = zlib.decompress(raw)
        parts.append(raw.decode("latin-1"))
    return "\n".join(parts)


def zip_members(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(
            f"{name}\n" + archive.read(name).decode("utf-8", "replace")
            for name in archive.namelist()
        )


def read(response, printed: list[str]) -> str:
    """Everything a response says, as one text."""
    # A download is read to its end, where the test client closes it. (Closing it again
    # would fire request_finished, which closes the database connection: on PostgreSQL,
    # with the module's transaction in it.)
    data = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    text = data.decode("utf-8", "replace")
    if data.startswith(b"%PDF"):
        text += pdf_streams(data) + "".join(printed)
    elif data.startswith(b"PK\x03\x04"):
        text += zip_members(data)
    if "calendar" in kind:  # unfold RFC 5545 lines
        text = text.replace("\r\n ", "").replace("\r\n\t", "")
    text += "\n".join(f"{name}: {value}" for name, value in response.items())
    return text


def links(page: str, base: str) -> list[tuple[str, bool]]:
    """(same-site URL, is an hx-get) for every link of an HTML page."""
    found = []
    for attribute, double, single in LINK.findall(page):
        target = html.unescape(double or single).strip()
        if not target or target.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
            continue
        parts = urlsplit(urljoin(base, target))
        if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
            continue
        path = parts.path
        if path.startswith(SKIP_PREFIXES):
            continue
        try:
            view = resolve(path).view_name
        except Resolver404:
            continue
        if view in SKIP_VIEWS:
            continue
        query = "" if view == "access:login" else parts.query
        found.append((f"{path}?{query}" if query else path, attribute.lower() == "hx-get"))
    return found


# -- the crawl -------------------------------------------------------------------------


@dataclass
class Crawl:
    role: str
    pages: dict  # url -> status
    hits: list  # (canary, url)
    errors: list  # GETs that answered 500
    capped: bool
    seconds: float
    mails: int

    def found(self) -> set[str]:
        return {c.text for c, _url in self.hits}


def start_urls(world) -> list[str]:
    """Every URL of the permission matrix, "/", and each export format of both
    conversations (the matrix opens the CSV export only)."""
    urls = ["/"]
    for case in CASES:
        name = case.url_name.lstrip(":")
        if name in SKIP_VIEWS:
            continue
        url = reverse(name, kwargs=case.kwargs(world) if case.kwargs else {})
        if case.query:
            url += "?" + "&".join(f"{k}={v}" for k, v in case.query.items())
        urls.append(url)
    for conversation in (world.water, world.border):
        for fmt in ("json", "csv", "polis.zip"):
            urls.append(
                reverse("deliberation:export", kwargs={"code": conversation.code, "fmt": fmt})
            )
    return list(dict.fromkeys(urls))


def pattern(url: str) -> tuple:
    path, _sep, query = url.partition("?")
    keys = sorted({pair.partition("=")[0] for pair in query.split("&") if pair})
    return resolve(path).view_name, *keys


def crawl(world, role, canaries, monkeypatch, *, sample=None, focus=frozenset()) -> Crawl:
    """Open everything ``role`` can reach from the start URLs, breadth first, and note
    every canary on every answer. With ``sample``, a URL whose pattern (view and query
    keys) was opened ``sample`` times already is skipped unless it names an object in
    ``focus``."""
    from kenesh.convenings.models import CalendarFeed
    from kenesh.papers import printing as paper_printing

    began = time.monotonic()
    printed: list[str] = []
    original = paper_printing.print_html

    def printed_html(*args, **kwargs):
        """The HTML a paper's PDF is printed from, kept as the PDF's readable text."""
        page = original(*args, **kwargs)
        printed.append(page)
        return page

    monkeypatch.setattr(paper_printing, "print_html", printed_html)
    # Each PDF's text is read from the HTML it is printed from (above): WeasyPrint adds
    # no text of its own. The first few PDFs are printed for real, and their streams
    # searched too (metadata); the others skip the printing, a fifth of the crawl's time.
    with contextlib.suppress(ImportError, OSError):
        from weasyprint import HTML

        write_pdf, rendered = HTML.write_pdf, []

        def write_some_pdfs(self, *args, **kwargs):
            rendered.append(1)
            if len(rendered) <= PDFS_PRINTED:
                return write_pdf(self, *args, **kwargs)
            return b"%PDF-1.7\n% not printed: its text was read from its HTML\n"

        monkeypatch.setattr(HTML, "write_pdf", write_some_pdfs)
    client = Client(raise_request_exception=False)
    if role != ANON:
        client.force_login(user_for(role))
    mail.outbox = []
    queue = deque((url, False) for url in start_urls(world))
    # The personal calendar feed: opened as the role would (a POST), then fetched.
    opened = client.post(reverse("convenings:calendar-feed-open"))
    feed = CalendarFeed.objects.filter(user__username=role, revoked_at__isnull=True).first()
    if feed is not None:
        assert opened.status_code == 302, opened.status_code
        queue.appendleft((reverse("convenings:calendar-feed", kwargs={"token": feed.token}), False))
    starts = {url for url, _hx in queue}
    seen = set(queue)
    opened_per_pattern: dict[tuple, int] = {}
    pages, hits, errors = {}, [], []
    capped = False
    while queue:
        url, hx = queue.popleft()
        if sample is not None and url not in starts and not any(code in url for code in focus):
            key = pattern(url)
            if opened_per_pattern.get(key, 0) >= sample:
                continue
            opened_per_pattern[key] = opened_per_pattern.get(key, 0) + 1
        if len(pages) >= PAGE_CAP:
            capped = True
            break
        printed.clear()
        response = client.get(url, headers={"HX-Request": "true"} if hx else {})
        pages[url] = response.status_code
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            errors.append(f"{url}: {response.status_code} {exc[1]!r}" if exc else url)
        text = read(response, printed)
        lowered = text.lower()
        hits.extend((c, url) for c in canaries if c.text in lowered)
        if response.status_code in (301, 302, 303):
            found = links(f'href="{response["Location"]}"', url)
        elif "text/html" in response.get("Content-Type", ""):
            found = links(text, url)
        else:
            found = []
        for link in found:
            if link not in seen:
                seen.add(link)
                queue.append(link)
    # Still inside the module's transaction: nothing the crawl did ended it.
    assert connection.in_atomic_block
    # Nothing above should send mail; whatever did is searched too.
    for message in mail.outbox:
        text = "\n".join([message.subject, message.body, *message.to]).lower()
        hits.extend((c, f"e-mail to {message.to}") for c in canaries if c.text in text)
    seconds = time.monotonic() - began
    return Crawl(role, pages, hits, errors, capped, seconds, len(mail.outbox))


def summary(result: Crawl) -> str:
    return (
        f"{result.role}: {len(result.pages)} answers, {len(result.found())} canaries seen, "
        f"{result.mails} e-mails, {result.seconds:.1f} s"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(NOT_STAFF))
def test_no_role_finds_a_canary_it_must_not_see(planted, role, monkeypatch):
    world, canaries, _focus = planted
    result = crawl(world, role, canaries, monkeypatch)
    print(summary(result))
    assert not result.errors, f"server errors as {role}:\n" + "\n".join(result.errors)
    assert not result.capped, f"the crawl as {role} stopped at {PAGE_CAP} pages"
    leaks = sorted(
        {f"{c.text} ({c.where}) on {url}" for c, url in result.hits if role in c.hidden_from}
    )
    assert not leaks, f"as {role}, canaries found:\n" + "\n".join(leaks)
    # A role left out of a canary's hidden set is a party to it: it does find it, so
    # the exemption is needed, and the crawl reached where the canary is shown.
    unseen = [
        f"{c.text} ({c.where})"
        for c in canaries
        if role not in c.hidden_from and c.staff_finds and c.text not in result.found()
    ]
    assert not unseen, f"{role} is a party to these, yet no page shows them:\n" + "\n".join(unseen)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [STAFF, ADMIN])
def test_staff_find_every_canary(planted, role, monkeypatch):
    """The positive control: staff see everything, so each canary is on some page they
    reach. Staff reach every object, hundreds of pages alike: for speed their crawl
    opens a few URLs of each pattern, and every URL of an object a canary is in."""
    world, canaries, focus = planted
    result = crawl(world, role, canaries, monkeypatch, sample=STAFF_SAMPLE, focus=focus)
    print(summary(result))
    assert not result.errors, f"server errors as {role}:\n" + "\n".join(result.errors)
    assert not result.capped, f"the crawl as {role} stopped at {PAGE_CAP} pages"
    missing = [
        f"{c.text} ({c.where})" for c in canaries if c.staff_finds and c.text not in result.found()
    ]
    assert not missing, f"planted, but no page shows it to {role}:\n" + "\n".join(missing)
    shown = [f"{c.text} on {url}" for c, url in result.hits if not c.staff_finds]
    assert not shown, "stored file names shown:\n" + "\n".join(shown)
