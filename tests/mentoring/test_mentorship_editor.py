"""Staff, and the pair's own mentor, keep a mentorship from its page: milestones linked
to the mentee's papers, the plan and goals; staff change the mentor (with the reason
kept) and record testimonials with consent, or withdraw them. Nothing goes through the
back office, a refusal changes nothing, and every change is in the audit trail."""

import datetime

import pytest
from django.utils import timezone

from kenesh.access.models import Role, User
from kenesh.core.models import AuditEntry
from kenesh.core.testing.personas import PASSWORD
from kenesh.mentoring import mentorship_services
from kenesh.mentoring import models as mentoring_models
from kenesh.mentoring.models import MentorChange, Mentorship, Milestone
from kenesh.papers import services as papers
from kenesh.papers.models import AuthorRole
from tests.factories import PersonFactory

START = datetime.date(2023, 1, 1)


@pytest.fixture
def mentorship(personas):
    return Mentorship.objects.create(
        mentor=personas["mentor"].person,
        mentee=personas["young_expert"].person,
        started_on=START,
        goals="Write a first brief.",
    )


@pytest.fixture
def milestone(mentorship):
    return Milestone.objects.create(
        mentorship=mentorship, title="Outline the brief", due_on=datetime.date(2023, 3, 1)
    )


@pytest.fixture
def other_mentor(personas):
    user = User.objects.create_user(username="other_mentor", password=PASSWORD, role=Role.MENTOR)
    PersonFactory(
        user=user, name="Другой Наставник", name_latin="Drugoi Nastavnik", can_mentor=True
    )
    return user


@pytest.fixture
def client_of(login, other_mentor):
    """``client_of(role)``: the personas, plus ``other_mentor`` (a mentor not of this pair)."""

    def make(role):
        if role == "other_mentor":
            client = login(None)
            assert client.login(username="other_mentor", password=PASSWORD)
            return client
        return login(role)

    return make


def draft_by(personas, *people, title):
    return papers.create_paper(
        by=personas["staff"],
        authors=[
            (p, AuthorRole.LEAD if i == 0 else AuthorRole.CO_AUTHOR) for i, p in enumerate(people)
        ],
        title=title,
        body="# Draft",
        language="en",
        visibility="public",
    )


def actions(mentorship):
    return list(
        AuditEntry.objects.filter(target_code=str(mentorship.code))
        .order_by("id")
        .values_list("action", flat=True)
    )


# -- who may do what -------------------------------------------------------------------

PLAN_PAGES = {
    # role: expected status on the plan and milestone pages
    None: 302,
    "observer": 403,  # a donor: refused by role
    "expert": 404,  # a member outside the pair: the mentorship does not exist for them
    "other_mentor": 404,
    "young_expert": 403,  # the mentee reads the plan but does not change it
    "mentor": 200,
    "staff": 200,
    "administrator": 200,
}
STAFF_PAGES = {
    None: 302,
    "observer": 403,
    "expert": 403,
    "other_mentor": 403,
    "young_expert": 403,
    "mentor": 403,  # even the pair's own mentor: changing the pair and testimonials are staff's
    "staff": 200,
    "administrator": 200,
}


def plan_pages(mentorship, milestone):
    return [
        f"/mentoring/mentorships/{mentorship.code}/milestones/new/",
        f"/mentoring/milestones/{milestone.code}/edit/",
        f"/mentoring/milestones/{milestone.code}/done/",
        f"/mentoring/milestones/{milestone.code}/remove/",
        f"/mentoring/mentorships/{mentorship.code}/plan/",
    ]


def staff_pages(mentorship, testimonial):
    return [
        f"/mentoring/mentorships/{mentorship.code}/mentor/",
        f"/mentoring/mentorships/{mentorship.code}/testimonials/new/",
        f"/mentoring/mentorships/{mentorship.code}/testimonials/{testimonial.code}/withdraw/",
    ]


@pytest.fixture
def testimonial(personas):
    return mentoring_models.Testimonial.objects.create(
        person=personas["young_expert"].person,
        quote="It changed how I write.",
        attribution="description",
        consent_at=timezone.now(),
    )


@pytest.mark.parametrize("role", list(PLAN_PAGES))
def test_staff_and_the_pairs_mentor_keep_the_plan(role, client_of, mentorship, milestone):
    client = client_of(role)
    got = {url: client.get(url).status_code for url in plan_pages(mentorship, milestone)}
    assert got == dict.fromkeys(plan_pages(mentorship, milestone), PLAN_PAGES[role])


