"""Staff merge two records of one person from the product: every participation,
authorship, vote and mentorship moves to the record kept, the other record leaves the
roster, and the merge can be undone for a day."""

import datetime

import pytest
from django.apps import apps
from django.utils import timezone

from kenesh.convenings.models import Participation, SessionAssignment
from kenesh.core.models import AuditEntry
from kenesh.deliberation.models import Conversation, Participant, Statement, Vote
from kenesh.mentoring import models as mentoring
from kenesh.mentoring.models import Application, Call, MentorChange, Mentorship
from kenesh.notifications.models import Message
from kenesh.papers.models import Authorship, PolicyPaper
from kenesh.people import merge
from kenesh.people.models import MergeRecord, Person
from tests.convenings.factories import ConveningFactory, ParticipationFactory, SessionFactory
from tests.factories import PersonFactory, ThemeFactory

STAFF_ONLY = {
    None: 302,
    "observer": 403,
    "expert": 403,
    "young_expert": 403,
    "mentor": 403,
    "staff": 200,
    "administrator": 200,
}


def twin(person, **fields):
    """Another record of ``person``: same name and country."""
    values = {"name": person.name, "name_latin": person.name_latin, "country": person.country}
    return PersonFactory(**{**values, **fields})


@pytest.fixture
def pair(personas):
    kept = PersonFactory(name="Айгуль Асанова", name_latin="Aigul Asanova")
    other = twin(kept, email="aigul@example.org", city="Osh", position="")
    return kept, other


def _conversation(convening):
    conversation = Conversation.objects.create(
        title="Fictional water talk", language="en", convening=convening
    )
    statement = Statement.objects.create(
        conversation=conversation, number=1, text="Meters on every canal", language="en"
    )
    return conversation, statement


def _paper(title="Fictional paper"):
    return PolicyPaper.objects.create(title=title, language="en")


def one_of_each(person, personas):
    """``person`` holding one row of every kind that refers to a person."""
    third, fourth = PersonFactory(), PersonFactory()
    convening = ConveningFactory()
    participation = ParticipationFactory(convening=convening, person=person)
    conversation, statement = _conversation(convening)
    participant = Participant.objects.create(conversation=conversation, person=person)
    Vote.objects.create(participant=participant, statement=statement, value=1, language="en")
    call = Call.objects.create(
        title="Fictional call",
        opens_on=datetime.date(2020, 1, 1),
        closes_on=datetime.date(2099, 1, 1),
    )
    as_mentor = Mentorship.objects.create(
        mentor=person, mentee=third, started_on=datetime.date(2024, 2, 1)
    )
    as_mentee = Mentorship.objects.create(
        mentor=fourth, mentee=person, started_on=datetime.date(2024, 2, 1)
    )
    return {
        ("convenings.Participation", "person"): participation,
        ("deliberation.Participant", "person"): participant,
        ("papers.Authorship", "person"): Authorship.objects.create(
            paper=_paper(), person=person, role="lead"
        ),
        ("mentoring.Application", "person"): Application.objects.create(
            call=call,
            email="a@example.org",
            name=person.name,
            country="KG",
            gender="female",
            sector="academia",
            birth_year=1999,
            motivation="Water.",
            consent_at=timezone.now(),
            person=person,
        ),
        ("mentoring.Mentorship", "mentor"): as_mentor,
        ("mentoring.Mentorship", "mentee"): as_mentee,
        ("mentoring.MentorChange", "from_mentor"): MentorChange.objects.create(
            mentorship=as_mentor,
            from_mentor=person,
            to_mentor=fourth,
            reason="Moved.",
            changed_on=datetime.date(2024, 3, 1),
        ),
        ("mentoring.MentorChange", "to_mentor"): MentorChange.objects.create(
            mentorship=as_mentee,
            from_mentor=third,
            to_mentor=person,
            reason="Moved.",
            changed_on=datetime.date(2024, 3, 1),
        ),
        ("mentoring.Testimonial", "person"): mentoring.Testimonial.objects.create(
            person=person, quote="It helped.", attribution="name", consent_at=timezone.now()
        ),
        ("notifications.Message", "person"): Message.objects.create(
            kind="invitation",
            to="a@example.org",
            language="en",
            subject="Hi",
            text="Hi",
            person=person,
        ),
    }


# -- the registry ------------------------------------------------------------------------


