"""The demo programme's two conversations, with fictional votes of plausible structure:
an RCWG conversation on water and energy in the Fergana Valley (named, three opinion
groups with real common ground) and a pseudonymous Track II one on border communities
(two groups, Kyrgyz and Tajik, and the ground they share)."""

import random

from django.utils import timezone

from kenesh.convenings.models import Convening, Invitation, Kind
from kenesh.deliberation import services
from kenesh.deliberation.models import (
    Analysis,
    Anonymity,
    Conversation,
    Participant,
    Statement,
    StatementStatus,
    Translation,
    Vote,
)
from kenesh.influence.services import propose_from_statement
from kenesh.people.models import Person
from kenesh.people.transliteration import fold

# (Russian, English, stance by group: +1 agree, -1 disagree, 0 mixed); groups are
# 0 upstream-minded, 1 downstream-minded, 2 regional-institution-minded.
WATER = [
    (
        "Регион нуждается в общем органе по управлению водой с реальными полномочиями.",
        "The region needs a shared water body with real powers.",
        (-1, 1, 1),
    ),
    (
        "Страны вверх по течению вправе получать компенсацию за хранение воды для соседей.",
        "Upstream countries are entitled to compensation for storing water for their neighbours.",
        (1, -1, 0),
    ),
    (
        "Данные гидрометеослужб всех стран должны быть открыты и публиковаться ежедневно.",
        "All countries' hydrometeorological data should be open and published daily.",
        (1, 1, 1),
    ),
    (
        "Обмен воды на электроэнергию должен закрепляться долгосрочными договорами, а не ежегодными протоколами.",
        "Water-for-energy swaps should rest on long-term treaties, not yearly protocols.",
        (1, 1, 1),
    ),
    (
        "Крупные новые ГЭС допустимы только после совместной экологической экспертизы.",
        "Large new hydropower dams are acceptable only after a joint environmental review.",
        (-1, 1, 1),
    ),
    (
        "Каждая страна сама решает, как использовать воду на своей территории.",
        "Each country alone decides how water on its territory is used.",
        (1, -1, -1),
    ),
    (
        "Фермеры всех стран долины должны получить доступ к технологиям капельного орошения.",
        "Farmers across the valley should get access to drip irrigation.",
        (1, 1, 1),
    ),
    (
        "Внешние доноры должны финансировать водную инфраструктуру только при согласии всех соседей.",
        "External donors should fund water infrastructure only with all neighbours' consent.",
        (-1, 1, 0),
    ),
    (
        "Споры о воде нужно решать на уровне глав государств, а не экспертов.",
        "Water disputes should be settled by heads of state, not experts.",
        (0, -1, -1),
    ),
    (
        "Местные водопользователи у границы должны участвовать в распределении воды.",
        "Local water users near the border should have a say in allocation.",
        (1, 1, 1),
    ),
    (
        "Энергетический рынок Центральной Азии важнее новых водохранилищ.",
        "A Central Asian power market matters more than new reservoirs.",
        (-1, 0, 1),
    ),
    (
        "Изменение климата сделает нынешние соглашения о воде бесполезными.",
        "Climate change will make current water agreements useless.",
        (0, 1, -1),
    ),
    (
        "Региональные учения по реагированию на паводки нужно проводить каждый год.",
        "Regional flood-response exercises should be held every year.",
        (1, 1, 1),
    ),
    (
        "Молодые специалисты должны входить в делегации на водных переговорах.",
        "Young specialists should sit on water negotiation delegations.",
        (0, 1, 1),
    ),
]

BORDER = [
    (
        "Жители приграничных сёл должны иметь упрощённый режим пересечения границы.",
        "Residents of border villages should cross the border under a simplified regime.",
        (1, 1),
    ),
    (
        "Окончательная делимитация границы важнее любых временных мер.",
        "Final delimitation of the border matters more than any interim measure.",
        (1, -1),
    ),
    (
        "Совместные рынки у границы снижают напряжённость.",
        "Joint markets near the border reduce tension.",
        (1, 1),
    ),
    (
        "Пастбища в спорных районах должны использоваться по совместному графику.",
        "Pastures in disputed areas should be used on a joint schedule.",
        (-1, 1),
    ),
    (
        "Учителя и врачи из соседних сёл должны встречаться регулярно.",
        "Teachers and doctors from neighbouring villages should meet regularly.",
        (1, 1),
    ),
    (
        "Военное присутствие у границы нужно сокращать в первую очередь.",
        "Military presence at the border should be reduced first.",
        (-1, 1),
    ),
    (
        "Слухи в соцсетях — главный источник эскалации.",
        "Rumours on social media are the main source of escalation.",
        (1, 1),
    ),
    (
        "Дороги через территорию соседа должны оставаться открытыми при любых обстоятельствах.",
        "Roads through the neighbour's territory must stay open whatever happens.",
        (-1, 1),
    ),
    (
        "Пострадавшие семьи с обеих сторон должны получить одинаковую помощь.",
        "Affected families on both sides should get equal assistance.",
        (1, 1),
    ),
    (
        "Переговоры о границе должны быть открытыми для общества.",
        "Border talks should be open to the public.",
        (1, -1),
    ),
    (
        "Местные советы старейшин должны иметь прямую линию связи друг с другом.",
        "Local councils of elders should have a direct line to each other.",
        (1, 1),
    ),
]


