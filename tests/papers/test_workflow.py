"""The review workflow: every move by every role, from every state."""

import pytest
from django.core import mail

from kenesh.papers.models import PaperEvent, Status
from tests.papers.conftest import advance, assign, reviewers

ROLES = ["staff", "young_expert", "expert", "mentor", "observer"]
# move -> the roles that may make it (the authors are the young expert and the expert)
WHO = {
    "submit": {"staff", "young_expert", "expert"},
    "withdraw": {"staff", "young_expert", "expert"},
    "start_review": {"staff"},
    "request_revisions": {"staff"},
    "approve": {"staff"},
    "publish": {"staff"},
}
# status -> the moves that are valid from it
VALID = {
    "draft": {"submit"},
    "submitted": {"start_review", "withdraw"},
    "in_review": {"request_revisions", "approve"},
    "revisions": {"submit"},
    "approved": {"publish", "request_revisions"},
}


@pytest.mark.parametrize("status", list(VALID))
@pytest.mark.parametrize("action", list(WHO))
@pytest.mark.parametrize("role", ROLES)
def test_every_move_from_every_state_by_every_role(login, personas, paper, status, action, role):
    if status != "draft":
        advance(paper, personas, status)
    if status == "submitted":  # reviewers are a precondition of starting the review
        assign(paper, personas)
    if status == "approved" or (status == "in_review" and action == "approve"):
        for review in paper.reviews.all():
            review.verdict, review.submitted_at = (
                "approve",
                review.submitted_at or paper.submitted_at,
            )
            review.save()
    before = paper.status
    from kenesh.papers.models import PolicyPaper

    knows = PolicyPaper.objects.visible_to(personas[role]).filter(pk=paper.pk).exists()
    response = login(role).post(f"/papers/{paper.code}/move/", {"action": action})
    paper.refresh_from_db()
    if not knows:
        # Who may not know an unpublished paper exists gets 404, whatever the move.
        assert role in {"observer", "mentor"}
        expected = 404
    elif role not in WHO[action]:
        expected = 403
    elif action not in VALID[status]:
        expected = 409
    else:
        expected = 302
    if expected is not None:
        assert response.status_code == expected, response.content.decode()[:300]
    if expected == 302:
        assert paper.status != before
        assert PaperEvent.objects.filter(paper=paper, from_status=before).exists()
    else:
        assert paper.status == before


def test_review_needs_a_mentor_and_a_peer(login, personas, paper):
    advance(paper, personas, "submitted")
    response = login("staff").post(f"/papers/{paper.code}/move/", {"action": "start_review"})
    assert response.status_code == 409
    assert "mentor and a peer" in response.content.decode()


def test_approval_needs_every_review(login, personas, paper):
    advance(paper, personas, "in_review")
    response = login("staff").post(f"/papers/{paper.code}/move/", {"action": "approve"})
    assert response.status_code == 409 and "must submit a review" in response.content.decode()


def test_authors_cannot_review_their_own_paper(login, personas, paper):
    advance(paper, personas, "submitted")
    mentor, _staff = reviewers(personas)
    response = login("staff").post(
        f"/papers/{paper.code}/reviewers/",
        {"mentor": mentor.pk, "peer": personas["expert"].person.pk},
    )
    assert response.status_code == 200
    assert "is an author of this paper (co-author), so cannot review it" in (
        response.content.decode()
    )
    assert not paper.reviews.exists()


def test_reviewers_write_reviews_and_authors_read_them(login, personas, paper):
    advance(paper, personas, "in_review")
    client = login("mentor")
    page = client.get(f"/papers/{paper.code}/review/?kind=mentor")
    assert page.status_code == 200
    client.post(
        f"/papers/{paper.code}/review/",
        {"kind": "mentor", "verdict": "revise", "comments": "Tie each recommendation to evidence."},
    )
    review = paper.reviews.get(kind="mentor")
    assert review.verdict == "revise" and review.version.number == 1
    author_view = login("young_expert").get(f"/papers/{paper.code}/").content.decode()
    assert "Tie each recommendation to evidence." in author_view
    assert login("expert").get(f"/papers/{paper.code}/review/?kind=mentor").status_code == 403


def test_every_move_is_notified_by_email(personas, paper, django_capture_on_commit_callbacks):
    from kenesh.papers import services

    with django_capture_on_commit_callbacks(execute=True):
        services.move(paper=paper, action="submit", by=personas["young_expert"])
    recipients = {m.to[0] for m in mail.outbox}
    assert personas["young_expert"].person.email in recipients
    assert any("submitted" in m.subject for m in mail.outbox)


