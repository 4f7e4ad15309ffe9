"""The staff forms of monitoring: each one as staff end to end, refused to every other
role, and every bad input the issue names answered in the form with nothing changed."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kenesh.access.models import Role, User
from kenesh.core.models import AuditEntry
from kenesh.core.testing.personas import PASSWORD
from kenesh.monitoring import models as m
from kenesh.monitoring import services
from tests.monitoring.conftest import snapshot
from tests.monitoring.factories import ReportFactory, TargetFactory

pytestmark = pytest.mark.django_db

OTHERS = ("mentor", "expert", "young_expert", "observer")


@pytest.fixture
def world(framework, personas):
    """The framework of ``conftest`` with a statement, an assumption, a value entered by
    the staff persona and a draft report."""
    phase = framework["phase"]
    statement = services.create_change_statement(
        phase=phase,
        by=personas["staff"],
        if_text="Experts meet across borders",
        then_text="Policy draws on them",
        because_text="They trust each other",
    )
    assumption = services.create_assumption(
        statement=statement, by=personas["staff"], text="Governments listen"
    )
    entry = services.enter_value(
        indicator=framework["entered"],
        period=framework["interim"],
        value=Decimal("7"),
        evidence_link="https://example.org/mentions",
        by=personas["staff"],
    )
    report = ReportFactory(period=framework["interim"])
    return {
        **framework,
        "statement": statement,
        "assumption": assumption,
        "entry": entry,
        "report": report,
    }


def second_staff() -> Client:
    User.objects.create_user(username="staff2", password=PASSWORD, role=Role.STAFF)
    client = Client()
    assert client.login(username="staff2", password=PASSWORD)
    return client


# url name -> the object of the world whose code it takes (None: no code)
PAGES = {
    "phase-create": None,
    "phase-edit": "phase",
    "statement-create": "phase",
    "statement-edit": "statement",
    "assumption-create": "statement",
    "evidence-create": "assumption",
    "node-create": "phase",
    "node-edit": "outcome",
    "indicator-create": "phase",
    "indicator-edit": "computed",
    "period-create": "phase",
    "period-edit": "interim",
    "targets": "computed",
    "value-enter": "entered",
    "value-approve": "entry",
    "report-create": "phase",
    "report-edit": "report",
    "report-submit": "report",
}


def url(world, name):
    thing = PAGES[name]
    kwargs = None if thing is None else {"code": world[thing].code}
    return reverse(f"monitoring:{name}", kwargs=kwargs)


@pytest.mark.parametrize("name", PAGES)
def test_every_form_opens_for_staff_and_administrators(world, login, name):
    for persona in ("staff", "administrator"):
        response = login(persona).get(url(world, name))
        assert response.status_code == 200, (persona, name)
        assert b'name="csrfmiddlewaretoken"' in response.content or name == "value-approve"


@pytest.mark.parametrize("name", PAGES)
def test_every_form_is_refused_to_every_other_role_and_writes_nothing(world, login, name):
    before = snapshot()
    for persona in OTHERS:
        client = login(persona)
        assert client.get(url(world, name)).status_code == 403, (persona, name)
        assert client.post(url(world, name), {}).status_code == 403, (persona, name)
    anonymous = login(None)
    response = anonymous.get(url(world, name))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert anonymous.post(url(world, name), {}).status_code == 302
    assert snapshot() == before


def test_an_unknown_code_is_not_found(world, login):
    import uuid

    staff = login("staff")
    for name, thing in PAGES.items():
        if thing is None:
            continue
        response = staff.get(reverse(f"monitoring:{name}", kwargs={"code": uuid.uuid4()}))
        assert response.status_code == 404, name


@pytest.mark.parametrize("name", ["phase-edit", "report-submit", "value-approve"])
def test_a_post_without_the_csrf_token_is_refused(world, personas, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["administrator"])
    before = snapshot()
    assert client.post(url(world, name), {}).status_code == 403
    assert snapshot() == before


# --- each form end to end -------------------------------------------------------------------


def test_staff_open_a_phase_and_change_it(login):
    staff = login("staff")
    response = staff.post(
        reverse("monitoring:phase-create"),
        {
            "name": "Fictional phase IV",
            "donor": "Fictional Fund",
            "starts_on": "2024-07-01",
            "ends_on": "2026-06-30",
            "budget": "500000",
            "currency": "USD",
            "description": "",
            "iati_identifier": "XM-DAC-1-IV",
        },
    )
    phase = m.Phase.objects.get(name="Fictional phase IV")
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:phase", kwargs={"code": phase.code})
    response = staff.post(
        reverse("monitoring:phase-edit", kwargs={"code": phase.code}),
        {
            "name": "Fictional phase IV",
            "donor": "Another Fictional Fund",
            "starts_on": "2024-07-01",
            "ends_on": "2026-06-30",
            "currency": "EUR",
            "iati_identifier": "XM-DAC-1-IV",
        },
        follow=True,
    )
    phase.refresh_from_db()
    assert (phase.donor, phase.currency) == ("Another Fictional Fund", "EUR")
    assert "The phase was saved." in response.content.decode()
    assert AuditEntry.objects.filter(action="monitoring.phase.changed").count() == 1


def test_a_phase_ending_before_it_starts_is_refused_in_the_form(world, login):
    phase = world["phase"]
    before = snapshot()
    response = login("staff").post(
        reverse("monitoring:phase-edit", kwargs={"code": phase.code}),
        {
            "name": phase.name,
            "donor": phase.donor,
            "starts_on": "2023-01-01",
            "ends_on": "2023-03-01",
            "currency": "USD",
        },
    )
    # Its interim period runs to the end of June: the phase may not end before it.
    assert response.status_code == 200
    assert "would lie outside the phase" in response.content.decode()
    assert snapshot() == before


def test_staff_write_the_theory_of_change(world, login):
    staff = login("staff")
    phase, statement = world["phase"], world["statement"]
    response = staff.post(
        url(world, "statement-create"),
        {"if_text": "Young experts speak", "then_text": "They lead", "because_text": "Practice"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:phase", kwargs={"code": phase.code})
    assert phase.statements.filter(if_text="Young experts speak").exists()
    staff.post(
        url(world, "statement-edit"),
        {"if_text": "Experts meet", "then_text": "Policy", "because_text": "Trust", "order": 3},
    )
    statement.refresh_from_db()
    assert (statement.if_text, statement.order) == ("Experts meet", 3)
    staff.post(url(world, "assumption-create"), {"text": "Ministries read briefs"})
    assert statement.assumptions.filter(text="Ministries read briefs").exists()


def test_evidence_points_to_a_visible_record_or_a_link(world, login):
    staff = login("staff")
    assumption = world["assumption"]
    response = staff.post(
        url(world, "evidence-create"),
        {"stance": "supports", "link": "https://example.org/study", "note": "A study"},
    )
    assert response.status_code == 302
    evidence = assumption.evidence.get()
    assert (evidence.source, evidence.stance) == ("link", "supports")
    # Neither, or two at once: one clear message, nothing recorded.
    before = snapshot()
    response = staff.post(url(world, "evidence-create"), {"stance": "challenges"})
    assert response.status_code == 200
    assert "Evidence points to exactly one thing" in response.content.decode()
    assert snapshot() == before


def test_evidence_choices_refuse_a_record_never_offered(world, login):
    before = snapshot()
    response = login("staff").post(
        url(world, "evidence-create"), {"stance": "supports", "outcome": "999999"}
    )
    assert response.status_code == 400
    assert snapshot() == before


def test_staff_build_the_results_framework(world, login):
    staff = login("staff")
    outcome = world["outcome"]
    response = staff.post(
        url(world, "node-create"),
        {"level": "output", "parent": outcome.pk, "ref": "1.a", "title": "Briefings held"},
    )
    assert response.status_code == 302
    output = m.ResultNode.objects.get(ref="1.a")
    assert output.parent == outcome
    staff.post(url(world, "node-edit"), {"parent": world["goal"].pk, "ref": "1", "title": "New"})
    outcome.refresh_from_db()
    assert outcome.title == "New"
    # An output under the goal: the model's message, nothing added.
    before = snapshot()
    response = staff.post(
        url(world, "node-create"),
        {"level": "output", "parent": world["goal"].pk, "ref": "1.b", "title": "Papers"},
    )
    assert "An output contributes to an outcome." in response.content.decode()
    assert snapshot() == before


def test_a_computed_indicator_chooses_its_query_and_its_dimensions(world, login):
    staff = login("staff")
    page = staff.get(url(world, "indicator-create"), {"query_key": "briefings-held"})
    body = page.content.decode()
    assert 'value="briefings-held" selected' in body
    assert 'value="scope"' in body and 'value="gender"' not in body
    response = staff.post(
        url(world, "indicator-create"),
        {
            "node": world["outcome"].pk,
            "ref": "1.9",
            "name": "Briefings held",
            "kind": "computed",
            "query_key": "briefings-held",
            "disaggregations": ["scope"],
            "measure": "unit",
        },
    )
    indicator = m.Indicator.objects.get(ref="1.9")
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:indicator", kwargs={"code": indicator.code})
    assert (indicator.query_key, indicator.disaggregations) == ("briefings-held", ["scope"])
    # The edit page offers the chosen query's dimensions only.
    body = staff.get(url(world, "indicator-edit")).content.decode()
    assert 'value="country"' in body and 'value="scope"' not in body


def test_an_indicator_bound_to_an_unknown_query_is_refused(world, login):
    staff = login("staff")
    before = snapshot()
    data = {
        "node": world["outcome"].pk,
        "ref": "1.9",
        "name": "Something",
        "kind": "computed",
        "query_key": "no-such-query",
        "measure": "unit",
    }
    response = staff.post(url(world, "indicator-create"), data)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    # A real query split by a dimension it does not have: the reason, named.
    data.update(query_key="outcomes-verified", disaggregations=["country"])
    response = staff.post(url(world, "indicator-create"), data)
    assert response.status_code == 200
    assert "cannot be split by" in response.content.decode()
    # Computed without a query.
    data.update(query_key="", disaggregations=[])
    response = staff.post(url(world, "indicator-create"), data)
    assert "Choose the registered query" in response.content.decode()
    assert snapshot() == before


def test_an_indicator_with_entered_values_stays_entered(world, login):
    entered = world["entered"]
    before = snapshot()
    response = login("staff").post(
        reverse("monitoring:indicator-edit", kwargs={"code": entered.code}),
        {
            "ref": entered.ref,
            "name": entered.name,
            "kind": "computed",
            "query_key": "outcomes-verified",
            "measure": "unit",
        },
    )
    assert response.status_code == 200
    assert "it cannot become computed" in response.content.decode()
    assert snapshot() == before


def test_staff_add_and_change_periods(world, login):
    staff = login("staff")
    response = staff.post(
        url(world, "period-create"),
        {
            "kind": "quarterly",
            "name": "Q2 2023",
            "starts_on": "2023-04-01",
            "ends_on": "2023-06-30",
        },
    )
    assert response.status_code == 302
    interim = world["interim"]
    staff.post(
        url(world, "period-edit"),
        {"kind": "interim", "name": "H1", "starts_on": "2023-01-01", "ends_on": "2023-06-30"},
    )
    interim.refresh_from_db()
    assert interim.name == "H1"


def test_overlapping_periods_are_refused(world, login):
    before = snapshot()
    response = login("staff").post(
        url(world, "period-create"),
        {"kind": "quarterly", "name": "Odd", "starts_on": "2023-03-01", "ends_on": "2023-05-31"},
    )
    assert response.status_code == 200
    assert "This period overlaps “Q1 2023”" in response.content.decode()
    response = login("staff").post(
        url(world, "period-create"),
        {"kind": "final", "name": "Late", "starts_on": "2024-01-01", "ends_on": "2025-01-01"},
    )
    assert "A period lies inside its phase" in response.content.decode()
    assert snapshot() == before


def test_the_targets_grid_sets_one_target_per_period(world, login):
    staff = login("staff")
    computed, interim, quarter = world["computed"], world["interim"], world["quarter"]
    page = staff.get(url(world, "targets")).content.decode()
    assert f'name="target-{interim.code}"' in page and f'name="target-{quarter.code}"' in page
    response = staff.post(url(world, "targets"), {f"target-{interim.code}": "10"})
    assert 'value="10"' in staff.get(url(world, "targets")).content.decode()
    response = staff.post(url(world, "targets"), {f"target-{interim.code}": "25"})
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:indicator", kwargs={"code": computed.code})
    assert computed.targets.get().value == Decimal("25")
    staff.post(
        url(world, "targets"), {f"target-{interim.code}": "30", f"target-{quarter.code}": "10"}
    )
    assert dict(computed.targets.values_list("period__name", "value")) == {
        interim.name: Decimal("30"),
        quarter.name: Decimal("10"),
    }
    # A target set once is not cleared.
    before = snapshot()
    response = staff.post(url(world, "targets"), {f"target-{quarter.code}": "12"})
    assert "can be changed, not removed" in response.content.decode()
    assert snapshot() == before
    assert computed.targets.get(period=quarter).value == Decimal("10")


def test_a_target_for_a_period_outside_the_phase_is_refused(world, login):
    elsewhere = TargetFactory().period  # a period of another phase
    before = snapshot()
    response = login("staff").post(
        url(world, "targets"),
        {f"target-{world['interim'].code}": "5", f"target-{elsewhere.code}": "5"},
    )
    assert response.status_code == 400
    assert "A target is set for one of the periods of its indicator" in response.content.decode()
    assert snapshot() == before


def test_a_value_is_entered_with_its_evidence_file(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    entered, quarter = world["entered"], world["quarter"]
    response = login("staff").post(
        url(world, "value-enter"),
        {
            "period": quarter.pk,
            "value": "12",
            "by-country": "KG: 7\nKZ: 5",
            "evidence_file": SimpleUploadedFile("clippings.txt", b"Twelve mentions."),
        },
    )
    assert response.status_code == 302
    entry = entered.entries.get(period=quarter)
    assert entry.breakdowns == {"country": {"KG": 7, "KZ": 5}}
    assert entry.evidence_filename == "clippings.txt" and not entry.is_approved


def test_a_value_without_evidence_or_with_a_bad_file_is_refused(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    staff = login("staff")
    quarter = world["quarter"]
    before = snapshot()
    response = staff.post(url(world, "value-enter"), {"period": quarter.pk, "value": "3"})
    assert response.status_code == 200
    assert "Attach the evidence: a file, a link, or both." in response.content.decode()
    response = staff.post(
        url(world, "value-enter"),
        {
            "period": quarter.pk,
            "value": "3",
            "evidence_file": SimpleUploadedFile("run.exe", b"MZ\x90\x00"),
        },
    )
    assert "Files of this type cannot be attached" in response.content.decode()
    for cells in ("KG seven", "KG: 1e999999", ": 4", "KG: NaN"):
        response = staff.post(
            url(world, "value-enter"),
            {
                "period": quarter.pk,
                "value": "3",
                "evidence_link": "https://example.org/x",
                "by-country": cells,
            },
        )
        assert "Write one category a line" in response.content.decode(), cells
    # The interim already has a value.
    response = staff.post(
        url(world, "value-enter"),
        {"period": world["interim"].pk, "value": "3", "evidence_link": "https://example.org/x"},
    )
    assert "already has a value for this period" in response.content.decode()
    assert snapshot() == before
    assert not list(tmp_path.rglob("*.*"))


def test_a_computed_indicator_takes_no_typed_value(world, login):
    before = snapshot()
    response = login("staff").post(
        reverse("monitoring:value-enter", kwargs={"code": world["computed"].code}),
        {"period": world["quarter"].pk, "value": "3", "evidence_link": "https://example.org/x"},
    )
    assert "its values are not typed in" in response.content.decode()
    assert snapshot() == before


def test_the_author_cannot_approve_their_own_value(world, login):
    staff = login("staff")
    page = staff.get(url(world, "value-approve")).content.decode()
    assert "You entered this value" in page
    before = snapshot()
    response = staff.post(url(world, "value-approve"))
    assert response.status_code == 200
    assert "other than the one who entered it" in response.content.decode()
    assert snapshot() == before
    world["entry"].refresh_from_db()
    assert not world["entry"].is_approved


def test_a_second_staff_member_approves_the_value(world):
    other = second_staff()
    page = other.get(url(world, "value-approve")).content.decode()
    assert "Approve the value" in page and "<dd>7 mentions</dd>" in page
    response = other.post(url(world, "value-approve"))
    assert response.status_code == 302
    entry = world["entry"]
    entry.refresh_from_db()
    assert entry.is_approved and entry.approved_by.username == "staff2"
    assert response["Location"] == reverse(
        "monitoring:indicator", kwargs={"code": world["entered"].code}
    )
    before = snapshot()
    response = other.post(url(world, "value-approve"))
    assert "already approved" in response.content.decode()
    assert snapshot() == before


def test_staff_write_a_report_and_share_chosen_dimensions(world, login):
    staff = login("staff")
    page = staff.get(url(world, "report-create")).content.decode()
    assert 'name="shared_dimensions" value="country"' in page
    assert 'name="shared_dimensions" value="gender"' in page
    response = staff.post(
        url(world, "report-create"),
        {
            "period": world["quarter"].pk,
            "title": "First quarter",
            "for_donor": "on",
            "shared_dimensions": ["country"],
            "context": "Calm",
            "progress": "Good",
        },
    )
    report = m.Report.objects.get(title="First quarter")
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:report", kwargs={"code": report.code})
    assert report.for_donor and report.shared_dimensions == ["country"]
    assert AuditEntry.objects.filter(action="monitoring.report.sharing_set").count() == 1
    staff.post(
        reverse("monitoring:report-edit", kwargs={"code": report.code}),
        {"title": "Q1", "shared_dimensions": ["country", "gender"], "next_steps": "More"},
    )
    report.refresh_from_db()
    assert (report.title, report.for_donor, report.next_steps) == ("Q1", False, "More")
    assert report.shared_dimensions == ["country", "gender"]


def test_a_dimension_no_indicator_has_is_not_offered(world, login):
    before = snapshot()
    response = login("staff").post(
        url(world, "report-edit"), {"title": "T", "shared_dimensions": ["skill"]}
    )
    assert response.status_code == 400
    assert snapshot() == before


def test_submitting_freezes_the_values_after_a_warning(world, login):
    staff = login("staff")
    page = staff.get(url(world, "report-submit")).content.decode()
    assert "Submitting freezes the values" in page
    response = staff.post(url(world, "report-submit"))
    report = world["report"]
    report.refresh_from_db()
    assert response.status_code == 302 and report.is_submitted
    assert response["Location"] == reverse("monitoring:report", kwargs={"code": report.code})
    assert report.values.count() == 2


def test_a_submitted_report_cannot_be_edited_or_submitted_again(world, login):
    staff = login("staff")
    services.submit_report(report=world["report"], by=User.objects.get(username="staff"))
    before = snapshot()
    page = staff.get(url(world, "report-edit")).content.decode()
    assert "a submitted report cannot be changed" in page
    response = staff.post(url(world, "report-edit"), {"title": "Rewritten", "context": "New"})
    assert response.status_code == 200
    assert "a submitted report cannot be changed" in response.content.decode()
    response = staff.post(url(world, "report-submit"))
    assert "a submitted report cannot be changed" in response.content.decode()
    assert snapshot() == before
    world["report"].refresh_from_db()
    assert world["report"].title == "Interim report"


def test_a_form_in_russian(world, login):
    staff = login("staff")
    response = staff.post(url(world, "period-create"), {}, HTTP_ACCEPT_LANGUAGE="ru")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ru">' in body
    assert "Обязательное поле." in body
    assert "Начало" in body  # the label "starts on"


def test_query_counts_do_not_grow_with_periods(world, login, django_assert_max_num_queries):
    staff = login("staff")
    staff.get(url(world, "targets"))
    phase = world["phase"]
    for month in range(4, 12):
        m.Period.objects.create(
            phase=phase,
            kind="other",
            name=f"Month {month}",
            starts_on=datetime.date(2023, month, 1),
            ends_on=datetime.date(2023, month, 28),
        )
    with django_assert_max_num_queries(12):
        assert staff.get(url(world, "targets")).status_code == 200


JUNK = ["", " ", "\u200b", "<b>x</b>", "9" * 40, "-1", "1e999999", "NaN", "0000-00-00", "x" * 6000]
FIELDS = [
    "name", "donor", "starts_on", "ends_on", "budget", "currency", "description",
    "iati_identifier", "if_text", "then_text", "because_text", "order", "text", "stance",
    "outcome", "assessment", "testimonial", "link", "note", "level", "parent", "ref",
    "title", "node", "kind", "query_key", "disaggregations", "definition", "unit", "measure",
    "baseline_value", "baseline_on", "period", "value", "evidence_link", "by-country",
    "for_donor", "shared_dimensions", "context", "progress", "challenges", "next_steps",
]  # fmt: skip


@pytest.mark.parametrize("name", PAGES)
def test_junk_in_any_field_is_never_a_server_error(world, login, name, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    staff = login("staff")
    for n, junk in enumerate(JUNK):
        data = dict.fromkeys(FIELDS, junk)
        data[f"target-{world['interim'].code}"] = junk
        if n % 2:
            data["evidence_file"] = SimpleUploadedFile("e.docx", junk.encode())
        response = staff.post(url(world, name), data)
        assert response.status_code in {200, 302, 400}, (name, junk[:20], response.status_code)


def test_access_functions_hide_what_a_role_may_not_know(world, personas):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from kenesh.monitoring import rules

    lookups = [
        (rules.get_statement_for, world["statement"]),
        (rules.get_assumption_for, world["assumption"]),
        (rules.get_node_for, world["outcome"]),
        (rules.get_period_for, world["interim"]),
        (rules.get_entered_value_for, world["entry"]),
    ]
    for lookup, thing in lookups:
        assert lookup(personas["staff"], thing.code, to="edit") == thing
        for persona in OTHERS:
            with pytest.raises(Http404):
                lookup(personas[persona], thing.code)
    # A donor who may read the phase (a submitted report for them) still changes nothing.
    world["report"].for_donor = True
    world["report"].save()
    services.submit_report(report=world["report"], by=personas["staff"])
    observer = personas["observer"]
    assert rules.get_period_for(observer, world["interim"].code) == world["interim"]
    with pytest.raises(PermissionDenied):
        rules.get_period_for(observer, world["interim"].code, to="edit")
    with pytest.raises(Http404):
        rules.get_entered_value_for(observer, world["entry"].code)
