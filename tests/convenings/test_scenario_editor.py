"""Programme staff prepare a simulation from the product: the brief, teams with role
cards and injects, or a copy of a past scenario; from the exercise's first move (an
inject released, a decision logged) or once its convening is over, nothing changes."""

import datetime

import pytest
from django.utils import timezone

from kenesh.convenings.models import Decision, Inject, Scenario, Team, TeamMember
from kenesh.convenings.scenario_forms import DuplicateForm
from kenesh.core.models import AuditEntry
from tests.convenings.factories import ConveningFactory, ParticipationFactory

STAFF_ONLY = {
    None: 302,
    "observer": 403,
    "expert": 403,
    "young_expert": 403,
    "mentor": 403,  # facilitates the exercise: leads it, does not write it
    "staff": 200,
    "administrator": 200,
}


def soon(days=30):
    return timezone.localdate() + datetime.timedelta(days=days)


def simulation(**fields):
    fields.setdefault("starts_on", soon())
    fields.setdefault("ends_on", fields["starts_on"])
    fields.setdefault("confidentiality", "chatham")
    return ConveningFactory(kind="simulation", **fields)


@pytest.fixture
def prepared(personas):
    """A simulation next month with a scenario of two teams and two injects; the mentor
    facilitates it, the young expert plays."""
    convening = simulation(title="Spring exercise")
    ParticipationFactory(convening=convening, person=personas["mentor"].person, role="facilitator")
    place = ParticipationFactory(convening=convening, person=personas["young_expert"].person)
    scenario = Scenario.objects.create(
        convening=convening, title="Dry summer", brief="A fictional brief."
    )
    upstream = Team.objects.create(scenario=scenario, name="Upstream", role_card="Keep.", order=0)
    Team.objects.create(scenario=scenario, name="Downstream", role_card="Farms.", order=1)
    TeamMember.objects.create(team=upstream, participation=place)
    Inject.objects.create(
        scenario=scenario, order=1, planned_minute=0, title="Drought", body="Low."
    )
    Inject.objects.create(scenario=scenario, order=2, planned_minute=30, title="Rumour", body="Hm.")
    return scenario


def url(convening, page=""):
    return f"/convenings/{convening.code}/simulation/scenario/{page}"


def team_rows(scenario, rows, extra=()):
    """POST data of the teams editor: ``rows`` as (team or None, name, card, order, remove)."""
    data = {"teams-INITIAL_FORMS": str(scenario.teams.count())}
    all_rows = list(rows) + list(extra)
    data["teams-TOTAL_FORMS"] = str(len(all_rows))
    for i, (team, name, card, order, remove) in enumerate(all_rows):
        data[f"teams-{i}-code"] = str(team.code) if team else ""
        data[f"teams-{i}-name"] = name
        data[f"teams-{i}-role_card"] = card
        data[f"teams-{i}-order"] = str(order)
        if remove:
            data[f"teams-{i}-DELETE"] = "on"
    return data


def inject_rows(scenario, rows):
    """POST data of the injects editor: (inject or None, order, minute, title, body, remove)."""
    data = {
        "injects-INITIAL_FORMS": str(scenario.injects.count()),
        "injects-TOTAL_FORMS": str(len(rows)),
    }
    for i, (inject, order, minute, title, body, remove) in enumerate(rows):
        data[f"injects-{i}-code"] = str(inject.code) if inject else ""
        data[f"injects-{i}-order"] = str(order)
        data[f"injects-{i}-planned_minute"] = str(minute)
        data[f"injects-{i}-title"] = title
        data[f"injects-{i}-body"] = body
        if remove:
            data[f"injects-{i}-DELETE"] = "on"
    return data


def current(scenario):
    """What the scenario holds, to compare before and after a refused POST."""
    scenario.refresh_from_db()
    return (
        scenario.title,
        scenario.brief,
        list(scenario.teams.values_list("name", "role_card", "order")),
        list(scenario.injects.values_list("order", "planned_minute", "title", "body")),
    )


# -- who may open and post --------------------------------------------------------------


@pytest.mark.parametrize("role", list(STAFF_ONLY))
def test_only_staff_open_the_editor(role, login, prepared):
    client = login(role)
    pages = [url(prepared.convening), url(prepared.convening, "teams/"),
             url(prepared.convening, "injects/")]  # fmt: skip
    got = {page: client.get(page).status_code for page in pages}
    assert got == dict.fromkeys(pages, STAFF_ONLY[role])


