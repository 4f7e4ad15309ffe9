"""Every role against public, Chatham House and closed convenings."""

import pytest

# role -> (public, chatham, closed) status of the convening page
PAGE = {
    None: (302, 302, 302),
    "administrator": (200, 200, 200),
    "staff": (200, 200, 200),
    "mentor": (200, 200, 404),
    "expert": (200, 200, 404),
    "young_expert": (200, 200, 200),
    "observer": (200, 200, 404),
}


@pytest.mark.parametrize("role", list(PAGE))
def test_convening_pages_and_calendar_files_by_role(role, login, meetings):
    client = login(role)
    for kind, expected in zip(("public", "chatham", "closed"), PAGE[role], strict=True):
        code = meetings[kind].code
        assert client.get(f"/convenings/{code}/").status_code == expected, kind
        assert client.get(f"/convenings/{code}/convening.ics").status_code == expected, kind


# role -> which convenings show participants' names (public, chatham, closed)
NAMES = {
    "staff": (True, True, True),
    "mentor": (True, False, False),
    "expert": (True, False, False),
    "young_expert": (True, True, True),
    "observer": (False, False, False),
}


@pytest.mark.parametrize("role", list(NAMES))
def test_who_sees_names(role, login, meetings):
    client = login(role)
    for kind, shows in zip(("public", "chatham", "closed"), NAMES[role], strict=True):
        response = client.get(f"/convenings/{meetings[kind].code}/")
        if response.status_code == 404:
            assert not shows
            continue
        assert ("Sekretnyi Uchastnik" in response.content.decode()) is shows, kind


def test_chatham_house_notes_carry_no_attribution_except_for_staff(login, meetings):
    url = f"/convenings/{meetings['chatham'].code}/"
    participant = login("young_expert").get(url).content.decode()
    assert "What was said, unattributed." in participant
    assert "Speaker: Секретный Участник" not in participant
    staff = login("staff").get(url).content.decode()
    assert "Speaker: Секретный Участник" in staff


def test_observers_see_counts_only(login, meetings):
    page = login("observer").get(f"/convenings/{meetings['public'].code}/").content.decode()
    assert "What was said" not in page  # no agenda notes
    assert 'data-testid="participants"' not in page
    assert 'data-testid="diversity-total"' in page


def test_the_list_hides_closed_convenings_from_outsiders(login, meetings):
    assert "Closed dialogue" not in login("expert").get("/convenings/").content.decode()
    assert "Closed dialogue" in login("young_expert").get("/convenings/").content.decode()
    assert "Closed dialogue" not in login("observer").get("/convenings/").content.decode()


@pytest.mark.parametrize("role", ["mentor", "expert", "young_expert", "observer"])
def test_only_staff_manage(role, login, meetings):
    client = login(role)
    code = meetings["public"].code
    for url in (
        "/convenings/new/",
        f"/convenings/{code}/edit/",
        f"/convenings/{code}/invite/",
        f"/convenings/{code}/participants/",
        f"/convenings/{code}/sessions/new/",
        f"/convenings/{code}/documents/new/",
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url


def test_staff_open_every_management_page(login, meetings):
    client = login("staff")
    code = meetings["closed"].code
    for url in (
        "/convenings/new/",
        f"/convenings/{code}/edit/",
        f"/convenings/{code}/invite/",
        f"/convenings/{code}/participants/",
        f"/convenings/{code}/sessions/new/",
        f"/convenings/{code}/documents/new/",
    ):
        assert client.get(url).status_code == 200, url


def test_observer_pages_hold_no_names(login, personas, meetings):
    """Every convenings page an observer can open names no one."""
    from kenesh.people.models import Person

    names = {n for p in Person.objects.all() for n in (p.name, p.name_latin)}
    client = login("observer")
    urls = ["/convenings/", "/convenings/programme/", "/convenings/programme/?by=track"]
    for convening in meetings.values():
        if hasattr(convening, "code"):
            urls += [
                f"/convenings/{convening.code}/",
                f"/convenings/{convening.code}/convening.ics",
            ]
    opened = 0
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            continue
        opened += 1
        text = response.content.decode()
        assert not [n for n in names if n in text], url
    assert opened == 7


@pytest.mark.parametrize("role", ["staff", "young_expert", "expert", "observer"])
def test_chatham_house_documents_follow_the_details_rule(role, login, meetings, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kenesh.convenings.models import Document

    settings.MEDIA_ROOT = tmp_path
    login("staff").post(
        f"/convenings/{meetings['chatham'].code}/documents/new/",
        {"title": "Notes", "kind": "report", "file": SimpleUploadedFile("n.txt", b"notes")},
    )
    document = Document.objects.get()
    expected = {"staff": 200, "young_expert": 200, "expert": 200, "observer": 403}[role]
    assert login(role).get(f"/convenings/documents/{document.code}/").status_code == expected


@pytest.mark.parametrize(
    ("role", "status"), [("administrator", 200), ("staff", 302), ("mentor", 302)]
)
def test_convenings_in_the_back_office(role, status, login, meetings):
    client = login(role)
    assert client.get("/admin/convenings/convening/").status_code == status
    code = meetings["closed"].pk
    assert client.get(f"/admin/convenings/convening/{code}/change/").status_code == status
