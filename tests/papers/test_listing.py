"""The list of papers is paged and costs the same queries for 3 papers as for 30."""

import pytest

from kenesh.access.models import User
from kenesh.core.testing.personas import PASSWORD
from kenesh.core.testing.queries import assert_same_query_count, count_queries
from kenesh.papers import services
from kenesh.papers.models import AuthorRole
from kenesh.papers.views import PAPERS_PER_PAGE
from tests.factories import PersonFactory, ThemeFactory


def write(author, n, *, by):
    theme = ThemeFactory()
    for i in range(n):
        paper = services.create_paper(
            by=by,
            authors=[(author, AuthorRole.LEAD), (PersonFactory(), AuthorRole.CO_AUTHOR)],
            title=f"Fictional paper {author.name_latin} {i}",
            body="Text.",
            language="en",
        )
        paper.themes.add(theme)


def member(username):
    user = User.objects.create_user(username=username, password=PASSWORD, role="expert")
    return PersonFactory(user=user, name_latin=username.title())


def signed_in(username):
    from django.test import Client

    client = Client()
    assert client.login(username=username, password=PASSWORD)
    client.get("/papers/")  # warms what the platform caches per process
    return client


def test_members_lists_cost_the_same_for_3_and_30_papers(personas):
    few, many = member("few"), member("many")
    write(few, 3, by=personas["staff"])
    write(many, 30, by=personas["staff"])
    few_client, many_client = signed_in("few"), signed_in("many")
    assert_same_query_count(lambda: few_client.get("/papers/"), lambda: many_client.get("/papers/"))
    assert_same_query_count(
        lambda: few_client.get("/papers/?status=draft&page=1"),
        lambda: many_client.get("/papers/?status=draft&page=2"),
    )


def test_staff_list_costs_the_same_for_3_and_30_papers(login, personas):
    client = login("staff")
    client.get("/papers/")  # warms what the platform caches per process
    write(member("few"), 3, by=personas["staff"])
    few_count, few_sql = count_queries(lambda: client.get("/papers/"))
    write(member("many"), 27, by=personas["staff"])
    many_count, many_sql = count_queries(lambda: client.get("/papers/"))
    assert few_count == many_count, f"-- few:\n{few_sql}\n-- many:\n{many_sql}"


def test_the_list_is_paged(login, personas):
    write(member("prolific"), 30, by=personas["staff"])
    client = login("staff")
    first = client.get("/papers/").content.decode()
    assert first.count("Fictional paper Prolific") == PAPERS_PER_PAGE
    assert 'rel="next"' in first and "30 papers" in first
    second = client.get("/papers/?page=2").content.decode()
    assert second.count("Fictional paper Prolific") == 30 - PAPERS_PER_PAGE
    # A page past the end, or not a number, shows a page rather than an error.
    assert client.get("/papers/?page=99").status_code == 200
    assert client.get("/papers/?page=x").status_code == 200


@pytest.mark.parametrize("who", ["mentor", "observer"])
def test_the_list_holds_only_what_the_reader_may_see(login, personas, paper, who):
    page = login(who).get("/papers/").content.decode()
    assert paper.title not in page
    assert paper.title in login("young_expert").get("/papers/").content.decode()


def test_a_papers_page_costs_the_same_with_3_or_30_versions(login, personas, paper):
    """Each version, review and step names who made it (hidden for a withdrawn person):
    the logins' people come with the rows, not one query each."""
    from kenesh.papers import services

    authors = [personas["young_expert"], personas["expert"]]
    few = services.create_paper(
        by=personas["staff"], authors=[(personas["young_expert"].person, "lead")],
        title="Few versions (fictional)", body="v1", language="en",
    )  # fmt: skip
    for paper_ in (few, paper):
        count = 3 if paper_ is few else 30
        for number in range(1, count):
            services.save_version(
                paper=paper_, body=f"v{number + 1}", base=number, by=authors[number % 2]
            )
    client = login("staff")
    assert_same_query_count(
        lambda: client.get(f"/papers/{few.code}/"), lambda: client.get(f"/papers/{paper.code}/")
    )
