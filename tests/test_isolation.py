"""Object isolation (issue 10, item 6): two closed dialogues, two conflicted applications.

Two closed Track II dialogues, A and B, each with its own participant and facilitator
(logins with the expert role), a session, a private document, an invitation, a
simulation scenario, a named common-ground conversation (with a draft recommendation
made from it) and a pseudonymous one with invitation links. For every URL pattern that
takes a code (read from the URL resolver: a new one without a row here fails), each
dialogue's people open it on their own dialogue, where it opens or is refused by role
only, and on the other's, where the answer is the very answer given for a code that
names nothing: status and body alike, the CSRF token and the requested address aside.
POSTs to the other dialogue change nothing. No list or overview page shows the other
dialogue's titles or its people's names.

One call, two reviewers, two applications: each reviewer declared a conflict of
interest on one of them. The conflicted application, its CV and writing sample and the
scoring POST answer as a nonexistent application does, and write nothing; the other
application still opens.

The world is built with factories once for the module, inside a transaction rolled
back at the end.
"""

import datetime
import re
import uuid
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kenesh.access.models import Role, User
from kenesh.core.testing.matrix import row_counts, url_patterns
from tests.convenings.factories import ConveningFactory, ParticipationFactory, SessionFactory
from tests.factories import PersonFactory

PDF = b"%PDF-1.4\n%%EOF\n"
OPENS, REFUSED = "opens", "refused"
PARTICIPANT, FACILITATOR = "participant", "facilitator"


# -- The world ---------------------------------------------------------------------------


def make_user(username, role, name, name_latin, *, listed=False, **person):
    user = User.objects.create_user(username=username, password=uuid.uuid4().hex, role=role)
    PersonFactory(
        user=user,
        name=name,
        name_latin=name_latin,
        directory_consent_at=timezone.now() if listed else None,
        **person,
    )
    return user


def make_dialogue(letter: str, word: str, staff) -> SimpleNamespace:
    """A closed Track II round whose every title and name carries ``word``."""
    from kenesh.convenings.models import Document, Inject, Invitation, Scenario, Team
    from kenesh.deliberation import services as deliberation
    from kenesh.deliberation.models import Anonymity, Conversation, Statement
    from kenesh.influence.models import DRAFT_ADDRESSEE, Recommendation
    from kenesh.people.transliteration import fold

    d = SimpleNamespace(letter=letter, word=word)
    starts = timezone.localdate() + datetime.timedelta(days=40)
    d.convening = ConveningFactory(
        kind="track2",
        confidentiality="closed",
        title=f"Closed round {word}",
        series=f"Dialogue series {word}",
        starts_on=starts,
        ends_on=starts + datetime.timedelta(days=1),
    )
    d.participant = make_user(
        f"{word.lower()}_participant", Role.EXPERT, f"Участница {word}ова", f"Uchastnitsa {word}ova"
    )
    d.facilitator = make_user(
        f"{word.lower()}_facilitator", Role.EXPERT, f"Модератор {word}ов", f"Moderator {word}ov"
    )
    # Known to no one outside the round: no login, not listed in the directory.
    d.outsider = PersonFactory(
        name=f"Тайный Гость {word}", name_latin=f"Tainyi Gost {word}", directory_consent_at=None
    )
    # Listed in the directory, so any member may know the name: only the round is secret.
    d.listed = PersonFactory(
        name=f"Молодая Эксперт {word}",
        name_latin=f"Molodaya Ekspert {word}",
        track="emergent",
        birth_year=1999,
    )
    # The invitation: the participant has not answered yet, and answers are open.
    d.place = ParticipationFactory(
        convening=d.convening,
        person=d.participant.person,
        invitation=Invitation.INVITED,
        attended=None,
    )
    ParticipationFactory(
        convening=d.convening, person=d.facilitator.person, role="facilitator", attended=None
    )
    speaker = ParticipationFactory(
        convening=d.convening, person=d.outsider, role="speaker", attended=None
    )
    ParticipationFactory(convening=d.convening, person=d.listed, attended=None)
    d.session = SessionFactory(
        convening=d.convening,
        title=f"Session on {word} water",
        notes=f"What was said at {word}, unattributed.",
    )
    d.session.assignments.create(participation=speaker, role="speaker")
    d.document = Document(
        convening=d.convening,
        kind="report",
        title=f"Round report {word}",
        filename="report.txt",
        content_type="text/plain",
        size=4,
    )
    d.document.file.save("report.txt", ContentFile(b"text"), save=True)
    d.scenario = Scenario.objects.create(
        convening=d.convening, title=f"Scenario {word}", brief=f"Brief of {word}."
    )
    team = Team.objects.create(scenario=d.scenario, name=f"Team {word}")
    team.members.create(participation=d.place)
    d.released = Inject.objects.create(
        scenario=d.scenario,
        order=1,
        planned_minute=0,
        title=f"Inject released {word}",
        body="A development.",
        released_at=timezone.now(),
    )
    d.inject = Inject.objects.create(
        scenario=d.scenario,
        order=2,
        planned_minute=30,
        title=f"Inject waiting {word}",
        body="Another development.",
    )
    d.conversation = Conversation.objects.create(
        title=f"Common ground of {word}",
        language="en",
        convening=d.convening,
        anonymity=Anonymity.NAMED,
        open_to_members=True,
    )
    d.pseudonymous = Conversation.objects.create(
        title=f"Pseudonymous panel of {word}",
        language="en",
        convening=d.convening,
        anonymity=Anonymity.PSEUDONYMOUS,
    )
    for conversation in (d.conversation, d.pseudonymous):
        for number in (1, 2, 3):
            text = f"Statement {number} of {conversation.title}"
            Statement.objects.create(
                conversation=conversation,
                number=number,
                text=text,
                language="en",
                normalized=fold(text),
                status="accepted",
                is_seed=True,
            )
    d.statement = d.conversation.statements.get(number=1)
    d.pseudo_statement = d.pseudonymous.statements.get(number=1)
    d.link = deliberation.create_invitation_links(conversation=d.pseudonymous, count=2, by=staff)[0]
    d.recommendation = Recommendation.objects.create(
        statement=d.statement,
        text=f"Recommendation drawn from {word}",
        addressee=DRAFT_ADDRESSEE,
        level="regional",
    )
    return d


