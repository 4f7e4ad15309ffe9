"""A facilitator releases an inject; a player's open page shows it without a reload."""

import pytest

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_facilitator_releases_an_inject_that_players_see_live(browser, demo_site):
    from kenesh.convenings.models import Convening

    simulation = Convening.objects.get(kind="simulation", title__startswith="Simulation")
    play_url = f"{demo_site}/convenings/{simulation.code}/simulation/"

    player_context = browser.new_context(viewport={"width": 1280, "height": 900})
    player = player_context.new_page()
    sign_in(player, demo_site, "young")
    player.goto(play_url)
    player.wait_for_selector("[data-testid=inject-4]")
    assert player.locator("[data-testid=inject-5]").count() == 0
    # Mark the page: a reload would lose the mark.
    player.evaluate("() => { window.__stillTheSamePage = true; }")

    lead_context = browser.new_context(viewport={"width": 1280, "height": 900})
    lead = lead_context.new_page()
    sign_in(lead, demo_site, "mentor")  # the demo mentor facilitates the exercise
    lead.goto(f"{demo_site}/convenings/{simulation.code}/simulation/console/")
    lead.click("[data-testid=release-5]")
    lead.wait_for_selector("[data-testid=released-5]")
    screenshot(lead, "simulation-console-en")

    player.wait_for_selector("[data-testid=inject-5]", timeout=15_000)
    assert player.evaluate("() => window.__stillTheSamePage === true")
    assert "Power cuts in the capital" in player.inner_text("[data-testid=injects]")
    screenshot(player, "simulation-player-en")
    player_context.close()
    lead_context.close()
