"""Each demo role in a real browser: sign in, use the roster, switch to Russian."""

import re

import pytest

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("username", ["admin", "staff", "mentor", "expert", "young"])
def test_member_filters_the_roster_and_reads_it_in_russian(page, demo_site, username):
    sign_in(page, demo_site, username)
    assert page.locator("[data-testid=demo-banner]").is_visible()
    page.click("nav.mainnav >> text=Roster")
    count = page.locator("[data-testid=roster-count]")
    everyone = int(re.match(r"\d+", count.inner_text()).group())
    # Filtering updates the results in place (htmx) and the address keeps the filter.
    page.select_option("select[name=country]", "TJ")
    page.wait_for_url(re.compile(r"country=TJ"))
    page.wait_for_function(
        "n => !document.querySelector('[data-testid=roster-count]').innerText.startsWith(n)",
        arg=str(everyone),
    )
    tajik = int(re.match(r"\d+", count.inner_text()).group())
    assert 0 < tajik < everyone
    assert set(page.locator("table.roster tbody td:nth-child(2)").all_inner_texts()) == {
        "Tajikistan"
    }
    page.fill("input[name=q]", "zzzz-nobody")
    page.wait_for_selector("text=No one matches these filters.")
    screenshot(page, f"roster-{username}-en")

    page.click("[data-testid=lang-ru]")
    page.wait_for_selector("html[lang=ru]")
    assert page.locator("h1").inner_text() == "Реестр экспертов"
    page.fill("input[name=q]", "")
    page.select_option("select[name=track]", "emergent")
    page.wait_for_url(re.compile(r"track=emergent"))
    page.wait_for_selector("table.roster")
    tracks = set(page.locator("table.roster tbody td:nth-child(5)").all_inner_texts())
    assert tracks == {"Молодой (начинающий) эксперт"}
    screenshot(page, f"roster-{username}-ru")


def test_donor_sees_aggregates_and_no_names(page, demo_site):
    from kenesh.people.models import Person

    names = [n for pair in Person.objects.values_list("name", "name_latin") for n in pair]
    sign_in(page, demo_site, "donor")
    assert page.locator("nav.mainnav >> text=Roster").count() == 0
    page.goto(f"{demo_site}/people/")
    assert "Not allowed" in page.content()
    page.goto(f"{demo_site}/people/diversity/")
    page.wait_for_selector("#diversity-chart svg[role=img] rect")
    assert page.locator("#diversity-chart svg > title").text_content(), "the chart has its title"
    text = page.inner_text("body")
    assert "55 experts from 5 countries" in text
    assert not [n for n in names if n in text]
    screenshot(page, "diversity-donor-en")
    page.click("[data-testid=lang-ru]")
    page.wait_for_selector("html[lang=ru]")
    assert "55 экспертов" in page.inner_text("body")
    screenshot(page, "diversity-donor-ru")


def test_expert_edits_own_profile_with_a_bad_email(page, demo_site):
    sign_in(page, demo_site, "young")
    page.click("nav.mainnav >> text=My profile")
    page.click("text=Edit my profile")
    page.fill("input[name=email]", "not-an-email")
    page.click("button.primary")
    assert page.locator(".has-error .error").first.is_visible()
    page.fill("input[name=email]", "young.expert@example.org")
    page.click("button.primary")
    page.wait_for_selector("text=Your profile was saved.")
    assert "young.expert@example.org" in page.inner_text("[data-testid=contacts]")
    screenshot(page, "profile-young-en")
