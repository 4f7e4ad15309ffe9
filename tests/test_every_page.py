"""Every page, as every role, on the demo programme: the permission matrix.

One row per URL pattern (a new URL without a row fails), each with the objects it is
opened on: a public and a closed convening, a listed and an unlisted person, a published
and a draft paper, and so on. For every role it checks that

- the page opens for the roles that may use it and is refused for the others; where the
  object's existence is itself private, the refusal is the very answer given for an
  object that does not exist (a role gate refuses both alike; an object check says 404);
- no page answers 500;
- no page shows the title of a convening, paper or conversation, or the name of a person,
  that the role may not know of;
- every choice in every form on the page is something the role may see;
- a POST (an empty form, undone at once) is taken by the view only for the roles that may
  use it, and refused to the others the same way, 404 where existence is private.

The module also proves that markup in every text field is printed as text, and that no
form input gives a server error. The demo is loaded once for the module, inside a
transaction rolled back at the end.
"""

import uuid
from dataclasses import dataclass, field

import pytest
from django import forms
from django.apps import apps
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import Value
from django.db.models.functions import Cast, Concat
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kenesh.access.models import User
from kenesh.core.testing import matrix
from kenesh.core.testing.matrix import url_patterns
from kenesh.people.models import Organization, Theme

ANON, ADMIN, STAFF, MENTOR, EXPERT, YOUNG, DONOR = (
    "anonymous", "admin", "staff", "mentor", "expert", "young", "donor",
)  # fmt: skip
ROLES = (ANON, ADMIN, STAFF, MENTOR, EXPERT, YOUNG, DONOR)
S = frozenset({ADMIN, STAFF})
M = frozenset({MENTOR, EXPERT, YOUNG})
SIGNED_IN = S | M | {DONOR}
EVERYONE = frozenset(ROLES)
NOBODY = frozenset()


@dataclass
class Case:
    """A page opened on some objects: who gets it, who must get 404, who may either way."""

    url_name: str
    label: str
    kwargs: object  # callable(world) -> dict, or None when the URL takes none
    opens_for: frozenset
    hidden_from: frozenset = NOBODY
    either: frozenset = NOBODY
    query: dict = field(default_factory=dict)
    # Whose POST the view takes (answers with its form, a redirect or a refusal of the
    # input), where that differs from who may open the page: POST-only actions, and pages
    # that show no form (POST: NOBODY).
    posts: frozenset | None = None

    @property
    def post_takers(self) -> frozenset:
        return self.opens_for if self.posts is None else self.posts


def c(url_name, label, kwargs, opens_for, hidden_from=NOBODY, either=NOBODY, query=None,
      posts=None):  # fmt: skip
    return Case(
        url_name, label, kwargs, frozenset(opens_for), frozenset(hidden_from),
        frozenset(either), query or {}, None if posts is None else frozenset(posts),
    )  # fmt: skip


def conv(name):
    return lambda w: {"code": getattr(w, name).code}


def make_merge_record():
    """A merge of two fictional records (the demo holds none), made with the world."""
    from kenesh.people import merge
    from kenesh.people.models import Person

    made = []
    for _n in range(2):
        person = Person(name="Matrix Mergeova", name_latin="Matrix Mergeova", gender="female",
                        country="KG", sector="academia", track="seasoned")  # fmt: skip
        person.refresh_derived_fields()
        person.save()
        made.append(person)
    return merge.merge_people(kept=made[0], merged=made[1], by=User.objects.get(username=STAFF))


def merge_record(w):
    return {"code": w.merge_record.code}


