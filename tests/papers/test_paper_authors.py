"""Programme staff change a paper's authors and mentor from the product while the paper is
a draft or sent back for revisions: each change is in the paper's history and the audit
trail, the person added or taken off is told by mail, and every refusal is explained with
nothing changed."""

import uuid

import pytest
from django.utils import timezone

from kenesh.core.audit_display import describe
from kenesh.core.models import AuditEntry
from kenesh.core.testing.queries import count_queries
from kenesh.notifications.models import Message
from kenesh.papers.models import AuthorRole, Authorship, PaperEvent
from tests.factories import PersonFactory
from tests.papers.conftest import advance

STAFF_ONLY = {
    None: 302,
    "observer": 403,
    "expert": 403,
    "young_expert": 403,
    "mentor": 403,
    "staff": 200,
    "administrator": 200,
}


def url(paper):
    return f"/papers/{paper.code}/authors/"


def authors(paper):
    """(name, role) in the paper's order, the mentor included."""
    return [
        (a.person.name, a.role)
        for a in Authorship.objects.filter(paper=paper).select_related("person")
    ]


def snapshot(paper):
    return (
        authors(paper),
        PaperEvent.objects.filter(paper=paper).count(),
        AuditEntry.objects.filter(action__startswith="papers.paper.authors").count()
        + AuditEntry.objects.filter(action="papers.paper.mentor_changed").count(),
        Message.objects.count(),
    )


@pytest.fixture
def newcomer(personas):
    return PersonFactory(name="Айгуль Новая", name_latin="Aigul Novaya")


@pytest.fixture
def staff(login):
    return login("staff")


@pytest.mark.parametrize("role", list(STAFF_ONLY))
def test_only_staff_open_the_authors_page(role, login, paper):
    response = login(role).get(url(paper))
    assert response.status_code == STAFF_ONLY[role]


@pytest.mark.parametrize("role", ["young_expert", "expert", "mentor", "observer"])
def test_no_one_but_staff_changes_the_authors_not_even_the_lead(role, login, paper, newcomer):
    before = snapshot(paper)
    response = login(role).post(
        url(paper), {"action": "add", "person": newcomer.code, "role": "co_author"}
    )
    assert response.status_code == 403
    assert snapshot(paper) == before


def test_the_paper_page_links_to_the_authors_for_staff_only(login, paper):
    assert url(paper) in login("staff").get(f"/papers/{paper.code}/").content.decode()
    assert url(paper) not in login("young_expert").get(f"/papers/{paper.code}/").content.decode()


def test_staff_see_authors_in_order_and_the_people_they_may_add(staff, paper, newcomer):
    page = staff.get(url(paper)).content.decode()
    assert page.index("Молодой Эксперт") < page.index("Эксперт Опытный")
    add = page[page.index('data-testid="add-author"') :]
    assert str(newcomer.code) in add
    assert (
        'value="' + str(paper.authorships.first().person.code) + '"'
        not in add.split('data-testid="set-mentor"')[0]
    )


def test_withdrawn_and_erased_people_are_not_offered(staff, paper):
    withdrawn = PersonFactory(withdrawn_at=timezone.now())
    erased = PersonFactory(erased_at=timezone.now())
    page = staff.get(url(paper)).content.decode()
    assert str(withdrawn.code) not in page
    assert str(erased.code) not in page


def test_staff_add_an_author_recorded_and_told_once(staff, paper, newcomer):
    response = staff.post(
        url(paper), {"action": "add", "person": newcomer.code, "role": "co_author"}
    )
    assert response.status_code == 302
    assert authors(paper)[-1] == ("Айгуль Новая", AuthorRole.CO_AUTHOR)
    event = PaperEvent.objects.filter(paper=paper).last()
    assert event.from_status == event.to_status == "draft"
    assert "Айгуль Новая" in event.note
    entry = AuditEntry.objects.get(action="papers.paper.authors_changed")
    assert entry.data == {"change": "added", "person": str(newcomer.code), "role": "co_author"}
    assert "an author added" in describe(entry)
    mail = Message.objects.get(person=newcomer)
    assert mail.key.startswith(f"paper-authorship:{paper.code}:{newcomer.code}:added:")
    # The same submission again (a double click) is refused: no second author, no mail.
    before = snapshot(paper)
    again = staff.post(url(paper), {"action": "add", "person": newcomer.code, "role": "co_author"})
    assert again.status_code == 400
    page = again.content.decode()
    assert "Айгуль Новая is already an author of this paper." in page
    assert snapshot(paper) == before
    # The form shown again still offers only people not yet on the paper.
    add = page[page.index('data-testid="add-author"') : page.index('data-testid="set-mentor"')]
    assert f'value="{newcomer.code}"' not in add