def test_every_relation_to_a_person_is_moved_by_a_merge():
    """A new foreign key to Person must say how a merge moves it (``merge.register``)."""
    forgotten = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if not field.is_relation or field.related_model is not Person:
                continue
            if field.many_to_many and not field.concrete:
                continue  # the reverse side of a many-to-many declared elsewhere
            if field.many_to_many:
                forgotten.append(f"{model._meta.label}.{field.name} (many-to-many)")
                continue
            if not field.concrete:
                continue
            if not merge.is_registered(model._meta.label, field.name):
                forgotten.append(f"{model._meta.label}.{field.name}")
    assert forgotten == [], (
        "Register these in the app's ready() with kenesh.people.merge.register(...)"
    )


def test_every_registered_reference_names_a_real_field():
    for reference in merge.references():
        field = reference.get_model()._meta.get_field(reference.field)
        assert field.related_model is Person
        for name in reference.unique_with:
            reference.get_model()._meta.get_field(name)


# -- the service ---------------------------------------------------------------------------


def test_every_kind_of_record_moves_to_the_kept_person_and_back_on_undo(pair, personas):
    kept, other = pair
    rows = one_of_each(other, personas)
    record = merge.merge_people(kept=kept, merged=other, by=personas["staff"])

    for (_label, field), row in rows.items():
        row.refresh_from_db()
        assert getattr(row, f"{field}_id") == kept.pk, (_label, field)
    assert len(record.moves) == len(rows)
    assert Vote.objects.filter(participant__person=kept).count() == 1
    other = Person.all_objects.get(pk=other.pk)
    assert other.merged_into == kept and other.merged_at is not None
    assert not Person.objects.filter(pk=other.pk).exists()

    merge.undo_merge(record=record, by=personas["staff"])
    for (_label, field), row in rows.items():
        row.refresh_from_db()
        assert getattr(row, f"{field}_id") == other.pk, (_label, field)
    assert Person.objects.filter(pk=other.pk).exists()
    record.refresh_from_db()
    assert record.undone_at is not None and record.undone_by == personas["staff"]


def test_both_at_one_convening_keeps_the_kept_place_and_undo_restores_the_other(pair, personas):
    kept, other = pair
    convening = ConveningFactory()
    mine = ParticipationFactory(convening=convening, person=kept, role="participant")
    theirs = ParticipationFactory(convening=convening, person=other, role="speaker")
    session = SessionFactory(convening=convening)
    SessionAssignment.objects.create(session=session, participation=theirs, role="speaker")

    record = merge.merge_people(kept=kept, merged=other, by=personas["staff"])
    assert list(Participation.objects.filter(convening=convening)) == [mine]
    assert not SessionAssignment.objects.exists()
    assert len(record.removed) == 1

    merge.undo_merge(record=record, by=personas["staff"])
    restored = Participation.objects.get(pk=theirs.pk)
    assert restored.person_id == other.pk and restored.role == "speaker"
    assert SessionAssignment.objects.get().participation_id == theirs.pk
    assert Participation.objects.get(pk=mine.pk).person_id == kept.pk


def test_both_in_one_conversation_keep_their_votes_and_undo_relinks(pair, personas):
    kept, other = pair
    conversation, statement = _conversation(ConveningFactory())
    Participant.objects.create(conversation=conversation, person=kept)
    theirs = Participant.objects.create(conversation=conversation, person=other)
    Vote.objects.create(participant=theirs, statement=statement, value=-1, language="en")

    record = merge.merge_people(kept=kept, merged=other, by=personas["staff"])
    theirs.refresh_from_db()
    assert theirs.person_id is None and theirs.votes.count() == 1
    assert record.detached == [
        {"model": "deliberation.Participant", "pk": theirs.pk, "field": "person"}
    ]
    merge.undo_merge(record=record, by=personas["staff"])
    theirs.refresh_from_db()
    assert theirs.person_id == other.pk


def test_chosen_values_are_taken_and_undo_puts_the_kept_values_back(pair, personas):
    kept, other = pair
    water, borders = ThemeFactory(), ThemeFactory()
    kept.themes.set([water])
    other.themes.set([water, borders])
    record = merge.merge_people(
        kept=kept, merged=other, by=personas["staff"], take=("email", "city")
    )
    kept.refresh_from_db()
    assert (kept.email, kept.city, kept.position) == ("aigul@example.org", "Osh", "Analyst")
    assert set(kept.themes.all()) == {water, borders}
    merge.undo_merge(record=record, by=personas["staff"])
    kept.refresh_from_db()
    assert kept.email != "aigul@example.org" and kept.city == ""
    assert set(kept.themes.all()) == {water}