CASES = [
    # core and access
    c("core:home", "", None, SIGNED_IN),
    c("core:healthz", "", None, EVERYONE),
    c("core:favicon", "", None, EVERYONE),
    c("core:audit-log", "", None, S),
    c("access:login", "", None, EVERYONE),
    c("access:logout", "GET is not how to log out", None, NOBODY, either={ANON},
      posts=SIGNED_IN),
    c("access:password-change", "", None, SIGNED_IN),
    c("access:two-step", "", None, SIGNED_IN),
    c("access:two-step-verify", "already verified: on to the page", None, SIGNED_IN),
    c("access:my-sessions", "", None, SIGNED_IN),
    c("access:user-sessions", "young expert's", lambda w: {"code": w.young.user.code}, {ADMIN}),
    c(":set_language", "", None, NOBODY, either=EVERYONE),
    # people
    c("people:roster", "", None, S | M),
    c("people:roster-export", "", None, S),
    c("people:diversity", "", None, SIGNED_IN),
    c("people:person-create", "", None, S),
    c("people:profile", "", None, M),
    c("people:profile-edit", "", None, M),
    c("people:profile-export", "their own data", None, M),
    c("people:person-detail", "listed", conv("listed"), S | M),
    c("people:person-detail", "unlisted", conv("unlisted"), S, hidden_from=M),
    c("people:person-edit", "listed", conv("listed"), S),
    c("people:person-edit", "unlisted", conv("unlisted"), S, hidden_from=M),
    c("people:person-export", "listed", conv("listed"), S),
    c("people:person-export", "unlisted", conv("unlisted"), S, hidden_from=M),
    c("people:person-erase", "listed", conv("listed"), S),
    c("people:person-erase", "unlisted", conv("unlisted"), S, hidden_from=M),
    c("people:person-detail", "withdrawn", conv("withdrawn"), S, hidden_from=M),
    c("people:person-withdraw", "POST only", conv("listed"), NOBODY, posts=S),
    c("people:person-restore", "POST only", conv("withdrawn"), NOBODY, posts=S),
    c("people:account", "listed", conv("listed"), S),
    c("people:account", "unlisted", conv("unlisted"), S, hidden_from=M),
    # The link is the credential (tests/people/test_accounts.py); an altered one shows
    # nothing to anyone.
    c("people:account-welcome", "altered link", lambda w: {"token": "no-such-link"}, NOBODY,
      posts=EVERYONE),
    c("people:person-merge", "listed", conv("listed"), S, posts=NOBODY),
    c("people:person-merge", "unlisted", conv("unlisted"), S, hidden_from=M, posts=NOBODY),
    c("people:person-merge-compare", "listed with unlisted",
      lambda w: {"code": w.listed.code, "other_code": w.unlisted.code}, S, hidden_from=M),
    c("people:merge-record", "", merge_record, S, posts=NOBODY),
    c("people:merge-undo", "POST only", merge_record, NOBODY, posts=S),
    c("people:organisation-list", "", None, S),
    c("people:organisation-create", "", None, S),
    c("people:organisation-edit", "", lambda w: {
      "code": Organization.objects.order_by("name").first().code}, S),
    c("people:theme-list", "", None, S),
    c("people:theme-create", "", None, S),
    c("people:theme-edit", "", lambda w: {"code": Theme.objects.order_by("slug").first().code},
      S),
    # convenings
    c("convenings:convening-list", "", None, SIGNED_IN),
    c("convenings:convening-create", "", None, S),
    c("convenings:overview", "", None, SIGNED_IN),
    c("convenings:paths", "", None, S | {MENTOR}),
    c("convenings:person-path", "young expert", lambda w: {"person_code": w.young.code},
      S | M),
    c("convenings:my-convenings", "", None, M),
    c("convenings:calendar-feed-open", "POST only", None, NOBODY, posts=M),
    c("convenings:calendar-feed-revoke", "POST only", None, NOBODY, posts=M),
    c("convenings:calendar-feed", "unknown token", lambda w: {"token": "no-such-feed"}, NOBODY,
      hidden_from=EVERYONE),
    c("convenings:document-download", "Track II", conv("track2_document"), S,
      hidden_from=M | {DONOR}),
    c("convenings:convening-detail", "RCWG", conv("rcwg"), SIGNED_IN),
    c("convenings:convening-detail", "Track II", conv("track2"), S, hidden_from=M | {DONOR}),
    c("convenings:convening-detail", "closed briefing", conv("closed_briefing"), S | {YOUNG},
      hidden_from={MENTOR, EXPERT, DONOR}),
    c("convenings:convening-edit", "RCWG", conv("rcwg"), S),
    c("convenings:convening-edit", "Track II", conv("track2"), S, hidden_from=M | {DONOR}),
    c("convenings:convening-ics", "RCWG", conv("rcwg"), SIGNED_IN),
    c("convenings:convening-ics", "Track II", conv("track2"), S, hidden_from=M | {DONOR}),
    c("convenings:session-create", "", conv("rcwg"), S),
    c("convenings:session-edit", "", lambda w: {"code": w.rcwg.code,
      "session_code": w.rcwg_session.code}, S),
    c("convenings:invite", "RCWG", conv("rcwg"), S),
    c("convenings:invite", "Track II", conv("track2"), S, hidden_from=M | {DONOR}),
    c("convenings:participants", "RCWG", conv("rcwg"), S),
    c("convenings:participants", "Track II", conv("track2"), S, hidden_from=M | {DONOR}),
    c("convenings:invitation-answer", "POST only: the three are invited", conv("future"),
      NOBODY, posts=M),
    c("convenings:document-upload", "", conv("rcwg"), S),
    c("convenings:poll", "RCWG", conv("rcwg"), S),
    c("convenings:poll", "Track II", conv("track2"), S, hidden_from=M | {DONOR}),
    c("convenings:poll-send", "POST only", conv("rcwg"), NOBODY, posts=S),
    c("convenings:poll-choose", "POST only: no slot named", conv("rcwg"), NOBODY, posts=S),
    c("convenings:poll-withdraw", "POST only: no slot named", conv("rcwg"), NOBODY, posts=S),
    c("convenings:poll-answer", "the three are invited; staff to their page", conv("future"),
      S | M),
    c("convenings:poll-link", "altered link", lambda w: {"token": "no-such-link"}, NOBODY,
      posts=EVERYONE),
    c("convenings:scenario-play", "decisions: team members only", conv("simulation"), S | M,
      posts={EXPERT, YOUNG}),
    c("convenings:injects-feed", "", conv("simulation"), S | M),
    c("convenings:scenario-console", "", conv("simulation"), S | {MENTOR}),
    c("convenings:inject-release", "POST only", lambda w: {"code": w.simulation.code,
      "inject_code": w.inject.code}, NOBODY, posts=S | {MENTOR}),
    c("convenings:scenario-teams", "", conv("simulation"), S, either={MENTOR}),
    c("convenings:scenario-debrief", "", conv("simulation"), S | M),
    c("convenings:scenario-edit", "running: read-only, POST refused (409)", conv("simulation"),
      S),
    c("convenings:scenario-duplicate", "POST only: it has a scenario (400)", conv("simulation"),
      NOBODY, posts=S),
    c("convenings:scenario-teams-edit", "running: read-only", conv("simulation"), S),
    c("convenings:scenario-injects-edit", "running: read-only", conv("simulation"), S),
    # deliberation
    c("deliberation:conversation-list", "", None, SIGNED_IN),
    c("deliberation:conversation-create", "", None, S),
    c("deliberation:polis-import", "", None, S),
    c("deliberation:join", "unknown link", lambda w: {"token": "no-such-link"}, NOBODY,
      hidden_from=EVERYONE),
    c("deliberation:conversation-detail", "named", conv("water"), SIGNED_IN),
    c("deliberation:conversation-detail", "Track II", conv("border"), S,
      hidden_from=M | {DONOR}),
    c("deliberation:statements", "named", conv("water"), S),
    c("deliberation:statements", "Track II", conv("border"), S, hidden_from=M | {DONOR}),
    c("deliberation:links", "Track II", conv("border"), S, hidden_from=M | {DONOR}),
    c("deliberation:vote", "named; GET only", conv("water"), M, either=S, posts=NOBODY),
    c("deliberation:vote", "Track II", conv("border"), NOBODY, hidden_from=M | {DONOR},
      either=S, posts=NOBODY),
    # The vote page's three actions (POST only): whoever may vote there posts.
    c("deliberation:vote-cast", "named", conv("water"), NOBODY, either=S, posts=M),
    c("deliberation:vote-cast", "Track II", conv("border"), NOBODY, hidden_from=M | {DONOR},
      either=S),
    c("deliberation:vote-statement", "named", conv("water"), NOBODY, either=S, posts=M),
    c("deliberation:vote-statement", "Track II", conv("border"), NOBODY,
      hidden_from=M | {DONOR}, either=S),
    c("deliberation:vote-attributes", "named", conv("water"), NOBODY, either=S, posts=M),
    c("deliberation:vote-attributes", "Track II", conv("border"), NOBODY,
      hidden_from=M | {DONOR}, either=S),
    c("deliberation:results", "named", conv("water"), SIGNED_IN),
    c("deliberation:results", "Track II", conv("border"), S, hidden_from=M | {DONOR}),
    c("deliberation:analyze", "POST only", conv("water"), NOBODY, posts=S),
    c("deliberation:analysis-progress", "named", conv("water"), S, either=M | {DONOR}),
    c("deliberation:analysis-progress", "Track II", conv("border"), S,
      hidden_from=M | {DONOR}),
    c("deliberation:export", "named", lambda w: {"code": w.water.code, "fmt": "csv"}, S),
    c("deliberation:export", "Track II", lambda w: {"code": w.border.code, "fmt": "csv"}, S,
      hidden_from=M | {DONOR}),
    # papers
    c("papers:paper-list", "", None, SIGNED_IN),
    c("papers:paper-create", "", None, S | M),
    c("papers:paper-public", "published", conv("public_paper"), EVERYONE, posts=NOBODY),
    c("papers:paper-public", "draft", conv("draft_paper"), NOBODY, hidden_from=EVERYONE),
    c("papers:paper-detail", "published, public", conv("public_paper"), SIGNED_IN),
    c("papers:paper-detail", "published, programme", conv("programme_paper"), S | M,
      hidden_from={DONOR}),
    c("papers:paper-detail", "draft", conv("draft_paper"), S, hidden_from=M | {DONOR}),
    c("papers:paper-detail", "in review", conv("review_paper"), S | {MENTOR, EXPERT},
      hidden_from={YOUNG, DONOR}),
    c("papers:paper-edit", "draft", conv("draft_paper"), S, hidden_from=M | {DONOR}),
    c("papers:paper-diff", "published, by young", conv("public_paper"), S | {YOUNG},
      hidden_from={DONOR}, either={MENTOR, EXPERT}),
    c("papers:paper-diff", "in review", conv("review_paper"), S | {MENTOR, EXPERT},
      hidden_from={YOUNG, DONOR}),
    c("papers:paper-move", "POST only", conv("draft_paper"), NOBODY, posts=S,
      hidden_from=M | {DONOR}),
    c("papers:paper-reviewers", "in review", conv("review_paper"), S,
      hidden_from={YOUNG, DONOR}),
    c("papers:paper-authors", "draft", conv("draft_paper"), S, hidden_from=M | {DONOR}),
    c("papers:paper-authors", "in review, read-only", conv("review_paper"), S,
      hidden_from={YOUNG, DONOR}),
    c("papers:paper-review", "peer review", conv("review_paper"), {EXPERT},
      hidden_from={YOUNG, DONOR}, query={"kind": "peer"}),
    c("papers:paper-review", "mentor's review", conv("review_paper"), {MENTOR},
      hidden_from={YOUNG, DONOR}, query={"kind": "mentor"}),
    c("papers:paper-pdf", "published, public", conv("public_paper"), SIGNED_IN, either={ANON},
      posts=NOBODY),
    # Only the published text is printed: a draft has no PDF, even for its authors.
    c("papers:paper-pdf", "draft", conv("draft_paper"), NOBODY, hidden_from=SIGNED_IN),
    # influence
    c("influence:overview", "", None, SIGNED_IN),
    c("influence:recommendation", "published", conv("public_recommendation"), SIGNED_IN),
    c("influence:recommendation", "from common ground", conv("common_recommendation"), S | M,
      hidden_from={DONOR}),
    c("influence:recommendation-edit", "", conv("public_recommendation"), S),
    c("influence:paper-recommendations", "published", conv("public_paper"), S),
    c("influence:paper-recommendations", "draft", conv("draft_paper"), S,
      hidden_from=M | {DONOR}),
    c("influence:briefing", "public", conv("public_briefing"), S),
    c("influence:briefing", "closed", conv("closed_briefing"), S,
      hidden_from={MENTOR, EXPERT, DONOR}),
    c("influence:outcomes", "", None, S, either=M | {DONOR}),
    c("influence:outcome-create", "", None, S),
    c("influence:propose", "POST only", conv("consensus_statement"), NOBODY, posts=S),
    # mentoring
    c("mentoring:home", "", None, S | M, either={DONOR}),
    c("mentoring:apply", "open call", conv("call"), EVERYONE),
    c("mentoring:applied", "open call", conv("call"), EVERYONE),
    c("mentoring:apply-confirm", "unknown link", lambda w: {"token": "no-such-link"}, NOBODY,
      hidden_from=EVERYONE),
    c("mentoring:call", "", conv("call"), S | {MENTOR}),
    c("mentoring:selection", "", conv("call"), S),
    c("mentoring:pairing", "", conv("call"), S),
    c("mentoring:growth", "", conv("call"), S, either={MENTOR}),
    c("mentoring:call-create", "", None, S),
    c("mentoring:call-edit", "", conv("call"), S),
    c("mentoring:call-open", "POST only", conv("call"), NOBODY, posts=S),
    c("mentoring:call-close", "POST only", conv("call"), NOBODY, posts=S),
    c("mentoring:review", "", conv("application"), S | {MENTOR}),
    c("mentoring:application-file", "CV", lambda w: {"code": w.application.code,
      "which": "cv"}, S | {MENTOR}),
    c("mentoring:mentorship", "the young expert's", conv("young_mentorship"), S | {YOUNG},
      hidden_from={MENTOR, EXPERT, DONOR}),
    c("mentoring:mentorship", "the mentor's", conv("mentor_mentorship"), S | {MENTOR},
      hidden_from={EXPERT, YOUNG, DONOR}),
    # the mentorship page's editors: staff and the pair's mentor keep milestones and the
    # plan (the mentee reads them: 403); staff change the pair and keep testimonials
    c("mentoring:milestone-create", "the young expert's", conv("young_mentorship"), S,
      hidden_from={MENTOR, EXPERT, DONOR}),
    c("mentoring:milestone-create", "the mentor's", conv("mentor_mentorship"), S | {MENTOR},
      hidden_from={EXPERT, YOUNG, DONOR}),
    c("mentoring:milestone-edit", "the young expert's", conv("young_milestone"), S,
      hidden_from={MENTOR, EXPERT, DONOR}),
    c("mentoring:milestone-edit", "the mentor's", conv("mentor_milestone"), S | {MENTOR},
      hidden_from={EXPERT, YOUNG, DONOR}),
    c("mentoring:milestone-done", "the young expert's", conv("young_milestone"), S,
      hidden_from={MENTOR, EXPERT, DONOR}),
    c("mentoring:milestone-done", "the mentor's", conv("mentor_milestone"), S | {MENTOR},
      hidden_from={EXPERT, YOUNG, DONOR}),
    c("mentoring:milestone-remove", "the young expert's", conv("young_milestone"), S,
      hidden_from={MENTOR, EXPERT, DONOR}),
    c("mentoring:milestone-remove", "the mentor's", conv("mentor_milestone"), S | {MENTOR},
      hidden_from={EXPERT, YOUNG, DONOR}),
    c("mentoring:mentorship-plan", "the young expert's", conv("young_mentorship"), S,
      hidden_from={MENTOR, EXPERT, DONOR}),
    c("mentoring:mentorship-plan", "the mentor's", conv("mentor_mentorship"), S | {MENTOR},
      hidden_from={EXPERT, YOUNG, DONOR}),
    c("mentoring:mentorship-mentor", "the mentor's", conv("mentor_mentorship"), S),
    c("mentoring:testimonial-create", "the young expert's", conv("young_mentorship"), S),
    c("mentoring:testimonial-withdraw", "the young expert's", lambda w: {
      "code": w.young_mentorship.code, "testimonial": w.young_testimonial.code}, S),
    # monitoring: staff manage; donors read the submitted reports marked for them
    c("monitoring:home", "", None, S | {DONOR}, posts=NOBODY),
    c("monitoring:phase", "with a donor report", conv("phase"), S | {DONOR}, posts=NOBODY),
    c("monitoring:indicator", "in the donor's report", conv("indicator"), S | {DONOR},
      posts=NOBODY),
    c("monitoring:report-list", "", None, S | {DONOR}, posts=NOBODY),
    c("monitoring:report", "submitted for the donor", conv("donor_report"), S | {DONOR},
      posts=NOBODY),
    c("monitoring:report", "draft", conv("draft_report"), S, hidden_from={DONOR},
      posts=NOBODY),
    c("monitoring:report-render", "submitted for the donor",
      lambda w: {"code": w.donor_report.code, "fmt": "pdf"}, S | {DONOR}),
    c("monitoring:report-render", "draft", lambda w: {"code": w.draft_report.code,
      "fmt": "docx"}, S, hidden_from={DONOR}),
    c("monitoring:report-download", "nothing drawn yet", lambda w: {
      "code": w.donor_report.code, "fmt": "pdf"}, NOBODY, hidden_from=S | {DONOR}),
    c("monitoring:report-download", "draft", lambda w: {"code": w.draft_report.code,
      "fmt": "pdf"}, NOBODY, hidden_from=S | {DONOR}),
    c("monitoring:export", "CSV", lambda w: {"code": w.phase.code, "fmt": "csv"},
      S | {DONOR}, posts=NOBODY),
    c("monitoring:export", "XLSX", lambda w: {"code": w.phase.code, "fmt": "xlsx"},
      S | {DONOR}, posts=NOBODY),
    c("monitoring:iati", "", conv("phase"), S | {DONOR}, posts=NOBODY),
    c("monitoring:phase-create", "", None, S),
    c("monitoring:phase-edit", "", conv("phase"), S),
    c("monitoring:statement-create", "", conv("phase"), S),
    c("monitoring:statement-edit", "", conv("change_statement"), S),
    c("monitoring:assumption-create", "", conv("change_statement"), S),
    c("monitoring:evidence-create", "", conv("assumption"), S),
    c("monitoring:node-create", "", conv("phase"), S),
    c("monitoring:node-edit", "", conv("result"), S),
    c("monitoring:indicator-create", "", conv("phase"), S),
    c("monitoring:indicator-edit", "", conv("indicator"), S),
    c("monitoring:period-create", "", conv("phase"), S),
    c("monitoring:period-edit", "", conv("period"), S),
    c("monitoring:targets", "", conv("indicator"), S),
    c("monitoring:value-enter", "entered indicator", conv("entered_indicator"), S),
    c("monitoring:value-approve", "approved already: said so", conv("entered_value"), S),
    c("monitoring:report-create", "", conv("phase"), S),
    c("monitoring:report-edit", "draft", conv("draft_report"), S),
    c("monitoring:report-edit", "submitted: refused in the form", conv("donor_report"), S),
    c("monitoring:report-submit", "draft", conv("draft_report"), S),
    # notifications: each user their own; staff the outbox; links from mail for anyone
    c("notifications:list", "", None, SIGNED_IN, posts=NOBODY),
    c("notifications:unread", "", None, SIGNED_IN, posts=NOBODY),
    c("notifications:read", "POST only", None, NOBODY, posts=SIGNED_IN),
    c("notifications:settings", "", None, SIGNED_IN),
    c("notifications:unsubscribe", "the young expert's link", lambda w: {
      "token": w.unsubscribe_token}, EVERYONE),
    c("notifications:outbox", "", None, S, posts=NOBODY),
    c("notifications:message", "an invitation", conv("message"), S, posts=NOBODY),
    c("notifications:message-retry", "POST only: not failed, refused", conv("message"),
      NOBODY, posts=S),
    # The link itself is the credential: a valid one shows its invitee the invitation
    # (tests/convenings/test_invitation_mail.py); an altered one, nothing to anyone.
    c("convenings:invitation-link", "altered link", lambda w: {
      "token": w.invitation_token[:-4] + "AAAA"}, NOBODY, posts=EVERYONE),
]  # fmt: skip


