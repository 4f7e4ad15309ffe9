"""The review workflow: every move by every role, from every state."""

import pytest
from django.core import mail

from kenesh.papers.models import PaperEvent, Status
from tests.papers.conftest import advance

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
        from kenesh.papers import services

        services.assign_reviewers(
            paper=paper, mentor=personas["mentor"], peer=personas["staff"], by=personas["staff"]
        )
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
    response = login("staff").post(
        f"/papers/{paper.code}/reviewers/",
        {"mentor": personas["mentor"].pk, "peer": personas["expert"].pk},
    )
    assert "cannot review their own paper" in response.content.decode()
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