def test_the_login_moves_when_only_the_merged_record_had_one(personas):
    expert = personas["expert"].person
    kept = twin(expert)
    record = merge.merge_people(kept=kept, merged=expert, by=personas["staff"])
    kept.refresh_from_db()
    assert kept.user == personas["expert"] and record.account_moved
    merge.undo_merge(record=record, by=personas["staff"])
    kept.refresh_from_db()
    assert kept.user is None
    assert Person.objects.get(pk=expert.pk).user == personas["expert"]


def test_an_undo_after_a_day_is_refused_and_changes_nothing(pair, personas):
    kept, other = pair
    record = merge.merge_people(kept=kept, merged=other, by=personas["staff"])
    MergeRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=24, minutes=1)
    )
    record.refresh_from_db()
    with pytest.raises(merge.ValidationError) as refused:
        merge.undo_merge(record=record, by=personas["staff"])
    assert "within a day" in str(refused.value)
    assert not Person.objects.filter(pk=other.pk).exists()
    assert MergeRecord.objects.get(pk=record.pk).undone_at is None


def test_a_second_undo_is_refused(pair, personas):
    kept, other = pair
    record = merge.merge_people(kept=kept, merged=other, by=personas["staff"])
    merge.undo_merge(record=record, by=personas["staff"])
    with pytest.raises(merge.ValidationError, match="undone already"):
        merge.undo_merge(record=record, by=personas["staff"])


def test_a_merge_and_its_undo_are_in_the_audit_trail(pair, personas, login):
    kept, other = pair
    record = merge.merge_people(kept=kept, merged=other, by=personas["staff"])
    merge.undo_merge(record=record, by=personas["staff"])
    actions = list(
        AuditEntry.objects.filter(target_code=str(kept.code)).values_list("action", flat=True)
    )
    assert "people.person.merged" in actions and "people.person.merge_undone" in actions
    html = login("staff").get(f"/people/{kept.code}/").content.decode()
    assert "merged the record" in html and "undid the merge" in html


def test_records_linked_to_each_other_are_not_merged(pair, personas):
    kept, other = pair
    Mentorship.objects.create(mentor=kept, mentee=other, started_on=datetime.date(2024, 2, 1))
    with pytest.raises(merge.ValidationError, match="linked to each other"):
        merge.merge_people(kept=kept, merged=other, by=personas["staff"])
    assert Person.objects.filter(pk=other.pk).exists()


# -- the pages -----------------------------------------------------------------------------


def urls(kept, other, record):
    return [
        f"/people/{kept.code}/merge/",
        f"/people/{kept.code}/merge/{other.code}/",
        f"/people/merges/{record.code}/",
    ]


@pytest.mark.parametrize("role", list(STAFF_ONLY))
def test_only_staff_and_administrators_merge(role, login, personas):
    kept = PersonFactory()
    done = PersonFactory()
    record = merge.merge_people(kept=kept, merged=done, by=personas["staff"])
    other = twin(kept)
    client = login(role)
    got = {url: client.get(url).status_code for url in urls(kept, other, record)}
    assert got == dict.fromkeys(urls(kept, other, record), STAFF_ONLY[role])
    post = client.post(f"/people/{kept.code}/merge/{other.code}/", {"keep": "this"})
    undo = client.post(f"/people/merges/{record.code}/undo/")
    if STAFF_ONLY[role] != 200:
        assert post.status_code == undo.status_code == STAFF_ONLY[role]
        assert Person.objects.filter(pk=other.pk).exists()
        assert MergeRecord.objects.get(pk=record.pk).undone_at is None


def test_the_person_page_offers_the_merge_to_staff_only(pair, login):
    kept, _other = pair
    assert (
        f"/people/{kept.code}/merge/"
        in login("staff").get(f"/people/{kept.code}/").content.decode()
    )
    assert (
        f"/people/{kept.code}/merge/"
        not in login("expert").get(f"/people/{kept.code}/").content.decode()
    )


def test_the_merge_page_offers_the_possible_duplicates_then_a_search(pair, login, personas):
    kept, other = pair
    hidden = twin(kept, directory_consent_at=None)
    erased = twin(kept)
    Person.objects.filter(pk=erased.pk).update(erased_at=timezone.now())
    client = login("staff")
    page = client.get(f"/people/{kept.code}/merge/")
    assert {p.pk for p in page.context["people"]} == {other.pk, hidden.pk}
    found = client.get(f"/people/{kept.code}/merge/", {"q": "Ekspert Opytnyi"})
    assert [p.pk for p in found.context["people"]] == [personas["expert"].person.pk]


