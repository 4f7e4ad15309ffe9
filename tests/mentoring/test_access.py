"""Who opens which mentoring page: one matrix, built from the URL resolver, so a new
page without a row fails here before anyone can open it."""

import datetime

import pytest
from django.urls import get_resolver

from kenesh.mentoring import services
from kenesh.mentoring.models import Mentorship, PendingApplication
from kenesh.mentoring.rules import replacement_token
from tests.mentoring.test_reviews_and_mentorships import applicant

ROLES = ("anonymous", "staff", "mentor", "expert", "young_expert", "observer")
LOGIN = 302  # anonymous visitors are sent to sign in

# URL name -> expected status per role, in the order of ROLES.
MATRIX = {
    "home": (LOGIN, 200, 200, 200, 200, 403),
    "apply": (200, 200, 200, 200, 200, 200),
    "applied": (200, 200, 200, 200, 200, 200),
    "apply-confirm": (200, 200, 200, 200, 200, 200),
    "call": (LOGIN, 200, 200, 403, 403, 403),
    "selection": (LOGIN, 200, 403, 403, 403, 403),
    "pairing": (LOGIN, 200, 403, 403, 403, 403),
    "growth": (LOGIN, 200, 200, 403, 403, 403),
    # The call editor is staff's; opening and closing take only a POST.
    "call-create": (LOGIN, 200, 403, 403, 403, 403),
    "call-edit": (LOGIN, 200, 403, 403, 403, 403),
    "call-open": (LOGIN, 405, 403, 403, 403, 403),
    "call-close": (LOGIN, 405, 403, 403, 403, 403),
    "review": (LOGIN, 200, 200, 403, 403, 403),
    "application-file": (LOGIN, 200, 200, 403, 403, 403),
    # Only the pair and staff know a mentorship exists.
    "mentorship": (LOGIN, 200, 200, 404, 200, 403),
    # Its editors: staff and the pair's mentor keep the plan (the mentee reads it) ...
    "milestone-create": (LOGIN, 200, 200, 404, 403, 403),
    "milestone-edit": (LOGIN, 200, 200, 404, 403, 403),
    "milestone-done": (LOGIN, 200, 200, 404, 403, 403),
    "milestone-remove": (LOGIN, 200, 200, 404, 403, 403),
    "mentorship-plan": (LOGIN, 200, 200, 404, 403, 403),
    # ... and only staff change the pair and keep testimonials.
    "mentorship-mentor": (LOGIN, 200, 403, 403, 403, 403),
    "testimonial-create": (LOGIN, 200, 403, 403, 403, 403),
    "testimonial-withdraw": (LOGIN, 200, 403, 403, 403, 403),
}


@pytest.fixture
def urls(personas, call, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application = applicant(call, "matrix")
    pending = PendingApplication(application=application)
    for field in PendingApplication.CONTENT_FIELDS:
        setattr(pending, field, getattr(application, field))
    pending.save()
    mentorship = Mentorship.objects.create(
        mentor=personas["mentor"].person,
        mentee=personas["young_expert"].person,
        started_on=datetime.date(2023, 1, 1),
    )
    return {
        "home": "/mentoring/",
        "apply": f"/mentoring/apply/{call.code}/",
        "applied": f"/mentoring/apply/{call.code}/thanks/",
        "apply-confirm": f"/mentoring/apply/confirm/{replacement_token(pending)}/",
        "call": f"/mentoring/calls/{call.code}/",
        "selection": f"/mentoring/calls/{call.code}/selection/",
        "pairing": f"/mentoring/calls/{call.code}/pairing/",
        "growth": f"/mentoring/calls/{call.code}/growth/",
        "call-create": "/mentoring/calls/new/",
        "call-edit": f"/mentoring/calls/{call.code}/edit/",
        "call-open": f"/mentoring/calls/{call.code}/open/",
        "call-close": f"/mentoring/calls/{call.code}/close/",
        "review": f"/mentoring/applications/{application.code}/",
        "application-file": f"/mentoring/applications/{application.code}/cv/",
        "mentorship": f"/mentoring/mentorships/{mentorship.code}/",
        **editor_urls(mentorship),
    }


def editor_urls(mentorship) -> dict:
    from django.utils import timezone

    from kenesh.mentoring import models

    step = models.Milestone.objects.create(
        mentorship=mentorship, title="Outline", due_on=datetime.date(2023, 3, 1)
    )
    quote = models.Testimonial.objects.create(
        person=mentorship.mentee,
        quote="Words.",
        attribution="description",
        consent_at=timezone.now(),
    )
    pair = f"/mentoring/mentorships/{mentorship.code}"
    return {
        "milestone-create": f"{pair}/milestones/new/",
        "milestone-edit": f"/mentoring/milestones/{step.code}/edit/",
        "milestone-done": f"/mentoring/milestones/{step.code}/done/",
        "milestone-remove": f"/mentoring/milestones/{step.code}/remove/",
        "mentorship-plan": f"{pair}/plan/",
        "mentorship-mentor": f"{pair}/mentor/",
        "testimonial-create": f"{pair}/testimonials/new/",
        "testimonial-withdraw": f"{pair}/testimonials/{quote.code}/withdraw/",
    }


def test_every_mentoring_page_has_a_row():
    resolver = get_resolver()
    names = {
        name
        for name, _pattern in resolver.namespace_dict["mentoring"][1].reverse_dict.items()
        if isinstance(name, str)
    }
    assert names == set(MATRIX)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_who_opens_what(login, urls, name):
    got = tuple(
        login(None if role == "anonymous" else role).get(urls[name]).status_code for role in ROLES
    )
    assert got == MATRIX[name], dict(zip(ROLES, got, strict=True))


def test_unknown_codes_are_not_found(login, personas):
    staff = login("staff")
    unknown = "00000000-0000-0000-0000-000000000000"
    for path in (
        f"/mentoring/apply/{unknown}/",
        f"/mentoring/calls/{unknown}/",
        f"/mentoring/calls/{unknown}/selection/",
        f"/mentoring/applications/{unknown}/",
        f"/mentoring/applications/{unknown}/cv/",
        f"/mentoring/mentorships/{unknown}/",
    ):
        assert staff.get(path).status_code == 404, path
        assert staff.post(path, {"confirm": "1"}).status_code == 404, path


def test_a_conflict_hides_the_application_from_that_reviewer_only(login, personas, urls, call):
    application = call.applications.get()
    services.review(
        application=application, by=personas["mentor"], scores={}, comment="", conflict=True
    )
    assert login("mentor").get(urls["review"]).status_code == 404
    assert login("mentor").get(urls["application-file"]).status_code == 404
    assert login("staff").get(urls["application-file"]).status_code == 200
