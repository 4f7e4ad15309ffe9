"""The demo programme's papers and their influence, as the programme description tells it:
14 policy papers co-written by seasoned and young experts, about 40 recommendations
presented at the 10 briefings, and outcomes, one at the Consultative Meeting of the
Heads of State of Central Asia. All fictional.

The published papers' texts, abstracts and recommendations are written out in
paper_texts/NN-slug.toml (NN = the paper's place in PAPERS); their earlier versions are
drafts cut mechanically from the published text."""

import datetime
import functools
import random
import re
import tomllib
from pathlib import Path
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
from kenesh.people.models import Person, Theme, Track

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


# One file per published paper, NN-slug.toml with NN the paper's place in PAPERS (01 = first).
TEXTS = Path(__file__).parent / "paper_texts"
FICTIONAL = {"en": "(fictional)", "ru": "(вымышленный)"}
MENTOR_COMMENT = {"en": "Clear and useful. (fictional)", "ru": "Ясно и полезно. (вымышленный)"}


@functools.cache
def paper_texts() -> dict[int, dict]:
    """The written papers, by their index in PAPERS, read from the files in name order."""
    texts = {}
    for path in sorted(TEXTS.glob("*.toml")):
        with path.open("rb") as file:
            texts[int(path.name[:2]) - 1] = tomllib.load(file)
    return texts


def _generated_body(theme):
    """A short placeholder text, for the drafts in progress."""
    return "\n\n".join(
        [
            "*Fictional demo paper.*",
            f"## Context\n\nThe region faces pressing questions on {theme.lower()}. This draft sets out what experts from several countries agreed on.",
            "## Analysis\n\n- What has changed since 2022\n- Where the countries' interests meet\n- What stands in the way",
            "## Recommendations\n\nSee the recommendations recorded with this paper.",
        ]
    )


def _sections(body):
    """The body cut before each "## " heading, and the places of the headed parts
    (Context, Analysis, Recommendations, then any closing section)."""
    parts = re.split(r"\n(?=## )", body.strip())
    return parts, [k for k, part in enumerate(parts) if part.startswith("## ")]


def _without_last_justification(body):
    """The last numbered recommendation reduced to its bold first part."""
    parts, heads = _sections(body)
    if len(heads) < 3:
        return body
    k = heads[2]
    section = parts[k]
    items = list(re.finditer(r"^\d+\. \*\*.+?\*\*", section, flags=re.M))
    if not items:
        return body
    item = items[-1]
    end = section.find("\n\n", item.end())
    tail = section[end:] if end >= 0 else section[len(section.rstrip()) :]
    parts[k] = section[: item.end()] + tail
    return "\n".join(parts)


def _without_last_analysis_part(body):
    """The Analysis without its last ### subsection (or, having none, its last paragraph)."""
    parts, heads = _sections(body)
    if len(heads) < 2:
        return body
    k = heads[1]
    subsections = re.split(r"\n(?=### )", parts[k].rstrip())
    if len(subsections) > 2:
        parts[k] = "\n".join(subsections[:-1]).rstrip() + "\n"
    else:
        paragraphs = parts[k].rstrip().split("\n\n")
        if len(paragraphs) > 2:
            parts[k] = "\n\n".join(paragraphs[:-1]) + "\n"
    return "\n".join(parts)


def _without_sources(body):
    """The body without its closing section after the Recommendations (sources and method),
    or, having none, without the Context's last paragraph."""
    parts, heads = _sections(body)
    if len(heads) > 3:
        return "\n".join(parts[: heads[3]])
    if heads:
        paragraphs = parts[heads[0]].rstrip().split("\n\n")
        if len(paragraphs) > 3:
            parts[heads[0]] = "\n\n".join(paragraphs[:-1]) + "\n"
    return "\n".join(parts)


DRAFTING = [_without_last_justification, _without_last_analysis_part, _without_sources]


def _drafts(body, count):
    """The paper's `count` versions, oldest first: the last is the body as published, each
    earlier one lacks one more part of it (as the drafts before review did)."""
    versions = [body]
    for step in DRAFTING[: count - 1]:
        versions.insert(0, step(versions[0]).strip() + "\n")
    return versions


def _at(day):
    return datetime.datetime.combine(day, datetime.time(10), ZoneInfo(settings.TIME_ZONE))


def load_papers(
    rng: random.Random, copy: int, people: list[Person], themes: dict[str, Theme]
) -> None:
    """Add one copy of the demo papers, recommendations, presentations and outcomes."""
    emergent = [p for p in people if p.track == Track.EMERGENT]
    seasoned = [p for p in people if p.track == Track.SEASONED and not p.can_mentor]
    mentors = [p for p in people if p.can_mentor]
    staff = User.objects.filter(username="staff").first()
    mentor_user = User.objects.filter(username="mentor").first()
    expert_user = User.objects.filter(username="expert").first()
    suffix = "" if copy == 0 else f" · {copy + 1}"
    rcwg, briefings = _copy_convenings(suffix)
    texts = paper_texts()
    # Each published paper has its written text; the drafts in progress have none.
    written_texts = [texts[i] if i < PUBLISHED else None for i in range(len(PAPERS))]
    papers = [_paper(i, written_texts[i], suffix, staff) for i in range(len(PAPERS))]
    PolicyPaper.objects.bulk_create(papers)
    authorships, versions, reviews, events = [], [], [], []
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
        versions += _versions(rng, paper, written_texts[i], theme, staff)
        if paper.status in {Status.PUBLISHED, Status.IN_REVIEW} and mentor_user and expert_user:
            trail = _review_trail(paper, written_texts[i], staff, mentor_user, expert_user)
            reviews += trail[0]
            events += trail[1]
    Authorship.objects.bulk_create(authorships, ignore_conflicts=True)
    PaperVersion.objects.bulk_create(versions)
    PaperReview.objects.bulk_create(reviews, ignore_conflicts=True)
    PaperEvent.objects.bulk_create(events)

    recommendations = _recommendations(papers, texts, themes)
    Recommendation.objects.bulk_create(recommendations)
    presentations = _presentations(rng, briefings, recommendations, staff)
    Presentation.objects.bulk_create(presentations, ignore_conflicts=True)
    _create_outcomes([p.recommendation for p in presentations])


