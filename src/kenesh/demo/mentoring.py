"""The demo's young-expert cycle: a call with about 60 fictional applications from four
countries, reviewed by two reviewers each, 10 selected under balance rules, ten
mentorships with sessions and assessments that show growth, and two testimonials. The
selected are the demo's ten emergent experts already on the roster."""

import datetime
import random

from django.core.files.base import ContentFile
from django.utils import timezone

from kenesh.access.models import User
from kenesh.demo import names
from kenesh.mentoring import queries, selection, services
from kenesh.mentoring.models import (
    DEFAULT_CRITERIA,
    SKILLS,
    Application,
    Assessment,
    Call,
    CohortDecision,
    MentoringSession,
    Mentorship,
    Milestone,
    Review,
    Testimonial,
)
from kenesh.papers.models import PolicyPaper
from kenesh.people.models import Person, Track

PDF = b"%PDF-1.4\n% fictional demo file\n%%EOF\n"
TOPICS = [
    "Structuring a policy brief",
    "Reading the evidence",
    "Preparing a panel talk",
    "Facilitating a working group",
    "Writing recommendations",
    "Feedback on a draft",
]
QUOTES = [
    (
        "Offline sessions with my mentor taught me to structure an analytical article and see the "
        "nuances of current issues. (fictional)",
        "description",
    ),
    (
        "I moved from listening at the first meeting to facilitating a working group at the last "
        "one. (fictional)",
        "name",
    ),
]

# The default criteria, labelled in Russian as well (the call form has ``label_ru``).
CRITERIA_RU = {
    "analysis": "Качество анализа",
    "motivation": "Мотивация и соответствие профилю",
    "writing": "Образец письменной работы",
    "potential": "Потенциал влияния на политику",
}
CRITERIA = [{**c, "label_ru": CRITERIA_RU[c["key"]]} for c in DEFAULT_CRITERIA]

# When each stage of the assessments was recorded (the first, midway, at the end).
ASSESSED_ON = {
    "pre": datetime.date(2022, 9, 15),
    "mid": datetime.date(2023, 3, 15),
    "post": datetime.date(2024, 5, 27),
}


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), datetime.UTC)


def load_mentoring(rng: random.Random, people: list[Person]) -> None:
    """Add the demo call and the cohort cycle for the first copy of the roster."""
    call = Call.objects.create(
        title="Young experts 2022: open call (fictional)",
        title_ru="Конкурс для молодых экспертов 2022 года (вымышленный)",
        description="Fictional demo call for emergent experts from Kazakhstan, Kyrgyzstan, "
        "Tajikistan and Uzbekistan.",
        description_ru="Вымышленный демонстрационный конкурс для молодых экспертов из "
        "Казахстана, Кыргызстана, Таджикистана и Узбекистана.",
        criteria=CRITERIA,
        opens_on=datetime.date(2022, 6, 1),
        closes_on=datetime.date(2027, 12, 31),
        cohort_size=10,
    )
    reviewers = list(User.objects.filter(username__in=["staff", "mentor"]))
    staff = User.objects.get(username="staff")
    emergent = [p for p in people if p.track == Track.EMERGENT]
    applications = _applications(rng, call, emergent)
    Review.objects.bulk_create(_reviews(rng, applications, reviewers))
    _select_cohort(call, applications, reviewers)

    # The platform's own matching: one mentee per mentor, a shared language, themes,
    # and across borders where possible.
    mentors = [p for p in people if p.can_mentor]
    made = services.pair(mentees=emergent, mentors=[(m, 1) for m in mentors], call=call, by=None)
    Mentorship.objects.filter(pk__in=[m.pk for m in made]).update(
        started_on=datetime.date(2022, 9, 1),
        goals="Write a policy paper; speak at an RCWG panel; facilitate a working group. (fictional)",
    )
    for i, mentorship in enumerate(made):
        _sessions_and_milestones(i, mentorship)
        _assessments(rng, i, mentorship, staff)
    for (quote, attribution), person in zip(
        QUOTES, [p for p in emergent if p.country in {"TJ", "KG"}][:2], strict=False
    ):
        Testimonial.objects.create(
            person=person, quote=quote, attribution=attribution, consent_at=timezone.now()
        )


def _applications(rng: random.Random, call: Call, emergent: list[Person]) -> list[Application]:
    """Sixty applications to ``call``: one from each emergent expert on the roster, the
    rest from made-up applicants across the four countries."""
    applications = []
    for person in emergent:
        applications.append(
            _application(
                call,
                person.name,
                person.country,
                person.gender,
                person.sector,
                person.birth_year,
                person=person,
            )
        )
    countries = ["KZ", "KG", "TJ", "UZ"]
    for i in range(60 - len(emergent)):
        country = countries[i % 4]
        gender = "female" if rng.random() < 0.5 else "male"
        given, _latin = rng.choice(names.GIVEN_NAMES[country][gender])
        male, _ml, female, _fl = rng.choice(names.SURNAMES[country])
        applications.append(
            _application(
                call,
                f"{given} {female if gender == 'female' else male}",
                country,
                gender,
                rng.choice(["academia", "civil_society", "media", "government"]),
                rng.randint(1992, 2003),
            )
        )
    return applications