@pytest.mark.parametrize("role", ["mentor", "expert", "young_expert", "observer", None])
def test_others_posting_change_nothing(role, login, prepared):
    before = current(prepared)
    entries = AuditEntry.objects.count()
    client = login(role)
    answers = [
        client.post(url(prepared.convening), {"title": "Taken", "brief": "Taken."}),
        client.post(
            url(prepared.convening, "teams/"), team_rows(prepared, [(None, "X", "", 5, 0)])
        ),
        client.post(
            url(prepared.convening, "injects/"),
            inject_rows(prepared, [(None, 9, 9, "Forged", "Forged.", False)]),
        ),
        client.post(url(prepared.convening, "duplicate/"), {"source": str(prepared.code)}),
    ]
    assert {a.status_code for a in answers} == {302 if role is None else 403}
    assert current(prepared) == before
    assert AuditEntry.objects.count() == entries


def test_a_closed_simulation_answers_outsiders_as_a_code_naming_nothing(login, personas):
    """The role gate refuses before the convening is looked up: the same answer for a
    closed simulation as for no convening at all."""
    closed = simulation(confidentiality="closed", title="Closed exercise")
    nothing = simulation()
    nothing_url = url(nothing).replace(str(nothing.code), "00000000-0000-0000-0000-000000000000")
    expert = login("expert")
    assert expert.get(url(closed)).status_code == expert.get(nothing_url).status_code == 403
    assert "Closed exercise" not in expert.get(url(closed)).content.decode()
    assert login("staff").get(url(closed)).status_code == 200
    assert login("staff").get(nothing_url).status_code == 404


def test_a_convening_of_another_kind_has_no_scenario_editor(login, personas):
    meeting = ConveningFactory(kind="rcwg", starts_on=soon(), ends_on=soon())
    assert login("staff").get(url(meeting)).status_code == 404
    assert login("staff").post(url(meeting), {"title": "T", "brief": "B"}).status_code == 404
    assert not Scenario.objects.exists()


def test_the_convening_page_links_staff_to_the_editor(login, personas):
    convening = simulation()
    page = login("staff").get(f"/convenings/{convening.code}/").content.decode()
    assert url(convening) in page and "Write the scenario" in page
    assert (
        url(convening)
        not in login("observer").get(f"/convenings/{convening.code}/").content.decode()
    )


# -- the happy path -----------------------------------------------------------------------


def test_staff_write_a_scenario_then_its_teams_and_injects(login, personas):
    convening = simulation()
    client = login("staff")
    response = client.post(url(convening), {"title": " Flood in spring ", "brief": "Rivers rise."})
    assert response.status_code == 302
    scenario = Scenario.objects.get(convening=convening)
    assert scenario.title == "Flood in spring"
    assert AuditEntry.objects.filter(action="convenings.scenario.created").count() == 1

    response = client.post(
        url(convening, "teams/"),
        team_rows(scenario, [(None, "Government", "Keep order.", 0, False),
                             (None, "Mediators", "Bring them together.", 1, False)]),
    )  # fmt: skip
    assert response.status_code == 302
    assert list(scenario.teams.values_list("name", flat=True)) == ["Government", "Mediators"]

    response = client.post(
        url(convening, "injects/"),
        inject_rows(scenario, [(None, 1, 0, "Rain", "It rains.", False),
                               (None, 2, 45, "Dam", "The dam holds.", False)]),
    )  # fmt: skip
    assert response.status_code == 302
    assert list(scenario.injects.values_list("order", "title")) == [(1, "Rain"), (2, "Dam")]
    saved = AuditEntry.objects.filter(action__startswith="convenings.scenario.")
    assert sorted(saved.values_list("action", flat=True)) == [
        "convenings.scenario.created",
        *["convenings.scenario.inject_saved"] * 2,
        *["convenings.scenario.team_saved"] * 2,
    ]
    page = client.get(url(convening)).content.decode()
    assert "Government" in page and "Dam" in page and 'data-testid="locked"' not in page