def test_staff_merge_from_the_side_by_side_page(pair, login):
    kept, other = pair
    client = login("staff")
    page = client.get(f"/people/{kept.code}/merge/{other.code}/")
    html = page.content.decode()
    assert "aigul@example.org" in html and "Osh" in html
    answer = client.post(
        f"/people/{kept.code}/merge/{other.code}/",
        {"keep": "this", "value_email": "other", "value_city": "other", "value_position": "this"},
    )
    assert answer.status_code == 302 and answer["Location"] == f"/people/{kept.code}/"
    kept.refresh_from_db()
    assert kept.email == "aigul@example.org" and kept.city == "Osh"
    assert not Person.objects.filter(pk=other.pk).exists()
    roster = client.get("/people/", {"q": "Aigul"})
    assert [p.pk for p in roster.context["page"].object_list] == [kept.pk]
    assert client.get(f"/people/{other.code}/").status_code == 404
    detail = client.get(answer["Location"]).content.decode()
    assert "Records merged into this one" in detail


def test_the_other_record_can_be_the_one_kept(pair, login):
    kept, other = pair
    login("staff").post(f"/people/{kept.code}/merge/{other.code}/", {"keep": "other"})
    assert Person.all_objects.get(pk=kept.pk).merged_into_id == other.pk


def test_undo_from_the_record_page(pair, login, personas):
    kept, other = pair
    record = merge.merge_people(kept=kept, merged=other, by=personas["staff"])
    client = login("staff")
    assert "Undo the merge" in client.get(f"/people/merges/{record.code}/").content.decode()
    answer = client.post(f"/people/merges/{record.code}/undo/")
    assert answer.status_code == 302
    assert Person.objects.filter(pk=other.pk).exists()
    again = client.post(f"/people/merges/{record.code}/undo/")
    assert again.status_code == 400 and "undone already" in again.content.decode()


def test_a_late_undo_is_refused_on_the_page(pair, login, personas):
    kept, other = pair
    record = merge.merge_people(kept=kept, merged=other, by=personas["staff"])
    MergeRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    client = login("staff")
    assert "Undo the merge" not in client.get(f"/people/merges/{record.code}/").content.decode()
    answer = client.post(f"/people/merges/{record.code}/undo/")
    assert answer.status_code == 400 and "within a day" in answer.content.decode()
    assert not Person.objects.filter(pk=other.pk).exists()


def test_a_record_cannot_be_merged_with_itself(pair, login):
    kept, _other = pair
    client = login("staff")
    url = f"/people/{kept.code}/merge/{kept.code}/"
    assert "cannot be merged with itself" in client.get(url).content.decode()
    answer = client.post(url, {"keep": "this"})
    assert answer.status_code == 400
    assert "cannot be merged with itself" in answer.content.decode()
    assert not MergeRecord.objects.exists()


def test_across_countries_staff_must_confirm(pair, login):
    kept, _other = pair
    elsewhere = twin(kept, country="KZ")
    client = login("staff")
    url = f"/people/{kept.code}/merge/{elsewhere.code}/"
    answer = client.post(url, {"keep": "this", "value_country": "this"})
    assert answer.status_code == 400 and "Tick the box" in answer.content.decode()
    assert Person.objects.filter(pk=elsewhere.pk).exists() and not MergeRecord.objects.exists()
    answer = client.post(url, {"keep": "this", "value_country": "this", "across_countries": "on"})
    assert answer.status_code == 302
    assert not Person.objects.filter(pk=elsewhere.pk).exists()


def test_two_records_with_logins_are_refused(personas, login):
    expert, mentor = personas["expert"].person, personas["mentor"].person
    answer = login("staff").post(
        f"/people/{expert.code}/merge/{mentor.code}/",
        {"keep": "this", "across_countries": "on"}
        | {f"value_{name}": "this" for name in merge.FIELDS},
    )
    assert answer.status_code == 400 and "Both records have a login" in answer.content.decode()
    assert not MergeRecord.objects.exists()


