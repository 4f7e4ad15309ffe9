"""The audit trail people can read: every action written has a sentence, staff search one
log and see each record's history on its page, CVs read and roles changed are recorded,
and no secret or contact detail is ever written in clear."""

import ast
import datetime
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

import kenesh
from kenesh.access.admin import UserAdmin
from kenesh.access.models import Role, User
from kenesh.convenings import services as convening_services
from kenesh.core import audit_display
from kenesh.core.audit import MASK, log_action
from kenesh.core.audit_display import describe
from kenesh.core.models import AuditEntry
from kenesh.core.testing.queries import assert_same_query_count
from kenesh.papers import services as paper_services
from kenesh.papers.models import AuthorRole
from kenesh.papers.rules import MOVES
from tests.factories import PersonFactory
from tests.mentoring.conftest import call  # noqa: F401  (fixture)
from tests.mentoring.test_reviews_and_mentorships import applicant

SOURCE = Path(kenesh.__file__).parent

# Action codes built at run time, and every code each can become.
DYNAMIC = {
    "f'papers.paper.{action}'": [f"papers.paper.{move}" for move in MOVES],
}
CODE = re.compile(r"^[a-z_]+\.[a-z_]+\.[a-z_]+$")


@pytest.fixture(autouse=True)
def _signed_in_with_one_step(settings):
    """These tests are about the log, not the second sign-in step staff are asked for."""
    settings.KENESH_MFA_REQUIRED = False


def _codes_in(node, module, app) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _codes_in(node.body, module, app) | _codes_in(node.orelse, module, app)
    if isinstance(node, ast.JoinedStr):
        text = ast.unparse(node)
        assert text in DYNAMIC, f"{text}: list the codes it can become in DYNAMIC"
        return set(DYNAMIC[text])
    if isinstance(node, ast.Name):
        # The code is passed in from elsewhere in the module: take every code-like string
        # of this app the module holds.
        return {
            n.value
            for n in ast.walk(module)
            if isinstance(n, ast.Constant)
            and isinstance(n.value, str)
            and CODE.match(n.value)
            and n.value.startswith(f"{app}.")
        }
    raise AssertionError(f"cannot read the action code {ast.unparse(node)}")


def logged_actions() -> dict[str, str]:
    """Every action code passed to ``log_action`` in the source, with where it is written."""
    found = {}
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "log_action(" not in text or path.name == "audit.py":
            continue
        module = ast.parse(text)
        app = path.relative_to(SOURCE).parts[0]
        for node in ast.walk(module):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "log_action"):
                continue
            action = node.args[1] if len(node.args) > 1 else None
            action = action or next(k.value for k in node.keywords if k.arg == "action")
            for code in _codes_in(action, module, app):
                found[code] = f"{path.relative_to(SOURCE)}:{node.lineno}"
    return found


def test_every_action_written_has_a_sentence():
    actions = logged_actions()
    assert len(actions) > 40  # the scan finds the calls it is meant to find
    missing = {
        code: where for code, where in actions.items() if not audit_display.has_sentence(code)
    }
    assert not missing, f"add a sentence to kenesh/core/audit_display.py for {missing}"


@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_sentence_reads_even_without_its_details(db, language):
    with translation.override(language):
        for code in audit_display.known_actions():
            text = describe(AuditEntry(action=code, target_type="people.person", data={}))
            assert text and "%(" not in text, code


def test_an_unknown_action_still_reads_as_a_sentence(db):
    entry = AuditEntry(action="someapp.thing.frobbed", target_type="people.person", data={})
    assert describe(entry) == "The platform recorded “someapp.thing.frobbed” on a person."


