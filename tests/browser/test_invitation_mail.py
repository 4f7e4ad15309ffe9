"""An invitation goes out by mail through a real SMTP server; the invitee, signed out,
follows the link in the mail they received and accepts, in Russian."""

import re

import pytest

from tests.browser.conftest import screenshot
from tests.smtp import local_smtp, text_of

pytestmark = pytest.mark.browser


def test_an_invitee_accepts_from_the_mail_signed_out(browser, demo_site, settings):
    from kenesh.access.models import User
    from kenesh.convenings import services
    from kenesh.convenings.models import Convening, Invitation, Participation
    from kenesh.people.models import Language, Person

    upcoming = Convening.objects.filter(kind="rcwg").order_by("-starts_on").first()
    invitee = (
        Person.objects.filter(user__isnull=True, email__gt="")
        .exclude(participations__convening=upcoming)
        .order_by("pk")
        .first()
    )
    invitee.languages.set([Language.objects.get(code="ru")])
    with local_smtp() as smtp:
        for name, value in smtp.settings().items():
            setattr(settings, name, value)
        services.invite_people(
            convening=upcoming, people=[invitee], role="speaker",
            by=User.objects.get(username="staff"),
        )  # fmt: skip
        [received] = [m for m in smtp.received if m["To"] == invitee.email]
    body = text_of(received)
    assert upcoming.title in received["Subject"] and "Приглашение" in received["Subject"]
    assert received.get_content_type() == "multipart/mixed"
    accept = re.search(r"Принять: (\S+)", body).group(1)
    assert accept.startswith(settings.KENESH_SITE_URL)
    link = demo_site + accept[len(settings.KENESH_SITE_URL.rstrip("/")) :]

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    page = context.new_page()
    page.goto(link)
    assert page.locator("html").get_attribute("lang") == "ru"
    assert Participation.objects.get(convening=upcoming, person=invitee).invitation == (
        Invitation.INVITED
    )
    screenshot(page, "invitation-link-phone-ru")
    page.click("[data-testid=confirm-answer]")
    page.wait_for_selector("[data-testid=answer-recorded]")
    screenshot(page, "invitation-accepted-phone-ru")
    assert Participation.objects.get(convening=upcoming, person=invitee).invitation == (
        Invitation.ACCEPTED
    )
    # The link works once: opened again, it says the answer stands.
    page.goto(link)
    page.wait_for_selector("[data-testid=link-used]")
    assert "/login/" not in page.url
    context.close()