def _copy_convenings(suffix: str) -> tuple[list[Convening], list[Convening]]:
    """The demo copy's first four RCWG meetings and its briefings, by date; a copy's
    convenings end in ``suffix`` (the first copy's have none)."""
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
    return rcwg, briefings


def _paper(i: int, written: dict | None, suffix: str, staff: User | None) -> PolicyPaper:
    """The unsaved paper at place ``i`` of PAPERS: published, in review (the first after
    the published ones) or a draft, with its written title and abstract where it has them."""
    title, _theme, countries = PAPERS[i]
    language = written["language"] if written else "en"
    status = (
        Status.PUBLISHED
        if i < PUBLISHED
        else (Status.IN_REVIEW if i == PUBLISHED else Status.DRAFT)
    )
    published = datetime.date(2023, 1, 15) + datetime.timedelta(days=36 * i)
    return PolicyPaper(
        title=f"{written['title'] if written else title} {FICTIONAL[language]}{suffix}",
        abstract=written["abstract"].strip()
        if written
        else f"Fictional demo paper on {title.lower()}.",
        countries=countries,
        language=language,
        status=status,
        created_by=staff,
        visibility=Visibility.PUBLIC if i % 3 else Visibility.PROGRAMME,
        submitted_at=_at(published - datetime.timedelta(days=30))
        if status != Status.DRAFT
        else None,
        published_at=_at(published) if status == Status.PUBLISHED else None,
    )


def _versions(
    rng: random.Random, paper: PolicyPaper, written: dict | None, theme: Theme, staff: User | None
) -> list[PaperVersion]:
    """One paper's versions: a draft has one, others two to four, the last the full text."""
    n_versions = 1 if paper.status == Status.DRAFT else rng.randint(2, 4)
    body = written["body"].strip() + "\n" if written else _generated_body(theme.name)
    return [
        PaperVersion(
            paper=paper,
            number=number,
            body=text,
            note="First draft" if number == 1 else "Revised after review",
            created_by=staff,
        )
        for number, text in enumerate(_drafts(body, n_versions), start=1)
    ]


def _review_trail(
    paper: PolicyPaper,
    written: dict | None,
    staff: User | None,
    mentor_user: User,
    expert_user: User,
) -> tuple[list[PaperReview], list[PaperEvent]]:
    """One paper's mentor and peer reviews (approving, for a published paper; still
    open, for one in review) and the status changes that brought it where it is."""
    done = paper.status == Status.PUBLISHED
    reviews = [
        PaperReview(
            paper=paper,
            reviewer=mentor_user,
            kind=ReviewKind.MENTOR,
            verdict=Verdict.APPROVE if done else "",
            comments=MENTOR_COMMENT[paper.language] if done else "",
            submitted_at=paper.submitted_at if done else None,
        ),
        PaperReview(
            paper=paper,
            reviewer=expert_user,
            kind=ReviewKind.PEER,
            verdict=Verdict.APPROVE if done else "",
            comments=f"{written['review_request'].strip()} {FICTIONAL[paper.language]}"
            if done and written
            else "",
            submitted_at=paper.submitted_at if done else None,
        ),
    ]
    steps = [(Status.DRAFT, Status.SUBMITTED), (Status.SUBMITTED, Status.IN_REVIEW)]
    if done:
        steps += [(Status.IN_REVIEW, Status.APPROVED), (Status.APPROVED, Status.PUBLISHED)]
    events = [PaperEvent(paper=paper, from_status=a, to_status=b, by=staff) for a, b in steps]
    return reviews, events


def _recommendations(
    papers: list[PolicyPaper], texts: dict[int, dict], themes: dict[str, Theme]
) -> list[Recommendation]:
    """The published papers' recommendations, as written in their texts (unsaved)."""
    recommendations = []
    for i, paper in enumerate(papers[:PUBLISHED]):
        theme = themes[PAPERS[i][1]]
        recommendations += [
            Recommendation(
                paper=paper,
                text=item["text"].strip(),
                addressee=item["addressee"].strip(),
                level=item["level"],
                countries=PAPERS[i][2],
                theme=theme,
                priority=item["priority"],
                timeframe=item["timeframe"],
                order=k,
            )
            for k, item in enumerate(texts[i]["recommendations"])
        ]
    return recommendations


def _presentations(
    rng: random.Random,
    briefings: list[Convening],
    recommendations: list[Recommendation],
    staff: User | None,
) -> list[Presentation]:
    """Three to five recommendations drawn for each briefing, each with the response
    it met (unsaved)."""
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
    return presentations


def _create_outcomes(presented: list[Recommendation]) -> None:
    """Create the OUTCOMES, each linked to two of the recommendations presented (the
    first to three)."""
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
