"""A paper from draft to published, by its young lead author and programme staff."""

import pytest

from kenesh.demo.loader import DEMO_PASSWORD
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_a_paper_goes_from_draft_to_published(browser, demo_site):
    from kenesh.access.models import User
    from kenesh.papers import services
    from kenesh.papers.models import PolicyPaper

    draft = PolicyPaper.objects.get(status="draft", title__endswith="(fictional)")
    author = draft.authorships.get(role="lead").person
    author_user = User.objects.create_user(username="lead", password=DEMO_PASSWORD, role="expert")
    author.user = author_user
    author.save()

    young_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    young = young_ctx.new_page()
    sign_in(young, demo_site, "lead")
    young.goto(f"{demo_site}/papers/{draft.code}/")
    young.click("[data-testid=edit]")
    young.fill(
        "textarea[name=body]",
        "# Women mediators\n\n*Fictional.* A revised draft with <script>x</script>.",
    )
    young.fill("input[name=note]", "Tighter argument")
    young.click("[data-testid=save]")
    young.wait_for_selector("text=A new version was saved.")
    assert "<script>" not in young.inner_html("[data-testid=paper-body]")
    young.click("[data-testid=move-submit]")
    young.wait_for_selector("[data-testid=paper-status]:has-text('Submitted')")

    staff_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    staff = staff_ctx.new_page()
    sign_in(staff, demo_site, "staff")
    staff.goto(f"{demo_site}/papers/{draft.code}/")
    staff.click("[data-testid=assign]")
    # Reviewers are people of the roster (here the demo mentor's and expert's records).
    mentor = User.objects.get(username="mentor").person
    peer = User.objects.get(username="expert").person
    staff.select_option("select[name=mentor]", value=str(mentor.pk))
    staff.select_option("select[name=peer]", value=str(peer.pk))
    staff.click("button.primary")
    staff.click("[data-testid=move-start_review]")
    staff.wait_for_selector("[data-testid=paper-status]:has-text('In review')")
    # The two reviewers' reviews (their own pages are tested elsewhere).
    for review in PolicyPaper.objects.get(pk=draft.pk).reviews.all():
        services.submit_review(
            review=review, verdict="approve", comments="Ready.", by=review.reviewer
        )
    staff.reload()
    staff.click("[data-testid=move-approve]")
    staff.wait_for_selector("[data-testid=paper-status]:has-text('Approved')")
    staff.click("[data-testid=move-publish]")
    staff.wait_for_selector("[data-testid=paper-status]:has-text('Published')")
    screenshot(staff, "paper-published-staff-en")

    young.goto(f"{demo_site}/papers/{draft.code}/")
    assert young.locator("[data-testid=paper-status]").inner_text() == "Published"
    assert young.locator("[data-testid=edit]").count() == 0  # published papers are not edited
    young.click("[data-testid=lang-ru]")
    young.wait_for_selector("html[lang=ru]")
    assert young.locator("[data-testid=paper-status]").inner_text() == "Опубликован"
    screenshot(young, "paper-published-author-ru")
    young_ctx.close()
    staff_ctx.close()