@pytest.mark.parametrize("role", list(STAFF_PAGES))
def test_only_staff_change_the_pair_and_keep_testimonials(role, client_of, mentorship, testimonial):
    client = client_of(role)
    got = {url: client.get(url).status_code for url in staff_pages(mentorship, testimonial)}
    assert got == dict.fromkeys(staff_pages(mentorship, testimonial), STAFF_PAGES[role])


@pytest.mark.parametrize("role", ["expert", "other_mentor", "young_expert", "observer"])
def test_posts_from_outside_change_nothing(role, client_of, mentorship, milestone, testimonial):
    client = client_of(role)
    client.post(f"/mentoring/mentorships/{mentorship.code}/milestones/new/",
                {"title": "Sneaky", "due_on": "2023-05-01"})  # fmt: skip
    client.post(f"/mentoring/milestones/{milestone.code}/remove/")
    client.post(f"/mentoring/milestones/{milestone.code}/done/", {"done_on": "2023-02-01"})
    client.post(f"/mentoring/mentorships/{mentorship.code}/plan/", {"goals": "Nothing"})
    client.post(
        f"/mentoring/mentorships/{mentorship.code}/testimonials/{testimonial.code}/withdraw/"
    )
    assert list(mentorship.milestones.values_list("title", "done_on")) == [
        ("Outline the brief", None)
    ]
    mentorship.refresh_from_db()
    assert mentorship.goals == "Write a first brief."
    assert mentoring_models.Testimonial.objects.filter(pk=testimonial.pk).exists()
    assert actions(mentorship) == []


def test_a_mentorship_that_does_not_exist_is_404(login):
    nobody = "00000000-0000-0000-0000-000000000000"
    staff = login("staff")
    assert staff.get(f"/mentoring/mentorships/{nobody}/plan/").status_code == 404
    assert staff.get(f"/mentoring/milestones/{nobody}/edit/").status_code == 404
    assert staff.get(f"/mentoring/mentorships/{nobody}/mentor/").status_code == 404


def test_the_page_offers_each_role_its_controls(client_of, mentorship, milestone, testimonial):
    url = f"/mentoring/mentorships/{mentorship.code}/"
    staff = client_of("staff").get(url).content.decode()
    for testid in ("add-milestone", "edit-plan", "change-mentor", "add-testimonial"):
        assert f'data-testid="{testid}"' in staff
    assert "It changed how I write." in staff
    mentor = client_of("mentor").get(url).content.decode()
    assert 'data-testid="add-milestone"' in mentor and 'data-testid="edit-plan"' in mentor
    assert 'data-testid="change-mentor"' not in mentor
    assert "It changed how I write." not in mentor
    mentee = client_of("young_expert").get(url).content.decode()
    assert 'data-testid="add-milestone"' not in mentee and "Outline the brief" in mentee
    assert f"/mentoring/milestones/{milestone.code}/edit/" not in mentee


# -- milestones ------------------------------------------------------------------------


def test_the_mentor_adds_a_milestone_linked_to_the_mentees_paper(login, personas, mentorship):
    brief = draft_by(personas, personas["young_expert"].person, personas["mentor"].person,
                     title="River data brief")  # fmt: skip
    client = login("mentor")
    url = f"/mentoring/mentorships/{mentorship.code}/milestones/new/"
    page = client.get(url)
    assert [p.title for p in page.context["form"].fields["paper"].queryset] == ["River data brief"]
    response = client.post(
        url, {"title": "First draft", "due_on": "2023-04-01", "paper": str(brief.code)}
    )
    assert response.status_code == 302
    step = mentorship.milestones.get()
    assert (step.title, step.paper, step.done_on) == ("First draft", brief, None)
    assert actions(mentorship) == ["mentoring.milestone.saved"]
    detail = client.get(f"/mentoring/mentorships/{mentorship.code}/").content.decode()
    assert "River data brief" in detail