def test_erased_withdrawn_and_unknown_records_are_not_offered(pair, login):
    kept, other = pair
    client = login("staff")
    Person.objects.filter(pk=other.pk).update(withdrawn_at=timezone.now())
    assert client.get(f"/people/{kept.code}/merge/{other.code}/").status_code == 404
    assert client.get(f"/people/{other.code}/merge/").status_code == 404
    Person.objects.filter(pk=other.pk).update(withdrawn_at=None, erased_at=timezone.now())
    assert (
        client.post(f"/people/{kept.code}/merge/{other.code}/", {"keep": "this"}).status_code == 404
    )
    unknown = "00000000-0000-0000-0000-000000000000"
    assert client.get(f"/people/{kept.code}/merge/{unknown}/").status_code == 404
    assert client.get(f"/people/merges/{unknown}/").status_code == 404
    assert not MergeRecord.objects.exists()


def test_an_empty_or_forged_submission_changes_nothing(pair, login):
    kept, other = pair
    client = login("staff")
    url = f"/people/{kept.code}/merge/{other.code}/"
    assert client.post(url, {}).status_code == 200
    assert client.post(url, {"keep": "nobody"}).status_code == 400
    assert not MergeRecord.objects.exists()


@pytest.mark.parametrize("rows", [1, 8])
def test_the_side_by_side_page_reads_a_fixed_number_of_queries(
    rows, pair, login, personas, django_assert_max_num_queries
):
    kept, other = pair
    for _ in range(rows):
        ParticipationFactory(person=other)
        Authorship.objects.create(paper=_paper(), person=other, role="lead")
    client = login("staff")
    with django_assert_max_num_queries(40):
        assert client.get(f"/people/{kept.code}/merge/{other.code}/").status_code == 200


def test_a_deactivated_login_gives_way_to_the_other_record_s_and_undo_swaps_back(personas):
    expert, mentor = personas["expert"].person, personas["mentor"].person
    personas["mentor"].is_active = False
    personas["mentor"].save()
    record = merge.merge_people(
        kept=mentor, merged=expert, by=personas["staff"], across_countries=True
    )
    mentor.refresh_from_db()
    assert mentor.user == personas["expert"]
    assert Person.all_objects.get(pk=expert.pk).user == personas["mentor"]
    merge.undo_merge(record=record, by=personas["staff"])
    assert Person.objects.get(pk=mentor.pk).user == personas["mentor"]
    assert Person.objects.get(pk=expert.pk).user == personas["expert"]


def test_an_earlier_merge_waits_for_the_later_one_to_be_undone(pair, personas):
    kept, other = pair
    first = merge.merge_people(kept=kept, merged=other, by=personas["staff"])
    third = twin(kept)
    later = merge.merge_people(kept=third, merged=kept, by=personas["staff"])
    with pytest.raises(merge.ValidationError, match="undo that merge first"):
        merge.undo_merge(record=first, by=personas["staff"])
    merge.undo_merge(record=later, by=personas["staff"])
    merge.undo_merge(record=first, by=personas["staff"])
    assert Person.objects.filter(pk__in=[kept.pk, other.pk, third.pk]).count() == 3


def test_a_merged_record_keeps_names_and_contacts_only_while_the_merge_can_be_undone(
    pair, personas
):
    """`kenesh purge`: after the retention period, never inside the undo window, the
    record merged away keeps a pseudonym and nothing that reaches the person."""
    from kenesh.core import retention

    kept, other = pair
    record = merge.merge_people(kept=kept, merged=other, by=personas["staff"], take=("city",))
    rule = next(r for r in retention.rules() if r.name == "people.merged_records")
    # Inside the undo window nothing goes, whatever the cut-off asked.
    assert rule.find(timezone.now() + datetime.timedelta(days=1)) == []
    Person.all_objects.filter(pk=other.pk).update(
        merged_at=timezone.now() - datetime.timedelta(days=40)
    )
    assert rule.find(timezone.now() - datetime.timedelta(days=30)) == [
        f"merged person {other.code}"
    ]
    assert rule.purge(timezone.now() - datetime.timedelta(days=30)) == 1
    gone = Person.all_objects.get(pk=other.pk)
    assert gone.name.startswith("Erased expert") and gone.name_latin == gone.name
    assert (gone.email, gone.city, gone.phone, gone.organization_id) == ("", "", "", None)
    assert gone.erased_at is not None and gone.directory_consent_at is None
    assert MergeRecord.objects.get(pk=record.pk).fields == {}
    kept.refresh_from_db()
    assert kept.city == "Osh" and kept.name == "Айгуль Асанова"  # the record kept is untouched
    assert rule.purge(timezone.now()) == 0  # done once