def test_staff_edit_reorder_and_remove_rows(login, prepared):
    client = login("staff")
    upstream, downstream = prepared.teams.all()
    response = client.post(
        url(prepared.convening, "teams/"),
        team_rows(prepared, [(upstream, "Downstream", "Now lower.", 1, False),
                             (downstream, "Upstream", "Now upper.", 0, False)]),
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    assert list(prepared.teams.values_list("name", "order")) == [("Upstream", 0), ("Downstream", 1)]
    upstream.refresh_from_db()
    assert upstream.name == "Downstream" and upstream.members.count() == 1

    drought, rumour = prepared.injects.all()
    response = client.post(
        url(prepared.convening, "injects/"),
        inject_rows(prepared, [(drought, 2, 40, "Drought", "Lower.", False),
                               (rumour, 1, 10, "Rumour", "Hm.", False)]),
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    assert list(prepared.injects.values_list("title", "order", "planned_minute")) == [
        ("Rumour", 1, 10),
        ("Drought", 2, 40),
    ]
    response = client.post(
        url(prepared.convening, "injects/"),
        inject_rows(prepared, [(drought, 2, 40, "Drought", "Lower.", True),
                               (rumour, 1, 10, "Rumour", "Hm.", False)]),
    )  # fmt: skip
    assert response.status_code == 302
    assert list(prepared.injects.values_list("title", flat=True)) == ["Rumour"]
    removed = AuditEntry.objects.get(action="convenings.scenario.inject_removed")
    assert removed.data["title"] == "Drought"
    response = client.post(
        url(prepared.convening, "teams/"),
        team_rows(prepared, [(upstream, "Downstream", "Now lower.", 1, True),
                             (downstream, "Upstream", "Now upper.", 0, False)]),
    )  # fmt: skip
    assert response.status_code == 302
    assert list(prepared.teams.values_list("name", flat=True)) == ["Upstream"]
    assert AuditEntry.objects.filter(action="convenings.scenario.team_removed").count() == 1


def test_a_blank_new_row_is_ignored(login, prepared):
    before = current(prepared)
    data = team_rows(prepared, [(t, t.name, t.role_card, t.order, False)
                                for t in prepared.teams.all()])  # fmt: skip
    data.update({"teams-TOTAL_FORMS": "3", "teams-2-code": "", "teams-2-name": "",
                 "teams-2-role_card": "", "teams-2-order": "2"})  # fmt: skip
    assert login("staff").post(url(prepared.convening, "teams/"), data).status_code == 302
    assert current(prepared) == before


def test_adding_a_row_works_with_htmx_and_without_scripts(login, prepared):
    client = login("staff")
    row = client.get(url(prepared.convening, "injects/"), {"row": "2"}, HTTP_HX_REQUEST="true")
    html = row.content.decode()
    assert row.status_code == 200
    assert 'name="injects-2-title"' in html
    assert 'id="id_injects-TOTAL_FORMS"' in html and 'value="3"' in html
    assert 'hx-swap-oob="true"' in html
    # The new row is numbered after the last inject.
    assert 'name="injects-2-order" value="3"' in html
    before = current(prepared)
    data = inject_rows(prepared, [(i, i.order, i.planned_minute, i.title, i.body, False)
                                  for i in prepared.injects.all()])  # fmt: skip
    data["add_row"] = "1"
    page = client.post(url(prepared.convening, "injects/"), data)
    assert page.status_code == 200
    assert 'name="injects-2-title"' in page.content.decode()
    assert current(prepared) == before


# -- bad input ------------------------------------------------------------------------------


def test_an_empty_brief_is_refused_and_nothing_is_created(login, personas):
    convening = simulation()
    response = login("staff").post(url(convening), {"title": "Flood", "brief": "  "})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Scenario.objects.exists()


def test_two_teams_of_one_name_are_refused(login, prepared):
    before = current(prepared)
    upstream, downstream = prepared.teams.all()
    response = login("staff").post(
        url(prepared.convening, "teams/"),
        team_rows(prepared, [(upstream, "Upstream", "", 0, False),
                             (downstream, "Downstream", "", 1, False),
                             (None, " upstream ", "", 2, False)]),
    )  # fmt: skip
    assert response.status_code == 400
    assert "Two teams are called" in response.content.decode()
    assert current(prepared) == before


def test_two_injects_of_one_number_are_refused(login, prepared):
    before = current(prepared)
    drought, rumour = prepared.injects.all()
    response = login("staff").post(
        url(prepared.convening, "injects/"),
        inject_rows(prepared, [(drought, 1, 0, "Drought", "Low.", False),
                               (rumour, 1, 30, "Rumour", "Hm.", False)]),
    )  # fmt: skip
    assert response.status_code == 400
    assert "Two injects have the number 1" in response.content.decode()
    assert current(prepared) == before


@pytest.mark.parametrize("minute", ["-5", "", "ten", str(2**40)])
def test_a_bad_planned_minute_is_refused(login, prepared, minute):
    before = current(prepared)
    response = login("staff").post(
        url(prepared.convening, "injects/"),
        inject_rows(prepared, [(None, 3, minute, "Later", "Later.", False)]),
    )
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert current(prepared) == before


def test_a_row_of_another_scenario_is_refused(login, prepared):
    other = Scenario.objects.create(convening=simulation(), title="Other", brief="Other.")
    stranger = Team.objects.create(scenario=other, name="Stranger")
    before = current(prepared)
    response = login("staff").post(
        url(prepared.convening, "teams/"),
        team_rows(prepared, [(stranger, "Renamed", "", 0, False)]),
    )
    assert response.status_code == 400
    stranger.refresh_from_db()
    assert stranger.name == "Stranger" and current(prepared) == before


def test_a_forged_row_count_is_refused_not_a_server_error(login, prepared):
    data = {"teams-TOTAL_FORMS": str(2**64), "teams-INITIAL_FORMS": "0"}
    response = login("staff").post(url(prepared.convening, "teams/"), data)
    assert response.status_code == 400


# -- the lock --------------------------------------------------------------------------------


def lock_by_release(scenario):
    scenario.injects.filter(order=1).update(released_at=timezone.now())


def lock_by_decision(scenario):
    Decision.objects.create(team=scenario.teams.first(), text="We share data.")


def lock_by_time(scenario):
    convening = scenario.convening
    convening.starts_on = convening.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    convening.save()


@pytest.mark.parametrize("lock", [lock_by_release, lock_by_decision, lock_by_time])
def test_a_running_or_finished_exercise_is_read_only(login, prepared, lock):
    lock(prepared)
    before = current(prepared)
    entries = AuditEntry.objects.count()
    client = login("staff")
    drought = prepared.injects.get(order=1)
    answers = [
        client.post(url(prepared.convening), {"title": "Changed", "brief": "Changed."}),
        client.post(url(prepared.convening, "teams/"),
                    team_rows(prepared, [(None, "Late team", "", 5, False)])),
        client.post(url(prepared.convening, "injects/"),
                    inject_rows(prepared, [(drought, 1, 5, "Changed", "Changed.", False)])),
        client.post(url(prepared.convening, "duplicate/"), {"source": str(prepared.code)}),
    ]  # fmt: skip
    assert [a.status_code for a in answers[:3]] == [409, 409, 409]
    assert answers[3].status_code == 400  # it has a scenario already
    for answer in answers[:3]:
        assert "Nothing can be changed" in answer.content.decode()
    assert current(prepared) == before
    assert AuditEntry.objects.count() == entries
    for page in ("", "teams/", "injects/"):
        html = client.get(url(prepared.convening, page)).content.decode()
        assert 'data-testid="locked"' in html
        assert '<form method="post"' not in html.split("<main", 1)[-1]


def test_a_released_inject_is_never_edited_even_by_a_forged_post(login, prepared):
    """The service refuses it as well as the page, whatever else the exercise's state."""
    from kenesh.convenings import scenario_services

    prepared.injects.filter(order=1).update(released_at=timezone.now())
    drought = prepared.injects.get(order=1)
    with pytest.raises(scenario_services.ScenarioLocked):
        scenario_services.save_injects(
            scenario=prepared,
            rows=[scenario_services.InjectRow(drought, 1, 0, "Changed", "Changed.")],
            by=None,
        )
    drought.refresh_from_db()
    assert drought.title == "Drought"


def test_a_finished_convening_gets_no_new_scenario(login, personas):
    past = simulation(starts_on=timezone.localdate() - datetime.timedelta(days=3))
    response = login("staff").post(url(past), {"title": "Late", "brief": "Late."})
    assert response.status_code == 409
    assert "The exercise is over" in response.content.decode()
    assert not Scenario.objects.exists()


# -- duplicating a past scenario --------------------------------------------------------------


def test_staff_start_from_a_past_scenario(login, prepared):
    prepared.injects.filter(order=1).update(released_at=timezone.now())
    lock_by_decision(prepared)
    convening = simulation(starts_on=soon(60))
    client = login("staff")
    page = client.get(url(convening)).content.decode()
    assert "Start from a past scenario" in page and "Dry summer" in page
    response = client.post(url(convening, "duplicate/"), {"source": str(prepared.code)})
    assert response.status_code == 302
    copy = Scenario.objects.get(convening=convening)
    assert (copy.title, copy.brief) == ("Dry summer", "A fictional brief.")
    assert list(copy.teams.values_list("name", "role_card", "order")) == [
        ("Upstream", "Keep.", 0),
        ("Downstream", "Farms.", 1),
    ]
    assert list(copy.injects.values_list("order", "planned_minute", "title", "released_at")) == [
        (1, 0, "Drought", None),
        (2, 30, "Rumour", None),
    ]
    assert not TeamMember.objects.filter(team__scenario=copy).exists()
    assert not Decision.objects.filter(team__scenario=copy).exists()
    entry = AuditEntry.objects.get(action="convenings.scenario.duplicated")
    assert entry.target_code == str(copy.code) and entry.data["source"] == str(prepared.code)
    # The copy is prepared afresh: editable, the original untouched.
    assert 'data-testid="locked"' not in client.get(url(convening)).content.decode()
    assert prepared.teams.count() == 2


def test_duplicating_into_a_convening_with_a_scenario_is_refused(login, prepared):
    other = Scenario.objects.create(convening=simulation(), title="Other", brief="Other.")
    before = current(prepared)
    response = login("staff").post(
        url(prepared.convening, "duplicate/"), {"source": str(other.code)}
    )
    assert response.status_code == 400
    assert "already has a scenario" in response.content.decode()
    assert current(prepared) == before
    assert not AuditEntry.objects.filter(action="convenings.scenario.duplicated").exists()


@pytest.mark.parametrize("source", ["", "not-a-code", "00000000-0000-0000-0000-000000000000"])
def test_duplicating_an_unknown_scenario_is_refused(login, personas, source):
    convening = simulation()
    response = login("staff").post(url(convening, "duplicate/"), {"source": source})
    assert response.status_code == 400
    assert not Scenario.objects.exists()


def test_duplicate_is_post_only(login, prepared):
    assert login("staff").get(url(prepared.convening, "duplicate/")).status_code == 405


def test_the_past_scenarios_offered_are_those_the_user_may_see(personas, prepared):
    """Editing is staff's, who see everything; the choice still passes through
    ``visible_to``, so a closed convening's scenario is offered only to its people."""
    closed = simulation(confidentiality="closed", title="Closed exercise")
    secret = Scenario.objects.create(convening=closed, title="Secret game", brief="Closed.")
    target = simulation()

    def offered(user):
        form = DuplicateForm(user=user, convening=target)
        return set(form.fields["source"].queryset)

    assert offered(personas["staff"]) == {prepared, secret}
    assert offered(personas["expert"]) == {prepared}
    ParticipationFactory(convening=closed, person=personas["expert"].person)
    assert offered(personas["expert"]) == {prepared, secret}


def test_planned_minutes_show_as_clock_times_when_the_agenda_says_when(login, prepared):
    from tests.convenings.factories import SessionFactory

    day = prepared.convening.starts_on
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(11, 0)))
    SessionFactory(
        convening=prepared.convening,
        title="Crisis rounds",
        format="simulation_round",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )
    page = login("staff").get(url(prepared.convening, "injects/")).content.decode()
    assert 'data-testid="clock-note"' in page
    assert "11:30" in page  # the rumour, planned at minute 30


