"""Staff keep the roster's organisations and themes from the product: lists with counts,
forms that refuse duplicates and blank names, and an audit entry for every save."""

import uuid

import pytest

from kenesh.core.models import AuditEntry
from kenesh.core.testing.queries import count_queries
from kenesh.people.models import Organization, Theme
from tests.convenings.factories import ConveningFactory
from tests.factories import OrganizationFactory, PersonFactory, ThemeFactory

STAFF_ONLY = {
    None: 302,
    "observer": 403,
    "expert": 403,
    "young_expert": 403,
    "mentor": 403,
    "staff": 200,
    "administrator": 200,
}


@pytest.fixture
def institute(personas):
    return OrganizationFactory(
        name="Институт мира", name_en="Peace Institute", country="KG", sector="academia"
    )


@pytest.fixture
def water(personas):
    return ThemeFactory(slug="water", name="Water", name_ru="Вода")


def pages(institute, water):
    return [
        "/people/organisations/",
        "/people/organisations/new/",
        f"/people/organisations/{institute.code}/edit/",
        "/people/themes/",
        "/people/themes/new/",
        f"/people/themes/{water.code}/edit/",
    ]


@pytest.mark.parametrize("role", list(STAFF_ONLY))
def test_only_staff_and_administrators_keep_organisations_and_themes(role, login, institute, water):
    client = login(role)
    got = {url: client.get(url).status_code for url in pages(institute, water)}
    assert got == dict.fromkeys(pages(institute, water), STAFF_ONLY[role])
    if role is None:
        assert all("/login" in client.get(url)["Location"] for url in pages(institute, water))


def test_the_roster_links_to_both_lists_for_staff_only(login):
    assert "/people/organisations/" in login("staff").get("/people/").content.decode()
    assert "/people/organisations/" not in login("expert").get("/people/").content.decode()


def test_the_list_shows_each_organisation_with_its_people(login, institute):
    PersonFactory(organization=institute)
    PersonFactory(organization=institute)
    page = login("staff").get("/people/organisations/")
    row = next(o for o in page.context["page"].object_list if o.pk == institute.pk)
    assert row.people_count == 2
    html = page.content.decode()
    assert "Институт мира" in html and "Peace Institute" in html
    assert f"/people/organisations/{institute.code}/edit/" in html


@pytest.mark.parametrize("query", ["мира", "Peace", "institut mira", "МИРА", "peace institute"])
def test_staff_find_an_organisation_by_name_in_either_script(login, institute, query):
    OrganizationFactory(name="Other Centre", name_en="Other Centre")
    page = login("staff").get("/people/organisations/", {"q": query})
    assert [o.name for o in page.context["page"].object_list] == ["Институт мира"]


def test_a_search_of_punctuation_finds_nothing(login, institute):
    page = login("staff").get("/people/organisations/", {"q": "%%"})
    assert page.status_code == 200
    assert list(page.context["page"].object_list) == []


def test_staff_add_an_organisation_and_it_is_recorded(login, personas):
    response = login("staff").post(
        "/people/organisations/new/",
        {"name": " Центр диалога ", "name_en": "Dialogue Centre", "country": "TJ",
         "sector": "civil_society", "website": "https://example.org"},
    )  # fmt: skip
    assert response.status_code == 302
    organisation = Organization.objects.get(name="Центр диалога")
    assert organisation.country == "TJ"
    entry = AuditEntry.objects.get(action="people.organisation.saved")
    assert entry.target_code == str(organisation.code)
    assert entry.actor == personas["staff"]
    assert entry.data["created"] is True


def test_staff_change_an_organisation_and_the_change_is_recorded(login, institute):
    response = login("administrator").post(
        f"/people/organisations/{institute.code}/edit/",
        {"name": "Институт мира", "name_en": "Institute for Peace", "country": "KG",
         "sector": "academia", "website": ""},
    )  # fmt: skip
    assert response.status_code == 302
    institute.refresh_from_db()
    assert institute.name_en == "Institute for Peace"
    entry = AuditEntry.objects.get(action="people.organisation.saved")
    assert entry.data == {"created": False, "fields": ["name_en"]}


def test_a_second_organisation_of_the_same_name_and_country_is_refused(login, institute):
    response = login("staff").post(
        "/people/organisations/new/",
        {"name": "Институт мира", "country": "KG", "sector": "media"},
    )
    assert response.status_code == 400
    assert "already on the list of organisations" in response.content.decode()
    assert Organization.objects.filter(name="Институт мира").count() == 1
    assert not AuditEntry.objects.filter(action="people.organisation.saved").exists()


def test_renaming_onto_another_organisation_is_refused(login, institute):
    other = OrganizationFactory(name="Центр", country="KG")
    response = login("staff").post(
        f"/people/organisations/{other.code}/edit/",
        {"name": "Институт мира", "country": "KG", "sector": "academia"},
    )
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.name == "Центр"
    assert not AuditEntry.objects.exists()


