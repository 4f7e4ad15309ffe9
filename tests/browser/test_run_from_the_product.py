"""Issue 13's walk, in Russian, without the back office: staff invite a roster person to
sign in; the mail goes through a real SMTP server; the person follows the link, chooses a
password and signs in; then staff create a call with weighted criteria and a simulation
scenario with injects."""

import datetime
import re

import pytest

from tests.browser.conftest import screenshot
from tests.smtp import local_smtp, text_of

pytestmark = pytest.mark.browser
DEMO_PASSWORD = "kenesh-demo"
NEW_PASSWORD = "тихая вода 2026 берега"


def russian(browser, base, *, phone=False):
    size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(viewport=size, locale="ru-RU")
    context.add_cookies([{"name": "django_language", "value": "ru", "url": base}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def sign_in(page, base, username, password):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(f"{base}/")


def test_staff_run_the_programme_from_the_product_in_russian(browser, demo_site, settings):
    from kenesh.access.models import User
    from kenesh.people.models import Language, Person

    base = demo_site
    newcomer = (
        Person.objects.filter(
            user__isnull=True, email__gt="", withdrawn_at__isnull=True, erased_at__isnull=True
        )
        .order_by("pk")
        .first()
    )
    newcomer.languages.set([Language.objects.get(code="ru")])
    staff_context, staff = russian(browser, base)
    sign_in(staff, base, "staff", DEMO_PASSWORD)
    assert staff.locator("html").get_attribute("lang") == "ru"

    # 1. Invite the roster person to sign in, from their profile.
    with local_smtp() as smtp:
        for name, value in smtp.settings().items():
            setattr(settings, name, value)
        staff.goto(f"{base}/people/{newcomer.code}/")
        staff.click("[data-testid=account-link]")
        staff.select_option("select[name=role]", "expert")
        screenshot(staff, "account-invite-ru")
        staff.get_by_role("button", name="Пригласить на платформу").click()
        staff.wait_for_selector("text=Письмо со ссылкой")
        assert "Приглашение отправлено" in staff.inner_text("[data-testid=state]")
        for _ in range(50):
            received = [m for m in smtp.received if m["To"] == newcomer.email.lower()]
            if received:
                break
            staff.wait_for_timeout(200)
        [received] = received
    assert "учётная запись" in received["Subject"]
    body = text_of(received)
    link = re.search(r"(https?://\S+/people/welcome/\S+/)", body).group(1)
    path = link[len(settings.KENESH_SITE_URL.rstrip("/")) :]

    # 2. The person follows the link on their phone, chooses a password, signs in.
    person_context, person = russian(browser, base, phone=True)
    person.goto(base + path)
    assert person.locator("html").get_attribute("lang") == "ru"
    screenshot(person, "account-welcome-phone-ru")
    person.fill("input[name=password1]", NEW_PASSWORD)
    person.fill("input[name=password2]", NEW_PASSWORD)
    person.get_by_role("button", name="Задать пароль").click()
    person.wait_for_url(f"{base}/login/")
    assert "Пароль задан" in person.inner_text("main")
    sign_in(person, base, newcomer.email.lower(), NEW_PASSWORD)
    assert User.objects.get(username=newcomer.email.lower()).person == newcomer
    screenshot(person, "account-signed-in-phone-ru")
    # The link works once.
    person.goto(base + path)
    assert "пароль уже задан" in person.inner_text("main")
    person_context.close()

    # 3. A call for young experts with weighted criteria (weights scaled to 100).
    from kenesh.mentoring.models import Call

    staff.goto(f"{base}/mentoring/calls/new/")
    staff.fill("input[name=title]", "Open call 2027 (fictional)")
    staff.fill("input[name=title_ru]", "Открытый конкурс 2027 (вымышленный)")
    staff.fill("textarea[name=description_ru]", "Набор молодых экспертов по водной политике.")
    staff.fill("input[name=opens_on]", "2027-01-10")
    staff.fill("input[name=closes_on]", "2027-02-10")
    staff.fill("input[name=cohort_size]", "8")
    staff.fill("input[name=min_reviews]", "2")
    staff.fill("input[name=criteria-0-label]", "Motivation")
    staff.fill("input[name=criteria-0-label_ru]", "Мотивация")
    staff.fill("input[name=criteria-0-weight]", "3")
    staff.fill("input[name=criteria-1-label]", "Writing")
    staff.fill("input[name=criteria-1-label_ru]", "Письменные навыки")
    staff.fill("input[name=criteria-1-weight]", "1")
    # A new call starts from the latest call's criteria: keep two, remove the others.
    for index in (2, 3):
        staff.check(f"input[name=criteria-{index}-DELETE]")
    screenshot(staff, "call-form-ru")
    staff.locator("form.wide-form button.primary").click()
    staff.wait_for_load_state()
    screenshot(staff, "call-saved-ru")
    staff.wait_for_url(re.compile(r".*/mentoring/calls/[0-9a-f-]+/$"))
    call = Call.objects.get(title="Open call 2027 (fictional)")
    assert [c["weight"] for c in call.criteria] == [75, 25]
    assert "Открытый конкурс 2027" in staff.inner_text("main")
    screenshot(staff, "call-created-ru")

    # 4. A scenario with two injects for a simulation being prepared.
    from kenesh.convenings.models import Convening, Scenario

    exercise = Convening.objects.create(
        kind="simulation", title="Upstream drought exercise (fictional)",
        starts_on=datetime.date(2027, 3, 2), ends_on=datetime.date(2027, 3, 2),
        city="Almaty", country="KZ", confidentiality="chatham",
    )  # fmt: skip
    staff.goto(f"{base}/convenings/{exercise.code}/simulation/scenario/")
    staff.fill("input[name=title]", "Засуха в верховьях")
    staff.fill("textarea[name=brief]", "Лето 2027 года: водохранилища наполнены на треть.")
    staff.get_by_role("button", name="Создать сценарий").click()
    staff.wait_for_selector("[data-testid=inject-list]")
    staff.goto(f"{base}/convenings/{exercise.code}/simulation/scenario/injects/")
    staff.fill("input[name=injects-0-title]", "Сводка гидрометслужбы")
    staff.fill("textarea[name=injects-0-body]", "Приток воды на 40 % ниже нормы.")
    staff.fill("input[name=injects-0-planned_minute]", "15")
    staff.get_by_role("button", name="Добавить строку").click()
    staff.wait_for_selector("input[name=injects-1-title]")
    staff.fill("input[name=injects-1-title]", "Заявление министра")
    staff.fill("textarea[name=injects-1-body]", "Министр предлагает ограничить сброс воды.")
    staff.fill("input[name=injects-1-planned_minute]", "45")
    screenshot(staff, "scenario-injects-ru")
    staff.locator("form.wide-form button.primary").click()
    staff.wait_for_selector("text=Заявление министра")
    scenario = Scenario.objects.get(convening=exercise)
    assert list(scenario.injects.order_by("order").values_list("planned_minute", flat=True)) == [
        15, 45,
    ]  # fmt: skip
    assert "/admin/" not in staff.url
    staff_context.close()