def _conversation(**fields) -> Conversation:
    return Conversation.objects.create(**fields)


def _statements(conversation, rows):
    statements = Statement.objects.bulk_create(
        Statement(
            conversation=conversation,
            number=i + 1,
            text=ru,
            language="ru",
            normalized=fold(ru),
            status=StatementStatus.ACCEPTED,
            is_seed=True,
        )
        for i, (ru, _en, _stance) in enumerate(rows)
    )
    Translation.objects.bulk_create(
        Translation(statement=s, language="en", text=en, checked_at=timezone.now())
        for s, (_ru, en, _stance) in zip(statements, rows, strict=True)
    )
    return statements


def _vote(rng, participants, groups, statements, rows, *, density=0.85, noise=0.12):
    votes = []
    for participant, group in zip(participants, groups, strict=True):
        for statement, (_ru, _en, stance) in zip(statements, rows, strict=True):
            if rng.random() > density:
                continue
            lean = stance[group]
            if lean == 0:
                value = rng.choice([1, -1, 0])
            elif rng.random() < noise:
                value = rng.choice([-lean, 0])
            else:
                value = lean
            votes.append(
                Vote(
                    participant=participant,
                    statement=statement,
                    value=value,
                    language=rng.choice(["ru", "en"]),
                )
            )
    Vote.objects.bulk_create(votes)


def load_deliberation(rng: random.Random, people: list[Person], logins: list[Person]) -> None:
    """Add the two demo conversations for the first copy of the roster; the demo
    logins' own people are left without votes so that they can try voting."""
    water = _water_conversation(rng, people, keep_free={p.pk for p in logins})
    border = _border_conversation(rng)
    for conversation in (water, border):
        services.run_analysis(conversation=conversation)


def _water_conversation(
    rng: random.Random, people: list[Person], *, keep_free: set[int]
) -> Conversation:
    """The named RCWG conversation on water and energy, voted on by those who came to
    the third RCWG meeting (but ``keep_free``) in three groups of opinion."""
    rcwg = Convening.objects.filter(kind=Kind.RCWG, title__startswith="RCWG meeting 3").first()
    water = _conversation(
        title="Как странам Ферганской долины сотрудничать в сфере воды и энергетики? "
        "(вымышленное демо-обсуждение)",
        description="Вымышленное демо-обсуждение RCWG. Оцените каждое утверждение; свои "
        "утверждения можно предложить на модерацию.",
        language="ru",
        convening=rcwg,
        anonymity=Anonymity.NAMED,
        open_to_members=True,
    )
    statements = _statements(water, WATER)
    attendees = (
        [
            p.person
            for p in rcwg.participations.filter(invitation=Invitation.ACCEPTED).select_related(
                "person"
            )
        ]
        if rcwg
        else list(people)
    )
    voters = [p for p in attendees if p.pk not in keep_free]
    participants = Participant.objects.bulk_create(
        Participant(conversation=water, person=p, country=p.country, track=p.track, sector=p.sector)
        for p in voters
    )
    leaning = {"KG": 0, "TJ": 0, "UZ": 1, "KZ": 1, "AF": 2}
    groups = [2 if rng.random() < 0.3 else leaning.get(p.country, 2) for p in voters]
    _vote(rng, participants, groups, statements, WATER)
    return water


def _border_conversation(rng: random.Random) -> Conversation:
    """The pseudonymous Track II conversation on border communities: seven Kyrgyz and
    seven Tajik participants by link, voting as two groups."""
    track_two = Convening.objects.filter(kind=Kind.TRACK_II).order_by("starts_on").last()
    border = _conversation(
        title="Что сделает жизнь приграничных сообществ безопаснее? (вымышленное демо-обсуждение)",
        description="Вымышленное демо-обсуждение диалога второго трека. Под псевдонимами: "
        "имена с голосами не хранятся.",
        language="ru",
        convening=track_two,
        anonymity=Anonymity.PSEUDONYMOUS,
        participants_may_submit=True,
    )
    statements = _statements(border, BORDER)
    sides = ["KG"] * 7 + ["TJ"] * 7
    participants = Participant.objects.bulk_create(
        Participant(conversation=border, label=f"Link {i + 1}", country=side, track="seasoned")
        for i, side in enumerate(sides)
    )
    _vote(
        rng,
        participants,
        [0 if s == "KG" else 1 for s in sides],
        statements,
        BORDER,
        density=0.95,
        noise=0.1,
    )
    return border


def draft_from_common_ground(by) -> None:
    """Show the path from a conversation to a recommendation: the water conversation's
    first common-ground statement, as computed above, becomes a completed draft."""
    for analysis in Analysis.objects.filter(state=Analysis.State.DONE).order_by("id")[:1]:
        consensus = analysis.map_result.consensus
        if not consensus:
            return
        statement = analysis.conversation.statements.get(number=consensus[0])
        recommendation = propose_from_statement(statement=statement, by=by)
        recommendation.addressee = "Fictional: ministries of water and energy"
        recommendation.save(update_fields=["addressee"])
