"""The demo programme's papers and their influence, as the programme description tells it:
14 policy papers co-written by seasoned and young experts, about 40 recommendations
presented at the 10 briefings, and outcomes, one at the Consultative Meeting of the
Heads of State of Central Asia. All fictional."""

import datetime
import random
from zoneinfo import ZoneInfo

from django.conf import settings

from kenesh.access.models import User
from kenesh.convenings.models import Convening, Kind
from kenesh.influence.models import Outcome, Presentation, Recommendation, Response, Substantiation
from kenesh.papers.models import (
    AuthorRole,
    Authorship,
    PaperEvent,
    PaperReview,
    PaperVersion,
    PolicyPaper,
    ReviewKind,
    Status,
    Verdict,
    Visibility,
)
from kenesh.people.models import Track

PAPERS = [
    ("Sharing data on transboundary rivers", "water-energy", ["KG", "TJ", "UZ", "KZ"]),
    ("A water-for-energy compact for the Syr Darya basin", "water-energy", ["KG", "UZ", "KZ"]),
    ("Border communities after the 2022 violence: what helps", "borders", ["KG", "TJ"]),
    ("Joint markets on the Fergana borders", "borders", ["KG", "TJ", "UZ"]),
    ("Central Asia and a changing Afghanistan", "afghanistan", ["TJ", "UZ", "AF"]),
    ("Preventing radicalisation among labour migrants", "extremism", ["TJ", "KG", "UZ"]),
    (
        "Models of regional integration: what fits Central Asia",
        "integration",
        ["KZ", "KG", "TJ", "UZ"],
    ),
    ("Climate risks to regional stability", "climate", ["KZ", "KG", "TJ", "UZ"]),
    ("Labour migration and remittances after 2022", "migration", ["TJ", "KG", "UZ"]),
    ("Transport corridors and their security", "connectivity", ["KZ", "UZ", "AF"]),
    ("Balancing external powers: a regional view", "great-powers", ["KZ", "KG", "UZ"]),
    ("Young people's voice in security policy", "youth-women", ["KG", "KZ", "TJ", "UZ"]),
    ("Disinformation in border crises", "media", ["KG", "TJ"]),
    ("Women mediators in local conflict prevention", "youth-women", ["KG", "TJ", "UZ"]),
    # Two more in progress, for trying the workflow in the demo.
    ("Early warning for seasonal border tensions", "borders", ["KG", "TJ"]),
    ("Youth employment and radicalisation risks", "extremism", ["UZ", "KG", "TJ"]),
]
PUBLISHED = 14
ADDRESSEES = [
    ("Ministries of foreign affairs of the region", "regional"),
    ("National water management agencies", "national"),
    ("Border services", "national"),
    ("The Consultative Meeting of the Heads of State of Central Asia", "regional"),
    ("Regional organisations' secretariats", "regional"),
    ("International development partners", "international"),
    ("Parliamentary committees on security", "national"),
]
VERBS = ["Establish", "Create", "Adopt", "Fund", "Publish", "Convene", "Train"]
OBJECTS = [
    "a joint working group on {t}",
    "an open data platform on {t}",
    "a regional roadmap on {t}",
    "annual dialogues on {t} with young experts",
    "a rapid-response channel on {t}",
    "local councils' participation in decisions on {t}",
]
OUTCOMES = [
    (
        "The heads of state endorsed a regional roadmap that includes joint data sharing on transboundary rivers, as the programme's papers recommended.",
        "The Consultative Meeting of the Heads of State of Central Asia",
        "Consultative Meeting of the Heads of State of Central Asia",
        "The first time the region's leaders named data sharing as a joint commitment.",
        Substantiation.VERIFIED,
        True,
    ),
    (
        "Two border districts set up a joint council of elders with a direct telephone line, after a briefing to border services.",
        "District administrations of two neighbouring countries",
        "Local government",
        "Gives local leaders a way to calm incidents before they escalate.",
        Substantiation.SUBSTANTIATED,
        False,
    ),
    (
        "A regional organisation's secretariat added a youth consultation to its annual security forum.",
        "A regional organisation's secretariat",
        "Annual regional security forum",
        "Young experts now have a standing channel into regional policy.",
        Substantiation.CLAIMED,
        False,
    ),
]


