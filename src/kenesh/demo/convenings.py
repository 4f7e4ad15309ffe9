"""The demo programme's convenings, as the programme description tells them.

Per copy of the roster: four RCWG meetings where the emergent experts grow from
participants to speakers to facilitators, a closed Kyrgyz-Tajik Track II series, a
simulation exercise with teams, injects and decisions, ten briefings inside and outside
the region, and one RCWG meeting still to come with open invitations.
"""

import datetime
import random
from zoneinfo import ZoneInfo

from django.conf import settings

from kenesh.convenings import assignment
from kenesh.convenings.models import (
    AudienceScope,
    Confidentiality,
    Convening,
    Decision,
    Format,
    Inject,
    Invitation,
    Kind,
    Participation,
    Role,
    Scenario,
    Session,
    SessionAssignment,
    SessionRole,
    Team,
    TeamMember,
)
from kenesh.people.models import Person, Track

RCWG = [
    # title, first day, city, country, theme slug
    (
        "RCWG meeting 1: sources of insecurity in Central Asia",
        datetime.date(2022, 9, 20),
        "Almaty",
        "KZ",
        "afghanistan",
    ),
    (
        "RCWG meeting 2: models of regional integration",
        datetime.date(2023, 4, 18),
        "Bishkek",
        "KG",
        "integration",
    ),
    (
        "RCWG meeting 3: water, energy and borders",
        datetime.date(2023, 11, 14),
        "Tashkent",
        "UZ",
        "water-energy",
    ),
    (
        "RCWG meeting 4: the region and external powers",
        datetime.date(2024, 5, 21),
        "Dushanbe",
        "TJ",
        "great-powers",
    ),
]
RCWG_NEXT = (
    "RCWG meeting 5: follow-up on the recommendations",
    datetime.date(2027, 3, 16),
    "Almaty",
    "KZ",
)
TRACK_II = [
    datetime.date(2022, 12, 8),
    datetime.date(2023, 3, 2),
    datetime.date(2023, 9, 12),
    datetime.date(2024, 2, 6),
]
SIMULATION_DAY = datetime.date(2023, 10, 10)
BRIEFINGS = [
    # audience, scope, first day, city, country or host, confidentiality
    (
        "Foreign ministry officials, Kyrgyzstan (fictional briefing)",
        "inside",
        datetime.date(2023, 2, 14),
        "Bishkek",
        "KG",
        "chatham",
    ),
    (
        "Parliamentary security committee, Kazakhstan (fictional briefing)",
        "inside",
        datetime.date(2023, 5, 30),
        "Astana",
        "KZ",
        "chatham",
    ),
    (
        "Water resources agencies of the Fergana Valley (fictional briefing)",
        "inside",
        datetime.date(2023, 12, 12),
        "Khujand",
        "TJ",
        "chatham",
    ),
    (
        "Regional organisation secretariat (fictional briefing)",
        "inside",
        datetime.date(2024, 3, 5),
        "Tashkent",
        "UZ",
        "public",
    ),
    (
        "Presidential administration analysts, Uzbekistan (fictional briefing)",
        "inside",
        datetime.date(2024, 4, 9),
        "Tashkent",
        "UZ",
        "chatham",
    ),
    (
        "Border services of Kyrgyzstan and Tajikistan (fictional briefing)",
        "inside",
        datetime.date(2024, 6, 4),
        "Osh",
        "KG",
        "closed",
    ),
    (
        "European policy forum (fictional briefing)",
        "outside",
        datetime.date(2023, 6, 20),
        "Brussels",
        "",
        "public",
    ),
    (
        "North American think-tank roundtable (fictional briefing)",
        "outside",
        datetime.date(2023, 10, 24),
        "Washington",
        "",
        "chatham",
    ),
    (
        "Donor coordination group (fictional briefing)",
        "outside",
        datetime.date(2024, 1, 23),
        "Geneva",
        "",
        "chatham",
    ),
    (
        "East Asian regional studies institute (fictional briefing)",
        "outside",
        datetime.date(2024, 5, 7),
        "Seoul",
        "",
        "public",
    ),
]
HOSTS = {
    "Brussels": "Belgium",
    "Washington": "United States",
    "Geneva": "Switzerland",
    "Seoul": "Republic of Korea",
}
INJECTS = [
    (
        0,
        "Drought declared upstream",
        "A hydrometeorological agency forecasts the lowest river flow in twenty years. Upstream reservoirs hold back water for winter power.",
    ),
    (
        20,
        "Clash at a canal intake",
        "Villagers on both sides of the border dispute a canal intake; two people are injured and a road is blocked.",
    ),
    (
        45,
        "Rumours spread online",
        "Videos of the clash, some of them old and from elsewhere, spread on social media with calls to 'defend the border'.",
    ),
    (
        70,
        "An offer of mediation",
        "A regional organisation offers to host talks within a week if both governments agree on an agenda.",
    ),
    (
        95,
        "Power cuts in the capital",
        "Planned power cuts begin in the upstream capital; the energy ministry links them to water releases.",
    ),
]
TEAMS = [
    (
        "Upstream government",
        "You play the government of an upstream country: you need water for winter electricity and want a fair price for storing it.",
    ),
    (
        "Downstream government",
        "You play the government of a downstream country: your farmers need water in the growing season and your border villages are tense.",
    ),
    (
        "Regional mediators",
        "You play a regional organisation and civil-society mediators: you want both governments at one table and the border calm.",
    ),
]
DECISIONS = {
    0: [
        "Release a limited volume for spring sowing in exchange for a winter electricity swap.",
        "Propose a joint hydrological data exchange within a month.",
    ],
    1: [
        "Send police to the canal and ask village elders on both sides to meet.",
        "Accept talks if they include a water schedule for the summer.",
    ],
    2: [
        "Offer a neutral venue and a three-point agenda: water schedule, border incidents, information.",
        "Ask both sides to debunk the old videos together in a joint statement.",
    ],
}


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), ZoneInfo(settings.TIME_ZONE))


