"""The fictional demo programme: deterministic for a seed, and scalable for benchmarks.

``load_demo(scale=1)`` makes about 55 experts from five countries (10 of them emergent
experts, mentors among the seasoned), their organisations and themes, and one login per
role. ``scale=N`` repeats the roster N times with other random names (N=100 gives about
5,500 people). Everything is labelled as a demo on every page.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from kenesh.access.models import Role, User
from kenesh.core.audit import log_action
from kenesh.core.settings_store import get_setting, set_setting
from kenesh.demo import names
from kenesh.demo.convenings import load_convenings
from kenesh.demo.deliberation import draft_from_common_ground, load_deliberation
from kenesh.demo.mentoring import load_mentoring
from kenesh.demo.monitoring import load_monitoring
from kenesh.demo.notifications import load_notifications
from kenesh.demo.papers import load_papers
from kenesh.people.models import (
    Gender,
    Language,
    Organization,
    Person,
    Sector,
    Theme,
    Track,
)

DEMO_PASSWORD = "kenesh-demo"

THEMES = [
    ("water-energy", "Water and energy", "Вода и энергетика"),
    ("borders", "Borders and territorial disputes", "Границы и территориальные споры"),
    ("afghanistan", "Afghanistan and regional security", "Афганистан и региональная безопасность"),
    ("extremism", "Preventing violent extremism", "Предотвращение насильственного экстремизма"),
    ("integration", "Regional integration and trade", "Региональная интеграция и торговля"),
    ("climate", "Climate and environment", "Климат и окружающая среда"),
    ("migration", "Migration and labour", "Миграция и трудовая мобильность"),
    ("connectivity", "Transport and connectivity", "Транспорт и связанность"),
    ("great-powers", "Relations with external powers", "Отношения с внешними державами"),
    ("youth-women", "Youth and women in peacebuilding", "Молодёжь и женщины в миростроительстве"),
    ("media", "Media and disinformation", "СМИ и дезинформация"),
]  # fmt: skip

# Per country in one copy of the roster: experts, how many of them are emergent, and how
# many seasoned experts mentor (ten young experts and ten mentors in four countries).
COUNTRY_PLAN = {
    "KZ": (12, 2, 2),
    "KG": (13, 3, 3),
    "TJ": (12, 3, 3),
    "UZ": (11, 2, 2),
    "AF": (7, 0, 0),
}

HOME_LANGUAGES = {
    "KZ": ["kk", "ru"],
    "KG": ["ky", "ru"],
    "TJ": ["tg", "ru"],
    "UZ": ["uz", "ru"],
    "AF": ["prs", "ps"],
}
RUSSIAN_POSITIONS = {"KZ", "KG", "TJ"}
PROGRAMME_START = datetime.datetime(2022, 5, 1, 9, 0, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    who: str


@dataclass(frozen=True)
class DemoResult:
    people: int
    organizations: int
    logins: list[DemoLogin]


def demo_loaded() -> bool:
    return bool(get_setting("demo"))


def _quiet(step: str) -> None:
    pass


@transaction.atomic
def load_demo(*, scale: int = 1, seed: int = 2022, progress=_quiet) -> DemoResult:
    """Fill an empty database with the demo programme; ``progress(step)`` is told of
    each part as it begins."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    if Person.objects.exists():
        raise RuntimeError(
            "The database already holds people; the demo loads only into an empty one."
        )
    rng = random.Random(seed)
    progress("roster: people, organisations, themes")
    languages = Language.objects.ensure_all()
    themes = [
        Theme.objects.create(slug=slug, name=name, name_ru=name_ru)
        for slug, name, name_ru in THEMES
    ]
    organizations = {
        country: [
            Organization.objects.create(name=name, name_en=name_en, country=country, sector=sector)
            for name, name_en, sector in orgs
        ]
        for country, orgs in names.ORGANIZATIONS.items()
    }
    people: list[Person] = []
    for copy in range(scale):
        people.extend(_roster_copy(rng, copy, organizations))
    Person.objects.bulk_create(people, batch_size=1000)
    people = list(Person.objects.order_by("id"))
    _link_themes_and_languages(rng, people, themes, languages)
    per_copy = sum(plan[0] for plan in COUNTRY_PLAN.values())
    themes_by_slug = {theme.slug: theme for theme in themes}
    progress("convenings: RCWG meetings, Track II rounds, a simulation, briefings")
    for copy in range(scale):
        load_convenings(rng, copy, people[copy * per_copy : (copy + 1) * per_copy], themes_by_slug)
    logins = _make_logins(people)
    linked = list(Person.objects.filter(user__isnull=False))
    progress("common ground: votes, and the opinion maps drawn from them")
    load_deliberation(rng, people[:per_copy], linked)
    progress("policy papers, recommendations, briefings and outcomes")
    for copy in range(scale):
        load_papers(rng, copy, people[copy * per_copy : (copy + 1) * per_copy], themes_by_slug)
    draft_from_common_ground(by=User.objects.get(username="staff"))
    progress("young experts: the open call, reviews, selection and mentoring")
    load_mentoring(rng, people[:per_copy])
    progress("monitoring: phase III, theory of change, indicators, periods and reports")
    load_monitoring(scale=scale)
    progress("messages: the next meeting's invitations and today's digests")
    load_notifications()
    set_setting(
        "demo",
        {"seed": seed, "scale": scale, "loaded_at": timezone.now().isoformat()},
    )
    for login in logins:
        user = User.objects.get(username=login.username)
        log_action(user, "demo.login.created", by=None, data={"role": user.role})
    return DemoResult(
        people=len(people),
        organizations=sum(len(o) for o in organizations.values()),
        logins=logins,
    )