def secrets_of(d) -> set[str]:
    """What no one outside dialogue ``d`` may read anywhere."""
    return {
        d.convening.title,
        d.convening.series,
        d.session.title,
        d.session.notes,
        d.document.title,
        d.scenario.title,
        d.released.title,
        d.inject.title,
        d.conversation.title,
        d.pseudonymous.title,
        d.statement.text,
        d.recommendation.text,
        d.participant.username,
        d.facilitator.username,
        *(
            name
            for person in (d.participant.person, d.facilitator.person, d.outsider)
            for name in (person.name, person.name_latin)
        ),
    }


def make_applicant(call, name, email):
    from kenesh.mentoring.models import Application

    application = Application(
        call=call,
        name=name,
        email=email,
        country="TJ",
        gender="female",
        sector="academia",
        birth_year=1998,
        motivation="I want to help.",
        consent_at=timezone.now(),
    )
    application.cv.save("cv.pdf", ContentFile(PDF), save=False)
    application.writing_sample.save("sample.pdf", ContentFile(PDF), save=False)
    application.save()
    return application


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    from kenesh.convenings import services as convenings
    from kenesh.mentoring import services as mentoring
    from kenesh.mentoring.models import DEFAULT_CRITERIA, Call

    with django_db_blocker.unblock(), transaction.atomic():
        staff = User.objects.create_user(username="isolation_staff", role=Role.STAFF)
        w = SimpleNamespace(staff=staff)
        w.a = make_dialogue("A", "Quokka", staff)
        w.b = make_dialogue("B", "Narwhal", staff)
        for d in (w.a, w.b):
            d.feed = convenings.open_calendar_feed(user=d.participant)
        # One call, two reviewers, two applications, a conflict each way.
        w.call = Call.objects.create(
            title="Fictional isolation call",
            criteria=DEFAULT_CRITERIA,
            opens_on=datetime.date(2020, 1, 1),
            closes_on=datetime.date(2099, 1, 1),
            min_reviews=1,
        )
        w.reviewer1 = make_user(
            "reviewer_one", Role.MENTOR, "Рецензент Первый", "Retsenzent Pervyi", can_mentor=True
        )
        w.reviewer2 = make_user(
            "reviewer_two", Role.MENTOR, "Рецензент Второй", "Retsenzent Vtoroi", can_mentor=True
        )
        w.x = make_applicant(w.call, "Applicant Xanthippe Zorina", "xanthippe@example.org")
        w.y = make_applicant(w.call, "Applicant Yevdokia Yarova", "yevdokia@example.org")
        scores = {c["key"]: 4 for c in DEFAULT_CRITERIA}
        for reviewer, conflicted, other in ((w.reviewer1, w.x, w.y), (w.reviewer2, w.y, w.x)):
            mentoring.review(
                application=conflicted, by=reviewer, scores={}, comment="", conflict=True
            )
            mentoring.review(
                application=other, by=reviewer, scores=scores, comment="Fine.", conflict=False
            )
        yield w
        transaction.set_rollback(True)
    cache.clear()