def test_staff_take_an_author_off(staff, paper, personas):
    expert = personas["expert"].person
    response = staff.post(url(paper), {"action": "remove", "person": expert.code})
    assert response.status_code == 302
    assert authors(paper) == [("Молодой Эксперт", AuthorRole.LEAD)]
    entry = AuditEntry.objects.get(action="papers.paper.authors_changed")
    assert entry.data["change"] == "removed"
    assert Message.objects.filter(key__contains=f":{expert.code}:removed:").count() == 1


def test_staff_change_role_and_order_then_the_old_lead_may_step_down(staff, paper, personas):
    expert, young = personas["expert"].person, personas["young_expert"].person
    response = staff.post(
        url(paper), {"action": "change", "person": expert.code, "role": "lead", "position": 1}
    )
    assert response.status_code == 302
    assert authors(paper) == [
        ("Эксперт Опытный", AuthorRole.LEAD),
        ("Молодой Эксперт", AuthorRole.LEAD),
    ]
    response = staff.post(
        url(paper), {"action": "change", "person": young.code, "role": "co_author", "position": 2}
    )
    assert response.status_code == 302
    assert authors(paper)[1] == ("Молодой Эксперт", AuthorRole.CO_AUTHOR)
    assert AuditEntry.objects.filter(action="papers.paper.authors_changed").count() == 2
    # Changing places tells no one by mail: the people stay on the paper.
    assert Message.objects.count() == 0


@pytest.mark.parametrize(
    "post",
    [
        {"action": "remove"},
        {"action": "change", "role": "co_author", "position": 1},
    ],
)
def test_the_last_lead_author_stays(staff, paper, personas, post):
    young = personas["young_expert"].person
    before = snapshot(paper)
    response = staff.post(url(paper), {**post, "person": young.code})
    assert response.status_code == 400
    assert "Молодой Эксперт is the paper&#x27;s only lead author" in response.content.decode()
    assert snapshot(paper) == before


def test_staff_set_change_and_clear_the_mentor(staff, paper, personas):
    mentor = personas["mentor"].person
    other = PersonFactory(name="Второй Наставник", name_latin="Vtoroi Nastavnik", can_mentor=True)
    assert staff.post(url(paper), {"action": "mentor", "mentor": mentor.code}).status_code == 302
    assert authors(paper)[-1] == ("Наставник Тестов", AuthorRole.MENTOR)
    assert staff.post(url(paper), {"action": "mentor", "mentor": other.code}).status_code == 302
    assert authors(paper)[-1] == ("Второй Наставник", AuthorRole.MENTOR)
    assert [row for row in authors(paper) if row[1] == AuthorRole.MENTOR] == [
        ("Второй Наставник", AuthorRole.MENTOR)
    ]
    assert staff.post(url(paper), {"action": "mentor", "mentor": ""}).status_code == 302
    assert all(role != AuthorRole.MENTOR for _name, role in authors(paper))
    entries = AuditEntry.objects.filter(action="papers.paper.mentor_changed").order_by("id")
    assert [e.data["to"] for e in entries] == [str(mentor.code), str(other.code), ""]
    assert describe(entries[0]).endswith("changed the paper's mentor.")
    # The first mentor was told twice: named, then taken off; the second likewise.
    assert Message.objects.filter(key__contains=f":{mentor.code}:").count() == 2


def test_a_mentor_who_is_an_author_is_refused(staff, paper, personas):
    expert = personas["expert"].person
    before = snapshot(paper)
    response = staff.post(url(paper), {"action": "mentor", "mentor": expert.code})
    assert response.status_code == 400
    assert (
        "Эксперт Опытный is an author of this paper, so cannot also be its mentor."
        in response.content.decode()
    )
    assert snapshot(paper) == before


def test_the_mentor_cannot_be_added_as_an_author_too(staff, paper, personas):
    mentor = personas["mentor"].person
    staff.post(url(paper), {"action": "mentor", "mentor": mentor.code})
    before = snapshot(paper)
    response = staff.post(url(paper), {"action": "add", "person": mentor.code, "role": "lead"})
    assert response.status_code == 400
    assert "Наставник Тестов is already the mentor of this paper." in response.content.decode()
    assert snapshot(paper) == before


