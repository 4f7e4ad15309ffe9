"""One rule for counts: what a viewer may not know exists is not counted, and every
count of people shown to non-staff passes through the same small-cell protection on
every page (list, convening page, programme overview)."""

import datetime
import re

import pytest

from kenesh.convenings import queries
from tests.convenings.factories import ConveningFactory, ParticipationFactory, SessionFactory
from tests.factories import PersonFactory


def held(day, **kwargs):
    return ConveningFactory(starts_on=day, ends_on=day, **kwargs)


def fill(convening, n, **person):
    for _ in range(n):
        ParticipationFactory(convening=convening, person=PersonFactory(**person))


def text_of(page: str, name: str) -> str:
    match = re.search(rf'data-testid="{re.escape(name)}"[^>]*>([^<]*)<', page)
    assert match, name
    return match.group(1).strip()


@pytest.mark.parametrize(
    ("n", "role", "shown"),
    [
        (0, "observer", "0"),
        (1, "observer", "&lt;5"),
        (4, "expert", "&lt;5"),
        (5, "observer", "5"),
        (3, "staff", "3"),
    ],
)
def test_the_list_and_the_page_show_the_same_count(login, n, role, shown):
    convening = held(datetime.date(2023, 5, 1), title="Small RCWG meeting")
    fill(convening, n)
    client = login(role)
    listing = client.get("/convenings/").content.decode()
    page = client.get(f"/convenings/{convening.code}/").content.decode()
    assert text_of(listing, f"took-part-{convening.code}") == shown
    assert text_of(page, "took-part") == shown
    # The composition table on the page says the same.
    hidden = shown == "&lt;5"
    assert ("Fewer than 5 experts" in page) is hidden


def test_shown_count_hides_one_to_four_from_everyone_but_staff(personas):
    shown = {n: str(queries.shown_count(n, personas["observer"])) for n in range(7)}
    assert shown == {0: "0", 1: "<5", 2: "<5", 3: "<5", 4: "<5", 5: "5", 6: "6"}
    assert str(queries.shown_count(3, personas["mentor"])) == "<5"
    assert str(queries.shown_count(3, personas["staff"])) == "3"


def test_counts_that_would_give_a_hidden_one_away_are_hidden_too(personas):
    # Six participants and two speakers among eight: showing the six would reveal two.
    cells = queries.shown_counts([6, 2, 0, 0], personas["observer"], total=8)
    assert [str(c) for c in cells] == ["5+", "<5", "0", "0"]
    cells = queries.shown_counts([6, 2, 0, 0], personas["staff"], total=8)
    assert [str(c) for c in cells] == ["6", "2", "0", "0"]


def test_donor_overview_does_not_count_closed_dialogues(login, personas):
    for day in (datetime.date(2023, 3, 1), datetime.date(2023, 9, 1)):
        fill(held(day, kind="track2", confidentiality="closed"), 6)
    open_meeting = held(datetime.date(2023, 5, 1), kind="rcwg", confidentiality="public")
    fill(open_meeting, 7)
    observer = queries.overview(viewer=personas["observer"])
    assert observer.held["track2"] == 0
    assert observer.experts_convened.count == 7
    staff = queries.overview(viewer=personas["staff"])
    assert staff.held["track2"] == 2
    assert staff.experts_convened.count == 19
    page = login("observer").get("/convenings/programme/").content.decode()
    assert text_of(page, "experts-convened") == "7"
    track2_row = re.search(r"Track II dialogue</td><td class=\"num\">(\d+)</td>", page)
    assert track2_row.group(1) == "0"


def test_a_participant_counts_the_closed_dialogue_they_know(personas):
    closed = held(datetime.date(2023, 3, 1), kind="track2", confidentiality="closed")
    fill(closed, 6)
    ParticipationFactory(convening=closed, person=personas["young_expert"].person)
    assert queries.overview(viewer=personas["young_expert"]).held["track2"] == 1
    assert queries.overview(viewer=personas["expert"]).held["track2"] == 0


def test_overview_small_counts_are_protected_for_non_staff(login, personas):
    meeting = held(datetime.date(2023, 5, 1), kind="rcwg", confidentiality="public")
    fill(meeting, 9, gender="male")
    fill(meeting, 3, gender="female")
    young = [PersonFactory(track="emergent", gender="male") for _ in range(8)]
    for person in young[:2]:
        place = ParticipationFactory(convening=meeting, person=person)
        SessionFactory(convening=meeting).assignments.create(participation=place, role="speaker")
    for person in young[2:]:
        ParticipationFactory(convening=meeting, person=person)
    page = login("observer").get("/convenings/programme/").content.decode()
    assert text_of(page, "experts-convened") == "20"
    assert text_of(page, "women-convened") == "&lt;5"
    assert text_of(page, "emergent-convened") == "8"
    assert text_of(page, "step-participant") == "5+"  # with the total, it would reveal 2
    assert text_of(page, "step-speaker") == "&lt;5"
    staff = login("staff").get("/convenings/programme/").content.decode()
    assert text_of(staff, "women-convened") == "3"
    assert (text_of(staff, "step-participant"), text_of(staff, "step-speaker")) == ("6", "2")


def test_the_headline_hides_a_handful_of_experts(login, personas):
    fill(held(datetime.date(2023, 5, 1), kind="rcwg"), 3)
    page = login("observer").get("/convenings/programme/").content.decode()
    assert "1 RCWG meeting held, convening fewer than 5 experts." in page
    assert 'data-testid="countries"' not in page
    staff = login("staff").get("/convenings/programme/").content.decode()
    assert "1 RCWG meeting held, convening 3 experts from 1 country." in staff


def test_the_overview_figures_match_its_own_tables(login, personas):
    """The women and emergent figures are the gender and track tables' column totals,
    protected once, so the two never disagree."""
    meeting = held(datetime.date(2023, 5, 1), kind="rcwg")
    fill(meeting, 7, gender="female", country="KG")
    fill(meeting, 3, gender="male", country="TJ")
    client = login("observer")
    page = client.get("/convenings/programme/?by=gender").content.decode()
    footer = page[page.index("<tfoot>") : page.index("</tfoot>")]
    women = text_of(page, "women-convened")
    assert f"<td>{women}</td>" in footer


def test_members_see_on_the_paths_page_only_people_they_may_see(login, personas):
    meeting = held(datetime.date(2023, 5, 1), confidentiality="public")
    listed = PersonFactory(track="emergent", name="Видимая Участница", name_latin="Vidimaya")
    unlisted = PersonFactory(
        track="emergent",
        name="Скрытая Участница",
        name_latin="Skrytaya Uchastnitsa",
        directory_consent_at=None,
    )
    for person in (listed, unlisted):
        ParticipationFactory(convening=meeting, person=person)
    mentor = login("mentor").get("/convenings/paths/").content.decode()
    assert "Vidimaya" in mentor
    assert "Skrytaya" not in mentor
    staff = login("staff").get("/convenings/paths/").content.decode()
    assert "Skrytaya" in staff