# -- Helpers -----------------------------------------------------------------------------


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


CSRF = [
    (
        re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'),
        'name="csrfmiddlewaretoken" value=""',
    ),
    (re.compile(r'"X-CSRFToken": "[^"]*"'), '"X-CSRFToken": ""'),
]


def answer(response, url: str) -> tuple:
    """What a response tells: status, type, where it leads and its body, with the CSRF
    token and the requested address itself (echoed by the language switch) blanked."""
    text = body_of(response).replace(url, "<requested>")
    for pattern, blank in CSRF:
        text = pattern.sub(blank, text)
    location = response.get("Location", "").replace(url, "<requested>")
    return response.status_code, response.get("Content-Type", ""), location, text


def outcome(status: int) -> str:
    if status >= 500:
        return f"ERROR {status}"
    if status == 404:
        return "404"
    if status in (400, 403, 405):
        return REFUSED
    return OPENS if status < 400 else f"status {status}"


def body_of(response) -> str:
    if response.streaming:
        # Read to the end, the test client closes it (closing it again would send
        # request_finished, which closes the database connection in the test's middle).
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


# -- Which dialogue object each code names, and what a dialogue's own people get -------

# url name -> (kwargs for dialogue d, {role: expected on their own dialogue})
P_F_OPEN = {PARTICIPANT: OPENS, FACILITATOR: OPENS}
P_F_REFUSED = {PARTICIPANT: REFUSED, FACILITATOR: REFUSED}
DIALOGUE_URLS = {
    "convenings:convening-detail": (lambda d: {"code": d.convening.code}, P_F_OPEN),
    "convenings:convening-edit": (lambda d: {"code": d.convening.code}, P_F_REFUSED),
    "convenings:convening-ics": (lambda d: {"code": d.convening.code}, P_F_OPEN),
    "convenings:session-create": (lambda d: {"code": d.convening.code}, P_F_REFUSED),
    "convenings:session-edit": (
        lambda d: {"code": d.convening.code, "session_code": d.session.code},
        P_F_REFUSED,
    ),
    "convenings:invite": (lambda d: {"code": d.convening.code}, P_F_REFUSED),
    "convenings:participants": (lambda d: {"code": d.convening.code}, P_F_REFUSED),
    "convenings:invitation-answer": (lambda d: {"code": d.convening.code}, P_F_REFUSED),
    "convenings:poll": (lambda d: {"code": d.convening.code}, P_F_REFUSED),
    "convenings:poll-send": (lambda d: {"code": d.convening.code}, P_F_REFUSED),
    "convenings:poll-choose": (lambda d: {"code": d.convening.code}, P_F_REFUSED),
    "convenings:poll-withdraw": (lambda d: {"code": d.convening.code}, P_F_REFUSED),
    "convenings:poll-answer": (lambda d: {"code": d.convening.code}, P_F_OPEN),
    "convenings:document-upload": (lambda d: {"code": d.convening.code}, P_F_REFUSED),
    "convenings:document-download": (lambda d: {"code": d.document.code}, P_F_OPEN),
    "convenings:scenario-play": (lambda d: {"code": d.convening.code}, P_F_OPEN),
    "convenings:injects-feed": (lambda d: {"code": d.convening.code}, P_F_OPEN),
    "convenings:scenario-console": (
        lambda d: {"code": d.convening.code},
        {PARTICIPANT: REFUSED, FACILITATOR: OPENS},
    ),
    "convenings:inject-release": (
        lambda d: {"code": d.convening.code, "inject_code": d.inject.code},
        P_F_REFUSED,  # GET: POST only
    ),
    "convenings:scenario-teams": (lambda d: {"code": d.convening.code}, P_F_REFUSED),
    "convenings:scenario-debrief": (lambda d: {"code": d.convening.code}, P_F_OPEN),
    "convenings:scenario-edit": (lambda d: {"code": d.convening.code}, P_F_REFUSED),
    "convenings:scenario-duplicate": (lambda d: {"code": d.convening.code}, P_F_REFUSED),
    "convenings:scenario-teams-edit": (lambda d: {"code": d.convening.code}, P_F_REFUSED),
    "convenings:scenario-injects-edit": (lambda d: {"code": d.convening.code}, P_F_REFUSED),
    "deliberation:conversation-detail": (lambda d: {"code": d.conversation.code}, P_F_OPEN),
    "deliberation:statements": (lambda d: {"code": d.conversation.code}, P_F_REFUSED),
    "deliberation:links": (lambda d: {"code": d.pseudonymous.code}, P_F_REFUSED),
    "deliberation:vote": (lambda d: {"code": d.conversation.code}, P_F_OPEN),
    "deliberation:vote-cast": (lambda d: {"code": d.conversation.code}, P_F_REFUSED),  # POST only
    "deliberation:vote-statement": (lambda d: {"code": d.conversation.code}, P_F_REFUSED),
    "deliberation:vote-attributes": (lambda d: {"code": d.conversation.code}, P_F_REFUSED),
    "deliberation:results": (lambda d: {"code": d.conversation.code}, P_F_OPEN),
    "deliberation:analyze": (lambda d: {"code": d.conversation.code}, P_F_REFUSED),
    "deliberation:analysis-progress": (lambda d: {"code": d.conversation.code}, P_F_OPEN),
    "deliberation:export": (
        lambda d: {"code": d.conversation.code, "fmt": "csv"},
        P_F_REFUSED,
    ),
    "influence:briefing": (lambda d: {"code": d.convening.code}, P_F_REFUSED),
    "influence:propose": (lambda d: {"code": d.statement.code}, P_F_REFUSED),
    "influence:recommendation": (lambda d: {"code": d.recommendation.code}, P_F_OPEN),
    "influence:recommendation-edit": (
        lambda d: {"code": d.recommendation.code},
        P_F_REFUSED,
    ),
}
# URLs whose code names something no dialogue owns (proved elsewhere: the matrix, and
# the mentoring half of this module).
NOT_DIALOGUE_OBJECTS = {
    "access:user-sessions": "a login",
    "notifications:message": "a message of the outbox (staff only, proved by the matrix)",
    "notifications:message-retry": "a message of the outbox (staff only, proved by the matrix)",
    "convenings:person-path": "a person (the listed participant's path is checked below)",
    "people:person-detail": "a person (checked below for the listed participant)",
    "people:person-edit": "a person",
    "people:organisation-edit": "an organisation",
    "people:theme-edit": "a theme",
    "people:person-export": "a person",
    "people:person-erase": "a person",
    "people:person-withdraw": "a person",
    "people:person-restore": "a person",
    "people:person-merge": "a person (staff only, proved by the matrix)",
    "people:person-merge-compare": "two people (staff only, proved by the matrix)",
    "people:merge-record": "a merge of two records (staff only, proved by the matrix)",
    "people:merge-undo": "a merge of two records (staff only, proved by the matrix)",
    "people:account": "a person's account",
    "papers:paper-public": "a paper",
    "papers:paper-detail": "a paper",
    "papers:paper-edit": "a paper",
    "papers:paper-diff": "a paper",
    "papers:paper-move": "a paper",
    "papers:paper-reviewers": "a paper",
    "papers:paper-authors": "a paper",
    "papers:paper-review": "a paper",
    "papers:paper-pdf": "a paper",
    "influence:paper-recommendations": "a paper",
    "mentoring:apply": "a call (public form)",
    "mentoring:applied": "a call (public form)",
    "mentoring:call": "a call",
    "mentoring:selection": "a call",
    "mentoring:pairing": "a call",
    "mentoring:growth": "a call",
    "mentoring:call-edit": "a call (staff only)",
    "mentoring:call-open": "a call (staff only)",
    "mentoring:call-close": "a call (staff only)",
    "mentoring:review": "an application (below)",
    "mentoring:application-file": "an application (below)",
    "mentoring:mentorship": "a mentorship",
    "mentoring:milestone-create": "a mentorship",
    "mentoring:milestone-edit": "a mentorship's milestone",
    "mentoring:milestone-done": "a mentorship's milestone",
    "mentoring:milestone-remove": "a mentorship's milestone",
    "mentoring:mentorship-plan": "a mentorship",
    "mentoring:mentorship-mentor": "a mentorship (staff only)",
    "mentoring:testimonial-create": "a mentorship (staff only)",
    "mentoring:testimonial-withdraw": "a mentorship's testimonial (staff only)",
    # Monitoring holds aggregates, never a dialogue's own records: isolation there is the
    # permission matrix's and tests/monitoring's.
    "monitoring:phase": "a programme phase (staff; donors through shared reports)",
    "monitoring:phase-edit": "a programme phase (staff; donors through shared reports)",
    "monitoring:statement-create": "a programme phase (staff; donors through shared reports)",
    "monitoring:node-create": "a programme phase (staff; donors through shared reports)",
    "monitoring:indicator-create": "a programme phase (staff; donors through shared reports)",
    "monitoring:period-create": "a programme phase (staff; donors through shared reports)",
    "monitoring:report-create": "a programme phase (staff; donors through shared reports)",
    "monitoring:export": "a programme phase (staff; donors through shared reports)",
    "monitoring:iati": "a programme phase (staff; donors through shared reports)",
    "monitoring:statement-edit": "a phase's record (staff only)",
    "monitoring:assumption-create": "a phase's record (staff only)",
    "monitoring:evidence-create": "a phase's record (staff only)",
    "monitoring:node-edit": "a phase's record (staff only)",
    "monitoring:indicator": "a phase's record (staff only)",
    "monitoring:indicator-edit": "a phase's record (staff only)",
    "monitoring:period-edit": "a phase's record (staff only)",
    "monitoring:targets": "a phase's record (staff only)",
    "monitoring:value-enter": "a phase's record (staff only)",
    "monitoring:value-approve": "a phase's record (staff only)",
    "monitoring:report": "a report (staff; donors their shared ones)",
    "monitoring:report-edit": "a report (staff; donors their shared ones)",
    "monitoring:report-submit": "a report (staff; donors their shared ones)",
    "monitoring:report-render": "a report (staff; donors their shared ones)",
    "monitoring:report-download": "a report (staff; donors their shared ones)",
}


