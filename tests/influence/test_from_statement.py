"""Common ground found in a conversation can start a recommendation's trail."""

import pytest

from kenesh.deliberation import services as deliberation_services
from kenesh.deliberation.models import Conversation, StatementStatus
from kenesh.influence.models import Progress, Recommendation
from tests.deliberation.conftest import add_statements, water_conversation
from tests.deliberation.test_results import fill


@pytest.fixture
def conversation(personas):
    conversation = water_conversation()
    fill(conversation)
    deliberation_services.run_analysis(conversation=conversation)
    return conversation


def test_staff_turn_common_ground_into_a_draft_recommendation(login, conversation):
    staff = login("staff")
    results = staff.get(f"/deliberation/{conversation.code}/results/").content.decode()
    assert 'data-testid="propose"' in results
    statement = conversation.statements.get(number=1)
    url = f"/influence/statements/{statement.code}/propose/"
    response = staff.post(url)
    recommendation = Recommendation.objects.get(statement=statement)
    assert response.status_code == 302
    # Straight to the page where staff complete the draft.
    assert response["Location"] == f"/influence/recommendations/{recommendation.code}/edit/"
    assert recommendation.paper is None and recommendation.text == statement.text
    assert (
        Recommendation.objects.with_progress().get(pk=recommendation.pk).progress
        == Progress.PROPOSED
    )
    # Asking twice keeps one recommendation.
    staff.post(url)
    assert Recommendation.objects.filter(statement=statement).count() == 1
    trail = staff.get(f"/influence/recommendations/{recommendation.code}/").content.decode()
    assert conversation.title in trail and 'data-testid="edit"' in trail
    assert f"/influence/recommendations/{recommendation.code}/edit/" in trail
    results = staff.get(f"/deliberation/{conversation.code}/results/").content.decode()
    assert 'data-testid="recommended"' in results and str(recommendation.code) in results
    overview = staff.get("/influence/").content.decode()
    assert "Fictional statement number 1" in overview


@pytest.mark.parametrize("role", ["expert", "young_expert", "mentor", "observer"])
def test_only_staff_propose(login, conversation, role):
    client = login(role)
    statement = conversation.statements.get(number=1)
    page = client.get(f"/deliberation/{conversation.code}/results/")
    assert 'data-testid="propose"' not in page.content.decode()
    assert client.post(f"/influence/statements/{statement.code}/propose/").status_code == 403
    assert not Recommendation.objects.exists()


def test_members_see_the_draft_and_observers_do_not(login, personas, conversation):
    statement = conversation.statements.get(number=1)
    login("staff").post(f"/influence/statements/{statement.code}/propose/")
    url = f"/influence/recommendations/{Recommendation.objects.get().code}/"
    expert = login("expert").get(url)
    assert expert.status_code == 200 and 'data-testid="edit"' not in expert.content.decode()
    assert login("observer").get(url).status_code == 404
    # A conversation kept to its participants keeps its drafts to them too.
    Conversation.objects.filter(pk=conversation.pk).update(open_to_members=False)
    assert login("expert").get(url).status_code == 404
    assert login("staff").get(url).status_code == 200


def test_bad_statements_are_refused(login, conversation):
    staff = login("staff")
    (rejected,) = add_statements(conversation, ["A rejected one"], status=StatementStatus.REJECTED)
    assert staff.get(f"/influence/statements/{rejected.code}/propose/").status_code == 405
    assert staff.post(f"/influence/statements/{rejected.code}/propose/").status_code == 404
    unknown = "00000000-0000-0000-0000-000000000000"
    assert staff.post(f"/influence/statements/{unknown}/propose/").status_code == 404
    assert not Recommendation.objects.exists()


def test_a_recommendation_needs_a_paper_or_a_statement(db):
    from django.core.exceptions import ValidationError

    recommendation = Recommendation(text="Orphan", addressee="Anyone", level="regional")
    with pytest.raises(ValidationError, match="from a paper or a conversation"):
        recommendation.full_clean()