def url_names():
    # Patterns outside any namespace are written ":name" in CASES.
    return {name if ":" in name else ":" + name for name, _kwargs in url_patterns()}


def test_every_url_has_a_row_in_the_matrix():
    missing = url_names() - {case.url_name for case in CASES}
    assert not missing, f"URLs without a row in the permission matrix: {sorted(missing)}"


class World:
    """The demo objects each row is opened on."""

    def __init__(self):
        from kenesh.convenings.models import Convening, Document, Inject, Session
        from kenesh.deliberation.models import Anonymity, Conversation, Statement
        from kenesh.influence.models import Recommendation
        from kenesh.mentoring.models import Application, Call, Mentorship
        from kenesh.papers.models import PolicyPaper
        from kenesh.people.models import Person
        from kenesh.people.services import withdraw_person

        self.young = Person.objects.get(user__username=YOUNG)
        self.listed = Person.objects.filter(
            user__isnull=True, directory_consent_at__isnull=False
        ).first()
        self.unlisted = Person.objects.filter(directory_consent_at__isnull=True).first()
        meetings = Convening.objects.order_by("starts_on")
        self.rcwg = meetings.filter(kind="rcwg").first()
        self.rcwg_session = Session.objects.filter(convening=self.rcwg).first()
        self.track2 = meetings.filter(kind="track2").first()
        self.closed_briefing = meetings.get(kind="briefing", confidentiality="closed")
        self.public_briefing = meetings.filter(kind="briefing", confidentiality="public").last()
        self.simulation = meetings.get(kind="simulation")
        self.future = meetings.last()
        self.inject = Inject.objects.filter(scenario__convening=self.simulation).last()
        self.track2_document = Document(
            convening=self.track2, kind="report", title="Fictional round report",
            filename="report.txt", content_type="text/plain", size=4,
        )  # fmt: skip
        self.track2_document.file.save("report.txt", ContentFile(b"text"), save=True)
        self.water = Conversation.objects.get(anonymity=Anonymity.NAMED)
        self.border = Conversation.objects.get(anonymity=Anonymity.PSEUDONYMOUS)
        self.consensus_statement = Statement.objects.filter(conversation=self.water).first()
        papers = PolicyPaper.objects.all()
        self.public_paper = papers.get(
            status="published", visibility="public", authorships__person=self.young
        )
        self.programme_paper = papers.filter(status="published", visibility="programme").first()
        self.draft_paper = papers.get(status="draft")
        self.review_paper = papers.get(status="in_review")
        self.public_recommendation = Recommendation.objects.filter(paper=self.public_paper)[0]
        self.common_recommendation = Recommendation.objects.get(paper__isnull=True)
        self.call = Call.objects.get()
        self.application = Application.objects.filter(call=self.call).first()
        self.young_mentorship = Mentorship.objects.get(mentee=self.young)
        self.mentor_mentorship = Mentorship.objects.get(mentor__user__username=MENTOR)
        self.young_milestone = self.young_mentorship.milestones.order_by("pk").first()
        self.mentor_milestone = self.mentor_mentorship.milestones.order_by("pk").first()
        from kenesh.mentoring.models import Testimonial

        self.young_testimonial = Testimonial.objects.create(
            person=self.young, quote="Fictional words.", attribution="description",
            consent_at=self.young_mentorship.started_on.isoformat() + "T12:00:00Z",
        )  # fmt: skip
        from kenesh.monitoring.models import (
            Assumption,
            ChangeStatement,
            EnteredValue,
            Indicator,
            Period,
            Phase,
            Report,
            ResultNode,
        )  # fmt: skip

        self.phase = Phase.objects.get()
        self.donor_report = Report.objects.get(status="submitted", for_donor=True)
        self.draft_report = Report.objects.get(status="draft")
        self.indicator = (
            self.donor_report.values.filter(indicator__kind="computed").first().indicator
        )
        self.entered_indicator = Indicator.objects.filter(kind="entered").first()
        self.entered_value = EnteredValue.objects.first()
        self.change_statement = ChangeStatement.objects.first()
        self.assumption = Assumption.objects.first()
        self.result = ResultNode.objects.filter(level="outcome").first()
        self.period = Period.objects.first()
        # An expert at risk, hidden at once: a published public paper's author who took
        # part in public convenings; their names are secrets for everyone but staff.
        self.withdrawn = (
            Person.objects.filter(
                authorships__paper__status="published",
                authorships__paper__visibility="public",
                participations__convening__confidentiality="public",
            )
            .exclude(pk__in=[self.young.pk, self.listed.pk, self.unlisted.pk])
            .exclude(user__username__in=ROLES)
            .distinct()
            .first()
        )
        withdraw_person(person=self.withdrawn, by=User.objects.get(username=STAFF))
        from kenesh.convenings import invitations
        from kenesh.convenings.models import Participation
        from kenesh.notifications import links, services
        from kenesh.notifications.models import Kind, Message

        self.message = Message.objects.filter(kind=Kind.INVITATION).order_by("pk").first()
        invitee = Participation.objects.filter(convening=self.future, invitation="invited")
        link = invitations.answer_links(invitee.select_related("convening", "person").first())
        self.invitation_token = link["accept"].rstrip("/").rsplit("/", 1)[1]
        young_user = User.objects.get(username=YOUNG)
        self.unsubscribe_token = (
            services.unsubscribe_url(young_user, Kind.REMINDER).rstrip("/").rsplit("/", 1)[1]
        )
        assert links.read(self.unsubscribe_token, action="unsubscribe")
        # Two fictional records of one person, merged (the demo holds no merge).
        self.merge_record = make_merge_record()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    from kenesh.demo.loader import load_demo

    with (
        django_db_blocker.unblock(),
        override_settings(KENESH_OPINION_BOOTSTRAP=0),
        transaction.atomic(),
    ):
        load_demo(scale=1)
        yield World()
        transaction.set_rollback(True)
    # The rollback takes the demo away; so must the cached platform settings (its label).
    cache.clear()