@pytest.mark.parametrize("row", ["²", "-1", "99999", "x"])
def test_an_odd_row_number_never_fails(login, prepared, row):
    response = login("staff").get(
        url(prepared.convening, "teams/"), {"row": row}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200


def test_no_row_is_offered_once_the_exercise_runs(login, prepared):
    lock_by_release(prepared)
    response = login("staff").get(
        url(prepared.convening, "teams/"), {"row": "2"}, HTTP_HX_REQUEST="true"
    )
    assert 'name="teams-2-name"' not in response.content.decode()


def test_every_scenario_entry_reads_as_a_sentence(login, prepared):
    from kenesh.core.audit_display import describe

    client = login("staff")
    upstream = prepared.teams.get(name="Upstream")
    client.post(url(prepared.convening), {"title": "Dry summer", "brief": "A new brief."})
    client.post(
        url(prepared.convening, "teams/"),
        team_rows(prepared, [(upstream, "Upstream", "", 0, True)]),
    )
    entries = AuditEntry.objects.filter(action__startswith="convenings.scenario.")
    sentences = [describe(entry) for entry in entries]
    assert any("brief" in str(s) for s in sentences)
    assert any("removed the team Upstream" in str(s) for s in sentences)


def test_the_console_links_staff_but_not_the_facilitator_to_the_editor(login, prepared):
    console = f"/convenings/{prepared.convening.code}/simulation/console/"
    assert url(prepared.convening) in login("staff").get(console).content.decode()
    assert url(prepared.convening) not in login("mentor").get(console).content.decode()
