"""A participant votes through ten statements; a submitted statement appears after
moderation."""

import re

import pytest

from kenesh.demo.loader import DEMO_PASSWORD
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{base}/")


def test_a_participant_votes_ten_statements_and_a_statement_is_moderated_in(browser, demo_site):
    from kenesh.deliberation.models import Conversation, Vote

    water = Conversation.objects.get(anonymity="named")
    expert_ctx = browser.new_context(viewport={"width": 414, "height": 860})  # a phone
    page = expert_ctx.new_page()
    sign_in(page, demo_site, "young")
    page.goto(f"{demo_site}/deliberation/{water.code}/")
    page.click("[data-testid=take-part]")
    page.wait_for_selector("[data-testid=statement-text]")
    page.evaluate("() => { window.__samePage = true; }")
    seen = []
    for i in range(10):
        text = page.inner_text("[data-testid=statement-text]")
        seen.append(text)
        if i % 3 == 2:
            page.keyboard.press("d")  # the keyboard works too
        else:
            page.click(["[data-testid=agree]", "[data-testid=pass]"][i % 3])
        page.wait_for_function(
            "t => { const e = document.querySelector('[data-testid=statement-text]');"
            " return !e || e.innerText !== t; }",
            arg=text,
        )
    assert page.evaluate("() => window.__samePage === true"), "votes were saved without reloads"
    assert len(set(seen)) == 10
    assert Vote.objects.filter(participant__person__user__username="young").count() == 10
    screenshot(page, "vote-young-phone-en")

    page.fill("textarea[name=text]", "Fictional: border villages should share one clinic.")
    page.click("[data-testid=statement-form] button[type=submit]")
    page.wait_for_selector("text=will appear after moderation")

    staff_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    staff = staff_ctx.new_page()
    sign_in(staff, demo_site, "staff")
    staff.goto(f"{demo_site}/deliberation/{water.code}/statements/")
    card = staff.locator("[data-testid=pending]", has_text="share one clinic")
    card.locator("button[value=accept]").click()
    staff.wait_for_selector("text=The moderation was recorded.")

    page.goto(f"{demo_site}/deliberation/{water.code}/")
    assert "Fictional: border villages should share one clinic." in page.inner_text("body")
    page.click("[data-testid=lang-ru]")
    page.wait_for_selector("html[lang=ru]")
    page.goto(f"{demo_site}/deliberation/{water.code}/results/")
    assert page.locator("[data-testid=group]").count() >= 2
    assert page.locator("[data-testid=consensus]").count() >= 1
    assert re.search(r"Группа", page.inner_text("body"))
    screenshot(page, "results-young-phone-ru")
    expert_ctx.close()
    staff_ctx.close()