class _Builder:
    """Collects rows for one copy of the programme and writes them in bulk."""

    def __init__(self, rng: random.Random, copy: int, people: list[Person], themes: dict):
        self.rng = rng
        self.copy = copy
        self.people = people
        self.themes = themes
        self.emergent = [p for p in people if p.track == Track.EMERGENT]
        self.seasoned = [p for p in people if p.track == Track.SEASONED]
        self.mentors = [p for p in self.seasoned if p.can_mentor]

    def title(self, text: str) -> str:
        return text if self.copy == 0 else f"{text} · {self.copy + 1}"

    def convening(self, **fields) -> Convening:
        fields["title"] = self.title(fields["title"])
        theme = fields.pop("theme", None)
        convening = Convening.objects.create(**fields)
        if theme:
            convening.themes.set([self.themes[theme]])
        return convening

    def invite(
        self,
        convening,
        people,
        *,
        role=Role.PARTICIPANT,
        attended=True,
        answer=True,
        may_decline=True,
    ):
        rows = []
        for person in people:
            declined = answer and may_decline and self.rng.random() < 0.06
            rows.append(
                Participation(
                    convening=convening,
                    person=person,
                    role=role,
                    invitation=(
                        Invitation.INVITED
                        if not answer
                        else Invitation.DECLINED
                        if declined
                        else Invitation.ACCEPTED
                    ),
                    attended=None if not attended or declined else True,
                    invited_at=_at(convening.starts_on - datetime.timedelta(days=40), 10),
                    answered_at=(
                        _at(convening.starts_on - datetime.timedelta(days=30), 10)
                        if answer
                        else None
                    ),
                )
            )
        return Participation.objects.bulk_create(rows)

    def sessions(self, convening, plan):
        """``plan``: (day offset, hour, title, format) per session."""
        return Session.objects.bulk_create(
            Session(
                convening=convening,
                starts_at=_at(convening.starts_on + datetime.timedelta(days=day), hour),
                ends_at=_at(convening.starts_on + datetime.timedelta(days=day), hour + 1, 30),
                title=title,
                format=fmt,
            )
            for day, hour, title, fmt in plan
        )


def load_convenings(rng: random.Random, copy: int, people: list[Person], themes: dict) -> None:
    """Add one copy of the demo programme's convenings for ``people``."""
    b = _Builder(rng, copy, people, themes)
    _rcwg_meetings(b)
    _track_two(b)
    _simulation(b)
    _briefings(b)


def _came(participations):
    return [p for p in participations if p.invitation == Invitation.ACCEPTED]