def test_published_public_paper_has_a_public_page_and_a_pdf(login, client, personas, paper):
    assert client.get(f"/papers/public/{paper.code}/").status_code == 404
    advance(paper, personas, "published")
    assert paper.status == Status.PUBLISHED and paper.published_at
    page = client.get(f"/papers/public/{paper.code}/")
    assert page.status_code == 200 and "First draft." in page.content.decode()
    pdf = login("observer").get(f"/papers/{paper.code}/paper.pdf")
    if pdf.status_code == 503:
        pytest.skip("WeasyPrint cannot find Pango on this machine")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_programme_papers_stay_inside(login, client, personas, paper):
    paper.visibility = "programme"
    paper.save()
    advance(paper, personas, "published")
    assert client.get(f"/papers/public/{paper.code}/").status_code == 404
    assert login("observer").get(f"/papers/{paper.code}/").status_code == 404
    assert login("mentor").get(f"/papers/{paper.code}/").status_code == 200


def offered(client, paper) -> set[str]:
    page = client.get(f"/papers/{paper.code}/").content.decode()
    return {name for name in WHO if f'data-testid="move-{name}"' in page}


def accepted(client, paper) -> set[str]:
    """The moves the server would take now (each tried, then undone)."""
    from django.db import transaction

    moves = set()
    for name in WHO:
        with transaction.atomic():
            response = client.post(f"/papers/{paper.code}/move/", {"action": name})
            transaction.set_rollback(True)
        if response.status_code == 302:
            moves.add(name)
    return moves


@pytest.mark.parametrize(
    "state",
    ["draft", "empty draft", "submitted", "submitted with reviewers", "in_review", "reviewed"],
)
@pytest.mark.parametrize("role", ["staff", "young_expert"])
def test_a_button_is_offered_exactly_when_the_step_would_be_taken(
    login, personas, paper, state, role
):
    if state == "empty draft":
        paper.versions.update(body="")
    elif state.startswith("submitted"):
        advance(paper, personas, "submitted")
        if state.endswith("reviewers"):
            assign(paper, personas)
    elif state in {"in_review", "reviewed"}:
        advance(paper, personas, "in_review")
        if state == "reviewed":
            from kenesh.papers import services

            for review in paper.reviews.all():
                services.submit_review(
                    review=review, verdict="approve", comments="Fine.", by=review.reviewer
                )
    client = login(role)
    assert offered(client, paper) == accepted(client, paper)


@pytest.mark.parametrize(
    ("state", "move", "reason"),
    [
        ("empty", "submit", "The draft has no text yet"),
        ("submitted", "start_review", "Assign a mentor and a peer reviewer first."),
        ("in_review", "approve", "Every assigned reviewer must submit a review first."),
    ],
)
def test_staff_read_why_a_step_is_not_offered(login, personas, paper, state, move, reason):
    if state == "empty":
        paper.versions.update(body="")
    else:
        advance(paper, personas, state)
    page = login("staff").get(f"/papers/{paper.code}/").content.decode()
    assert f'data-testid="move-{move}"' not in page
    assert f'data-testid="withheld-{move}"' in page and reason in page
    # Readers who could never take the step are not told about it.
    outsider = login("mentor").get(f"/papers/{paper.code}/")
    assert outsider.status_code == 404 or reason not in outsider.content.decode()


@pytest.mark.parametrize("action", ["", "jump", "publish_now", "x" * 500])
def test_an_unknown_step_is_a_bad_request(login, paper, action):
    response = login("young_expert").post(f"/papers/{paper.code}/move/", {"action": action})
    assert response.status_code == 400 and "Unknown step." in response.content.decode()
    paper.refresh_from_db()
    assert paper.status == "draft"


def test_an_altered_draft_form_is_a_bad_request(login, paper):
    response = login("young_expert").post(
        f"/papers/{paper.code}/edit/", {"body": "Text", "base": "one"}
    )
    assert response.status_code == 400 and "open the draft again" in response.content.decode()
    assert paper.versions.count() == 1


def test_the_paper_s_mentor_is_told_why_they_cannot_review_it(login, personas):
    from kenesh.papers import services
    from kenesh.papers.models import AuthorRole

    mentored = services.create_paper(
        by=personas["staff"],
        authors=[
            (personas["young_expert"].person, AuthorRole.LEAD),
            (personas["mentor"].person, AuthorRole.MENTOR),
        ],
        title="A mentored paper (fictional)",
        body="Text.",
        language="en",
    )
    services.move(paper=mentored, action="submit", by=personas["young_expert"])
    client = login("staff")
    form = client.get(f"/papers/{mentored.code}/reviewers/").content.decode()
    assert "Наставник Тестов (author of this paper)" in form
    _mentor, peer = reviewers(personas)
    response = client.post(
        f"/papers/{mentored.code}/reviewers/",
        {"mentor": personas["mentor"].person.pk, "peer": peer.pk},
    )
    assert response.status_code == 200
    assert (
        "Наставник Тестов is an author of this paper (mentor), so cannot review it"
        in response.content.decode()
    )
    assert not mentored.reviews.exists()