def coded_urls() -> list[str]:
    return [name for name, kwargs in url_patterns() if any(k.endswith("code") for k in kwargs)]


def unknown(kwargs: dict) -> dict:
    """The same URL with every code replaced by one that names nothing."""
    return {k: uuid.uuid4() if k.endswith("code") else v for k, v in kwargs.items()}


def test_every_url_taking_a_code_is_classified():
    names = set(coded_urls())
    missing = names - set(DIALOGUE_URLS) - set(NOT_DIALOGUE_OBJECTS)
    assert not missing, f"URLs taking a code with no row in test_isolation: {sorted(missing)}"
    stale = (set(DIALOGUE_URLS) | set(NOT_DIALOGUE_OBJECTS)) - names
    assert not stale, f"rows for URLs that no longer exist: {sorted(stale)}"


# -- 1. Two closed dialogues -------------------------------------------------------------


def pairs(world):
    """(own dialogue, other dialogue) both ways round."""
    return ((world.a, world.b), (world.b, world.a))


@pytest.mark.django_db
@pytest.mark.parametrize("role", [PARTICIPANT, FACILITATOR])
def test_each_dialogue_s_people_get_the_unknown_answer_for_the_other_s_objects(world, role):
    problems = []
    for own, other in pairs(world):
        client = client_for(getattr(own, role))
        for name, (kwargs_of, expected) in DIALOGUE_URLS.items():
            mine = reverse(name, kwargs=kwargs_of(own))
            response = client.get(mine)
            body_of(response)
            got = outcome(response.status_code)
            if got != expected[role]:
                problems.append(
                    f"{own.letter}'s {role}, own {name} {mine}: {got}, not {expected[role]}"
                )
            theirs = reverse(name, kwargs=kwargs_of(other))
            nothing = reverse(name, kwargs=unknown(kwargs_of(other)))
            a_theirs = answer(client.get(theirs), theirs)
            a_nothing = answer(client.get(nothing), nothing)
            if expected[role] == OPENS and a_theirs[0] != 404:
                problems.append(f"{own.letter}'s {role}, {other.letter}'s {name}: {a_theirs[0]}")
            if a_theirs != a_nothing:
                problems.append(
                    f"{own.letter}'s {role}, {other.letter}'s {name} {theirs}: answers "
                    f"{a_theirs[0]} unlike a code naming nothing ({a_nothing[0]})"
                    + (" (bodies differ)" if a_theirs[0] == a_nothing[0] else "")
                )
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_other_dialogue_s_inject_or_statement_under_one_s_own_code_is_unknown(world):
    """Codes mixed: one's own convening with the other's inject, one's own conversation
    with the other's statement, one's own scenario with the other's inject as answer."""
    problems = []
    for own, other in pairs(world):
        facilitator, participant = client_for(own.facilitator), client_for(own.participant)
        posts = [
            (
                facilitator,
                "convenings:inject-release",
                {"code": own.convening.code, "inject_code": other.inject.code},
                {"code": own.convening.code, "inject_code": uuid.uuid4()},
                {},
            ),
            (
                participant,
                "deliberation:vote-cast",
                {"code": own.conversation.code},
                {"code": own.conversation.code},
                {"value": "1", "statement": other.statement.code, "language": "en"},
            ),
            (
                participant,
                "convenings:scenario-play",
                {"code": own.convening.code},
                {"code": own.convening.code},
                {"text": "A decision", "inject": other.released.code},
            ),
        ]
        before = row_counts()
        for client, name, kwargs, kwargs_unknown, body in posts:
            theirs, nothing = reverse(name, kwargs=kwargs), reverse(name, kwargs=kwargs_unknown)
            unknown_body = {**body, **({"statement": uuid.uuid4()} if "statement" in body else {})}
            unknown_body |= {"inject": uuid.uuid4()} if "inject" in body else {}
            a_theirs = answer(client.post(theirs, body), theirs)
            a_nothing = answer(client.post(nothing, unknown_body), nothing)
            if a_theirs[0] not in (400, 404) or a_theirs != a_nothing:
                problems.append(
                    f"{own.letter}: {name} with {other.letter}'s object: {a_theirs[0]}, "
                    f"unknown {a_nothing[0]}"
                )
        assert row_counts() == before, f"{own.letter}: a mixed-code POST wrote something"
        other.inject.refresh_from_db()
        assert other.inject.released_at is None
    assert not problems, "\n".join(problems)