def client_for(role: str) -> Client:
    client = Client()
    if role != ANON:
        client.force_login(User.objects.get(username=role))
    return client


def secrets_for(user) -> set[str]:
    """Titles and names ``user`` may not know of, as a page would print them."""
    from kenesh.convenings.models import Convening
    from kenesh.deliberation.models import Conversation
    from kenesh.papers.models import Authorship, PolicyPaper
    from kenesh.people.models import Person

    visible_papers = PolicyPaper.objects.visible_to(user)
    if not user.is_authenticated:  # anyone may read a published public paper's page
        visible_papers = PolicyPaper.objects.filter(status="published", visibility="public")
    visible_convenings = Convening.objects.visible_to(user)
    named_at = [c for c in visible_convenings if user.has_perm("convenings.see_names", c)]
    known_people = set(Person.objects.visible_to(user).values_list("pk", flat=True))
    known_people |= set(
        Authorship.objects.filter(paper__in=visible_papers).values_list("person", flat=True)
    )
    known_people |= set(
        Person.objects.filter(participations__convening__in=named_at).values_list("pk", flat=True)
    )
    if not user.has_perm("people.restore_person"):  # a withdrawn person: staff and self only
        withdrawn = Person.objects.filter(withdrawn_at__isnull=False)
        known_people -= {
            pk for pk, owner in withdrawn.values_list("pk", "user") if owner != user.pk
        }
    known_names = {
        name
        for pair in Person.objects.filter(pk__in=known_people).values_list("name", "name_latin")
        for name in pair
    }
    hidden_names = {
        name
        for pair in Person.objects.exclude(pk__in=known_people).values_list("name", "name_latin")
        for name in pair
    }
    hidden = hidden_names - known_names
    hidden |= set(
        Convening.objects.exclude(pk__in=visible_convenings).values_list("title", flat=True)
    )
    hidden |= set(
        PolicyPaper.objects.exclude(pk__in=visible_papers).values_list("title", flat=True)
    )
    hidden |= set(
        Conversation.objects.exclude(pk__in=Conversation.objects.visible_to(user)).values_list(
            "title", flat=True
        )
    )
    return {secret for secret in hidden if len(secret) >= 8}


