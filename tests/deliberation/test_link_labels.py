"""An invitation link's default label is shown in the reader's language: the number is
stored, the words ("Link 14", «Ссылка 14») are not (issue 16)."""

from django.utils import translation

from kenesh.deliberation import services
from kenesh.deliberation.models import Participant


def test_links_made_in_russian_store_the_number_alone(pseudonymous, personas):
    with translation.override("ru"):
        links = services.create_invitation_links(
            conversation=pseudonymous, count=2, by=personas["staff"]
        )
    assert [link.label for link in links] == ["1", "2"]
    with translation.override("en"):
        assert [link.shown_label for link in links] == ["Link 1", "Link 2"]
        assert str(links[0]) == "Link 1"
    with translation.override("ru"):
        assert [link.shown_label for link in links] == ["Ссылка 1", "Ссылка 2"]


def test_labels_stored_with_words_read_in_the_readers_language(pseudonymous):
    english = Participant(conversation=pseudonymous, label="Link 3")
    russian = Participant(conversation=pseudonymous, label="Ссылка 4")
    chosen = Participant(conversation=pseudonymous, label="Room B, table 2")
    with translation.override("ru"):
        assert english.shown_label == "Ссылка 3"
        assert chosen.shown_label == "Room B, table 2"
    with translation.override("en"):
        assert russian.shown_label == "Link 4"


def test_the_links_page_shows_a_russian_made_link_in_english(pseudonymous, login):
    staff = login("staff")
    url = f"/deliberation/{pseudonymous.code}/links/"
    response = staff.post(url, {"count": 1}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 302
    assert pseudonymous.participants.get(person__isnull=True).label == "1"
    page = staff.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<td>Link 1</td>" in page and "Ссылка" not in page
    page = staff.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "<td>Ссылка 1</td>" in page