def _rcwg_meetings(b: _Builder) -> None:
    """The four RCWG meetings held, then the fifth with its invitations still open."""
    emergent = sorted(b.emergent, key=lambda p: p.pk)
    for number, (title, day, city, country, theme) in enumerate(RCWG, start=1):
        convening = b.convening(
            kind=Kind.RCWG,
            title=title,
            series="Regional Consultative Working Group",
            starts_on=day,
            ends_on=day + datetime.timedelta(days=1),
            city=city,
            country=country,
            confidentiality=Confidentiality.CHATHAM_HOUSE,
            theme=theme,
            summary="Fictional demo record. Experts from five countries discussed threats and "
            "opportunities for the region under the Chatham House rule.",
            outputs="Policy paper drafts and recommendations for briefings.",
        )
        seasoned = b.rng.sample(b.seasoned, min(len(b.seasoned), 34 + number * 2))
        # Emergent experts never decline: the programme makes room for them.
        young = b.invite(convening, emergent, may_decline=False)
        places = b.invite(convening, seasoned) + young
        sessions = b.sessions(
            convening,
            [
                (0, 9, "Opening plenary", Format.PLENARY),
                (0, 11, "Panel: the state of the region", Format.PANEL),
                (0, 14, "Working groups", Format.WORKING_GROUP),
                (1, 9, "Panel: responses and recommendations", Format.PANEL),
                (1, 14, "Closing plenary", Format.PLENARY),
            ],
        )
        SessionAssignment.objects.bulk_create(
            _rcwg_roles(number, sessions, _came(places), young), ignore_conflicts=True
        )
    _rcwg_next(b, emergent)


def _rcwg_roles(
    number: int, sessions: list[Session], came: list[Participation], young: list[Participation]
) -> list[SessionAssignment]:
    """Who speaks, moderates and facilitates at RCWG meeting ``number`` (unsaved)."""
    seasoned_came = [p for p in came if p.person.track == Track.SEASONED]
    # Seasoned experts speak and moderate every meeting.
    assignments = [
        SessionAssignment(
            session=sessions[1], participation=seasoned_came[0], role=SessionRole.SPEAKER
        ),
        SessionAssignment(
            session=sessions[3], participation=seasoned_came[1], role=SessionRole.SPEAKER
        ),
        SessionAssignment(
            session=sessions[0], participation=seasoned_came[2], role=SessionRole.MODERATOR
        ),
    ]
    # The young experts' path: participants at the first meeting, then speakers,
    # then facilitators of working groups and panels.
    young_places = sorted(young, key=lambda p: p.person.pk)
    if number >= 2:
        for p in young_places[: 2 * number - 1]:
            assignments.append(
                SessionAssignment(
                    session=sessions[1 if number == 2 else 3],
                    participation=p,
                    role=SessionRole.SPEAKER,
                )
            )
    if number >= 3:
        for p in young_places[: number - 1]:
            assignments.append(
                SessionAssignment(
                    session=sessions[2], participation=p, role=SessionRole.FACILITATOR
                )
            )
    return assignments


def _rcwg_next(b: _Builder, emergent: list[Person]) -> None:
    """The RCWG meeting still to come: invitations sent, not yet answered."""
    title, day, city, country = RCWG_NEXT
    upcoming = b.convening(
        kind=Kind.RCWG,
        title=title,
        series="Regional Consultative Working Group",
        starts_on=day,
        ends_on=day + datetime.timedelta(days=1),
        city=city,
        country=country,
        confidentiality=Confidentiality.CHATHAM_HOUSE,
        theme="integration",
        answer_by=datetime.date(2027, 2, 15),
        summary="Fictional demo record. Planned meeting; invitations are open.",
    )
    b.invite(upcoming, b.seasoned[:30] + emergent, attended=False, answer=False)
    b.sessions(
        upcoming,
        [
            (0, 9, "Opening plenary", Format.PLENARY),
            (0, 11, "Panel: what was taken up", Format.PANEL),
        ],
    )


def _track_two(b: _Builder) -> None:
    kyrgyz = [p for p in b.seasoned if p.country == "KG"][:5]
    tajik = [p for p in b.seasoned if p.country == "TJ"][:5]
    for number, day in enumerate(TRACK_II, start=1):
        convening = b.convening(
            kind=Kind.TRACK_II,
            title=f"Kyrgyz-Tajik Track II dialogue, round {number}",
            series="Kyrgyz-Tajik Track II dialogue",
            starts_on=day,
            ends_on=day,
            online=number % 2 == 0,
            city="" if number % 2 == 0 else "Istanbul",
            host_country="" if number % 2 == 0 else "Türkiye",
            confidentiality=Confidentiality.CLOSED,
            theme="borders",
            summary="Fictional demo record. Experts from both countries shared their analysis "
            "of the border situation and envisioned pathways to lasting peace.",
        )
        places = b.invite(convening, kyrgyz + tajik)
        sessions = b.sessions(
            convening,
            [
                (0, 10, "Analysis of the situation", Format.WORKING_GROUP),
                (0, 14, "Pathways to peace", Format.WORKING_GROUP),
            ],
        )
        came = _came(places)
        SessionAssignment.objects.bulk_create(
            [
                SessionAssignment(
                    session=sessions[0], participation=came[0], role=SessionRole.FACILITATOR
                ),
                SessionAssignment(
                    session=sessions[1], participation=came[-1], role=SessionRole.FACILITATOR
                ),
            ]
        )