def forms_in(context) -> list[forms.BaseForm]:
    """Every form the page's templates were given, wherever it sits in their context."""
    if context is None:
        return []
    layers = context if isinstance(context, list) else [context]
    found = []
    for layer in layers:
        for value in layer.flatten().values():
            if isinstance(value, forms.BaseForm):
                found.append(value)
            elif isinstance(value, forms.BaseFormSet):
                found.extend(value.forms)
    return list({id(form): form for form in found}.values())


def choices_the_user_may_not_know(form, user) -> list[str]:
    wrong = []
    for name, form_field in form.fields.items():
        if not isinstance(form_field, forms.ModelChoiceField):
            continue
        queryset = form_field.queryset
        if queryset is None or not hasattr(queryset.model.objects, "visible_to"):
            continue
        visible = set(queryset.model.objects.visible_to(user).values_list("pk", flat=True))
        offered = set(queryset.values_list("pk", flat=True))
        if offered - visible:
            wrong.append(f"{type(form).__name__}.{name}: {len(offered - visible)} hidden")
    return wrong


def expected(case: Case, role: str) -> str:
    if role in case.either:
        return "either"
    return "opens" if role in case.opens_for else "refused"


def with_unknown_object(kwargs: dict) -> dict:
    """The same URL for an object that does not exist."""
    import uuid

    key = "code" if "code" in kwargs else next(k for k in kwargs if k.endswith("code"))
    return {**kwargs, key: uuid.uuid4()}


