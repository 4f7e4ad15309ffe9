"""Simulation exercises: teams spread evenly, injects released once, decisions per team."""

import itertools
import random

import pytest

from kenesh.convenings import assignment
from kenesh.convenings.models import Decision, Inject, Scenario, Team, TeamMember
from tests.convenings.factories import ConveningFactory, ParticipationFactory
from tests.factories import PersonFactory


def players(spec):
    """spec: {(generation, country): count}"""
    out = []
    for (generation, country), count in spec.items():
        out += [
            assignment.Player(f"{generation}-{country}-{i}", generation, country)
            for i in range(count)
        ]
    return out


def test_generations_and_countries_spread_within_one():
    spec = {
        ("emergent", "KG"): 3,
        ("emergent", "TJ"): 3,
        ("emergent", "KZ"): 2,
        ("emergent", "UZ"): 2,
        ("seasoned", "KG"): 4,
        ("seasoned", "TJ"): 3,
        ("seasoned", "AF"): 2,
    }
    result = assignment.assign_teams(players(spec), 3)
    assert sorted(result.sizes) == [6, 6, 7]
    generation = {s.value: s.per_team for s in result.spreads if s.attribute == "generation"}
    assert all(max(v) - min(v) <= 1 for v in generation.values())
    assert result.uneven == ()


@pytest.mark.parametrize("seed", range(25))
def test_assignment_is_deterministic_and_balanced_on_random_groups(seed):
    rng = random.Random(seed)
    people = [
        assignment.Player(
            str(i), rng.choice(["emergent", "seasoned"]), rng.choice(["KG", "TJ", "KZ", "UZ", "AF"])
        )
        for i in range(rng.randint(6, 40))
    ]
    teams = rng.randint(2, 5)
    first = assignment.assign_teams(people, teams)
    again = assignment.assign_teams(list(reversed(people)), teams)
    assert first == again
    assert max(first.sizes) - min(first.sizes) <= 1
    assert sorted(itertools.chain.from_iterable(first.teams)) == sorted(p.id for p in people)
    # Swaps within a generation even out the countries too, in all these groups.
    assert first.uneven == ()


def test_too_few_teams_is_an_error():
    with pytest.raises(ValueError):
        assignment.assign_teams([], 0)


@pytest.fixture
def exercise(personas):
    convening = ConveningFactory(kind="simulation", confidentiality="chatham")
    ParticipationFactory(convening=convening, person=personas["mentor"].person, role="facilitator")
    ParticipationFactory(convening=convening, person=personas["young_expert"].person)
    ParticipationFactory(convening=convening, person=personas["expert"].person)
    for country in ("KG", "TJ", "UZ", "KZ"):
        ParticipationFactory(
            convening=convening, person=PersonFactory(country=country, track="emergent")
        )
    scenario = Scenario.objects.create(
        convening=convening, title="Dry summer", brief="A fictional brief."
    )
    Team.objects.create(
        scenario=scenario, name="Upstream", role_card="Keep water for winter.", order=0
    )
    Team.objects.create(scenario=scenario, name="Downstream", role_card="Water for farms.", order=1)
    inject = Inject.objects.create(
        scenario=scenario, order=1, planned_minute=0, title="Drought", body="Low flow."
    )
    return scenario, inject


def test_staff_spread_players_and_the_page_explains(login, exercise):
    scenario, _ = exercise
    response = login("staff").post(f"/convenings/{scenario.convening.code}/simulation/teams/")
    assert response.status_code == 200
    assert 'data-testid="explanation"' in response.content.decode()
    members = TeamMember.objects.filter(team__scenario=scenario)
    assert members.count() == 6  # the facilitator does not play
    sizes = sorted(t.members.count() for t in scenario.teams.all())
    assert sizes == [3, 3]


def test_only_leads_open_the_console(login, exercise):
    scenario, _ = exercise
    url = f"/convenings/{scenario.convening.code}/simulation/console/"
    assert login("mentor").get(url).status_code == 200  # facilitator
    assert login("staff").get(url).status_code == 200
    assert login("young_expert").get(url).status_code == 403
    assert login("observer").get(url).status_code == 403


def test_an_inject_is_released_once(login, exercise):
    scenario, inject = exercise
    url = f"/convenings/{scenario.convening.code}/simulation/injects/{inject.code}/release/"
    client = login("mentor")
    assert client.post(url).status_code == 302
    inject.refresh_from_db()
    first = inject.released_at
    assert first is not None
    again = client.post(url, HTTP_HX_REQUEST="true")
    assert again.status_code == 409
    assert "already released" in again.content.decode()
    inject.refresh_from_db()
    assert inject.released_at == first
    assert login("young_expert").post(url).status_code == 403


