"""A recorded cohort decision keeps its quotas and reasons as codes and numbers, reads
them back into frozen records (rows of the first release, English sentences, too) and
shows them on the call's page in the reader's language, to those who may see it."""

import dataclasses

import pytest
from django.utils import translation
from django.utils.translation import pgettext

from kenesh.mentoring import explain, services
from kenesh.mentoring.models import CohortDecision
from kenesh.mentoring.selection import (
    FOR_BALANCE,
    NOT_TOP,
    ON_SCORE,
    PASSED_OVER,
    Quota,
    Reason,
    Recorded,
    reasons_to_json,
)
from tests.mentoring.test_reviews_and_mentorships import applicant, review_all

QUOTAS = {"country_min": 0, "country_max": 1, "women_min": 1, "sector_max": 4}


def test_reasons_and_quotas_read_back_as_they_were_written():
    kz = Quota("country", "KZ", 0, 1)
    women = Quota("gender", "female", 1)
    reasons = {
        7: Reason(ON_SCORE),
        8: Reason(FOR_BALANCE, (women,)),
        9: Reason(PASSED_OVER, (kz,)),
        10: Reason(NOT_TOP),
    }
    stored = reasons_to_json(reasons)
    assert stored["9"] == {
        "kind": "passed_over",
        "quotas": [{"attribute": "country", "value": "KZ", "minimum": 0, "maximum": 1}],
    }
    assert [r["kind"] for r in stored.values()] == [ON_SCORE, FOR_BALANCE, PASSED_OVER, NOT_TOP]
    recorded = Recorded.from_json([kz.to_json(), women.to_json()], stored)
    assert recorded.quotas == (kz, women)
    assert recorded.reason_for(8) == reasons[8]
    assert {int(k): r for k, r in recorded.reasons.items()} == reasons
    assert reasons_to_json(recorded.reasons) == stored
    with pytest.raises(dataclasses.FrozenInstanceError):
        recorded.reasons["7"].kind = NOT_TOP  # type: ignore[misc]
    with pytest.raises(TypeError):
        recorded.reasons["7"] = Reason(NOT_TOP)  # type: ignore[index]


def test_rows_of_the_first_release_read_back_or_stay_displayable():
    # The first release stored ``q.__dict__`` and ``str(reason)``.
    quotas = [
        {"attribute": "country", "value": "KZ", "minimum": 0, "maximum": 1},
        {"attribute": "gender", "value": "female", "minimum": 1, "maximum": None},
    ]
    reasons = {
        "1": "chosen on score",
        "2": "chosen for balance (gender = female: at least 1)",
        "3": "passed over for balance (country = KZ: at most 1; sector = academia: at most 4)",
        "4": "not among the highest scores",
        "5": "picked by hand",  # no such sentence: kept as written
    }
    recorded = Recorded.from_json(quotas, reasons)
    assert recorded.quotas[1] == Quota("gender", "female", 1, None)
    assert recorded.reason_for(1) == Reason(ON_SCORE)
    assert recorded.reason_for(2) == Reason(FOR_BALANCE, (Quota("gender", "female", 1),))
    assert recorded.reason_for(3) == Reason(
        PASSED_OVER, (Quota("country", "KZ", 0, 1), Quota("sector", "academia", 0, 4))
    )
    assert recorded.reason_for(4) == Reason(NOT_TOP)
    assert recorded.reason_for(5) == Reason("", text="picked by hand")
    assert all(str(recorded.reason_for(k)) == text for k, text in reasons.items())
    assert recorded.reason_for(6) is None
    assert Recorded.from_json(None, None) == Recorded()


def decided(login, personas, call, settings, tmp_path):
    """Four applicants, two chosen by the optimiser through the selection page."""
    settings.MEDIA_ROOT = tmp_path
    people = [
        applicant(call, n, c, g)
        for n, c, g in [
            ("Aigerim", "KZ", "female"),
            ("Bolat", "KZ", "male"),
            ("Chynara", "TJ", "female"),
            ("Daler", "UZ", "male"),
        ]
    ]
    review_all(people, personas["staff"], personas["mentor"])
    client = login("staff")
    url = f"/mentoring/calls/{call.code}/selection/"
    result = client.get(url, QUOTAS).context["result"]
    chosen = [str(a.code) for a in people if a.pk in result.chosen]
    response = client.post(url, {**QUOTAS, "confirm": "1", "chosen": chosen})
    assert response.status_code == 302
    return people, result


