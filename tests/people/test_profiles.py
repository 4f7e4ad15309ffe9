"""Adding and editing people: staff record everything, experts keep their own part."""

import datetime

import pytest

from kenesh.core.models import AuditEntry
from kenesh.people.models import Language, Person
from tests.factories import OrganizationFactory, PersonFactory, ThemeFactory


def valid_data(**overrides):
    data = {
        "name": "Зарина Каримова",
        "name_latin": "Zarina Karimova",
        "gender": "female",
        "birth_year": "1990",
        "country": "TJ",
        "city": "Dushanbe",
        "position": "Analyst",
        "sector": "academia",
        "track": "seasoned",
        "email": "zarina@example.org",
        "data_processing_consent": "on",
        "directory_consent": "on",
    }
    data.update(overrides)
    return data


def test_staff_add_a_person_with_consents(login, personas):
    theme = ThemeFactory()
    response = login("staff").post(
        "/people/new/",
        valid_data(themes=[theme.pk], languages=[Language.objects.get(code="tg").pk]),
    )
    assert response.status_code == 302
    person = Person.objects.get(name_latin="Zarina Karimova")
    assert person.data_processing_consent_at is not None
    assert person.directory_consent_at is not None
    assert person.quote_consent_at is None
    assert list(person.themes.all()) == [theme]
    assert "zarina" in person.search_text and "зарина" in person.search_text
    assert AuditEntry.objects.filter(
        action="people.person.created", target_code=person.code
    ).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_year", "1850", "between 1920"),
        ("birth_year", str(datetime.date.today().year), "between 1920"),
        ("birth_year", "nineteen", "whole number"),
        ("email", "not-an-email", "valid email"),
        ("name", "x" * 201, "at most 200"),
        ("name", "", "required"),
        ("country", "Atlantis", "valid choice"),
        ("expertise", "y" * 2001, "at most 2000"),
        ("name", "\u200b\u200b\u2060", "invisible characters"),
        ("name_latin", "\u3164 \u00a0", "invisible characters"),
        ("expertise", "\u200e\u200f\ufeff", "invisible characters"),
    ],
)
def test_bad_input_is_explained_and_nothing_saved(login, personas, field, value, message):
    before = Person.objects.count()
    response = login("staff").post("/people/new/", valid_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Person.objects.count() == before


def test_bad_input_is_explained_in_russian(login, personas):
    client = login("staff")
    client.cookies["django_language"] = "ru"
    response = client.post("/people/new/", valid_data(birth_year="1850", email="bad"))
    page = response.content.decode()
    assert "Укажите год рождения между 1920" in page
    assert "Введите правильный адрес электронной почты" in page


def test_saving_a_possible_duplicate_warns_staff(login, personas):
    first = PersonFactory(name="Зарина Каримова", name_latin="Zarina Karimova", country="TJ")
    client = login("staff")
    # The same name in the other word order, written only in Latin letters.
    response = client.post(
        "/people/new/",
        valid_data(name="Karimova Zarina", name_latin="Karimova Zarina"),
        follow=True,
    )
    page = response.content.decode()
    assert "Possible duplicate" in page
    second = Person.objects.exclude(pk=first.pk).get(name_latin="Karimova Zarina")
    profile = client.get(f"/people/{second.code}/").content.decode()
    assert 'data-testid="duplicates"' in profile and str(first.code) in profile


def test_same_name_in_another_country_is_not_a_duplicate(login, personas):
    PersonFactory(name="Зарина Каримова", name_latin="Zarina Karimova", country="UZ")
    response = login("staff").post("/people/new/", valid_data(), follow=True)
    assert "Possible duplicate" not in response.content.decode()


def test_staff_edit_and_withdraw_a_consent(login, personas):
    person = PersonFactory(quote_consent_at=datetime.datetime(2023, 1, 1, tzinfo=datetime.UTC))
    client = login("staff")
    data = valid_data(name=person.name, name_latin=person.name_latin, country=person.country)
    data.pop("directory_consent")
    response = client.post(f"/people/{person.code}/edit/", data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.directory_consent_at is None
    assert person.quote_consent_at is None
    entry = AuditEntry.objects.get(action="people.person.updated")
    assert "directory_consent:withdrawn" in entry.data["consents"]
    # The fields that changed are named; those sent unchanged are not.
    assert "name" not in entry.data["fields"] and "country" not in entry.data["fields"]
    assert {"city", "email", "organization"} <= set(entry.data["fields"])


def test_expert_edits_only_their_own_part_of_the_profile(login, personas):
    person = personas["expert"].person
    organization = OrganizationFactory()
    client = login("expert")
    response = client.post(
        "/people/me/edit/",
        {
            "position": "Senior analyst",
            "email": "new@example.org",
            "quote_consent": "on",
            "directory_consent": "on",
            # Fields an expert may not change are ignored, not applied:
            "country": "AF",
            "track": "emergent",
            "name": "Someone Else",
            "organization": organization.pk,
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.position == "Senior analyst"
    assert person.email == "new@example.org"
    assert person.quote_consent_at is not None
    assert (person.country, person.track, person.name) == ("KG", "seasoned", "Эксперт Опытный")
    assert person.organization != organization


def test_expert_withdraws_directory_consent_and_disappears_for_others(login, personas):
    person = personas["expert"].person
    login("expert").post("/people/me/edit/", {"position": "Analyst"})
    person.refresh_from_db()
    assert person.directory_consent_at is None
    assert login("mentor").get(f"/people/{person.code}/").status_code == 404


def test_own_profile_bad_email_keeps_the_old_one(login, personas):
    person = personas["young_expert"].person
    old = person.email
    response = login("young_expert").post(
        "/people/me/edit/", {"email": "nope", "directory_consent": "on"}
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.email == old


def test_expert_cannot_edit_someone_else(login, personas):
    other = personas["mentor"].person
    assert login("expert").post(f"/people/{other.code}/edit/", valid_data()).status_code == 403
