"""On a phone-sized screen (375 px wide), with the keyboard alone: the main menu opens
from its button and closes with Escape, and a table too wide for the screen takes the
focus, so that the arrow keys scroll it (issue 14, WCAG 2.1.1 and 2.4.7)."""

import pytest

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}


def tab_to(page, selector: str, most: int) -> int:
    """Press Tab until the focus is on ``selector``; how many presses it took."""
    for presses in range(1, most + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} not reached in {most} presses of Tab")


def test_the_menu_opens_and_closes_from_the_keyboard_on_a_phone(page, demo_site):
    page.set_viewport_size(PHONE)
    sign_in(page, demo_site, "staff")
    page.click("[data-testid=lang-ru]")
    page.wait_for_selector("html[lang=ru]")
    toggle = page.locator("button.nav-toggle")
    menu = page.locator("nav#mainnav")
    assert toggle.is_visible() and not menu.is_visible()
    # The skip link, the brand, then the menu's button.
    assert tab_to(page, "button.nav-toggle", most=3) <= 3
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true" and menu.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('nav#mainnav') !== null")
    screenshot(page, "menu-open-375-ru")
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false" and not menu.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('nav-toggle')")
    # Space opens it as well: it is a button.
    page.keyboard.press(" ")
    assert menu.is_visible()


def test_a_wide_table_takes_the_focus_and_scrolls_with_the_arrows(page, demo_site):
    page.set_viewport_size(PHONE)
    sign_in(page, demo_site, "staff")
    page.goto(f"{demo_site}/people/")
    region = page.locator("div.table-wrap[role=region]").first
    assert region.evaluate("r => r.scrollWidth > r.clientWidth"), "the roster should scroll"
    tab_to(page, "div.table-wrap[role=region]", most=60)
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")
    screenshot(page, "table-region-focus-375")


def test_without_javascript_the_menu_stays_open_on_a_phone(browser, demo_site):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="en-GB")
    try:
        page = context.new_page()
        sign_in(page, demo_site, "expert")
        assert page.locator("nav#mainnav").is_visible()
        assert not page.locator("button.nav-toggle").is_visible()
        tab_to(page, "nav#mainnav a", most=3)
    finally:
        context.close()