def test_a_paper_not_the_mentees_or_not_visible_is_refused(login, personas, mentorship):
    # The expert's own draft: the mentor cannot see it, nor is it the mentee's.
    others = draft_by(personas, personas["expert"].person, title="Someone else's draft")
    # The mentee's draft the mentor is no author of: staff see it, the mentor does not.
    hidden = draft_by(personas, personas["young_expert"].person, title="Mentee's own draft")
    url = f"/mentoring/mentorships/{mentorship.code}/milestones/new/"
    mentor = login("mentor")
    offered = mentor.get(url).context["form"].fields["paper"].queryset
    assert list(offered) == []
    for paper in (others, hidden):
        response = mentor.post(
            url, {"title": "Step", "due_on": "2023-04-01", "paper": str(paper.code)}
        )
        assert response.status_code == 400
        assert "the mentee&#x27;s own papers" in response.content.decode()
    staff = login("staff")
    refused = staff.post(url, {"title": "Step", "due_on": "2023-04-01", "paper": str(others.code)})
    assert refused.status_code == 400
    assert not mentorship.milestones.exists()
    assert (
        staff.post(
            url, {"title": "Step", "due_on": "2023-04-01", "paper": str(hidden.code)}
        ).status_code
        == 302
    )
    assert mentorship.milestones.get().paper == hidden


@pytest.mark.parametrize(
    ("done_on", "message"),
    [
        (timezone.localdate() + datetime.timedelta(days=1), "date still to come"),
        (START - datetime.timedelta(days=1), "before it started"),
    ],
)
def test_a_done_date_to_come_or_before_the_start_is_refused(
    login, mentorship, milestone, done_on, message
):
    client = login("mentor")
    for url, data in (
        (f"/mentoring/milestones/{milestone.code}/done/", {"done_on": done_on.isoformat()}),
        (
            f"/mentoring/milestones/{milestone.code}/edit/",
            {"title": "Outline", "due_on": "2023-03-01", "done_on": done_on.isoformat()},
        ),
        (
            f"/mentoring/mentorships/{mentorship.code}/milestones/new/",
            {"title": "New", "due_on": "2023-03-01", "done_on": done_on.isoformat()},
        ),
    ):
        response = client.post(url, data)
        assert response.status_code == 400, url
        assert message in response.content.decode()
    assert list(mentorship.milestones.values_list("title", "done_on")) == [
        ("Outline the brief", None)
    ]
    assert actions(mentorship) == []


def test_marking_done_editing_and_removing_a_milestone(login, mentorship, milestone):
    client = login("mentor")
    assert (
        client.post(
            f"/mentoring/milestones/{milestone.code}/done/", {"done_on": "2023-02-15"}
        ).status_code
        == 302
    )
    milestone.refresh_from_db()
    assert milestone.done_on == datetime.date(2023, 2, 15)
    assert (
        client.post(
            f"/mentoring/milestones/{milestone.code}/edit/",
            {"title": "Outline, revised", "due_on": "2023-03-10", "done_on": ""},
        ).status_code
        == 302
    )
    milestone.refresh_from_db()
    assert (milestone.title, milestone.done_on) == ("Outline, revised", None)
    confirm = client.get(f"/mentoring/milestones/{milestone.code}/remove/")
    assert confirm.status_code == 200 and mentorship.milestones.exists()
    assert client.post(f"/mentoring/milestones/{milestone.code}/remove/").status_code == 302
    assert not mentorship.milestones.exists()
    assert actions(mentorship) == [
        "mentoring.milestone.done",
        "mentoring.milestone.saved",
        "mentoring.milestone.removed",
    ]
    history = login("staff").get(f"/mentoring/mentorships/{mentorship.code}/").content.decode()
    assert "removed the milestone “Outline, revised”" in history


def test_a_blank_milestone_title_is_refused(login, mentorship):
    response = login("staff").post(
        f"/mentoring/mentorships/{mentorship.code}/milestones/new/",
        {"title": "\u200b ", "due_on": "2023-03-01"},
    )
    assert response.status_code == 400 and not mentorship.milestones.exists()


# -- plan and goals --------------------------------------------------------------------


def test_the_mentor_updates_the_plan_and_its_review_date(login, mentorship):
    client = login("mentor")
    url = f"/mentoring/mentorships/{mentorship.code}/plan/"
    assert client.post(url, {"goals": "Two briefs and a panel talk.",
                             "review_on": "2023-06-30"}).status_code == 302  # fmt: skip
    mentorship.refresh_from_db()
    assert mentorship.goals == "Two briefs and a panel talk."
    assert mentorship.review_on == datetime.date(2023, 6, 30)
    assert actions(mentorship) == ["mentoring.mentorship.goals_updated"]
    page = login("young_expert").get(f"/mentoring/mentorships/{mentorship.code}/")
    assert "Two briefs and a panel talk." in page.content.decode()