def forged_posts(d, name: str) -> list[dict]:
    """Bodies that would change something on dialogue ``d``'s page ``name``: one with
    every field the dialogue's forms take (a vote, an answer, a decision, a document,
    links), and for the vote page's statement and attribute actions a statement and
    declared attributes alone too."""
    bodies = [
        {
            "value": "1",
            "statement": str(d.statement.code),
            "language": "en",
            "answer": "accept",
            "text": "Forged text for the round",
            "inject": str(d.released.code),
            "title": "Forged title",
            "kind": "other",
            "file": ContentFile(b"forged", name="forged.txt"),
            "count": "3",
        }
    ]
    if name == "deliberation:vote-statement":
        bodies.append({"text": "A forged statement", "language": "en"})
    if name == "deliberation:vote-attributes":
        bodies.append({"country": "KZ", "track": "seasoned"})
    return bodies


@pytest.mark.django_db
@pytest.mark.parametrize("role", [PARTICIPANT, FACILITATOR])
def test_posts_to_the_other_dialogue_answer_as_unknown_and_write_nothing(world, role):
    """Every URL as the participant; as the facilitator, the pages leading gives more of
    (the rest answer them through the same access functions, proved by GET above)."""
    from kenesh.core.models import AuditEntry
    from kenesh.deliberation.models import Vote

    problems = []
    urls = {
        name: row
        for name, row in DIALOGUE_URLS.items()
        if role == PARTICIPANT
        or row[1][FACILITATOR] != row[1][PARTICIPANT]
        or name == "convenings:inject-release"
    }
    for own, other in pairs(world):
        client = client_for(getattr(own, role))
        before = row_counts()
        last_entry = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for name, (kwargs_of, _expected) in urls.items():
            theirs = reverse(name, kwargs=kwargs_of(other))
            nothing = reverse(name, kwargs=unknown(kwargs_of(other)))
            for body, same in zip(
                forged_posts(other, name), forged_posts(other, name), strict=True
            ):
                a_theirs = answer(client.post(theirs, body), theirs)
                a_nothing = answer(client.post(nothing, same), nothing)
                if a_theirs != a_nothing or a_theirs[0] not in (403, 404, 405):
                    problems.append(
                        f"{own.letter}'s {role} POST {other.letter}'s {name} {theirs}: "
                        f"{a_theirs[0]}, unknown {a_nothing[0]}"
                    )
        changed = {k: (before[k], v) for k, v in row_counts().items() if before[k] != v}
        if changed:
            problems.append(f"{own.letter}'s {role} POSTs to {other.letter} wrote {changed}")
        if AuditEntry.objects.filter(pk__gt=last_entry).exists():
            problems.append(f"{own.letter}'s {role} POSTs to {other.letter} were audited")
        other.place.refresh_from_db()
        other.inject.refresh_from_db()
        if other.place.invitation != "invited" or other.inject.released_at is not None:
            problems.append(f"{other.letter}'s invitation or inject changed")
    assert not problems, "\n".join(problems)
    # The same bodies do write on one's own dialogue: the test above could fail.
    own = world.a
    client = client_for(own.participant)
    body = forged_posts(own, "")[0]
    client.post(reverse("deliberation:vote-cast", kwargs={"code": own.conversation.code}), body)
    assert Vote.objects.filter(statement=own.statement).count() == 1
    body = forged_posts(own, "")[0]
    client.post(reverse("convenings:invitation-answer", kwargs={"code": own.convening.code}), body)
    own.place.refresh_from_db()
    assert own.place.invitation == "accepted"
    release = {"code": own.convening.code, "inject_code": own.inject.code}
    client_for(own.facilitator).post(reverse("convenings:inject-release", kwargs=release))
    own.inject.refresh_from_db()
    assert own.inject.released_at is not None


