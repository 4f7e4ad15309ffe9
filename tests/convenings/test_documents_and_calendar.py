"""Private documents and calendar files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from icalendar import Calendar

from kenesh.convenings.models import CalendarFeed, Document, Invitation

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(client, convening, name, content, **extra):
    data = {
        "title": "Concept note",
        "kind": "concept_note",
        "file": SimpleUploadedFile(name, content),
    }
    data.update(extra)
    return client.post(f"/convenings/{convening.code}/documents/new/", data)


def test_staff_attach_a_pdf_that_only_permitted_people_download(
    login, meetings, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    response = upload(login("staff"), meetings["closed"], "note.pdf", PDF)
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.file.name.startswith(f"convenings/{meetings['closed'].code}/")
    assert "note" not in document.file.name  # the stored name carries no user input
    url = f"/convenings/documents/{document.code}/"
    got = login("young_expert").get(url)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == PDF
    assert "attachment" in got["Content-Disposition"]
    assert login("expert").get(url).status_code == 404
    assert login("observer").get(url).status_code == 404
    assert login(None).get(url).status_code == 302


def test_observers_cannot_download_from_open_convenings(login, meetings, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload(login("staff"), meetings["public"], "note.pdf", PDF)
    url = f"/convenings/documents/{Document.objects.get().code}/"
    assert login("observer").get(url).status_code == 403
    assert login("expert").get(url).status_code == 200


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "cannot be attached"),
        ("fake.pdf", b"<html>not a pdf</html>", "does not match its name"),
        ("fake.docx", PDF, "does not match its name"),
        ("notes.txt", b"\xff\xfe\x00bad", "UTF-8"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_wrong_uploads_are_refused(login, meetings, settings, tmp_path, name, content, message):
    settings.MEDIA_ROOT = tmp_path
    response = upload(login("staff"), meetings["public"], name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


def test_oversized_uploads_are_refused(login, meetings, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KENESH_MAX_UPLOAD_BYTES = 1024
    response = upload(login("staff"), meetings["public"], "big.pdf", PDF + b"0" * 2048)
    assert "the limit is" in response.content.decode()
    assert not Document.objects.exists()


def test_the_convening_calendar_file(login, meetings):
    response = login("staff").get(f"/convenings/{meetings['chatham'].code}/convening.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Chatham meeting"
    assert "Sekretnyi" not in response.content.decode()


def test_personal_feed_behind_a_secret_revocable_address(login, personas, meetings):
    client = login("young_expert")
    client.post("/convenings/mine/calendar/open/")
    feed = CalendarFeed.objects.get(user=personas["young_expert"])
    anonymous = login(None)
    response = anonymous.get(f"/convenings/calendar/{feed.token}.ics")
    assert response.status_code == 200
    titles = {str(e["summary"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert titles == {"Chatham meeting", "Closed dialogue"}
    # A new address replaces the old one; revoking ends the new one too.
    client.post("/convenings/mine/calendar/open/")
    assert anonymous.get(f"/convenings/calendar/{feed.token}.ics").status_code == 404
    new = CalendarFeed.objects.get(user=personas["young_expert"], revoked_at__isnull=True)
    assert anonymous.get(f"/convenings/calendar/{new.token}.ics").status_code == 200
    client.post("/convenings/mine/calendar/revoke/")
    assert anonymous.get(f"/convenings/calendar/{new.token}.ics").status_code == 404
    assert anonymous.get("/convenings/calendar/not-a-token.ics").status_code == 404


def test_declined_convenings_leave_the_feed(login, personas, meetings):
    place = meetings["closed"].participations.get(person=personas["young_expert"].person)
    place.invitation = Invitation.DECLINED
    place.save()
    login("young_expert").post("/convenings/mine/calendar/open/")
    feed = CalendarFeed.objects.get(user=personas["young_expert"])
    content = login(None).get(f"/convenings/calendar/{feed.token}.ics").content.decode()
    assert "Closed dialogue" not in content


def test_a_deactivated_users_feed_stops(login, personas, meetings):
    login("young_expert").post("/convenings/mine/calendar/open/")
    user = personas["young_expert"]
    user.is_active = False
    user.save()
    feed = CalendarFeed.objects.get(user=user)
    assert login(None).get(f"/convenings/calendar/{feed.token}.ics").status_code == 404
