"""Two-step sign-in in a real browser: a staff member sets up an authenticator at first
sign-in, signs out, signs in with a code from the app, then with a recovery code; an
expert does the same in Russian."""

import re
import time

import pyotp
import pytest

from kenesh.core.testing.personas import PASSWORD, make_persona
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_server, transactional_db, settings):
    settings.KENESH_MFA_REQUIRED = True
    make_persona("staff")
    make_persona("expert")
    return live_server.url


def sign_in_with_password(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")


def sign_out(page):
    page.click("form[action='/logout/'] button")
    page.wait_for_url(re.compile(r"/login/"))


def enrol(page, base, name):
    """On the two-step page: read the key as text, type the app's code; the codes."""
    assert page.locator("[data-testid=qr] svg").is_visible()
    secret = page.locator("[data-testid=secret]").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.fill("[data-testid=enrol] input[name=code]", totp.now())
    screenshot(page, f"two-step-{name}-enrol")
    page.click("[data-testid=enrol] button")
    page.wait_for_selector("[data-testid=recovery-codes]")
    codes = page.locator("[data-testid=recovery-codes] code").all_inner_texts()
    assert len(codes) == 10
    screenshot(page, f"two-step-{name}-recovery-codes")
    return totp, codes


def test_staff_set_up_two_step_sign_in_and_sign_in_with_a_code_and_a_recovery_code(page, site):
    sign_in_with_password(page, site, "staff")
    # Staff cannot go on without an authenticator.
    page.wait_for_url(re.compile(r"/two-step/"))
    page.goto(f"{site}/people/")
    page.wait_for_url(re.compile(r"/two-step/\?next="))
    totp, codes = enrol(page, site, "staff-en")
    page.click("text=I have saved them, continue")
    page.wait_for_url(f"{site}/people/")
    sign_out(page)

    sign_in_with_password(page, site, "staff")
    page.wait_for_url(re.compile(r"/login/code/"))
    # The code used to set up is spent: a wrong or reused code is refused, clearly.
    page.fill("input[name=code]", "000000")
    page.click("[data-testid=two-step-verify] button")
    page.wait_for_selector(".has-error [role=alert]")
    screenshot(page, "two-step-staff-en-wrong-code")
    time.sleep(1)  # the authenticator's own throttle after a wrong code
    page.fill("input[name=code]", totp.at(time.time() + 30))
    page.click("[data-testid=two-step-verify] button")
    page.wait_for_url(f"{site}/")
    sign_out(page)

    sign_in_with_password(page, site, "staff")
    page.wait_for_url(re.compile(r"/login/code/"))
    page.fill("input[name=code]", codes[0])
    page.click("[data-testid=two-step-verify] button")
    page.wait_for_url(f"{site}/")
    page.goto(f"{site}/two-step/")
    assert "9" in page.locator("main").inner_text()
    screenshot(page, "two-step-staff-en-on")


def test_an_expert_turns_on_two_step_sign_in_in_russian(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in_with_password(page, site, "expert")
        page.wait_for_url(f"{site}/")
        page.goto(f"{site}/two-step/")
        page.wait_for_selector("html[lang=ru]")
        totp, codes = enrol(page, site, "expert-ru")
        page.locator("[data-testid=recovery-codes] + p a").click()
        sign_out(page)

        sign_in_with_password(page, site, "expert")
        page.wait_for_url(re.compile(r"/login/code/"))
        screenshot(page, "two-step-expert-ru-verify")
        page.fill("input[name=code]", totp.at(time.time() + 30))
        page.click("[data-testid=two-step-verify] button")
        page.wait_for_url(f"{site}/")
        sign_out(page)

        sign_in_with_password(page, site, "expert")
        page.wait_for_url(re.compile(r"/login/code/"))
        page.fill("input[name=code]", codes[5])
        page.click("[data-testid=two-step-verify] button")
        page.wait_for_url(f"{site}/")
    finally:
        context.close()