def _simulation(b: _Builder) -> None:
    """The simulation exercise: its players, its scenario played by teams, and the
    injects released and decisions logged on the day."""
    convening = b.convening(
        kind=Kind.SIMULATION,
        title="Simulation exercise: a water crisis in the Fergana Valley",
        starts_on=SIMULATION_DAY,
        ends_on=SIMULATION_DAY,
        city="Almaty",
        country="KZ",
        confidentiality=Confidentiality.CHATHAM_HOUSE,
        theme="water-energy",
        summary="Fictional demo record. Young and seasoned experts played governments and "
        "mediators through a crisis, then drew lessons together.",
    )
    facilitator = b.mentors[0]
    players = b.emergent + [p for p in b.seasoned if p != facilitator][:9]
    b.invite(convening, [facilitator], role=Role.FACILITATOR, may_decline=False)
    places = b.invite(convening, players, may_decline=False)
    b.sessions(
        convening,
        [
            (0, 9, "Briefing and team work", Format.SIMULATION_ROUND),
            (0, 11, "Crisis rounds", Format.SIMULATION_ROUND),
            (0, 15, "Debrief", Format.PLENARY),
        ],
    )
    scenario = Scenario.objects.create(
        convening=convening,
        title="Dry summer on the Syr Darya (fictional scenario)",
        brief="A fictional scenario. After a dry winter, upstream and downstream countries "
        "face a summer of scarce water, border tension and rumours. Each team plays its "
        "role, answers the developments as they come, and logs its decisions.",
        debrief_notes="Teams that shared data early calmed the border faster. Young experts "
        "led two of the three teams' statements.",
    )
    teams = _simulation_teams(scenario, places)
    _simulation_play(scenario, teams)


def _simulation_teams(scenario: Scenario, places: list[Participation]) -> list[Team]:
    """The scenario's TEAMS, the players spread across them by the platform's own team
    assignment (tracks and countries mixed)."""
    teams = Team.objects.bulk_create(
        Team(scenario=scenario, name=name, role_card=card, order=i)
        for i, (name, card) in enumerate(TEAMS)
    )
    result = assignment.assign_teams(
        [assignment.Player(str(p.pk), p.person.track, p.person.country) for p in places], len(teams)
    )
    by_key = {str(p.pk): p for p in places}
    TeamMember.objects.bulk_create(
        TeamMember(team=team, participation=by_key[key])
        for team, keys in zip(teams, result.teams, strict=True)
        for key in keys
    )
    return teams


def _simulation_play(scenario: Scenario, teams: list[Team]) -> None:
    """The day's play: the INJECTS (the first four released from 11:00) and each
    team's DECISIONS, logged just over ten minutes after the development they answer."""
    start = _at(SIMULATION_DAY, 11)
    injects = Inject.objects.bulk_create(
        Inject(
            scenario=scenario,
            order=i + 1,
            planned_minute=minute,
            title=title,
            body=body,
            released_at=start + datetime.timedelta(minutes=minute) if i < 4 else None,
            released_by=None,
        )
        for i, (minute, title, body) in enumerate(INJECTS)
    )
    Decision.objects.bulk_create(
        Decision(
            team=teams[t],
            inject=injects[min(i + 1, 3)],
            text=text,
            recorded_at=start + datetime.timedelta(minutes=INJECTS[min(i + 1, 3)][0] + 10 + t),
        )
        for t, texts in DECISIONS.items()
        for i, text in enumerate(texts)
    )


def _briefings(b: _Builder) -> None:
    presenters = b.mentors + b.emergent
    for i, (audience, scope, day, city, country, confidentiality) in enumerate(BRIEFINGS):
        convening = b.convening(
            kind=Kind.BRIEFING,
            title=f"Policymaker briefing: {audience}",
            starts_on=day,
            ends_on=day,
            city=city,
            country=country,
            host_country="" if country else HOSTS[city],
            confidentiality=confidentiality,
            audience=audience,
            audience_scope=AudienceScope.INSIDE if scope == "inside" else AudienceScope.OUTSIDE,
            summary="Fictional demo record. Experts presented the programme's recommendations.",
        )
        chosen = [presenters[(i * 2 + k) % len(presenters)] for k in range(3)]
        b.invite(convening, list(dict.fromkeys(chosen)), role=Role.SPEAKER, may_decline=False)
        b.sessions(convening, [(0, 10, "Presentation of recommendations", Format.PANEL)])
