"""Reviews normalised per reviewer, conflicts of interest, selection, private notes."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from kenesh.mentoring import queries, scoring, services
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
    assert response.status_code == 404
    assert Review.objects.get(application=a, reviewer=personas["mentor"]).scores == {}
    assert queries.ranking(call) == []


def test_a_reviewer_with_a_conflict_can_no_longer_open_the_application_or_its_files(
    login, personas, call, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    a = applicant(call, "anna")
    services.review(application=a, by=personas["mentor"], scores={}, comment="", conflict=True)
    mentor = login("mentor")
    for path in ("", "cv/", "writing_sample/"):
        assert mentor.get(f"/mentoring/applications/{a.code}/{path}").status_code == 404
        assert login("staff").get(f"/mentoring/applications/{a.code}/{path}").status_code == 200
    page = mentor.get(f"/mentoring/calls/{call.code}/").content.decode()
    assert 'data-testid="conflicted"' in page
    assert f"/mentoring/applications/{a.code}/" not in page


def test_invisible_comments_are_refused(login, personas, call, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = applicant(call, "ivan")
    response = login("staff").post(
        f"/mentoring/applications/{a.code}/",
        {f"score_{k}": 3 for k in scores(3)} | {"comment": "\u200b\u200b"},
    )
    assert "visible text" in response.content.decode()
    assert not Review.objects.exists()


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


def review_all(people, *reviewers, start=5):
    for reviewer in reviewers:
        for i, a in enumerate(people):
            services.review(
                application=a, by=reviewer, scores=scores(start - i), comment="", conflict=False
            )


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
    review_all(people, personas["staff"], personas["mentor"])
    client = login("staff")
    quotas = {"country_min": 0, "country_max": 1, "women_min": 1, "sector_max": 4}
    page = client.get(f"/mentoring/calls/{call.code}/selection/", quotas)
    assert 'data-testid="proposal"' in page.content.decode()
    result = page.context["result"]
    assert len(result.chosen) == 2 and people[1].pk not in result.chosen  # second KZ passed over
    code = {a.pk: str(a.code) for a in people}
    other = [code[people[1].pk], code[people[3].pk]]
    refused = client.post(
        f"/mentoring/calls/{call.code}/selection/",
        {**quotas, "confirm": "1", "chosen": other, "reason": "\u200b \u2060"},
    )
    assert "Say why" in refused.content.decode() or "visible text" in refused.content.decode()
    assert not Application.objects.filter(status="selected").exists()
    client.post(
        f"/mentoring/calls/{call.code}/selection/",
        {**quotas, "confirm": "1", "chosen": [code[pk] for pk in result.chosen]},
    )
    selected = Application.objects.filter(status="selected")
    assert set(selected.values_list("pk", flat=True)) == set(result.chosen)
    assert all(a.person_id for a in selected)  # they join the roster
    infeasible = client.get(
        f"/mentoring/calls/{call.code}/selection/", {**quotas, "country_min": 3}
    )
    assert 'data-testid="conflicts"' in infeasible.content.decode()


@pytest.mark.parametrize(
    "chosen", [["12"], ["not-a-code"], ["00000000-0000-0000-0000-000000000000"]]
)
def test_choosing_an_unknown_applicant_is_refused(
    login, personas, call, settings, tmp_path, chosen
):
    settings.MEDIA_ROOT = tmp_path
    people = [applicant(call, n) for n in ("a", "b", "c")]
    review_all(people, personas["staff"], personas["mentor"])
    quotas = {"country_min": 0, "country_max": 3, "women_min": 0, "sector_max": 4}
    response = login("staff").post(
        f"/mentoring/calls/{call.code}/selection/",
        {**quotas, "confirm": "1", "chosen": [str(people[0].code), *chosen], "reason": "r"},
    )
    assert response.status_code == 400
    assert 'data-testid="cohort-errors"' in response.content.decode()
    assert not Application.objects.filter(status="selected").exists()


def test_an_applicant_scored_by_one_reviewer_waits_for_the_second(
    login, personas, call, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    people = [applicant(call, n, c) for n, c in (("a", "KZ"), ("b", "TJ"), ("c", "UZ"))]
    review_all(people[1:], personas["staff"], personas["mentor"], start=3)
    # Only one reviewer has scored "a", and scored it highest of all.
    services.review(
        application=people[0], by=personas["staff"], scores=scores(5), comment="", conflict=False
    )
    client = login("staff")
    page = client.get(f"/mentoring/calls/{call.code}/").content.decode()
    assert "awaiting reviews (1 of 2)" in page
    ranked = [
        s.application.pk for s in client.get(f"/mentoring/calls/{call.code}/").context["rows"]
    ]
    assert people[0].pk not in ranked
    quotas = {"country_min": 0, "country_max": 3, "women_min": 0, "sector_max": 4}
    selection = client.get(f"/mentoring/calls/{call.code}/selection/", quotas)
    assert people[0].pk not in selection.context["result"].chosen
    text = selection.content.decode()
    assert "1 application awaits reviews (each needs 2 reviews)" in text
    assert f'value="{people[0].code}"' not in text  # not offered
    forced = client.post(
        f"/mentoring/calls/{call.code}/selection/",
        {
            **quotas,
            "confirm": "1",
            "chosen": [str(people[0].code), str(people[1].code)],
            "reason": "Strong.",
        },
    )
    assert forced.status_code == 400
    assert not Application.objects.filter(status="selected").exists()
    # The second review makes "a" a candidate.
    services.review(
        application=people[0], by=personas["mentor"], scores=scores(5), comment="", conflict=False
    )
    again = client.get(f"/mentoring/calls/{call.code}/selection/", quotas)
    assert people[0].pk in again.context["result"].chosen
    assert "awaits reviews" not in again.content.decode()


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
    good = {"assessment": "1", "stage": "pre", **dict.fromkeys(SKILL_KEYS, 3)}
    client.post(f"/mentoring/mentorships/{mentorship.code}/", good)
    assert mentorship.assessments.count() == 1
    for bad in (6, 0, "x"):
        client.post(
            f"/mentoring/mentorships/{mentorship.code}/", {**good, "stage": "post", "research": bad}
        )
    assert mentorship.assessments.count() == 1
    unknown = client.post(f"/mentoring/mentorships/{mentorship.code}/", {**good, "stage": "later"})
    assert unknown.status_code == 400 and mentorship.assessments.count() == 1
    growth = login("staff").get(f"/mentoring/mentorships/{mentorship.code}/").context["growth"]
    assert growth["datasets"][0]["data"][0] == 3


def test_who_assesses_follows_from_who_is_signed_in(login, personas, mentorship):
    url = f"/mentoring/mentorships/{mentorship.code}/"
    rubric = {"assessment": "1", "stage": "mid"}
    login("mentor").post(url, {**rubric, **dict.fromkeys(SKILL_KEYS, 4)})
    mentors = mentorship.assessments.get()
    assert (mentors.assessor, mentors.recorded_by) == ("mentor", personas["mentor"])
    # The mentee cannot write (nor overwrite) the mentor's assessment: theirs is "self".
    mentee = login("young_expert")
    assert 'data-testid="records-as"' in mentee.get(url).content.decode()
    mentee.post(url, {**rubric, "assessor": "mentor", **dict.fromkeys(SKILL_KEYS, 5)})
    mentors.refresh_from_db()
    assert set(mentors.scores.values()) == {4}
    own = mentorship.assessments.get(assessor="self")
    assert own.recorded_by == personas["young_expert"] and set(own.scores.values()) == {5}
    # Staff may record either, and must say which.
    staff = login("staff")
    missing = staff.post(url, {**rubric, "stage": "post", **dict.fromkeys(SKILL_KEYS, 2)})
    assert "Say whose assessment" in missing.content.decode()
    assert not mentorship.assessments.filter(stage="post").exists()
    staff.post(
        url, {**rubric, "stage": "post", "assessor": "mentor", **dict.fromkeys(SKILL_KEYS, 2)}
    )
    assert mentorship.assessments.get(stage="post").recorded_by == personas["staff"]
    page = staff.get(url).content.decode()
    assert "recorded by Молодой Эксперт" in page and "recorded by Наставник Тестов" in page
    assert "recorded by Staff" in page  # staff have no roster profile: their login's name


def test_the_service_refuses_an_assessment_from_the_wrong_side(personas, mentorship):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.assess(
            mentorship=mentorship,
            by=personas["young_expert"],
            stage="pre",
            assessor="mentor",
            scores=dict.fromkeys(SKILL_KEYS, 5),
        )
    assert not mentorship.assessments.exists()


def test_invisible_session_topics_are_refused(login, personas, mentorship):
    response = login("mentor").post(
        f"/mentoring/mentorships/{mentorship.code}/",
        {"session": "1", "date": "2023-03-01", "mode": "online", "topics": "\u3164\u200b"},
    )
    assert "visible text" in response.content.decode()
    assert not mentorship.sessions.exists()


def selected(call, person, name):
    a = applicant(call, name)
    Application.objects.filter(pk=a.pk).update(status="selected", person=person)


def russian_speaker(**kwargs):
    from kenesh.people.models import Language

    person = PersonFactory(**kwargs)
    person.languages.set([Language.objects.ensure_all()["ru"]])
    return person


def confirm(client, call, preview, **settings):
    return client.post(
        f"/mentoring/calls/{call.code}/pairing/",
        {**settings, "confirm": "1", "plan": preview.context["plan"].fingerprint},
    )


def test_pairing_makes_mentorships_across_borders(login, personas, call, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    mentee = russian_speaker(country="TJ", track="emergent")
    russian_speaker(country="TJ", can_mentor=True)
    mentor_there = russian_speaker(country="KG", can_mentor=True)
    selected(call, mentee, "dina")
    client = login("staff")
    options = {"per_mentor": 1, "cross_border": "on"}
    preview = client.get(f"/mentoring/calls/{call.code}/pairing/", options)
    assert [(p.mentee, p.mentor) for p in preview.context["plan"].pairs] == [(mentee, mentor_there)]
    assert not Mentorship.objects.exists()  # a preview writes nothing
    assert confirm(client, call, preview, **options).status_code == 302
    assert Mentorship.objects.get(mentee=mentee).mentor == mentor_there
    Mentorship.objects.all().delete()
    bad = client.post(f"/mentoring/calls/{call.code}/pairing/", {"per_mentor": 0, "confirm": "1"})
    assert bad.status_code == 200 and not Mentorship.objects.exists()  # a bad capacity


def test_matching_again_pairs_only_the_unpaired_within_the_places_left(
    login, personas, call, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    mentor = russian_speaker(country="KG", can_mentor=True)
    first, second, third = (russian_speaker(country="TJ", track="emergent") for _ in range(3))
    for i, mentee in enumerate((first, second, third)):
        selected(call, mentee, f"m{i}")
    # The mentor took one mentee of this call already: of 2 places, 1 is left.
    Mentorship.objects.create(mentor=mentor, mentee=first, call=call, started_on="2023-01-01")
    client = login("staff")
    options = {"per_mentor": 2, "cross_border": "on"}
    preview = client.post(f"/mentoring/calls/{call.code}/pairing/", {**options, "preview": "1"})
    plan = preview.context["plan"]
    assert len(plan.pairs) == 1 and dict(plan.offers)[mentor] == 1
    assert plan.already_paired == (first,) and len(plan.unmatched) == 1
    assert Mentorship.objects.count() == 1
    assert confirm(client, call, preview, **options).status_code == 302
    assert Mentorship.objects.filter(mentor=mentor).count() == 2
    assert Mentorship.objects.filter(mentee=first).count() == 1  # never a second mentor
    # Pressing again changes nothing.
    twice = confirm(client, call, preview, **options)
    assert twice.status_code == 409
    assert "nothing was written" in twice.content.decode()
    assert Mentorship.objects.count() == 2


@pytest.mark.parametrize("plan", ["", "x" * 64, "0" * 63])
def test_a_damaged_or_stale_proposal_writes_nothing(
    login, personas, call, settings, tmp_path, plan
):
    settings.MEDIA_ROOT = tmp_path
    russian_speaker(country="KG", can_mentor=True)
    selected(call, russian_speaker(country="TJ", track="emergent"), "m")
    response = login("staff").post(
        f"/mentoring/calls/{call.code}/pairing/", {"per_mentor": 1, "confirm": "1", "plan": plan}
    )
    assert response.status_code == 400
    assert not Mentorship.objects.exists()
    stale = login("staff").post(
        f"/mentoring/calls/{call.code}/pairing/",
        {"per_mentor": 1, "confirm": "1", "plan": "0" * 64},
    )
    assert stale.status_code == 409 and "proposal changed" in stale.content.decode()
    assert not Mentorship.objects.exists()