def test_players_see_released_injects_only(login, exercise):
    scenario, inject = exercise
    Inject.objects.create(
        scenario=scenario, order=2, planned_minute=30, title="Secret next step", body="Later."
    )
    feed = f"/convenings/{scenario.convening.code}/simulation/injects/"
    client = login("young_expert")
    assert "Drought" not in client.get(feed).content.decode()
    login("mentor").post(
        f"/convenings/{scenario.convening.code}/simulation/injects/{inject.code}/release/"
    )
    page = client.get(feed).content.decode()
    assert "Drought" in page and "Secret next step" not in page


def test_decisions_are_logged_by_team_members_only(login, exercise):
    scenario, inject = exercise
    login("staff").post(f"/convenings/{scenario.convening.code}/simulation/teams/")
    play = f"/convenings/{scenario.convening.code}/simulation/"
    young = login("young_expert")
    assert 'data-testid="role-card"' in young.get(play).content.decode()
    assert young.post(play, {"text": "Share data."}).status_code == 302
    assert Decision.objects.get().team.members.filter(
        participation__person__user__username="young_expert"
    )
    # An inject not yet released cannot be answered (it was never offered); an empty
    # or invisible decision is refused.
    assert young.post(play, {"text": "Too early", "inject": inject.code}).status_code == 400
    assert young.post(play, {"text": ""}).status_code == 200
    assert young.post(play, {"text": "\u200b\u2060"}).status_code == 200
    assert Decision.objects.count() == 1
    # Someone outside the teams cannot log a decision.
    assert login("observer").post(play, {"text": "Hello"}).status_code == 403


def test_debrief_shows_decisions_by_team(login, exercise):
    scenario, _ = exercise
    login("staff").post(f"/convenings/{scenario.convening.code}/simulation/teams/")
    login("young_expert").post(
        f"/convenings/{scenario.convening.code}/simulation/", {"text": "Share data."}
    )
    page = (
        login("staff")
        .get(f"/convenings/{scenario.convening.code}/simulation/debrief/")
        .content.decode()
    )
    assert "Share data." in page


def test_an_inject_released_after_the_page_opened_can_be_answered(login, exercise):
    scenario, inject = exercise
    code = scenario.convening.code
    login("staff").post(f"/convenings/{code}/simulation/teams/")
    play = f"/convenings/{code}/simulation/"
    young = login("young_expert")
    opened = young.get(play)
    assert str(inject.code) not in opened.content.decode()  # not offered yet
    assert opened.context["released"] == 0
    login("mentor").post(f"/convenings/{code}/simulation/injects/{inject.code}/release/")
    # The screen's poll (still showing none) gets the new choice, swapped in out of band.
    feed = young.get(f"/convenings/{code}/simulation/injects/", {"released": "0", "inject": ""})
    text = feed.content.decode()
    assert 'hx-swap-oob="true"' in text
    assert f'<option value="{inject.code}">Drought</option>' in text
    # A decision sent from the page opened before the release is accepted.
    response = young.post(play, {"text": "Open the reservoir.", "inject": str(inject.code)})
    assert response.status_code == 302
    assert Decision.objects.get().inject == inject


def test_the_poll_keeps_the_players_choice_and_stays_quiet_when_nothing_is_new(login, exercise):
    scenario, inject = exercise
    code = scenario.convening.code
    login("staff").post(f"/convenings/{code}/simulation/teams/")
    login("mentor").post(f"/convenings/{code}/simulation/injects/{inject.code}/release/")
    second = Inject.objects.create(
        scenario=scenario, order=2, planned_minute=20, title="Power cuts", body="Dark."
    )
    login("mentor").post(f"/convenings/{code}/simulation/injects/{second.code}/release/")
    feed = f"/convenings/{code}/simulation/injects/"
    young = login("young_expert")
    text = young.get(feed, {"released": "1", "inject": str(inject.code)}).content.decode()
    assert f'<option value="{inject.code}" selected>Drought</option>' in text
    assert f'<option value="{second.code}">Power cuts</option>' in text
    # Nothing new since the screen last asked: the form is left alone.
    assert "hx-swap-oob" not in young.get(feed, {"released": "2"}).content.decode()
    # Someone outside the teams has no decision form to refresh.
    assert "hx-swap-oob" not in login("staff").get(feed, {"released": "0"}).content.decode()


def test_an_inject_not_yet_released_is_refused(login, exercise):
    scenario, _ = exercise
    code = scenario.convening.code
    login("staff").post(f"/convenings/{code}/simulation/teams/")
    later = Inject.objects.create(
        scenario=scenario, order=2, planned_minute=30, title="Secret next step", body="Later."
    )
    response = login("young_expert").post(
        f"/convenings/{code}/simulation/", {"text": "We know.", "inject": str(later.code)}
    )
    assert response.status_code == 400
    assert not Decision.objects.exists()