@pytest.mark.django_db
def test_an_invitation_link_opens_its_own_dialogue_s_panel_and_no_other(world):
    """A pseudonymous link held in the browser session opens its own conversation's vote
    and results, signed in or not; the other dialogue's pseudonymous conversation answers
    as one that does not exist, and takes no vote."""
    from kenesh.deliberation.models import Vote

    problems = []
    for own, other in pairs(world):
        for client in (client_for(own.participant), Client()):
            who = "signed in" if "_auth_user_id" in client.session else "anonymous"
            assert client.get(reverse("deliberation:join", kwargs={"token": own.link.token}))
            for name in ("deliberation:vote", "deliberation:results"):
                mine = reverse(name, kwargs={"code": own.pseudonymous.code})
                if outcome(client.get(mine).status_code) != OPENS:
                    problems.append(f"{own.letter}'s link, {who}: own {name} does not open")
                theirs = reverse(name, kwargs={"code": other.pseudonymous.code})
                nothing = reverse(name, kwargs={"code": uuid.uuid4()})
                if answer(client.get(theirs), theirs) != answer(client.get(nothing), nothing):
                    problems.append(f"{own.letter}'s link, {who}: {other.letter}'s {name} shows")
            theirs = reverse("deliberation:vote-cast", kwargs={"code": other.pseudonymous.code})
            nothing = reverse("deliberation:vote-cast", kwargs={"code": uuid.uuid4()})
            body = {"value": "1", "statement": other.pseudo_statement.code, "language": "en"}
            # Compared with the vote page's own address blanked: an anonymous visitor is
            # sent to sign in and back to the page the action was posted from.
            theirs_page, nothing_page = theirs.removesuffix("cast/"), nothing.removesuffix("cast/")
            if answer(client.post(theirs, body), theirs_page) != answer(
                client.post(nothing, body), nothing_page
            ):
                problems.append(
                    f"{own.letter}'s link, {who}: a vote in {other.letter} answers apart"
                )
            if Vote.objects.filter(statement__conversation=other.pseudonymous).exists():
                problems.append(f"{own.letter}'s link, {who}: a vote landed in {other.letter}")
    assert not problems, "\n".join(problems)