def test_secrets_and_contact_details_are_never_written_in_clear(personas):
    entry = log_action(
        personas["staff"],
        "people.roster.exported",
        by=personas["staff"],
        data={
            "rows": 3,
            "Email": "someone@example.org",
            "filters": {"q": "Name", "phone_number": "+996 555"},
            "items": [{"messenger": "@handle"}],
            "api_token": "abc",
            "new_password": "hunter2",
            "client_secret": "s",
            "fields": ["email", "phone"],  # field names, not values: kept
        },
    )
    entry.refresh_from_db()
    assert entry.data == {
        "rows": 3,
        "Email": MASK,
        "filters": {"q": "Name", "phone_number": MASK},
        "items": [{"messenger": MASK}],
        "api_token": MASK,
        "new_password": MASK,
        "client_secret": MASK,
        "fields": ["email", "phone"],
    }


def test_sentences_name_the_actor_and_the_details_by_their_labels(personas):
    staff = personas["staff"]
    convening = convening_services.create_convening(
        by=staff, kind="rcwg", title="Fictional meeting", starts_on=datetime.date(2024, 5, 21),
        ends_on=datetime.date(2024, 5, 22), city="Dushanbe", country="TJ",
        confidentiality="public",
    )  # fmt: skip
    people = [PersonFactory(), PersonFactory(), PersonFactory()]
    convening_services.invite_people(convening=convening, people=people, role="speaker", by=staff)
    entries = AuditEntry.objects.filter(target_code=str(convening.code)).order_by("id")
    assert [describe(e) for e in entries] == [
        "Staff created the convening.",
        "Staff invited 3 people as Speaker.",
    ]
    with translation.override("ru"):
        assert "Staff" in describe(entries[1])


def test_staff_search_the_log(personas, login):
    staff = personas["staff"]
    person = PersonFactory()
    log_action(person, "people.person.created", by=staff)
    log_action(person, "people.person.updated", by=personas["administrator"], data={
        "fields": ["position"], "consents": ["quote_consent:given"],
    })  # fmt: skip
    other = PersonFactory()
    log_action(other, "people.person.created", by=staff)
    client = login("staff")
    url = reverse("core:audit-log")

    page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="audit-entry"') == 3

    def rows(**query):
        response = client.get(url, query)
        assert response.status_code == 200
        return response.content.decode().count('data-testid="audit-entry"')

    assert rows(action="people.person.updated") == 1
    assert rows(actor="Administrator") == 1
    assert rows(target_type="people.person", q=str(person.code)) == 2
    assert rows(q=str(other.code)[:8]) == 1
    today = timezone.localdate()
    assert rows(since=today.isoformat(), until=today.isoformat()) == 3
    assert rows(until=(today - datetime.timedelta(days=1)).isoformat()) == 0
    text = client.get(url, {"action": "people.person.updated"}).content.decode()
    assert "Administrator changed the person&#x27;s record: position;" in text
    assert "consents: consent to quotes with attribution: given." in text


def test_a_wrong_filter_shows_nothing_and_says_why(personas, login):
    log_action(PersonFactory(), "people.person.created", by=personas["staff"])
    response = login("staff").get(reverse("core:audit-log"), {"since": "not a date"})
    assert response.status_code == 200
    assert 'data-testid="filter-errors"' in response.content.decode()
    assert 'data-testid="audit-entry"' not in response.content.decode()


@pytest.mark.parametrize(
    "persona, status",
    [
        (None, 302),
        ("administrator", 200),
        ("staff", 200),
        ("mentor", 403),
        ("expert", 403),
        ("young_expert", 403),
        ("observer", 403),
    ],
)
def test_only_staff_and_administrators_read_the_log(login, persona, status):
    assert login(persona).get(reverse("core:audit-log")).status_code == status


def test_the_log_is_in_the_staff_menu(login):
    assert reverse("core:audit-log") in login("staff").get(reverse("core:home")).content.decode()
    assert reverse("core:audit-log") not in login("mentor").get("/").content.decode()


