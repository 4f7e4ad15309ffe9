"""Percentages, quotations and days as each language writes them (kenesh.core.typography),
and the home page's greeting with the name every other page shows."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from kenesh.convenings.templatetags.poll_times import slot_label
from kenesh.core import typography

# The Russian patterns as the translators' fragment gives them (issue 16); the test puts
# them in place of the catalogue so that it checks the composition, not the catalogue.
RUSSIAN = {
    ("percentage", "%(value)s%%"): "%(value)s\u00a0%%",
    ("quotation marks", "“%(text)s”"): "«%(text)s»",
    ("date format after a weekday", "j M Y"): "j E Y",
    ("a weekday and a date", "%(weekday)s %(date)s"): "%(weekday)s, %(date)s",
}
RUSSIAN_WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")


@pytest.fixture
def russian(monkeypatch):
    monkeypatch.setattr(typography, "pgettext", lambda ctx, msgid: RUSSIAN[(ctx, msgid)])
    monkeypatch.setattr(typography, "_WEEKDAYS", RUSSIAN_WEEKDAYS)
    with translation.override("ru"):
        yield


def render(source: str, **context) -> str:
    return Template("{% load typography %}" + source).render(Context(context))


def test_english_writes_the_per_cent_sign_close_and_curly_quotes():
    with translation.override("en"):
        assert render("{{ s|percent }} ({{ lo|percent_range:hi }})", s=0.92, lo=0.69, hi=0.98) == (
            "92% (69–98%)"
        )
        assert render("{{ none|percent }}", none=None) == ""
        assert typography.quoted("Water and energy") == "“Water and energy”"
        assert typography.day_label(datetime.date(2027, 3, 16)) == "Tue 16 Mar 2027"


def test_russian_puts_a_no_break_space_before_the_per_cent_sign(russian):
    assert typography.percent(1) == "100\u00a0%"
    assert typography.percent_range(0.69, 0.98) == "69–98\u00a0%"
    assert typography.quoted("Вода и энергия") == "«Вода и энергия»"


def test_russian_writes_the_weekday_in_lower_case_and_the_month_in_the_genitive(russian):
    assert typography.day_label(datetime.date(2027, 3, 16)) == "вт, 16 марта 2027"
    tashkent = zoneinfo.ZoneInfo("Asia/Tashkent")
    start = datetime.datetime(2027, 3, 16, 5, tzinfo=datetime.UTC)
    assert slot_label(start, start + datetime.timedelta(hours=2), tashkent) == (
        "вт, 16 марта 2027, 10:00–12:00 (Asia/Tashkent, UTC+05:00)"
    )


def test_the_day_filter_reads_a_moment_in_the_readers_zone():
    moment = datetime.datetime(2027, 3, 16, 22, tzinfo=datetime.UTC)
    with translation.override("en"), timezone.override(zoneinfo.ZoneInfo("Asia/Almaty")):
        assert render("{{ m|day }}", m=moment) == "Wed 17 Mar 2027"


def test_the_home_page_greets_a_person_by_their_name_as_written(login):
    page = login("expert").get("/").content.decode()
    # In Cyrillic on an English page: marked as such for a screen reader's voice.
    assert 'Welcome, <span lang="ru">Эксперт Опытный</span>' in page
    # A login with no roster profile: its own name.
    assert "Welcome, Staff</h1>" in login("staff").get("/").content.decode()


@pytest.mark.parametrize(
    ("language", "first", "last", "expected"),
    [
        ("en", (2027, 3, 16), (2027, 3, 16), "16 March 2027"),
        ("en", (2027, 3, 16), (2027, 3, 17), "16–17 March 2027"),
        ("ru", (2027, 3, 16), (2027, 3, 17), "16–17 марта 2027 г."),
        ("ru", (2027, 3, 30), (2027, 4, 2), "30 марта 2027 г.\u00a0– 2 апреля 2027 г."),
    ],
)
def test_a_date_range_names_its_month_and_year_once_when_they_are_shared(
    language, first, last, expected
):
    from django.utils import translation

    from kenesh.core.typography import date_range

    with translation.override(language):
        assert date_range(datetime.date(*first), datetime.date(*last)) == expected
