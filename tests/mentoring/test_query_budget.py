"""Mentoring's pages cost the same number of queries with 3 rows as with 30."""

from kenesh.core.testing.queries import count_queries
from kenesh.mentoring import services
from kenesh.mentoring.models import Application
from kenesh.people.models import Language
from tests.factories import PersonFactory, ThemeFactory
from tests.mentoring.test_reviews_and_mentorships import applicant, scores


def grow(call, personas, start, stop):
    for i in range(start, stop):
        a = applicant(call, f"q{i}", ("KZ", "KG", "TJ", "UZ")[i % 4])
        for reviewer in (personas["staff"], personas["mentor"]):
            services.review(
                application=a, by=reviewer, scores=scores(i % 6), comment="", conflict=False
            )
        if i % 3 == 0:
            applicant(call, f"w{i}")  # awaiting reviews


def test_the_ranking_and_selection_cost_the_same_at_any_size(
    login, personas, call, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = login("staff")
    quotas = {"country_min": 0, "country_max": 30, "women_min": 0, "sector_max": 50}

    def pages():
        client.get(f"/mentoring/calls/{call.code}/")
        client.get(f"/mentoring/calls/{call.code}/selection/", quotas)

    grow(call, personas, 0, 3)
    pages()  # warm the session
    few = count_queries(pages)
    grow(call, personas, 3, 30)
    many = count_queries(pages)
    assert few[0] == many[0], f"{few[0]} queries for 3, {many[0]} for 30:\n{many[1]}"


def test_the_pairing_preview_costs_the_same_at_any_size(login, personas, call, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ru = Language.objects.ensure_all()["ru"]
    theme = ThemeFactory()

    def add(n):
        for _ in range(n):
            mentor = PersonFactory(country="KG", can_mentor=True)
            mentee = PersonFactory(country="TJ", track="emergent")
            for person in (mentor, mentee):
                person.languages.add(ru)
                person.themes.add(theme)
            a = applicant(call, f"p{mentee.pk}")
            Application.objects.filter(pk=a.pk).update(status="selected", person=mentee)

    client = login("staff")
    url = f"/mentoring/calls/{call.code}/pairing/"
    add(3)
    client.get(url)
    few = count_queries(lambda: client.get(url))
    add(27)
    many = count_queries(lambda: client.get(url))
    assert few[0] == many[0], f"{few[0]} queries for 3, {many[0]} for 30:\n{many[1]}"
    assert len(client.get(url).context["plan"].pairs) == 30