def test_a_persons_page_shows_its_history_to_staff_only(personas, login):
    person = PersonFactory(directory_consent_at=timezone.now())
    log_action(person, "people.person.created", by=personas["staff"])
    url = reverse("people:person-detail", kwargs={"code": person.code})
    staff_page = login("staff").get(url).content.decode()
    assert 'data-testid="audit-history"' in staff_page
    assert "Staff added the person to the roster." in staff_page
    assert f"target_type=people.person&amp;q={person.code}" in staff_page
    expert_page = login("expert").get(url)
    assert expert_page.status_code == 200
    assert 'data-testid="audit-history"' not in expert_page.content.decode()


def test_a_persons_history_costs_one_query_however_long(personas, login):
    client = login("staff")
    few, many = PersonFactory(), PersonFactory()
    for person, count in ((few, 3), (many, 30)):
        for _n in range(count):
            log_action(person, "people.person.updated", by=personas["staff"], data={"fields": []})

    def page(person):
        return lambda: client.get(reverse("people:person-detail", kwargs={"code": person.code}))

    assert_same_query_count(page(few), page(many))
    text = page(many)().content.decode()
    assert text.count("changed the person&#x27;s record") == 20  # the last 20, then a link


def test_a_convenings_page_shows_its_history_to_staff(personas, login):
    convening = convening_services.create_convening(
        by=personas["staff"], kind="rcwg", title="Fictional meeting",
        starts_on=datetime.date(2024, 5, 21), ends_on=datetime.date(2024, 5, 22),
        city="Dushanbe", country="TJ", confidentiality="public",
    )  # fmt: skip
    url = reverse("convenings:convening-detail", kwargs={"code": convening.code})
    assert "Staff created the convening." in login("staff").get(url).content.decode()
    assert 'data-testid="audit-history"' not in login("expert").get(url).content.decode()


def test_a_papers_page_shows_its_history_to_staff(personas, login):
    paper = paper_services.create_paper(
        by=personas["staff"],
        authors=[(personas["young_expert"].person, AuthorRole.LEAD)],
        title="Sharing river data (fictional)", body="# Draft", language="en",
        visibility="public",
    )  # fmt: skip
    paper_services.move(paper=paper, action="submit", by=personas["young_expert"])
    url = reverse("papers:paper-detail", kwargs={"code": paper.code})
    text = login("staff").get(url).content.decode()
    assert "Young_Expert submitted the paper for review." in text
    assert "Staff created the paper." in text
    author_page = login("young_expert").get(url).content.decode()
    assert 'data-testid="audit-history"' not in author_page