def test_the_same_name_in_another_country_is_another_organisation(login, institute):
    response = login("staff").post(
        "/people/organisations/new/",
        {"name": "Институт мира", "country": "KZ", "sector": "academia"},
    )
    assert response.status_code == 302
    assert Organization.objects.filter(name="Институт мира").count() == 2


@pytest.mark.parametrize("name", ["", "   ", "\u200b"])
def test_an_organisation_without_a_visible_name_is_refused(login, personas, name):
    response = login("staff").post(
        "/people/organisations/new/", {"name": name, "country": "KG", "sector": "academia"}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("name")
    assert Organization.objects.count() == 3  # the personas' own
    assert not AuditEntry.objects.exists()


def test_the_service_refuses_what_the_form_would(personas):
    from django.core.exceptions import ValidationError

    from kenesh.people import vocabulary

    staff = personas["staff"]
    vocabulary.save_organisation(
        organisation=None, by=staff, name="A", country="KG", sector="media"
    )
    with pytest.raises(ValidationError) as refused:
        vocabulary.save_organisation(
            organisation=None, by=staff, name=" A ", country="KG", sector="media"
        )
    assert refused.value.error_dict["name"][0].code == "duplicate"
    with pytest.raises(ValidationError):
        vocabulary.save_organisation(
            organisation=None, by=staff, name="  ", country="KG", sector="media"
        )
    with pytest.raises(ValidationError):
        vocabulary.save_theme(theme=None, by=staff, slug="x", name="\u200b")
    assert Organization.objects.filter(name__in=["A", " A ", "", "  "]).count() == 1


def _costs_the_same(client, url, add_rows):
    """The page's query count with 3 rows and then with 30, the SQL listed if not."""
    add_rows(3)
    client.get(url)  # what a process reads once and caches is not part of the cost
    few, few_sql = count_queries(lambda: client.get(url))
    add_rows(27)
    many, many_sql = count_queries(lambda: client.get(url))
    assert few == many, f"{few} queries for 3 rows, {many} for 30:\n{few_sql}\n--\n{many_sql}"


def _organisations_with_people(number):
    for _ in range(number):
        PersonFactory(organization=OrganizationFactory(name_en="Searched Institute"))


@pytest.mark.parametrize("url", ["/people/organisations/", "/people/organisations/?q=search"])
def test_the_organisation_list_costs_the_same_for_3_and_30(login, settings, url):
    settings.KENESH_ROSTER_PAGE_SIZE = 50
    _costs_the_same(login("staff"), url, _organisations_with_people)


def test_the_theme_list_costs_the_same_for_3_and_30(login):
    def themes_in_use(number):
        for _ in range(number):
            theme = ThemeFactory()
            PersonFactory(themes=[theme])
            ConveningFactory().themes.add(theme)

    _costs_the_same(login("staff"), "/people/themes/", themes_in_use)


def test_the_theme_list_shows_people_and_convenings_using_each(login, water):
    PersonFactory(themes=[water])
    PersonFactory(themes=[water])
    convening = ConveningFactory()
    convening.themes.add(water)
    page = login("staff").get("/people/themes/")
    row = next(t for t in page.context["themes"] if t.pk == water.pk)
    assert (row.people_count, row.convening_count) == (2, 1)


def test_staff_add_and_change_a_theme_and_both_are_recorded(login, personas):
    client = login("staff")
    response = client.post(
        "/people/themes/new/", {"slug": "borders", "name": "Borders", "name_ru": "Границы"}
    )
    assert response.status_code == 302
    theme = Theme.objects.get(slug="borders")
    response = client.post(
        f"/people/themes/{theme.code}/edit/",
        {"slug": "borders", "name": "Borders and transit", "name_ru": "Границы"},
    )
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.name == "Borders and transit"
    entries = AuditEntry.objects.filter(action="people.theme.saved", target_code=theme.code)
    assert [e.data for e in entries.order_by("pk")] == [
        {"created": True, "fields": ["slug", "name", "name_ru"]},
        {"created": False, "fields": ["name"]},
    ]


@pytest.mark.parametrize("slug", ["water", "WATER"])
def test_a_theme_with_a_taken_short_name_is_refused(login, water, slug):
    response = login("staff").post("/people/themes/new/", {"slug": slug, "name": "Water again"})
    assert response.status_code == 400
    assert "is taken by another theme" in response.content.decode()
    assert Theme.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_a_theme_without_a_visible_name_is_refused(login, personas):
    response = login("staff").post("/people/themes/new/", {"slug": "empty", "name": "  "})
    assert response.status_code == 200
    assert response.context["form"].has_error("name")
    assert not Theme.objects.exists()


@pytest.mark.parametrize("url", ["/people/organisations/{}/edit/", "/people/themes/{}/edit/"])
def test_an_unknown_code_is_not_found(login, personas, url):
    assert login("staff").get(url.format(uuid.uuid4())).status_code == 404


def test_the_edit_pages_say_nothing_is_deleted_here(login, institute, water):
    client = login("staff")
    page = client.get(f"/people/organisations/{institute.code}/edit/").content.decode()
    assert "cannot be deleted" in page
    page = client.get(f"/people/themes/{water.code}/edit/").content.decode()
    assert "cannot be deleted" in page