def outcome(response, role) -> str:
    status = response.status_code
    if status >= 500:
        return f"ERROR {status}"
    if status == 404:
        return "404"
    if status in (400, 403, 405, 410):
        return "refused"
    if status in (301, 302, 303):
        location = response.get("Location", "")
        if role == ANON and "/login/" in location:
            return "refused"
        return "opens"
    return "opens" if status < 300 else f"status {status}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_page_as_every_role(world, role):
    """The matrix, the leak check and the form choices, for one role across all pages."""
    client = client_for(role)
    user = User.objects.get(username=role) if role != ANON else None
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    secrets = secrets_for(user)
    problems = []
    for case in CASES:
        kwargs = case.kwargs(world) if case.kwargs else {}
        url = reverse(case.url_name.lstrip(":"), kwargs=kwargs)
        response = client.get(url, case.query)
        got = outcome(response, role)
        want = expected(case, role)
        where = f"{case.url_name} [{case.label}] {url}"
        if got == "404" and want == "refused":
            got = "refused"
        if got.startswith(("ERROR", "status")) or (want != "either" and got != want):
            problems.append(f"{where}: expected {want}, got {got} ({response.status_code})")
            continue
        if role in case.hidden_from and any(k.endswith("code") for k in kwargs):
            unknown = reverse(case.url_name.lstrip(":"), kwargs=with_unknown_object(kwargs))
            answer = client.get(unknown, case.query).status_code
            if answer != response.status_code:
                problems.append(
                    f"{where}: answers {response.status_code}, but {answer} for an object "
                    "that does not exist: its existence shows"
                )
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        leaked = sorted(secret for secret in secrets if secret in page)
        if leaked:
            problems.append(f"{where}: shows what {role} may not know: {leaked[:3]}")
        if ">---------<" in page:
            problems.append(f'{where}: a choice reads "---------" (give it words)')
        for form in forms_in(response.context):
            for wrong in choices_the_user_may_not_know(form, user):
                problems.append(f"{where}: offers {wrong}")
    assert not problems, f"as {role}:\n" + "\n".join(problems)