def test_reading_an_applicants_cv_is_recorded_and_shown(personas, login, call, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    application = applicant(call, "reader")
    file_url = reverse(
        "mentoring:application-file", kwargs={"code": application.code, "which": "cv"}
    )
    assert login("mentor").get(file_url).status_code == 200
    entry = AuditEntry.objects.get(action="mentoring.application.file_opened")
    assert entry.actor == personas["mentor"]
    assert entry.target_code == str(application.code)
    assert describe(entry) == "Mentor opened the applicant's file: CV."
    review_url = reverse("mentoring:review", kwargs={"code": application.code})
    assert (
        "Mentor opened the applicant&#x27;s file: CV."
        in login("staff").get(review_url).content.decode()
    )
    assert 'data-testid="audit-history"' not in login("mentor").get(review_url).content.decode()


def test_a_file_that_is_not_there_records_nothing(personas, login, call, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    application = applicant(call, "nobody")
    url = reverse("mentoring:application-file", kwargs={"code": application.code, "which": "cover"})
    assert login("staff").get(url).status_code == 404
    assert not AuditEntry.objects.filter(action="mentoring.application.file_opened").exists()


def _save_in_back_office(by, user, changed, initial, change=True):
    request = RequestFactory().post("/admin/")
    request.user = by
    form = SimpleNamespace(changed_data=changed, initial=initial)
    admin = UserAdmin(User, None)
    admin.save_model(request, user, form, change)


def test_role_changes_and_deactivation_in_the_back_office_are_recorded(personas):
    administrator, expert = personas["administrator"], personas["expert"]
    expert.role = Role.STAFF
    _save_in_back_office(administrator, expert, ["role"], {"role": Role.EXPERT})
    expert.is_active = False
    _save_in_back_office(administrator, expert, ["is_active"], {"is_active": True})
    entries = AuditEntry.objects.filter(
        action__startswith="access.user.", target_code=str(expert.code)
    ).order_by("id")
    assert [describe(e) for e in entries] == [
        "Administrator changed the role of the sign-in from Expert to Programme staff.",
        "Administrator deactivated the sign-in.",
    ]
    assert entries[0].actor == administrator


def test_a_new_sign_in_is_recorded_with_its_role(personas):
    new = User.objects.create_user(username="newcomer", role=Role.MENTOR)
    _save_in_back_office(personas["administrator"], new, [], {}, change=False)
    entry = AuditEntry.objects.get(action="access.user.created")
    assert entry.data == {"role": "mentor"}


def test_a_change_that_leaves_access_alone_records_no_access_change(personas):
    expert = personas["expert"]
    _save_in_back_office(personas["administrator"], expert, ["first_name"], {"first_name": "E"})
    assert not AuditEntry.objects.filter(action__startswith="access.user.").exists()


def _audited_admin(model):
    from django.contrib import admin

    return admin.site._registry[model]


def test_every_back_office_page_records_its_writes():
    from django.contrib import admin

    from kenesh.core.admin_audit import AuditedAdminMixin

    plain = [m._meta.label for m, a in admin.site._registry.items()
             if not isinstance(a, AuditedAdminMixin)]  # fmt: skip
    assert not plain, f"back-office pages that write without an audit entry: {plain}"


def test_back_office_changes_are_recorded_by_field_name_without_values(personas):
    from kenesh.convenings.models import Convening

    staff = personas["staff"]
    convening = convening_services.create_convening(
        by=staff, kind="rcwg", title="Fictional meeting", starts_on=datetime.date(2024, 5, 21),
        ends_on=datetime.date(2024, 5, 22), city="Dushanbe", country="TJ",
        confidentiality="public",
    )  # fmt: skip
    model_admin = _audited_admin(Convening)
    request = RequestFactory().post("/admin/")
    request.user = staff
    form = SimpleNamespace(changed_data=["title", "city"], fields={})
    message = model_admin.construct_change_message(request, form, [], add=False)
    model_admin.log_change(request, convening, message)
    entry = AuditEntry.objects.get(action="admin.record.changed")
    assert entry.data == {"fields": ["city", "title"]}
    assert describe(entry) == (
        "Staff changed the record (convening) in the back office: city, title; related records: —."
    )

    model_admin.log_deletions(request, Convening.objects.filter(pk=convening.pk))
    deleted = AuditEntry.objects.get(action="admin.record.deleted")
    assert deleted.target_code == str(convening.code)
    assert describe(deleted) == (
        "Staff deleted the record (convening) in the back office (1 record deleted in all)."
    )


def test_the_log_page_costs_the_same_with_3_or_30_entries(personas, login):
    client = login("staff")
    for _n in range(3):
        log_action(PersonFactory(), "people.person.created", by=personas["staff"])
    for _n in range(30):
        log_action(PersonFactory(), "people.person.created", by=personas["administrator"])

    def page(actor):
        return lambda: client.get(reverse("core:audit-log"), {"actor": actor})

    assert_same_query_count(page("Staff"), page("Administrator"))
    assert page("Administrator")().content.decode().count('data-testid="audit-entry"') == 30


@pytest.mark.parametrize(
    "rows, sentence",
    [
        (1, "Someone exported 1 row of the roster."),
        (3, "Someone exported 3 rows of the roster."),
        (None, "Someone exported — rows of the roster."),  # an entry without its number
    ],
)
def test_a_count_in_a_stored_entry_takes_its_plural_form(db, rows, sentence):
    data = {} if rows is None else {"rows": rows}
    entry = AuditEntry(action="people.roster.exported", target_type="people.person", data=data)
    assert describe(entry).replace("The platform", "Someone") == sentence


def test_a_second_count_is_a_phrase_with_its_own_plural(db):
    entry = AuditEntry(
        action="deliberation.polis.imported",
        target_type="deliberation.conversation",
        data={"statements": 2, "votes": 1},
    )
    assert describe(entry) == (
        "The platform imported a Polis conversation with 2 statements and 1 vote."
    )
    assert "…" in audit_display.action_label("deliberation.polis.imported")


def _written_without_a_user() -> dict[str, str]:
    """Action codes some ``log_action`` call writes with no ``by`` or ``by=None``."""
    found = {}
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "log_action(" not in text or path.name == "audit.py":
            continue
        module = ast.parse(text)
        for node in ast.walk(module):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "log_action"):
                continue
            by = next((k.value for k in node.keywords if k.arg == "by"), None)
            if by is None or (isinstance(by, ast.Constant) and by.value is None):
                app = path.relative_to(SOURCE).parts[0]
                for code in _codes_in(node.args[1], module, app):
                    found[code] = f"{path.relative_to(SOURCE)}:{node.lineno}"
    return found


# Codes whose user can be missing although the call passes one: a link from a mail used
# without a sign-in, the demo, a cohort decided without a reviewer.
WITHOUT_A_USER = {
    "convenings.invitation.answered",
    "convenings.date_poll.answered",
    "mentoring.pairs.made",
    "mentoring.cohort.decided",
}


def test_an_action_done_without_a_user_has_a_sentence_without_an_actor():
    codes = set(_written_without_a_user()) | WITHOUT_A_USER
    assert "core.retention.purged" in codes  # the scan finds the calls it is meant to find
    for code in sorted(codes):
        sentence = audit_display._sentences[code]
        template = sentence.no_actor or sentence.template
        # a lazy string's English (ngettext_lazy keeps it by name)
        msgid = str(getattr(template, "_args", None) or getattr(template, "_kw", template))
        assert "%(actor)s" not in msgid, f"{code}: give it a sentence without an actor"


@pytest.mark.parametrize(
    ("action", "data", "expected"),
    [
        ("mentoring.pairs.made", {"pairs": 10}, "The platform made 10 pairs of mentors"),
        ("convenings.date_poll.answered", {}, "An invitee answered the date poll from the link"),
        (
            "convenings.invitation.answered",
            {"answer": "accepted"},
            "The invitee answered from the link in their mail: Accepted.",
        ),
        ("core.retention.purged", {"count": 1, "rule": "r"}, "The retention rule r was applied"),
    ],
)
def test_an_entry_without_a_user_reads_without_an_actor(db, action, data, expected):
    entry = AuditEntry(action=action, target_type="people.person", data=data)
    assert describe(entry).startswith(expected)


def test_an_entry_with_a_user_still_names_them(personas):
    entry = log_action(personas["staff"], "mentoring.pairs.made", by=personas["staff"])
    entry.data = {"pairs": 2}
    assert describe(entry) == "Staff made 2 pairs of mentors and young experts."


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", ["15", "2.5"]), ("ru", ["15", "2,5"])],
)
def test_a_value_in_the_trail_reads_as_a_number(db, language, expected):
    """Values are stored as the Decimal's text ("15.0000"): shown localized."""
    with translation.override(language):
        texts = [
            describe(AuditEntry(action=action, target_type="monitoring.target", data=data))
            for action, data in [
                ("monitoring.target.set", {"value": "15.0000"}),
                ("monitoring.value.approved", {"value": "2.5"}),
            ]
        ]
    for text, number in zip(texts, expected, strict=True):
        assert f" {number}" in text and "15.0000" not in text, text


def test_shared_disaggregations_read_by_their_labels(db):
    entry = AuditEntry(
        action="monitoring.report.sharing_set",
        target_type="monitoring.report",
        data={"for_donor": True, "shared": ["country", "gender", "scope"]},
    )
    text = describe(entry)
    assert "Country, Gender, Inside or outside the region" in text, text
