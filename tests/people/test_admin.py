"""The back office: administrators edit people there too, with the same derived fields and audit."""

import pytest

from kenesh.core.models import AuditEntry
from kenesh.people.models import Person
from tests.factories import OrganizationFactory, PersonFactory


@pytest.mark.parametrize(
    ("role", "status"),
    [("administrator", 200), ("staff", 302), ("mentor", 302), ("observer", 302)],
)
def test_people_in_the_back_office_by_role(login, personas, role, status):
    person = PersonFactory()
    client = login(role)
    assert client.get("/admin/people/person/").status_code == status
    assert client.get(f"/admin/people/person/{person.pk}/change/").status_code == status


def test_administrators_add_a_person_in_the_back_office(login, personas):
    organization = OrganizationFactory(country="TJ")
    PersonFactory(name="Нигина Саидова", name_latin="Nigina Saidova", country="TJ")
    response = login("administrator").post(
        "/admin/people/person/add/",
        {
            "name": "Нигина Саидова",
            "name_latin": "Nigina Saidova",
            "gender": "female",
            "country": "TJ",
            "organization": organization.pk,
            "sector": "academia",
            "track": "emergent",
        },
        follow=True,
    )
    assert response.status_code == 200
    added = Person.objects.filter(name_latin="Nigina Saidova").order_by("-id").first()
    assert "нигина" in added.search_text and "nigina" in added.search_text
    assert "Possible duplicate" in response.content.decode()
    assert AuditEntry.objects.filter(action="admin.record.added", target_code=added.code)