def pages_to_read(world, own, other) -> list[str]:
    """Every page without an object in its address, and the pages about one's own
    dialogue and about the other's listed participant, that a list or overview of the
    other dialogue could show on."""
    urls = [reverse(name) for name, kwargs in url_patterns() if not kwargs]
    urls += [
        reverse("convenings:convening-list") + "?kind=track2",
        reverse("convenings:overview") + "?by=country",
        reverse("people:diversity") + "?track=emergent",
        reverse("people:roster") + f"?q={other.outsider.name_latin.split()[0]}",
        reverse("people:roster") + f"?q={other.participant.person.name_latin.split()[-1]}",
        reverse("people:person-detail", kwargs={"code": other.listed.code}),
        reverse("convenings:person-path", kwargs={"person_code": other.listed.code}),
        reverse("convenings:calendar-feed", kwargs={"token": own.feed.token}),
    ]
    urls += [
        reverse(name, kwargs=kwargs_of(own))
        for name, (kwargs_of, expected) in DIALOGUE_URLS.items()
        if expected[PARTICIPANT] == OPENS
    ]
    return urls


@pytest.mark.django_db
@pytest.mark.parametrize("role", [PARTICIPANT, FACILITATOR])
def test_no_page_shows_the_other_dialogue_s_titles_or_people(world, role):
    problems, read = [], 0
    for own, other in pairs(world):
        client = client_for(getattr(own, role))
        hidden = secrets_of(other)
        shown_own = set()
        for url in pages_to_read(world, own, other):
            response = client.get(url)
            if response.status_code >= 500:
                problems.append(f"{url}: {response.status_code}")
            if response.status_code != 200:
                continue
            page = body_of(response)
            if "calendar" in response.get("Content-Type", ""):
                page = page.replace("\r\n ", "")  # unfold long iCalendar lines
            read += 1
            leaked = sorted(s for s in hidden if s in page)
            if leaked:
                problems.append(f"{own.letter}'s {role}, {url}: shows {leaked}")
            shown_own |= {s for s in secrets_of(own) if s in page}
        # The check sees what it looks for: one's own round is named on these pages.
        for expected in (own.convening.title, own.outsider.name_latin, own.conversation.title):
            if expected not in shown_own:
                problems.append(f"{own.letter}'s {role} never sees their own {expected!r}")
    assert read > 30
    assert not problems, "\n".join(problems)


# -- 2. Two applications under conflict ---------------------------------------------------


def application_urls(application_code):
    return [
        ("mentoring:review", {"code": application_code}),
        ("mentoring:application-file", {"code": application_code, "which": "cv"}),
        ("mentoring:application-file", {"code": application_code, "which": "writing_sample"}),
    ]