def test_the_decision_is_stored_as_codes_and_numbers(login, personas, call, settings, tmp_path):
    people, result = decided(login, personas, call, settings, tmp_path)
    decision = CohortDecision.objects.get()
    assert {"attribute": "gender", "value": "female", "minimum": 1, "maximum": None} in (
        decision.quotas
    )
    assert decision.reasons == reasons_to_json(result.reasons)
    assert all(set(r) == {"kind", "quotas"} for r in decision.reasons.values())
    assert decision.recorded.reason_for(people[1].pk).kind == PASSED_OVER


def test_staff_see_the_decision_in_their_language(login, personas, call, settings, tmp_path):
    people, result = decided(login, personas, call, settings, tmp_path)
    client = login("staff")
    english = client.get(f"/mentoring/calls/{call.code}/", HTTP_ACCEPT_LANGUAGE="en")
    page = english.content.decode()
    kz, women = Quota("country", "KZ", 0, 1), Quota("gender", "female", 1)
    assert 'data-testid="decision"' in page
    assert explain.reason(Reason(PASSED_OVER, (kz,))) in page
    assert "passed over for balance (Country “Kazakhstan”: at most 1" in page
    assert explain.quota(women) in page and "Gender “Woman”: at least 1" in page
    rows = english.context["decision"].rows
    assert [r.application for r in rows] == sorted(people, key=lambda a: a.name)
    assert {r.application.pk for r in rows if r.chosen} == set(result.chosen)

    client.cookies["django_language"] = "ru"
    russian = client.get(f"/mentoring/calls/{call.code}/", HTTP_ACCEPT_LANGUAGE="ru")
    page = russian.content.decode()
    assert "passed over" not in page and "chosen on score" not in page
    with translation.override("ru"):  # whatever words the catalogue has for them
        assert explain.reason(Reason(PASSED_OVER, (kz,))) in page
        assert explain.reason(Reason(ON_SCORE)) in page
        assert explain.quota(women) in page
        assert pgettext("application status", "Selected") in page
        assert pgettext("application status", "Not selected") in page


def test_a_decision_of_the_first_release_is_shown(login, personas, call, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a, b = applicant(call, "Aigerim", "KZ"), applicant(call, "Bolat", "KZ", "male")
    decision = CohortDecision.objects.create(
        call=call,
        quotas=[{"attribute": "country", "value": "KZ", "minimum": 0, "maximum": 1}],
        reasons={str(a.pk): "chosen on score", str(b.pk): "left out by a rule of old"},
        by=personas["staff"],
    )
    decision.chosen.set([a])
    client = login("staff")
    client.cookies["django_language"] = "ru"
    page = client.get(f"/mentoring/calls/{call.code}/").content.decode()
    assert "chosen on score" not in page  # read back into a kind: translated
    assert '<span lang="en">left out by a rule of old</span>' in page  # as written
    with translation.override("ru"):
        assert explain.reason(Reason(ON_SCORE)) in page
        assert explain.quota(Quota("country", "KZ", 0, 1)) in page


@pytest.mark.parametrize("role", ["mentor", "expert", "observer", None])
def test_only_those_who_may_see_decisions_see_it(login, personas, call, settings, tmp_path, role):
    decided(login, personas, call, settings, tmp_path)
    response = login(role).get(f"/mentoring/calls/{call.code}/")
    assert 'data-testid="decision"' not in response.content.decode()
    assert (response.context or {}).get("decision") is None
    if role is not None:
        assert not personas[role].has_perm("mentoring.view_cohortdecision")


def test_a_conflict_of_interest_hides_that_applicants_reason(
    login, personas, call, settings, tmp_path
):
    people, _ = decided(login, personas, call, settings, tmp_path)
    services.review(
        application=people[1], by=personas["staff"], scores={}, comment="", conflict=True
    )
    response = login("staff").get(f"/mentoring/calls/{call.code}/", HTTP_ACCEPT_LANGUAGE="en")
    rows = {r.application.pk: r for r in response.context["decision"].rows}
    assert rows[people[1].pk].conflicted and rows[people[1].pk].why == ""
    assert "passed over for balance" not in response.content.decode()
    assert rows[people[0].pk].why and not rows[people[0].pk].conflicted