def test_a_reviewer_without_an_account_is_listed_and_must_be_invited_first(login, personas, paper):
    from tests.factories import PersonFactory

    advance(paper, personas, "submitted")
    newcomer = PersonFactory(name="Без Аккаунта", name_latin="Bez Akkaunta", user=None)
    client = login("staff")
    form = client.get(f"/papers/{paper.code}/reviewers/").content.decode()
    assert "Без Аккаунта (no account yet: invite first)" in form
    mentor, _staff = reviewers(personas)
    response = client.post(
        f"/papers/{paper.code}/reviewers/", {"mentor": mentor.pk, "peer": newcomer.pk}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Без Аккаунта has no account on the platform yet" in page and "Invite them first" in page
    assert not paper.reviews.exists()


@pytest.mark.parametrize(
    ("mentor", "peer", "field", "message"),
    [
        ("mentor", "mentor", "peer", "must be two people"),
        ("mentor", "observer", "peer", "observers do not review papers"),
        ("mentor", "inactive", "peer", "account is switched off"),
    ],
)
def test_reviewer_refusals_say_why(login, personas, paper, mentor, peer, field, message):
    from kenesh.access.models import User
    from tests.factories import PersonFactory

    advance(paper, personas, "submitted")
    people = {"mentor": personas["mentor"].person, "staff": reviewers(personas)[1]}
    people["observer"] = PersonFactory(user=personas["observer"])
    people["inactive"] = PersonFactory(
        user=User.objects.create_user(username="gone", role="expert", is_active=False)
    )
    response = login("staff").post(
        f"/papers/{paper.code}/reviewers/",
        {"mentor": people[mentor].pk, "peer": people[peer].pk},
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not paper.reviews.exists()


@pytest.mark.parametrize("value", ["abc", "999999999", "", "not a mentor"])
def test_unknown_reviewers_are_refused(login, personas, paper, value):
    advance(paper, personas, "submitted")
    mentor, peer = reviewers(personas)
    if value == "not a mentor":
        # The mentor review is a mentor's: an expert is not offered, so not accepted.
        mentor, value = personas["expert"].person, peer.pk
    response = login("staff").post(
        f"/papers/{paper.code}/reviewers/", {"mentor": mentor.pk, "peer": value}
    )
    assert response.status_code == (200 if value == "" else 400)
    assert 'class="error"' in response.content.decode()
    assert not paper.reviews.exists()


def test_reviewers_are_asked_by_email_when_assigned(
    login, personas, paper, django_capture_on_commit_callbacks
):
    advance(paper, personas, "submitted")
    mentor, peer = reviewers(personas)
    personas["mentor"].email = "mentor@example.org"
    personas["mentor"].save()
    client = login("staff")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/papers/{paper.code}/reviewers/", {"mentor": mentor.pk, "peer": peer.pk}
        )
    assert response.status_code == 302
    asked = {message.to[0]: message for message in mail.outbox}
    # The login's address first, the roster's contact address otherwise.
    assert set(asked) == {"mentor@example.org", peer.email}
    letter = asked["mentor@example.org"]
    assert "Sharing river data (fictional)" in letter.subject
    assert f"http://testserver/papers/{paper.code}/review/?kind=mentor" in letter.body
    assert "mentor review" in letter.body
    # Assigning the same people again asks no one twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/papers/{paper.code}/reviewers/", {"mentor": mentor.pk, "peer": peer.pk})
    assert mail.outbox == []


def test_staff_are_told_when_a_reviewer_cannot_be_emailed(
    login, personas, paper, django_capture_on_commit_callbacks
):
    from kenesh.access.models import User
    from tests.factories import PersonFactory

    advance(paper, personas, "submitted")
    mentor, _staff = reviewers(personas)
    silent = PersonFactory(
        name="Без Почты", user=User.objects.create_user(username="silent", role="expert"), email=""
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = login("staff").post(
            f"/papers/{paper.code}/reviewers/",
            {"mentor": mentor.pk, "peer": silent.pk},
            follow=True,
        )
    assert "Без Почты has no e-mail address on the platform" in response.content.decode()
    assert [message.to for message in mail.outbox] == [[mentor.email]]


def test_a_review_of_an_unknown_kind_is_not_found(login, personas, paper):
    advance(paper, personas, "in_review")
    assert login("mentor").get(f"/papers/{paper.code}/review/?kind=bogus").status_code == 404
    response = login("mentor").post(
        f"/papers/{paper.code}/review/", {"kind": "peer", "verdict": "approve", "comments": "x"}
    )
    assert response.status_code == 404


def test_reviewers_are_assigned_once_the_paper_is_submitted(login, personas, paper):
    mentor, peer = reviewers(personas)
    response = login("staff").post(
        f"/papers/{paper.code}/reviewers/", {"mentor": mentor.pk, "peer": peer.pk}
    )
    assert response.status_code == 200
    assert "Reviewers are assigned to a paper submitted or in review." in response.content.decode()
    assert not paper.reviews.exists()