def test_a_review_date_before_the_start_is_refused(login, mentorship):
    response = login("staff").post(
        f"/mentoring/mentorships/{mentorship.code}/plan/",
        {"goals": "New", "review_on": "2022-12-01"},
    )
    assert response.status_code == 400
    assert "cannot come before the mentorship started" in response.content.decode()
    mentorship.refresh_from_db()
    assert (mentorship.goals, mentorship.review_on) == ("Write a first brief.", None)


# -- changing the pair -----------------------------------------------------------------


def test_staff_change_the_mentor_and_the_earlier_pairing_stays_readable(
    login, client_of, personas, mentorship, other_mentor
):
    mentorship.sessions.create(date=datetime.date(2023, 2, 1), mode="online", topics="Start")
    staff = login("staff")
    url = f"/mentoring/mentorships/{mentorship.code}/mentor/"
    offered = list(staff.get(url).context["form"].fields["mentor"].queryset)
    assert other_mentor.person in offered
    assert personas["young_expert"].person not in offered
    assert personas["mentor"].person not in offered
    response = staff.post(
        url, {"mentor": str(other_mentor.person.code), "reason": "The first mentor moved abroad."}
    )
    assert response.status_code == 302
    mentorship.refresh_from_db()
    assert mentorship.mentor == other_mentor.person
    change = MentorChange.objects.get(mentorship=mentorship)
    assert (change.from_mentor, change.to_mentor, change.by) == (
        personas["mentor"].person,
        other_mentor.person,
        personas["staff"],
    )
    assert change.changed_on == timezone.localdate()
    assert actions(mentorship) == ["mentoring.mentorship.mentor_changed"]
    # Sessions stay with the mentorship; the new mentor opens it, the earlier one no longer.
    detail = client_of("other_mentor").get(f"/mentoring/mentorships/{mentorship.code}/")
    assert detail.status_code == 200 and "Start" in detail.content.decode()
    assert "Наставник Тестов" in detail.content.decode()  # who mentored before
    assert "moved abroad" not in detail.content.decode()  # why: staff only
    assert client_of("mentor").get(f"/mentoring/mentorships/{mentorship.code}/").status_code == 404
    staff_page = staff.get(f"/mentoring/mentorships/{mentorship.code}/").content.decode()
    assert "The first mentor moved abroad." in staff_page
    assert "changed the mentor of the pair" in staff_page


@pytest.mark.parametrize("case", ["mentee", "current", "no reason", "blank reason", "not a mentor"])
def test_a_bad_change_of_mentor_changes_nothing(login, personas, mentorship, other_mentor, case):
    non_mentor = PersonFactory(name="Не Наставник", can_mentor=False)
    mentor = {
        "mentee": personas["young_expert"].person,
        "current": personas["mentor"].person,
        "not a mentor": non_mentor,
    }.get(case, other_mentor.person)
    reason = {"no reason": "", "blank reason": " \u200b "}.get(case, "A reason")
    response = login("staff").post(
        f"/mentoring/mentorships/{mentorship.code}/mentor/",
        {"mentor": str(mentor.code), "reason": reason},
    )
    assert response.status_code == 400
    html = response.content.decode()
    if "reason" in case:
        assert "Say why the mentor changes" in html or "visible" in html
    else:
        assert "able to mentor" in html
    mentorship.refresh_from_db()
    assert mentorship.mentor == personas["mentor"].person
    assert not MentorChange.objects.exists() and actions(mentorship) == []


def test_the_service_refuses_the_mentee_as_mentor_in_words(personas, mentorship):
    with pytest.raises(Exception) as refused:
        mentorship_services.change_mentor(
            mentorship=mentorship,
            by=personas["staff"],
            mentor=personas["young_expert"].person,
            reason="Why not",
        )
    assert "cannot mentor themselves" in str(refused.value)


# -- testimonials ----------------------------------------------------------------------


def test_staff_record_an_anonymised_testimonial_with_consent(login, personas, mentorship):
    client = login("staff")
    url = f"/mentoring/mentorships/{mentorship.code}/testimonials/new/"
    response = client.post(
        url,
        {
            "who": "mentee",
            "quote": "I learned to write for ministers.",
            "attribution": "description",
            "consent": "on",
            "consent_on": "2023-05-01",
        },
    )
    assert response.status_code == 302
    saved = mentoring_models.Testimonial.objects.get()
    assert saved.person == personas["young_expert"].person
    assert saved.consent_at.date() == datetime.date(2023, 5, 1)
    assert actions(mentorship) == ["mentoring.testimonial.saved"]
    page = client.get(f"/mentoring/mentorships/{mentorship.code}/").content.decode()
    assert "I learned to write for ministers." in page
    assert "a young expert from" in page


