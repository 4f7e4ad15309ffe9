"""Programme staff create and edit calls for young experts from the product: texts in
English and Russian, dates, places, reviews needed, criteria with weights, reviewers from
the roster; they open and close calls. Every refusal says why and writes nothing."""

import datetime

import pytest
from django.utils import timezone, translation

from kenesh.access.models import User
from kenesh.core.models import AuditEntry
from kenesh.core.testing.personas import PASSWORD
from kenesh.mentoring import scoring
from kenesh.mentoring.models import DEFAULT_CRITERIA, Call, CohortDecision, Review
from tests.mentoring.test_reviews_and_mentorships import applicant

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)

STAFF_ONLY = {
    None: 302,
    "observer": 403,
    "expert": 403,
    "young_expert": 403,
    "mentor": 403,
    "staff": 200,
    "administrator": 200,
}


def rows(*criteria):
    """Formset fields for ``criteria`` as (key, label, label_ru, weight[, delete]); the
    rows with a key are the call's own, shown first (as the page sends them)."""
    data = {
        "criteria-TOTAL_FORMS": str(len(criteria)),
        "criteria-INITIAL_FORMS": str(sum(1 for c in criteria if c[0])),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for i, (key, label, label_ru, weight, *delete) in enumerate(criteria):
        data.update(
            {
                f"criteria-{i}-key": key,
                f"criteria-{i}-label": label,
                f"criteria-{i}-label_ru": label_ru,
                f"criteria-{i}-weight": str(weight),
            }
        )
        if delete:
            data[f"criteria-{i}-DELETE"] = "on"
    return data


def form(criteria=None, **overrides):
    data = {
        "title": "Call for young experts 2027",
        "title_ru": "Набор молодых экспертов 2027",
        "description": "Water and energy in Central Asia.",
        "description_ru": "Вода и энергетика в Центральной Азии.",
        "opens_on": (TODAY + 10 * DAY).isoformat(),
        "closes_on": (TODAY + 40 * DAY).isoformat(),
        "cohort_size": "12",
        "min_reviews": "2",
    }
    data.update(overrides)
    data.update(
        rows(*(criteria or [("", "Analysis", "Анализ", 60), ("", "Motivation", "Мотивация", 40)]))
    )
    return data


def existing(call, **changes):
    """The formset rows of ``call``'s criteria, with ``changes`` by key (a tuple)."""
    return [
        changes.get(c["key"], (c["key"], c["label"], c.get("label_ru", ""), c["weight"]))
        for c in call.criteria
    ]


@pytest.fixture
def call(personas):
    return Call.objects.create(
        title="Fictional call",
        criteria=[dict(c) for c in DEFAULT_CRITERIA],
        opens_on=TODAY - 10 * DAY,
        closes_on=TODAY + 10 * DAY,
        cohort_size=2,
    )


def snapshot(call):
    call.refresh_from_db()
    return (
        call.title,
        call.title_ru,
        call.opens_on,
        call.closes_on,
        call.cohort_size,
        call.min_reviews,
        call.criteria,
        sorted(call.reviewers.values_list("pk", flat=True)),
    )


def scored_review(call, personas, **scores):
    application = applicant(call, "Ainura")
    values = {c["key"]: 3 for c in call.criteria} | scores
    return Review.objects.create(
        application=application, reviewer=personas["mentor"], scores=values
    )


# Who may use the editor


@pytest.mark.parametrize("role", list(STAFF_ONLY))
def test_only_staff_create_and_edit_calls(role, login, call):
    client = login(role)
    for url in ("/mentoring/calls/new/", f"/mentoring/calls/{call.code}/edit/"):
        assert client.get(url).status_code == STAFF_ONLY[role], url


@pytest.mark.parametrize("role", ["mentor", "expert", "young_expert", "observer", None])
def test_no_one_but_staff_changes_a_call_by_post(role, login, call):
    before = snapshot(call)
    client = login(role)
    client.post("/mentoring/calls/new/", form())
    client.post(f"/mentoring/calls/{call.code}/edit/", form(title="Hijacked"))
    client.post(f"/mentoring/calls/{call.code}/close/")
    assert Call.objects.count() == 1
    assert snapshot(call) == before
    assert not AuditEntry.objects.filter(action__startswith="mentoring.call.").exists()


def test_open_and_close_take_only_a_post(login, call):
    assert login("staff").get(f"/mentoring/calls/{call.code}/close/").status_code == 405
    assert login("staff").get(f"/mentoring/calls/{call.code}/open/").status_code == 405


def test_staff_see_the_links_and_mentors_do_not(login, call):
    staff_home = login("staff").get("/mentoring/").content.decode()
    assert "/mentoring/calls/new/" in staff_home
    page = login("staff").get(f"/mentoring/calls/{call.code}/").content.decode()
    assert f"/mentoring/calls/{call.code}/edit/" in page
    assert f"/mentoring/calls/{call.code}/close/" in page  # open now: it can close
    assert f"/mentoring/calls/{call.code}/open/" not in page
    mentor_page = login("mentor").get(f"/mentoring/calls/{call.code}/").content.decode()
    assert "/edit/" not in mentor_page and "/close/" not in mentor_page
    assert "/mentoring/calls/new/" not in login("mentor").get("/mentoring/").content.decode()


# The happy path


def test_staff_create_edit_open_and_close_a_call(login, personas):
    client = login("staff")
    page = client.get("/mentoring/calls/new/").content.decode()
    assert "---------" not in page
    assert "Quality of analysis" in page  # a new call starts from the usual criteria
    response = client.post("/mentoring/calls/new/", form(reviewers=[personas["mentor"].pk]))
    assert response.status_code == 302
    call = Call.objects.get()
    assert response["Location"] == f"/mentoring/calls/{call.code}/"
    assert call.title_ru == "Набор молодых экспертов 2027"
    assert call.cohort_size == 12
    assert [(c["key"], c["label"], c["label_ru"], c["weight"]) for c in call.criteria] == [
        ("analysis", "Analysis", "Анализ", 60),
        ("motivation", "Motivation", "Мотивация", 40),
    ]
    assert list(call.reviewers.all()) == [personas["mentor"]]

    # Edit: reword a criterion (its key stays), add one, scale the weights.
    response = client.post(
        f"/mentoring/calls/{call.code}/edit/",
        form(
            criteria=[
                ("analysis", "Depth of analysis", "Глубина анализа", 3),
                ("motivation", "Motivation", "Мотивация", 2),
                ("", "Writing", "Письмо", 1),
            ],
            cohort_size="10",
        ),
        follow=True,
    )
    call.refresh_from_db()
    assert [c["key"] for c in call.criteria] == ["analysis", "motivation", "writing"]
    assert call.criteria[0]["label"] == "Depth of analysis"
    assert [c["weight"] for c in call.criteria] == [50, 33.3, 16.7]
    assert sum(c["weight"] for c in call.criteria) == pytest.approx(100)
    assert "scaled to 100" in response.content.decode()
    assert call.cohort_size == 10
    assert not call.reviewers.exists()  # none ticked: every mentor may review again

    # Open (it was to open in ten days), then close.
    response = client.post(f"/mentoring/calls/{call.code}/open/", follow=True)
    call.refresh_from_db()
    assert call.opens_on == TODAY and call.state == "open"
    assert "open from today" in response.content.decode()
    response = client.post(f"/mentoring/calls/{call.code}/close/", follow=True)
    call.refresh_from_db()
    assert call.closes_on == TODAY
    assert "closes today" in response.content.decode()

    actions = list(
        AuditEntry.objects.filter(target_code=str(call.code))
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "mentoring.call.created",
        "mentoring.call.reviewers_changed",
        "mentoring.call.updated",
        "mentoring.call.reviewers_changed",
        "mentoring.call.opened",
        "mentoring.call.closed",
    ]
    page = client.get(f"/mentoring/calls/{call.code}/").content.decode()
    assert "closed the call on the day" in page  # the trail is shown, in sentences


def test_scaling_the_weights_changes_no_ranking(call):
    weights = call.weights()
    scaled = {k: v * 12.5 for k, v in weights.items()}  # 3,2,2,1 -> 37.5,25,25,12.5
    scores = {"analysis": 5, "motivation": 1, "writing": 3, "potential": 2}
    assert scoring.weighted_total(scores, weights) == pytest.approx(
        scoring.weighted_total(scores, scaled)
    )


def test_the_public_form_speaks_the_readers_language(client, call):
    call.title_ru, call.description = "Набор", "In English"
    call.save()
    english = client.get(f"/mentoring/apply/{call.code}/").content.decode()
    assert "Fictional call" in english and "In English" in english
    with translation.override("ru"):
        assert call.shown_title == "Набор"
        assert call.shown_description == "In English"  # no Russian text: the English one
    russian = client.get(
        f"/mentoring/apply/{call.code}/", HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    assert "Набор" in russian


# Bad input: a message, and nothing changed


@pytest.mark.parametrize(
    ("overrides", "criteria", "message"),
    [
        (
            {"opens_on": (TODAY + 5 * DAY).isoformat(), "closes_on": TODAY.isoformat()},
            None,
            "must close after it opens",
        ),
        ({"cohort_size": "0"}, None, "greater than or equal to 1"),
        ({"min_reviews": "0"}, None, "greater than or equal to 1"),
        ({}, [("", "Analysis", "", 0), ("", "Motivation", "", 100)], "weight above zero"),
        ({}, [("", "Analysis", "", -10), ("", "Motivation", "", 110)], "weight above zero"),
        ({}, [("", "Analysis", "", 50), ("", " analysis ", "", 50)], "same label"),
        ({}, [("", "Analysis", "", 50, "delete")], "at least one criterion"),
        ({"title": "\u200b"}, None, "visible"),
    ],
)
def test_a_new_call_with_bad_input_is_refused(login, personas, overrides, criteria, message):
    response = login("staff").post("/mentoring/calls/new/", form(criteria, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Call.objects.exists()
    assert not AuditEntry.objects.exists()


def test_reversed_dates_on_an_existing_call_change_nothing(login, call):
    before = snapshot(call)
    response = login("staff").post(
        f"/mentoring/calls/{call.code}/edit/",
        form(existing(call), opens_on=TODAY.isoformat(), closes_on=(TODAY - DAY).isoformat()),
    )
    assert "must close after it opens" in response.content.decode()
    assert snapshot(call) == before


def test_a_scored_criterion_cannot_be_removed(login, personas, call):
    scored_review(call, personas)
    before = snapshot(call)
    url = f"/mentoring/calls/{call.code}/edit/"
    page = login("staff").get(url).content.decode()
    assert "cannot be removed" in page  # said before trying
    criteria = existing(call)
    criteria[-1] = (*criteria[-1], "delete")
    response = login("staff").post(url, form(criteria, title="Changed"))
    assert "cannot be removed: reviewers have scored" in response.content.decode()
    assert "Potential to influence policy" in response.content.decode()
    assert snapshot(call) == before
    # Nor can one be added once scoring began.
    response = login("staff").post(url, form([*existing(call), ("", "New", "", 1)]))
    assert "Add criteria before reviewing starts" in response.content.decode()
    assert snapshot(call) == before


def test_an_unscored_criterion_can_be_removed_and_keys_stay(login, call):
    criteria = existing(call)
    criteria[1] = (*criteria[1], "delete")
    response = login("staff").post(f"/mentoring/calls/{call.code}/edit/", form(criteria))
    assert response.status_code == 302
    call.refresh_from_db()
    assert [c["key"] for c in call.criteria] == ["analysis", "writing", "potential"]
    assert sum(c["weight"] for c in call.criteria) == pytest.approx(100)


def test_a_forged_criterion_key_is_refused(login, call):
    before = snapshot(call)
    criteria = existing(call)
    criteria[0] = ("not_a_key", "Analysis", "", 3)
    response = login("staff").post(f"/mentoring/calls/{call.code}/edit/", form(criteria))
    assert response.status_code == 400
    assert snapshot(call) == before


def test_a_decided_call_keeps_its_criteria_and_dates(login, personas, call):
    CohortDecision.objects.create(call=call, by=personas["staff"])
    before = snapshot(call)
    url = f"/mentoring/calls/{call.code}/edit/"
    assert "has been chosen" in login("staff").get(url).content.decode()
    for data in (
        form(existing(call, analysis=("analysis", "Quality of analysis", "", 9))),
        form(existing(call), closes_on=(TODAY + 99 * DAY).isoformat()),
        form(existing(call), cohort_size="5"),
    ):
        data.update(
            title=before[0],
            title_ru=before[1],
            opens_on=before[2].isoformat(),
            cohort_size=data["cohort_size"] if data["cohort_size"] == "5" else "2",
        )
        if data["closes_on"] != (TODAY + 99 * DAY).isoformat():
            data["closes_on"] = before[3].isoformat()
        response = login("staff").post(url, data)
        assert "has been chosen" in response.content.decode()
        assert snapshot(call) == before
    # Its texts and labels can still change.
    data = form(
        existing(call, analysis=("analysis", "Analysis", "Анализ", 3)),
        title="Renamed",
        opens_on=before[2].isoformat(),
        closes_on=before[3].isoformat(),
        cohort_size="2",
    )
    assert login("staff").post(url, data).status_code == 302
    call.refresh_from_db()
    assert call.title == "Renamed" and call.criteria[0]["label_ru"] == "Анализ"


def test_opening_an_open_call_or_closing_a_closed_one_says_so(login, call):
    client = login("staff")
    response = client.post(f"/mentoring/calls/{call.code}/open/", follow=True)
    assert "open already" in response.content.decode()
    client.post(f"/mentoring/calls/{call.code}/close/")
    before = snapshot(call)
    response = client.post(f"/mentoring/calls/{call.code}/close/", follow=True)
    assert "closed already" in response.content.decode()
    call.closes_on = TODAY - DAY
    call.save()
    before = snapshot(call)
    response = client.post(f"/mentoring/calls/{call.code}/open/", follow=True)
    assert "set a new closing date" in response.content.decode()
    assert snapshot(call) == before
    assert AuditEntry.objects.filter(action="mentoring.call.closed").count() == 1


def test_a_call_not_yet_open_cannot_close(login, call):
    call.opens_on, call.closes_on = TODAY + DAY, TODAY + 9 * DAY
    call.save()
    before = snapshot(call)
    response = login("staff").post(f"/mentoring/calls/{call.code}/close/", follow=True)
    assert "has not opened yet" in response.content.decode()
    assert snapshot(call) == before


# Reviewers


def test_named_reviewers_alone_review_among_mentors(login, personas, call):
    other = User.objects.create_user(username="other", password=PASSWORD, role="mentor")
    application = applicant(call, "Ainura")
    review = f"/mentoring/applications/{application.code}/"
    assert login("mentor").get(review).status_code == 200
    response = login("staff").post(
        f"/mentoring/calls/{call.code}/edit/",
        form(existing(call), title=call.title, opens_on=call.opens_on.isoformat(),
             closes_on=call.closes_on.isoformat(), cohort_size="2", reviewers=[other.pk]),
    )  # fmt: skip
    assert response.status_code == 302
    assert login("mentor").get(review).status_code == 404
    assert login("mentor").get(f"/mentoring/calls/{call.code}/").status_code == 404
    assert login("other").get(review).status_code == 200
    assert login("staff").get(review).status_code == 200
    entry = AuditEntry.objects.get(action="mentoring.call.reviewers_changed")
    assert entry.data == {"added": 1, "removed": 0, "reviewers": 1}


def test_the_picker_offers_mentors_and_staff_only(login, personas, call):
    page = login("staff").get(f"/mentoring/calls/{call.code}/edit/")
    offered = set(page.context["form"].fields["reviewers"].queryset)
    assert personas["mentor"] in offered and personas["staff"] in offered
    assert personas["expert"] not in offered and personas["observer"] not in offered
    html = page.content.decode()
    assert "data-picker" in html
    assert "Наставник Тестов" in html
    response = login("staff").post(
        f"/mentoring/calls/{call.code}/edit/",
        form(existing(call), reviewers=[personas["expert"].pk]),
    )
    assert response.status_code == 400
    assert not call.reviewers.exists()


def test_a_new_call_offers_the_usual_criteria_without_keys_so_it_can_be_saved(login, personas):
    """The usual criteria start a new call; they are new to it, so the form carries no
    key for them (a key names one of the call's own criteria, and is refused otherwise)."""
    page = login("staff").get("/mentoring/calls/new/").content.decode()
    assert "Quality of analysis" in page
    assert 'name="criteria-0-key" value="analysis"' not in page
