"""Reviews normalised per reviewer, conflicts of interest, selection, private notes."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from kenesh.mentoring import scoring, services
from kenesh.mentoring.models import Application, Mentorship, Review
from tests.factories import PersonFactory
from tests.mentoring.conftest import PDF

SKILL_KEYS = ("research", "writing", "argument", "recommendations", "speaking", "facilitation")


def applicant(call, name, country="TJ", gender="female"):
    a = Application(
        call=call,
        name=name,
        email=f"{name}@example.org",
        country=country,
        gender=gender,
        sector="academia",
        birth_year=1998,
        motivation="M",
        consent_at=timezone.now(),
    )
    a.cv.save("cv.pdf", ContentFile(PDF), save=False)
    a.writing_sample.save("s.pdf", ContentFile(PDF), save=False)
    a.save()
    return a


def scores(value):
    return {"analysis": value, "motivation": value, "writing": value, "potential": value}


def test_normalisation_makes_harsh_and_lenient_reviewers_count_alike():
    weights = {"analysis": 1.0}
    reviews = [
        ("harsh", "a", {"analysis": 1}),
        ("harsh", "b", {"analysis": 2}),
        ("harsh", "c", {"analysis": 3}),
        ("kind", "a", {"analysis": 3}),
        ("kind", "b", {"analysis": 4}),
        ("kind", "c", {"analysis": 5}),
    ]
    ranked = scoring.normalise(reviews, weights)
    assert [r.application for r in ranked] == ["c", "b", "a"]
    assert all(r.spread == pytest.approx(0) for r in ranked)
    disagree = scoring.normalise(
        [
            ("x", "a", {"analysis": 5}),
            ("x", "b", {"analysis": 0}),
            ("y", "a", {"analysis": 0}),
            ("y", "b", {"analysis": 5}),
        ],
        weights,
    )
    assert all(r.disagreement for r in disagree)


def test_a_conflicted_reviewer_is_left_out_and_cannot_score(
    login, personas, call, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    a = applicant(call, "anna")
    client = login("mentor")
    client.post(f"/mentoring/applications/{a.code}/", {"conflict": "on"})
    review = Review.objects.get(application=a, reviewer=personas["mentor"])
    assert review.conflict and review.scores == {}
    response = client.post(
        f"/mentoring/applications/{a.code}/",
        {f"score_{k}": 5 for k in scores(5)} | {"comment": "x"},
    )
    assert "declared a conflict of interest" in response.content.decode()
    assert services.ranking(call) == []


@pytest.mark.parametrize("value", [6, -1, "high"])
def test_scores_outside_the_scale_change_nothing(login, personas, call, settings, tmp_path, value):
    settings.MEDIA_ROOT = tmp_path
    a = applicant(call, "bob")
    response = login("staff").post(
        f"/mentoring/applications/{a.code}/", {f"score_{k}": value for k in scores(1)}
    )
    assert response.status_code == 200
    assert not Review.objects.exists()


def test_only_reviewers_see_applications(login, personas, call, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = applicant(call, "carol")
    assert login("expert").get(f"/mentoring/applications/{a.code}/").status_code == 403
    assert login("observer").get(f"/mentoring/calls/{call.code}/").status_code == 403
    assert login("mentor").get(f"/mentoring/applications/{a.code}/cv/").status_code == 200
    assert login("expert").get(f"/mentoring/applications/{a.code}/cv/").status_code == 403


def test_selection_explains_and_a_different_cohort_needs_a_reason(
    login, personas, call, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    people = [
        applicant(call, n, c, g)
        for n, c, g in [
            ("a", "KZ", "female"),
            ("b", "KZ", "male"),
            ("c", "TJ", "female"),
            ("d", "UZ", "male"),
        ]
    ]
    for i, a in enumerate(people):
        services.review(
            application=a, by=personas["staff"], scores=scores(5 - i), comment="", conflict=False
        )
    client = login("staff")
    quotas = {"country_min": 0, "country_max": 1, "women_min": 1, "sector_max": 4}
    page = client.get(f"/mentoring/calls/{call.code}/selection/", quotas)
    assert 'data-testid="proposal"' in page.content.decode()
    result = page.context["result"]
    assert len(result.chosen) == 2 and people[1].pk not in result.chosen  # second KZ passed over
    other = [people[1].pk, people[3].pk]
    refused = client.post(
        f"/mentoring/calls/{call.code}/selection/",
        {**quotas, "confirm": "1", "chosen": other},
        follow=True,
    )
    assert "Say why" in refused.content.decode()
    client.post(
        f"/mentoring/calls/{call.code}/selection/",
        {**quotas, "confirm": "1", "chosen": result.chosen},
    )
    selected = Application.objects.filter(status="selected")
    assert set(selected.values_list("pk", flat=True)) == set(result.chosen)
    assert all(a.person_id for a in selected)  # they join the roster
    infeasible = client.get(
        f"/mentoring/calls/{call.code}/selection/", {**quotas, "country_min": 3}
    )
    assert 'data-testid="conflicts"' in infeasible.content.decode()


@pytest.fixture
def mentorship(personas):
    return Mentorship.objects.create(
        mentor=personas["mentor"].person,
        mentee=personas["young_expert"].person,
        started_on=datetime.date(2023, 1, 1),
    )


def test_session_notes_stay_with_the_pair_and_staff(login, personas, mentorship):
    services.log_session(
        mentorship=mentorship,
        by=personas["mentor"],
        date=datetime.date(2023, 2, 1),
        mode="online",
        topics="Structure",
        notes="Private note.",
    )
    url = f"/mentoring/mentorships/{mentorship.code}/"
    for role, status in (
        ("mentor", 200),
        ("young_expert", 200),
        ("staff", 200),
        ("expert", 404),
        ("observer", 403),
    ):
        response = login(role).get(url)
        assert response.status_code == status, role
        if status == 200:
            assert "Private note." in response.content.decode()


def test_assessments_stay_on_the_rubric(login, personas, mentorship):
    client = login("mentor")
    good = {
        "assessment": "1",
        "stage": "pre",
        "assessor": "mentor",
        **dict.fromkeys(SKILL_KEYS, 3),
    }
    client.post(f"/mentoring/mentorships/{mentorship.code}/", good)
    assert mentorship.assessments.count() == 1
    for bad in (6, 0, "x"):
        client.post(
            f"/mentoring/mentorships/{mentorship.code}/", {**good, "stage": "post", "research": bad}
        )
    assert mentorship.assessments.count() == 1
    growth = login("staff").get(f"/mentoring/mentorships/{mentorship.code}/").context["growth"]
    assert growth["datasets"][0]["data"][0] == 3


def test_pairing_makes_mentorships_across_borders(login, personas, call, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    mentee = PersonFactory(country="TJ", track="emergent")
    mentee.languages.set([])
    from kenesh.people.models import Language

    ru = Language.objects.ensure_all()["ru"]
    mentee.languages.add(ru)
    mentor_here = PersonFactory(country="TJ", can_mentor=True)
    mentor_there = PersonFactory(country="KG", can_mentor=True)
    for m in (mentor_here, mentor_there):
        m.languages.add(ru)
    a = applicant(call, "dina")
    Application.objects.filter(pk=a.pk).update(status="selected", person=mentee)
    login("staff").post(
        f"/mentoring/calls/{call.code}/pairing/", {"per_mentor": 1, "cross_border": "on"}
    )
    assert Mentorship.objects.get(mentee=mentee).mentor == mentor_there
    Mentorship.objects.all().delete()
    login("staff").post(f"/mentoring/calls/{call.code}/pairing/", {"per_mentor": 0})
    assert not Mentorship.objects.exists()  # a bad capacity changes nothing