def test_a_named_testimonial_needs_the_persons_consent_to_be_named(login, personas, mentorship):
    client = login("staff")
    url = f"/mentoring/mentorships/{mentorship.code}/testimonials/new/"
    data = {
        "who": "mentor",
        "quote": "Mentoring taught me too.",
        "attribution": "name",
        "consent": "on",
        "consent_on": "2023-05-01",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "no consent to quotes with attribution on record" in refused.content.decode()
    assert not mentoring_models.Testimonial.objects.exists()
    # Either the consent ticked now ...
    assert client.post(url, {**data, "name_consent": "on"}).status_code == 302
    # ... or the consent on the roster record.
    mentee = personas["young_expert"].person
    mentee.quote_consent_at = timezone.now()
    mentee.save(update_fields=["quote_consent_at"])
    assert client.post(url, {**data, "who": "mentee"}).status_code == 302
    assert mentoring_models.Testimonial.objects.count() == 2
    entries = AuditEntry.objects.filter(action="mentoring.testimonial.saved").order_by("id")
    assert [e.data["name_consent"] for e in entries] == ["given_now", "on_file"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"consent": ""}, "only with the person&#x27;s consent"),
        ({"consent_on": "2999-01-01"}, "date to come"),
        ({"quote": "  "}, "This field is required"),
        ({"who": "someone"}, "Select a valid choice"),
    ],
)
def test_a_bad_testimonial_is_refused(login, mentorship, change, message):
    data = {
        "who": "mentee",
        "quote": "Words.",
        "attribution": "description",
        "consent": "on",
        "consent_on": "2023-05-01",
        **change,
    }
    response = login("staff").post(
        f"/mentoring/mentorships/{mentorship.code}/testimonials/new/",
        {k: v for k, v in data.items() if v != ""},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not mentoring_models.Testimonial.objects.exists() and actions(mentorship) == []


def test_staff_withdraw_a_testimonial_and_its_words_are_gone(login, mentorship, testimonial):
    client = login("staff")
    url = f"/mentoring/mentorships/{mentorship.code}/testimonials/{testimonial.code}/withdraw/"
    assert "It changed how I write." in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not mentoring_models.Testimonial.objects.exists()
    assert actions(mentorship) == ["mentoring.testimonial.withdrawn"]
    entry = AuditEntry.objects.get(action="mentoring.testimonial.withdrawn")
    assert "It changed" not in str(entry.data)


def test_a_testimonial_of_someone_outside_the_pair_is_not_found(login, mentorship):
    stranger = mentoring_models.Testimonial.objects.create(
        person=PersonFactory(), quote="Other words.", attribution="description",
        consent_at=timezone.now(),
    )  # fmt: skip
    url = f"/mentoring/mentorships/{mentorship.code}/testimonials/{stranger.code}/withdraw/"
    assert login("staff").post(url).status_code == 404
    assert mentoring_models.Testimonial.objects.filter(pk=stranger.pk).exists()


def test_editing_keeps_a_paper_link_the_editor_cannot_see(login, personas, mentorship, milestone):
    hidden = draft_by(personas, personas["young_expert"].person, title="Mentee's own draft")
    Milestone.objects.filter(pk=milestone.pk).update(paper=hidden)
    response = login("mentor").post(
        f"/mentoring/milestones/{milestone.code}/edit/",
        {"title": "Outline, renamed", "due_on": "2023-03-01"},
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.title, milestone.paper) == ("Outline, renamed", hidden)
    # Staff, who see the paper, may take the link away.
    login("staff").post(
        f"/mentoring/milestones/{milestone.code}/edit/",
        {"title": "Outline", "due_on": "2023-03-01"},
    )
    milestone.refresh_from_db()
    assert milestone.paper is None


def test_a_withdrawn_earlier_mentor_is_not_named_to_the_pair(
    login, personas, mentorship, other_mentor
):
    from kenesh.people.services import withdraw_person

    mentorship_services.change_mentor(
        mentorship=mentorship,
        by=personas["staff"],
        mentor=other_mentor.person,
        reason="Moved abroad.",
    )
    withdraw_person(person=personas["mentor"].person, by=personas["staff"])
    url = f"/mentoring/mentorships/{mentorship.code}/"
    mentee = login("young_expert").get(url).content.decode()
    assert 'data-testid="mentor-changes"' in mentee
    assert "Наставник Тестов" not in mentee
    assert "Наставник Тестов" in login("staff").get(url).content.decode()