def test_someone_not_offered_is_refused_as_someone_who_does_not_exist(staff, paper):
    withdrawn = PersonFactory(withdrawn_at=timezone.now())
    before = snapshot(paper)
    answers = []
    for code in (withdrawn.code, uuid.uuid4(), "not-a-code", ""):
        response = staff.post(url(paper), {"action": "add", "person": code, "role": "co_author"})
        answers.append(response.status_code)
        if code:
            assert "Choose someone from the list." in response.content.decode()
    assert answers[:3] == [400, 400, 400]
    assert answers[3] in (200, 400)
    assert snapshot(paper) == before


def test_a_member_cannot_even_name_an_unlisted_person(login, paper):
    # The form's choices go through visible_to: an unlisted person is unknown to a member.
    from kenesh.papers.author_forms import AddAuthorForm

    unlisted = PersonFactory(directory_consent_at=None)
    form = AddAuthorForm(
        {"person": unlisted.code, "role": "co_author"},
        user=paper.authorships.first().person.user,
        paper=paper,
    )
    assert not form.is_valid()
    assert form.has_error("person", "invalid_choice")


@pytest.mark.parametrize(
    "post",
    [
        {"action": "explode"},
        {"action": "change", "person": "x", "role": "lead", "position": 1},
        {"action": "change", "person": "", "role": "lead", "position": 1},
        {"action": "add", "person": "", "role": "ghost"},
        {"action": "remove", "person": str(uuid.uuid4())},
        {"action": "mentor", "mentor": "9" * 40},
    ],
)
def test_forged_submissions_are_refused_without_a_server_error(staff, paper, post):
    before = snapshot(paper)
    response = staff.post(url(paper), post)
    assert response.status_code == 400
    assert snapshot(paper) == before


def test_a_place_off_the_list_is_refused(staff, paper, personas):
    expert = personas["expert"].person
    before = snapshot(paper)
    response = staff.post(
        url(paper), {"action": "change", "person": expert.code, "role": "lead", "position": 9}
    )
    assert response.status_code == 400
    assert "Choose a place on the list." in response.content.decode()
    assert snapshot(paper) == before


@pytest.mark.parametrize("status", ["submitted", "in_review", "published"])
def test_outside_draft_and_revisions_the_page_is_read_only(
    staff, paper, personas, newcomer, status
):
    paper = advance(paper, personas, status)
    page = staff.get(url(paper))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="locked"' in text
    assert 'data-testid="add-author"' not in text
    before = snapshot(paper)
    response = staff.post(url(paper), {"action": "add", "person": newcomer.code, "role": "lead"})
    assert response.status_code == 409
    assert "only while it is a draft or" in response.content.decode()
    assert snapshot(paper) == before


def test_in_revisions_authors_change_but_a_reviewer_cannot_become_one(
    staff, paper, personas, newcomer
):
    paper = advance(paper, personas, "revisions")
    response = staff.post(
        url(paper), {"action": "add", "person": newcomer.code, "role": "co_author"}
    )
    assert response.status_code == 302
    assert PaperEvent.objects.filter(paper=paper).last().to_status == "revisions"
    mentor = personas["mentor"].person  # the paper's mentor reviewer
    before = snapshot(paper)
    response = staff.post(url(paper), {"action": "add", "person": mentor.code, "role": "co_author"})
    assert response.status_code == 400
    assert "reviews this paper, so cannot also be one of its authors" in response.content.decode()
    assert snapshot(paper) == before


def test_a_long_roster_is_searched(staff, paper, newcomer):
    PersonFactory.create_batch(31)
    page = staff.get(url(paper), {"q": "Айгуль"}).content.decode()
    assert 'role="search"' in page
    add = page[page.index('data-testid="add-author"') : page.index('data-testid="set-mentor"')]
    assert str(newcomer.code) in add
    assert add.count("<option") == 1 + 2  # the one match, and the two roles


def test_the_page_costs_the_same_with_3_authors_and_with_30(staff, paper):
    def add_authors(number):
        start = paper.authorships.count()
        for n, person in enumerate(PersonFactory.create_batch(number)):
            Authorship.objects.create(paper=paper, person=person, role="co_author", order=start + n)

    add_authors(1)
    staff.get(url(paper))  # what a process reads once and caches is not the page's cost
    few, few_sql = count_queries(lambda: staff.get(url(paper)))
    add_authors(27)
    assert staff.get(url(paper)).content.count(b'data-testid="author-') == 30
    many, many_sql = count_queries(lambda: staff.get(url(paper)))
    assert few == many, f"{few} queries for 3 rows, {many} for 30:\n{few_sql}\n--\n{many_sql}"