def _reviews(
    rng: random.Random, applications: list[Application], reviewers: list[User]
) -> list[Review]:
    """Each reviewer's scores for each application (unsaved): the roster's experts
    score well, the first reviewer scores lower across the board."""
    reviews = []
    for application in applications:
        strong = application.person_id is not None
        for j, reviewer in enumerate(reviewers):
            harsh = -1 if j == 0 else 0  # one reviewer scores lower across the board
            scores = {
                c["key"]: max(
                    0, min(5, (4 if strong else rng.randint(1, 4)) + harsh + rng.choice([0, 0, 1]))
                )
                for c in DEFAULT_CRITERIA
            }
            reviews.append(
                Review(
                    application=application,
                    reviewer=reviewer,
                    scores=scores,
                    comment="Fictional review.",
                )
            )
    return reviews


def _select_cohort(call: Call, applications: list[Application], reviewers: list[User]) -> None:
    """Select the roster's emergent experts as the cohort, through the optimiser and the
    same service staff use, with a quota of at least one place per country they come from
    (so the recorded decision has real reasons); dated as the programme did it."""
    roster = [a for a in applications if a.person_id is not None]
    countries = sorted({a.country for a in roster})
    quotas = [selection.Quota("country", country, minimum=1) for country in countries]
    result, _standing = queries.propose(call, quotas)
    differs = set(result.chosen) != {a.pk for a in roster}
    decision = services.decide(
        call=call,
        chosen=roster,
        quotas=quotas,
        result=result,
        override_reason=(
            "The programme kept the young experts already on its roster (fictional)."
            if differs
            else ""
        ),
        by=reviewers[0] if reviewers else None,
    )
    # Date the decision as the programme took it (the field defaults to the load time),
    # so that reports on phase III count the cohort.
    CohortDecision.objects.filter(pk=decision.pk).update(at=_at(datetime.date(2022, 8, 15)))


def _sessions_and_milestones(i: int, mentorship: Mentorship) -> None:
    """The ``i``-th pair's six sessions, every 45 days from October 2022, and its three
    milestones: the first draft of the mentee's lead paper, a panel, a working group."""
    MentoringSession.objects.bulk_create(
        MentoringSession(
            mentorship=mentorship,
            date=datetime.date(2022, 10, 1) + datetime.timedelta(days=45 * k),
            mode="offline" if k % 3 == 0 else "online",
            topics=TOPICS[(i + k) % len(TOPICS)],
            notes="Fictional notes, private to the pair and staff.",
        )
        for k in range(6)
    )
    paper = PolicyPaper.objects.filter(
        authorships__person=mentorship.mentee, authorships__role="lead"
    ).first()
    Milestone.objects.bulk_create(
        [
            Milestone(
                mentorship=mentorship,
                title="First draft of a policy paper",
                due_on=datetime.date(2023, 1, 31),
                done_on=datetime.date(2023, 1, 28),
                paper=paper,
            ),
            Milestone(
                mentorship=mentorship,
                title="Speak at an RCWG panel",
                due_on=datetime.date(2023, 11, 14),
                done_on=datetime.date(2023, 11, 14),
            ),
            Milestone(
                mentorship=mentorship,
                title="Facilitate a working group",
                due_on=datetime.date(2024, 5, 21),
            ),
        ]
    )


def _assessments(rng: random.Random, i: int, mentorship: Mentorship, staff: User) -> None:
    """The ``i``-th pair's skill assessments by the mentee and the mentor, before, midway
    and at the end, showing growth; each dated when the cycle reached that stage."""
    base = {key: rng.randint(1, 3) for key, _label in SKILLS}
    # Who recorded each: the person, where they sign in; else staff from the paper form.
    recorders = {
        "self": mentorship.mentee.user or staff,
        "mentor": mentorship.mentor.user or staff,
    }
    for stage, gain in (("pre", 0), ("mid", 1), ("post", 2)):
        for assessor, bias in (("self", 0), ("mentor", -1 if stage == "pre" else 0)):
            assessment = Assessment.objects.create(
                mentorship=mentorship,
                stage=stage,
                assessor=assessor,
                recorded_by=recorders[assessor],
                scores={
                    key: max(1, min(5, value + gain + bias + (rng.random() < 0.3)))
                    for key, value in base.items()
                },
            )
            # Recorded when the cycle reached that stage, not at load time.
            Assessment.objects.filter(pk=assessment.pk).update(
                created_at=_at(ASSESSED_ON[stage] + datetime.timedelta(days=i))
            )


def _application(call, name, country, gender, sector, birth_year, person=None):
    application = Application(
        call=call,
        name=name,
        email=f"applicant{Application.objects.count() + 1}@example.org",
        country=country,
        gender=gender,
        sector=sector,
        birth_year=birth_year or 1998,
        motivation="I want to contribute to regional dialogue. (fictional application)",
        languages=["ru", "en"],
        consent_at=timezone.now(),
        person=person,
    )
    application.cv.save("cv.pdf", ContentFile(PDF), save=False)
    application.writing_sample.save("sample.pdf", ContentFile(PDF), save=False)
    application.save()
    return application
