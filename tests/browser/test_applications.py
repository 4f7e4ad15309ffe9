"""Someone with no account applies to the open call; a reviewer scores the application."""

import pytest

from kenesh.demo.loader import DEMO_PASSWORD
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n% fictional\n%%EOF\n"


def test_apply_without_an_account_then_a_reviewer_scores(browser, demo_site, tmp_path, settings):
    from kenesh.mentoring.models import Application, Call, Review

    settings.MEDIA_ROOT = tmp_path / "media"
    call = Call.objects.get()
    cv, sample = tmp_path / "cv.pdf", tmp_path / "sample.pdf"
    cv.write_bytes(PDF)
    sample.write_bytes(PDF)

    visitor_ctx = browser.new_context(viewport={"width": 414, "height": 900})
    visitor = visitor_ctx.new_page()
    visitor.goto(f"{demo_site}/mentoring/apply/{call.code}/")
    visitor.fill("input[name=name]", "Fictional Newcomer")
    visitor.fill("input[name=email]", "newcomer@example.org")
    visitor.select_option("select[name=country]", "TJ")
    visitor.select_option("select[name=gender]", "female")
    visitor.select_option("select[name=sector]", "civil_society")
    visitor.fill("input[name=birth_year]", "1999")
    visitor.check("input[name=languages][value=ru]")
    visitor.fill("textarea[name=motivation]", "Fictional motivation.")
    visitor.set_input_files("input[name=cv]", str(cv))
    visitor.set_input_files("input[name=writing_sample]", str(sample))
    # Without consent, nothing is kept and the form says why.
    visitor.click("[data-testid=apply]")
    visitor.wait_for_selector("text=cannot be processed without your consent")
    assert not Application.objects.filter(email="newcomer@example.org").exists()
    visitor.set_input_files("input[name=cv]", str(cv))
    visitor.set_input_files("input[name=writing_sample]", str(sample))
    visitor.check("input[name=consent]")
    visitor.click("[data-testid=apply]")
    visitor.wait_for_selector("[data-testid=applied]")
    screenshot(visitor, "application-sent-phone-en")
    application = Application.objects.get(email="newcomer@example.org")

    reviewer_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    reviewer = reviewer_ctx.new_page()
    reviewer.goto(f"{demo_site}/login/")
    reviewer.fill("input[name=username]", "mentor")
    reviewer.fill("input[name=password]", DEMO_PASSWORD)
    reviewer.click("button.primary")
    reviewer.goto(f"{demo_site}/mentoring/applications/{application.code}/")
    for key in ("analysis", "motivation", "writing", "potential"):
        reviewer.fill(f"input[name=score_{key}]", "4")
    reviewer.fill("textarea[name=comment]", "Promising. (fictional)")
    reviewer.click("[data-testid=save-review]")
    reviewer.wait_for_selector("[data-testid=ranking]")
    review = Review.objects.get(application=application, reviewer__username="mentor")
    assert review.scores == {"analysis": 4, "motivation": 4, "writing": 4, "potential": 4}
    assert "Fictional Newcomer" in reviewer.inner_text("[data-testid=ranking]")
    screenshot(reviewer, "ranking-mentor-en")
    visitor_ctx.close()
    reviewer_ctx.close()
