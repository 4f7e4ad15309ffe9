"""Voting by keyboard alone: after each vote the focus is on the new statement (so Tab
reaches its buttons), a live region says what happened, and the single-key shortcuts
act only on the vote card, never in a field, and not at all once turned off. No mouse:
every step is a key press (page.focus stands in for the Tab presses through the menu)."""

import pytest

from kenesh.demo.loader import DEMO_PASSWORD
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

IN_CARD = "() => !!document.activeElement.closest('#vote-card [data-testid=vote-card]')"
STATUS = "() => document.getElementById('vote-status').textContent"


def sign_in(page, base, username):
    """By keyboard too: Enter in the password field sends the form."""
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{base}/")


def statement(page) -> str:
    return page.inner_text("[data-testid=statement-text]")


def wait_for_next(page, before: str, said: str) -> str:
    """Wait until the card shows another statement, holds the focus, and the live region
    has said something new; return what it said."""
    page.wait_for_function(
        """([before, said]) => {
             const text = document.querySelector('[data-testid=statement-text]');
             const region = document.getElementById('vote-status').textContent;
             return text && text.innerText !== before && region && region !== said
               && document.activeElement.closest('#vote-card [data-testid=vote-card]');
           }""",
        arg=[before, said],
    )
    return page.evaluate(STATUS)


def nothing_happens(page, before: str, votes: int, user) -> None:
    from kenesh.deliberation.models import Vote

    page.wait_for_timeout(400)
    assert statement(page) == before
    assert Vote.objects.filter(participant__person__user=user).count() == votes


def test_five_votes_by_keyboard_and_shortcuts_that_stay_in_their_place(page, demo_site):
    from kenesh.access.models import User
    from kenesh.deliberation.models import Conversation, Vote

    water = Conversation.objects.get(anonymity="named")
    young = User.objects.get(username="young")
    votes = Vote.objects.filter(participant__person__user=young)
    before_votes = votes.count()
    sign_in(page, demo_site, "young")
    page.goto(f"{demo_site}/deliberation/{water.code}/vote/")
    page.wait_for_selector("[data-testid=statement-text]")
    assert page.is_visible("#vote-shortcuts")  # shown, with the keys documented
    assert "Keys: A agree, D disagree, P pass" in page.inner_text("[data-testid=vote-keys-help]")
    page.evaluate("() => { window.__samePage = true; }")

    said = page.evaluate(STATUS)
    assert said == ""
    # 1: the A key with nothing focused; 2-5: Tab to the buttons and Enter, or a key.
    text = statement(page)
    page.keyboard.press("a")
    said = wait_for_next(page, text, said)
    assert "Voted 1," in said and "Here is the next one." in said
    for n, keys in enumerate((["Tab", "Enter"], ["Tab", "Tab", "Enter"], ["Tab", "p"], ["d"]), 2):
        assert page.evaluate(IN_CARD), "the focus is on the new statement's card"
        text = statement(page)
        for key in keys[:-1]:
            page.keyboard.press(key)
            assert page.evaluate(
                "() => document.activeElement.matches('#vote-card button[data-key]')"
            ), "Tab from the statement reaches its buttons"
        page.keyboard.press(keys[-1])
        said = wait_for_next(page, text, said)
        assert f"Voted {n}," in said
    assert page.evaluate("() => window.__samePage === true"), "no page was reloaded"
    assert votes.count() == before_votes + 5
    newest = sorted(votes.order_by("-pk").values_list("value", flat=True)[:5])
    assert newest == [-1, -1, 0, 1, 1]  # a, Enter on Agree, on Disagree, p, d
    screenshot(page, "vote-keyboard-1280-en")

    # Turned off: no key votes, from the card or the page; the choice is remembered.
    text = statement(page)
    page.focus("#vote-shortcuts")
    page.keyboard.press("Space")
    assert not page.is_checked("#vote-shortcuts")
    page.focus("#vote-statement")
    page.keyboard.press("a")
    nothing_happens(page, text, before_votes + 5, young)
    page.reload()
    page.wait_for_selector("[data-testid=statement-text]")
    assert not page.is_checked("#vote-shortcuts")
    page.keyboard.press("d")
    nothing_happens(page, text, before_votes + 5, young)

    # On again: still nothing from the statement field, a link, or with a modifier.
    page.focus("#vote-shortcuts")
    page.keyboard.press("Space")
    assert page.is_checked("#vote-shortcuts")
    page.focus("textarea[name=text]")
    page.keyboard.type("a dam, a pool")
    assert page.input_value("textarea[name=text]") == "a dam, a pool"
    nothing_happens(page, text, before_votes + 5, young)
    page.focus("a[href$='/results/']")
    page.keyboard.press("a")
    page.focus("#vote-statement")
    page.keyboard.press("Shift+A")
    page.keyboard.press("Control+d")
    nothing_happens(page, text, before_votes + 5, young)
    page.keyboard.press("p")  # and from the card, it votes
    said = wait_for_next(page, text, page.evaluate(STATUS))
    assert votes.count() == before_votes + 6

    # A statement sent by keyboard: the part is swapped, the focus stays in it.
    page.focus("textarea[name=text]")
    page.keyboard.press("Control+a")
    page.keyboard.type("Fictional: one water council for the valley.")
    page.keyboard.press("Tab")  # the language
    page.keyboard.press("Tab")  # the button
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=statement-sent]")
    assert page.evaluate("() => !!document.activeElement.closest('#statement-part')")
    page.wait_for_function(f"() => ({STATUS})().includes('after moderation')")


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_vote_page_on_a_phone_and_a_desktop(browser, demo_site, language):
    from kenesh.deliberation.models import Conversation

    water = Conversation.objects.get(anonymity="named")
    for width in (375, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        sign_in(page, demo_site, "young")
        context.add_cookies([{"name": "django_language", "value": language, "url": demo_site}])
        page.goto(f"{demo_site}/deliberation/{water.code}/vote/")
        page.wait_for_selector(f"html[lang={language}]")
        page.keyboard.press("Tab")
        page.focus("#vote-statement")
        page.keyboard.press("Tab")  # the focus ring on Agree
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), (
            "nothing runs off the side"
        )
        screenshot(page, f"vote-{width}-{language}")
        context.close()