def _roster_copy(rng: random.Random, copy: int, organizations) -> list[Person]:
    people = []
    for country, (count, emergent, mentors) in COUNTRY_PLAN.items():
        for index in range(count):
            track = Track.EMERGENT if index < emergent else Track.SEASONED
            gender = (
                Gender.FEMALE
                if rng.random() < (0.5 if track == Track.EMERGENT else 0.42)
                else Gender.MALE
            )
            given, given_latin = rng.choice(names.GIVEN_NAMES[country][gender])
            male, male_latin, female, female_latin = rng.choice(names.SURNAMES[country])
            surname, surname_latin = (
                (female, female_latin) if gender == Gender.FEMALE else (male, male_latin)
            )
            organization = rng.choice(organizations[country])
            if track == Track.EMERGENT:
                birth_year = rng.randint(1994, 2002)
            else:
                birth_year = rng.randint(1956, 1986)
            position = names.POSITIONS[rng.randrange(len(names.POSITIONS))]
            # The first seasoned experts of each country mentor.
            can_mentor = emergent <= index < emergent + mentors
            joined = PROGRAMME_START + datetime.timedelta(days=rng.randint(0, 700), hours=copy)
            city, _city_latin = rng.choice(names.CITIES[country])
            sector = organization.sector if rng.random() < 0.8 else rng.choice(Sector.values)
            person = Person(
                name=f"{given} {surname}",
                name_latin=f"{given_latin} {surname_latin}",
                gender=gender,
                birth_year=birth_year,
                country=country,
                city=city,
                organization=organization,
                position=position[1] if country in RUSSIAN_POSITIONS else position[0],
                sector=sector,
                track=track,
                can_mentor=can_mentor,
                expertise="",
                email=f"{_slug(given_latin)}.{_slug(surname_latin)}.{copy}-{index}@example.org",
                phone=f"+000 {rng.randint(100, 999)} {rng.randint(100000, 999999)}",
                data_processing_consent_at=joined,
                directory_consent_at=joined if rng.random() < 0.85 else None,
                quote_consent_at=joined if rng.random() < 0.6 else None,
                photo_consent_at=joined if rng.random() < 0.5 else None,
            )
            person.refresh_derived_fields()
            people.append(person)
    return people


def _slug(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def _link_themes_and_languages(rng, people, themes, languages):
    """Give each person one to three themes, their working languages and a line of
    expertise written from those themes (Russian where positions are in Russian)."""
    person_themes = Person.themes.through
    person_languages = Person.languages.through
    theme_rows, language_rows = [], []
    for person in people:
        chosen = rng.sample(themes, rng.randint(1, 3))
        for theme in chosen:
            theme_rows.append(person_themes(person_id=person.pk, theme_id=theme.pk))
        person.expertise = _expertise(rng, person, chosen)
        spoken = set(HOME_LANGUAGES[person.country])
        if rng.random() < 0.7:
            spoken.add("en")
        for code in sorted(spoken):
            language_rows.append(
                person_languages(person_id=person.pk, language_id=languages[code].pk)
            )
    person_themes.objects.bulk_create(theme_rows, batch_size=2000)
    person_languages.objects.bulk_create(language_rows, batch_size=2000)
    Person.objects.bulk_update(people, ["expertise"], batch_size=1000)


def _years_ru(n: int) -> str:
    """«год», «года» or «лет» after ``n``, by Russian's three plural forms."""
    if n % 10 == 1 and n % 100 != 11:
        return "год"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "года"
    return "лет"


def _expertise(rng, person, chosen) -> str:
    years = rng.randint(2, 6) if person.track == Track.EMERGENT else rng.randint(10, 30)
    if person.country in RUSSIAN_POSITIONS:
        topics = ", ".join(theme.name_ru.lower() for theme in chosen)
        return f"Исследования и анализ политики: {topics}. Опыт работы: {years} {_years_ru(years)}."
    topics = ", ".join(theme.name.lower() for theme in chosen)
    return f"Research and policy analysis: {topics}. {years} years of experience."


def _make_logins(people: list[Person]) -> list[DemoLogin]:
    first_copy = people[: sum(plan[0] for plan in COUNTRY_PLAN.values())]
    mentor = next(p for p in first_copy if p.can_mentor)
    expert = next(
        p
        for p in first_copy
        if p.track == Track.SEASONED and not p.can_mentor and p.directory_consent_at
    )
    young = next(p for p in first_copy if p.track == Track.EMERGENT and p.directory_consent_at)
    plan = [
        ("admin", Role.ADMINISTRATOR, None, "Demo Administrator"),
        ("staff", Role.STAFF, None, "Demo Programme Officer"),
        ("mentor", Role.MENTOR, mentor, None),
        ("expert", Role.EXPERT, expert, None),
        ("young", Role.EXPERT, young, None),
        ("donor", Role.OBSERVER, None, "Demo Donor Representative"),
    ]
    logins = []
    # Every demo login shares the published password: hash it once, not six times.
    password = make_password(DEMO_PASSWORD)
    for username, role, person, label in plan:
        first, _sep, last = (person.name_latin if person else label).partition(" ")
        user = User.objects.create(
            username=username,
            password=password,
            role=role,
            first_name=first,
            last_name=last,
        )
        if person is not None:
            person.user = user
            person.save(update_fields=["user"])
        who = (
            f"{person.name_latin} ({person.get_country_display()}, {person.get_track_display()})"
            if person
            else label
        )
        logins.append(DemoLogin(username, str(Role(role).label), who))
    return logins