# Tables a GET may touch: the session itself and its bookkeeping, and the audit log
# (only for reads that are recorded, below).
SESSION_TABLES = matrix.SESSION_TABLES | {"core.auditentry"}
# Reading some things is itself recorded (exports, an applicant's files): the only
# audit entries a GET may add.
READS_RECORDED = (".exported", ".viewed", ".downloaded", ".opened", ".file_opened")


def row_counts() -> dict[str, int]:
    return matrix.row_counts(ignore=SESSION_TABLES)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_opening_a_page_writes_nothing(world, role):
    """No GET, on any page, as any role, adds or removes a row (the session aside)."""
    from kenesh.core.models import AuditEntry

    client = client_for(role)
    before = row_counts()
    last_entry = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for case in CASES:
        kwargs = case.kwargs(world) if case.kwargs else {}
        client.get(reverse(case.url_name.lstrip(":"), kwargs=kwargs), case.query)
    after = row_counts()
    written = set(AuditEntry.objects.filter(pk__gt=last_entry).values_list("action", flat=True))
    assert all(action.endswith(READS_RECORDED) for action in written), written
    changed = {
        label: (before[label], after[label]) for label in before if before[label] != after[label]
    }
    assert not changed, f"GETs as {role} changed row counts: {changed}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [ANON, STAFF, YOUNG])
def test_every_state_change_needs_the_csrf_token(world, role):
    """A POST without the CSRF token is refused on every URL and changes nothing."""
    client = Client(enforce_csrf_checks=True)
    if role != ANON:
        client.force_login(User.objects.get(username=role))
    before = row_counts()
    accepted = []
    for case in CASES:
        kwargs = case.kwargs(world) if case.kwargs else {}
        url = reverse(case.url_name.lstrip(":"), kwargs=kwargs)
        response = client.post(url, {"title": "Forged", "text": "Forged"})
        if response.status_code != 403:
            accepted.append(f"{case.url_name} {url}: {response.status_code}")
    assert not accepted, "POSTs without a CSRF token not refused:\n" + "\n".join(accepted)
    assert row_counts() == before


# Script in any text a person can write is shown as text, on every page: every
# free-text column of every Kenesh model is filled with markup that would run if a
# template printed it raw, then every page is opened as staff (who see the most) and as
# a young expert. No page may answer 500 or carry the markup unescaped.

PAYLOAD = '<script>kenesh_xss()</script><img src=x onerror="kenesh_xss()">'
RAW = ("<script>kenesh_xss", "<img src=x onerror")
# Columns whose value is not free text a person writes (keys, tokens, derived search
# forms) or that other columns are computed from.
NOT_FREE_TEXT = {"code", "token", "slug", "search_text", "name_key", "latin_key", "key"}