def _body(title, theme, rng, revision):
    paragraphs = [
        f"# {title}\n\n*Fictional demo paper.*",
        f"## Context\n\nThe region faces pressing questions on {theme.lower()}. This draft (revision {revision}) sets out what experts from several countries agreed on.",
        "## Analysis\n\n- What has changed since 2022\n- Where the countries' interests meet\n- What stands in the way",
        "## Recommendations\n\nSee the recommendations recorded with this paper.",
    ]
    if revision > 1:
        paragraphs.insert(
            2,
            "## What reviewers asked for\n\nA clearer link between the evidence and each recommendation.",
        )
    return "\n\n".join(paragraphs)


def _at(day):
    return datetime.datetime.combine(day, datetime.time(10), ZoneInfo(settings.TIME_ZONE))


def load_papers(rng: random.Random, copy: int, people, themes: dict) -> None:
    """Add one copy of the demo papers, recommendations, presentations and outcomes."""
    emergent = [p for p in people if p.track == Track.EMERGENT]
    seasoned = [p for p in people if p.track == Track.SEASONED and not p.can_mentor]
    mentors = [p for p in people if p.can_mentor]
    staff = User.objects.filter(username="staff").first()
    mentor_user = User.objects.filter(username="mentor").first()
    expert_user = User.objects.filter(username="expert").first()
    suffix = "" if copy == 0 else f" · {copy + 1}"
    rcwg = list(
        Convening.objects.filter(kind=Kind.RCWG, title__endswith=suffix or "").order_by(
            "starts_on"
        )[:4]
    )
    briefings = [
        b
        for b in Convening.objects.filter(kind=Kind.BRIEFING).order_by("starts_on")
        if (b.title.endswith(suffix) if suffix else " · " not in b.title)
    ]
    papers, authorships, versions, reviews, events = [], [], [], [], []
    for i, (title, _theme, countries) in enumerate(PAPERS):
        status = (
            Status.PUBLISHED
            if i < PUBLISHED
            else (Status.IN_REVIEW if i == PUBLISHED else Status.DRAFT)
        )
        published = datetime.date(2023, 1, 15) + datetime.timedelta(days=36 * i)
        papers.append(
            PolicyPaper(
                title=f"{title} (fictional){suffix}",
                abstract=f"Fictional demo paper on {title.lower()}.",
                countries=countries,
                language="en",
                status=status,
                created_by=staff,
                visibility=Visibility.PUBLIC if i % 3 else Visibility.PROGRAMME,
                submitted_at=_at(published - datetime.timedelta(days=30))
                if status != Status.DRAFT
                else None,
                published_at=_at(published) if status == Status.PUBLISHED else None,
            )
        )
    PolicyPaper.objects.bulk_create(papers)
    for i, paper in enumerate(papers):
        theme = themes[PAPERS[i][1]]
        paper.themes.add(theme)
        if rcwg:
            paper.convenings.add(rcwg[i % len(rcwg)])
        # Ten papers led by the young experts, each with a seasoned co-author and a mentor.
        lead = emergent[i % len(emergent)] if i < 10 else seasoned[i % len(seasoned)]
        co = seasoned[(i * 3 + 1) % len(seasoned)]
        mentor = mentors[i % len(mentors)]
        for order, (person, role) in enumerate(
            [(lead, AuthorRole.LEAD), (co, AuthorRole.CO_AUTHOR), (mentor, AuthorRole.MENTOR)]
        ):
            authorships.append(Authorship(paper=paper, person=person, role=role, order=order))
        n_versions = 1 if paper.status == Status.DRAFT else rng.randint(2, 4)
        for number in range(1, n_versions + 1):
            versions.append(
                PaperVersion(
                    paper=paper,
                    number=number,
                    body=_body(PAPERS[i][0], theme.name, rng, number),
                    note="First draft" if number == 1 else "Revised after review",
                    created_by=staff,
                )
            )
        if paper.status in {Status.PUBLISHED, Status.IN_REVIEW} and mentor_user and expert_user:
            done = paper.status == Status.PUBLISHED
            reviews.append(
                PaperReview(
                    paper=paper,
                    reviewer=mentor_user,
                    kind=ReviewKind.MENTOR,
                    verdict=Verdict.APPROVE if done else "",
                    comments="Clear and useful. (fictional)" if done else "",
                    submitted_at=paper.submitted_at if done else None,
                )
            )
            reviews.append(
                PaperReview(
                    paper=paper,
                    reviewer=expert_user,
                    kind=ReviewKind.PEER,
                    verdict=Verdict.APPROVE if done else "",
                    comments="Tighten the analysis. (fictional)" if done else "",
                    submitted_at=paper.submitted_at if done else None,
                )
            )
            steps = [(Status.DRAFT, Status.SUBMITTED), (Status.SUBMITTED, Status.IN_REVIEW)]
            if done:
                steps += [(Status.IN_REVIEW, Status.APPROVED), (Status.APPROVED, Status.PUBLISHED)]
            events += [
                PaperEvent(paper=paper, from_status=a, to_status=b, by=staff) for a, b in steps
            ]
    Authorship.objects.bulk_create(authorships, ignore_conflicts=True)
    PaperVersion.objects.bulk_create(versions)
    PaperReview.objects.bulk_create(reviews, ignore_conflicts=True)
    PaperEvent.objects.bulk_create(events)

    recommendations = []
    for i, paper in enumerate(papers[:PUBLISHED]):
        theme = themes[PAPERS[i][1]]
        for k in range(3):
            addressee, level = ADDRESSEES[(i + k) % len(ADDRESSEES)]
            text = (
                f"{VERBS[(i + k) % len(VERBS)]} "
                + OBJECTS[(i * 2 + k) % len(OBJECTS)].format(t=theme.name.lower())
                + "."
            )
            recommendations.append(
                Recommendation(
                    paper=paper,
                    text=text,
                    addressee=addressee,
                    level=level,
                    countries=PAPERS[i][2],
                    theme=theme,
                    priority=["high", "medium", "low"][k % 3],
                    order=k,
                )
            )
    Recommendation.objects.bulk_create(recommendations)

    presentations = []
    for b, briefing in enumerate(briefings):
        chosen = rng.sample(recommendations, k=min(len(recommendations), 3 + b % 3))
        for recommendation in chosen:
            presentations.append(
                Presentation(
                    recommendation=recommendation,
                    briefing=briefing,
                    recorded_by=staff,
                    response=rng.choice(
                        [Response.WELCOMED, Response.WELCOMED, Response.NOTED, Response.QUESTIONED]
                    ),
                    notes="Fictional demo record.",
                )
            )
    Presentation.objects.bulk_create(presentations, ignore_conflicts=True)

    presented = [p.recommendation for p in presentations]
    for o, (change, actor, platform, significance, substantiation, implements) in enumerate(
        OUTCOMES
    ):
        outcome = Outcome.objects.create(
            change=change + " (fictional)",
            social_actor=actor,
            platform=platform,
            when=datetime.date(2024, 3, 1) + datetime.timedelta(days=60 * o),
            significance=significance,
            contribution="Experts presented the recommendation at briefings and in the programme's papers.",
            evidence="Fictional demo evidence: meeting communiqué and briefing notes."
            if substantiation != Substantiation.CLAIMED
            else "",
            substantiation=substantiation,
            implements=implements,
            substantiated_by="An independent fictional reviewer"
            if substantiation != Substantiation.CLAIMED
            else "",
        )
        outcome.recommendations.set(presented[o * 2 : o * 2 + 2 + (o == 0)])