def reviewers(world):
    """(reviewer, the application they are conflicted on, the one they are not)."""
    return ((world.reviewer1, world.x, world.y), (world.reviewer2, world.y, world.x))


@pytest.mark.django_db
def test_a_conflicted_application_answers_as_one_that_does_not_exist(world):
    from kenesh.core.models import AuditEntry
    from kenesh.mentoring.models import Review

    problems = []
    nobody = uuid.uuid4()
    for reviewer, conflicted, free in reviewers(world):
        client = client_for(reviewer)
        for name, kwargs in application_urls(conflicted.code):
            url = reverse(name, kwargs=kwargs)
            nothing = reverse(name, kwargs={**kwargs, "code": nobody})
            a_conflicted, a_nothing = (
                answer(client.get(url), url),
                answer(client.get(nothing), nothing),
            )
            if a_conflicted[0] != 404 or a_conflicted != a_nothing:
                problems.append(f"{reviewer}: {url} answers {a_conflicted[0]}")
            # ...while the application they are free to review opens, files included.
            own_url = reverse(name, kwargs={**kwargs, "code": free.code})
            response = client.get(own_url)
            body_of(response)
            if response.status_code != 200:
                problems.append(f"{reviewer}: {own_url} does not open ({response.status_code})")
        before = row_counts()
        last_entry = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        url = reverse("mentoring:review", kwargs={"code": conflicted.code})
        nothing = reverse("mentoring:review", kwargs={"code": nobody})
        for body in (
            {f"score_{c['key']}": 5 for c in world.call.criteria} | {"comment": "Forged"},
            {"conflict": "", "comment": "Withdrawn conflict"},
        ):
            a_conflicted = answer(client.post(url, body), url)
            if a_conflicted[0] != 404 or a_conflicted != answer(
                client.post(nothing, body), nothing
            ):
                problems.append(f"{reviewer}: scoring {url} answers {a_conflicted[0]}")
        if row_counts() != before or AuditEntry.objects.filter(pk__gt=last_entry).exists():
            problems.append(f"{reviewer}: scoring the conflicted application wrote something")
        review = Review.objects.get(application=conflicted, reviewer=reviewer)
        if not review.conflict or review.scores or review.comment:
            problems.append(f"{reviewer}: the conflicted review changed")
    assert not problems, "\n".join(problems)


def reviewer_pages(world, free) -> list[str]:
    urls = [reverse(name) for name, kwargs in url_patterns() if not kwargs]
    urls += [
        reverse("mentoring:call", kwargs={"code": world.call.code}),
        reverse("mentoring:growth", kwargs={"code": world.call.code}),
        reverse("mentoring:review", kwargs={"code": free.code}),
        reverse("people:roster") + "?q=Xanthippe",
        reverse("people:roster") + "?q=Yevdokia",
    ]
    return urls


@pytest.mark.django_db
def test_the_conflicted_applicant_is_on_no_page_but_the_call_s_conflict_line(world):
    """No page a reviewer opens shows the conflicted applicant's name, email or code (so
    no link to it; the reviewer's own data export lists their declaration by code, as it
    must); on the call page the name appears only in the reviewer's own line
    saying they declared the conflict, with nothing else of the application. Nor does
    any show a title or name of the two closed dialogues, which the reviewers are not in."""
    problems = []
    dialogues = secrets_of(world.a) | secrets_of(world.b)
    for reviewer, conflicted, free in reviewers(world):
        client = client_for(reviewer)
        call_url = reverse("mentoring:call", kwargs={"code": world.call.code})
        own_data = reverse("people:profile-export")
        for url in reviewer_pages(world, free):
            response = client.get(url)
            if response.status_code != 200:
                continue
            page = body_of(response)
            # Outside both closed rounds, the reviewers know nothing of either.
            traces = {conflicted.name, conflicted.email} | dialogues
            if url != own_data:  # their own data lists their declaration, by code
                traces.add(str(conflicted.code))
            if url == call_url:
                assert free.name in page  # the check sees names where they are shown
                page = re.sub(r'<tr data-testid="conflicted">.*?</tr>', "", page, flags=re.S)
            leaked = sorted(t for t in traces if t in page)
            if leaked:
                problems.append(f"{reviewer}, {url}: shows {leaked}")
        line = re.findall(
            r'<tr data-testid="conflicted">.*?</tr>', body_of(client.get(call_url)), flags=re.S
        )
        if len(line) != 1 or "href" in line[0] or conflicted.email in line[0]:
            problems.append(f"{reviewer}: the conflict line is {line}")
    assert not problems, "\n".join(problems)