def plant_payload() -> int:
    """Write the payload into every free-text column of every Kenesh model; return how
    many columns were filled."""
    filled = 0
    for model in apps.get_models():
        if not model.__module__.startswith("kenesh."):
            continue
        # The row's id after the payload keeps values apart where a constraint wants them so.
        value = Concat(Value(PAYLOAD), Cast("pk", models.CharField()))
        fields = {
            field.name: value
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
            and not field.choices
            and not field.unique
            and not field.primary_key
            and field.name not in NOT_FREE_TEXT
            and (field.max_length is None or field.max_length >= len(PAYLOAD) + 12)
        }
        if not fields:
            continue
        try:
            with transaction.atomic():
                model.objects.update(**fields)
        except IntegrityError:
            # A constraint ties an optional column to others (evidence is a record or a
            # link, not both): fill only the values already written.
            for name, payload in fields.items():
                model.objects.exclude(**{name: ""}).update(**{name: payload})
        filled += len(fields)
    return filled


@pytest.mark.django_db
@pytest.mark.parametrize("role", [STAFF, YOUNG])
def test_markup_in_every_text_field_is_shown_as_text_on_every_page(world, role):
    assert plant_payload() > 50
    client = client_for(role)
    problems = []
    for case in CASES:
        kwargs = case.kwargs(world) if case.kwargs else {}
        url = reverse(case.url_name.lstrip(":"), kwargs=kwargs)
        response = client.get(url, case.query)
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
            continue
        if response.streaming or "html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        if any(raw in page for raw in RAW):
            problems.append(f"{case.url_name} {url}: markup printed raw")
    assert not problems, f"as {role}:\n" + "\n".join(problems)


# No input makes the platform fail (hypothesis): for every page that shows a form, staff
# (who reach every form) and a young expert submit values drawn for the form's own
# fields: text of any script, control characters, huge numbers, malformed dates, ids and
# codes that name nothing, values far over any length limit. The answer is a page or a
# refusal, never a server error.

NASTY = [
    "", " ", "0", "-1", "1e309", "NaN", str(2**64), str(-(2**70)), "2024-02-30", "9999-12-31",
    "00:00", "x" * 5000, "\x00", "\u200b", "' OR 1=1 --", "<script>x()</script>",
    "../../etc/passwd", "on", "true", str(uuid.UUID(int=0)), "Жылдыз", "مذاکره",
]  # fmt: skip
values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=300),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.uuids().map(str),
)


def form_pages(world, role):
    """(url, field names) of every page in the matrix that gives ``role`` a form."""
    client = client_for(role)
    found = []
    for case in CASES:
        kwargs = case.kwargs(world) if case.kwargs else {}
        url = reverse(case.url_name.lstrip(":"), kwargs=kwargs)
        response = client.get(url, case.query)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        names = sorted({name for form in forms_in(response.context) for name in form.fields})
        if names:
            found.append((url, names))
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("role", [STAFF, YOUNG])
def test_no_input_to_any_form_gives_a_server_error(world, role):
    client = client_for(role)
    pages = form_pages(world, role)
    assert pages, "the matrix offers this role no form at all"
    failures = []

    @settings(
        max_examples=12,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def submit(data):
        for url, names in pages:
            body = {name: data.draw(values, label=name) for name in names}
            response = client.post(url, body)
            if response.status_code >= 500:
                failures.append(f"{url} {body!r}: {response.status_code}")

    submit()
    assert not failures, "server errors:\n" + "\n".join(failures[:10])


# The same matrix for POST. Each role posts an empty form to every URL, inside a savepoint
# rolled back at once (a POST that is taken may change things: the next one must find the
# demo as it was). Whoever may use the URL gets an answer from the view itself: its form
# again with what is missing, a redirect, or a refusal of the empty input (400, 409);
# everyone else is refused before the view reads anything (403, 405, the sign-in page),
# and where the object's existence is private, the refusal is the one for an object that
# does not exist.


def post_outcome(response, role) -> str:
    status = response.status_code
    if status >= 500:
        return f"ERROR {status}"
    if status == 404:
        return "404"
    if status in (403, 405):
        return "refused"
    if status in (301, 302, 303) and role == ANON and "/login/" in response.get("Location", ""):
        return "refused"
    if status in (200, 204, 301, 302, 303, 400, 409, 422):
        return "taken"
    return f"status {status}"


def post_expected(case: Case, role: str) -> str:
    if role in case.either:
        return "either"
    return "taken" if role in case.post_takers else "refused"


def post_and_undo(client: Client, url: str):
    """POST an empty form; undo whatever it wrote, the session included."""
    import copy

    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = client.post(url, {})
        transaction.set_rollback(True)
    client.cookies = cookies
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_post_as_every_role(world, role):
    from urllib.parse import urlencode

    client = client_for(role)
    problems = []
    for case in CASES:
        kwargs = case.kwargs(world) if case.kwargs else {}
        url = reverse(case.url_name.lstrip(":"), kwargs=kwargs)
        if case.query:
            url += "?" + urlencode(case.query)
        response = post_and_undo(client, url)
        got, want = post_outcome(response, role), post_expected(case, role)
        where = f"POST {case.url_name} [{case.label}] {url}"
        if got == "404" and want == "refused":
            got = "refused"
        if got.startswith(("ERROR", "status")) or (want != "either" and got != want):
            problems.append(f"{where}: expected {want}, got {got} ({response.status_code})")
            continue
        if role in case.hidden_from and any(k.endswith("code") for k in kwargs):
            unknown = reverse(case.url_name.lstrip(":"), kwargs=with_unknown_object(kwargs))
            answer = post_and_undo(client, unknown).status_code
            if answer != response.status_code:
                problems.append(
                    f"{where}: answers {response.status_code}, but {answer} for an object "
                    "that does not exist: its existence shows"
                )
    assert not problems, f"as {role}:\n" + "\n".join(problems)
