"""Who may see what of monitoring: staff everything, donors their submitted reports with
what staff chose to share and no small cell, members and outsiders nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kenesh.monitoring import queries, services
from kenesh.monitoring.arithmetic import Audience
from kenesh.monitoring.models import Indicator, Phase, Report, ReportValue
from kenesh.monitoring.rules import (
    audience_for,
    get_indicator_for,
    get_phase_for,
    get_report_for,
    report_values_for,
    shown_for,
)
from tests.monitoring.conftest import convene
from tests.monitoring.factories import IndicatorFactory, PhaseFactory

MEMBERS = ["mentor", "expert", "young_expert"]
ALL = ["administrator", "staff", *MEMBERS, "observer", "outsider"]


def user(personas, name):
    return AnonymousUser() if name == "outsider" else personas[name]


@pytest.fixture
def reports(framework, personas):
    """Three reports of the interim period: submitted for the donor (sharing the
    country breakdown), submitted for staff only, and a draft marked for the donor."""
    convene(7, country="KG")
    convene(2, country="TJ", gender="male")

    def make(title, **fields):
        report = services.create_report(
            phase=framework["phase"],
            period=framework["interim"],
            title=title,
            by=personas["staff"],
            **fields,
        )
        return report

    donor = make("For the donor", for_donor=True, shared_dimensions=["country"])
    internal = make("Internal")
    draft = make("Draft for the donor", for_donor=True, shared_dimensions=["country"])
    donor = services.submit_report(report=donor, by=personas["staff"])
    internal = services.submit_report(report=internal, by=personas["staff"])
    return {"donor": donor, "internal": internal, "draft": draft}


def outcome_of(call):
    try:
        call()
    except Http404:
        return 404
    except PermissionDenied:
        return 403
    return 200


# What each role gets: (view, edit) for each object.
EXPECTED = {
    "administrator": {"donor": (200, 200), "internal": (200, 200), "draft": (200, 200)},
    "staff": {"donor": (200, 200), "internal": (200, 200), "draft": (200, 200)},
    "observer": {"donor": (200, 403), "internal": (404, 404), "draft": (404, 404)},
    **{
        name: {"donor": (404, 404), "internal": (404, 404), "draft": (404, 404)}
        for name in [*MEMBERS, "outsider"]
    },
}


@pytest.mark.parametrize("name", ALL)
def test_report_access_by_role(personas, reports, name):
    who = user(personas, name)
    for key, (view, edit) in EXPECTED[name].items():
        code = reports[key].code
        assert outcome_of(lambda c=code: get_report_for(who, c)) == view, (name, key)
        assert outcome_of(lambda c=code: get_report_for(who, c, to="edit")) == edit, (name, key)


@pytest.mark.parametrize("name", ALL)
def test_phase_and_indicator_access_by_role(personas, reports, framework, name):
    who = user(personas, name)
    unreported = PhaseFactory()
    indicator = framework["computed"]
    new_indicator = IndicatorFactory(node=framework["outcome"], ref="1.9")
    staff = name in {"administrator", "staff"}
    donor = name == "observer"
    phase_code, indicator_code = framework["phase"].code, indicator.code
    assert outcome_of(lambda: get_phase_for(who, phase_code)) == (200 if staff or donor else 404)
    assert outcome_of(lambda: get_phase_for(who, phase_code, to="edit")) == (
        200 if staff else 403 if donor else 404
    )
    assert outcome_of(lambda: get_phase_for(who, unreported.code)) == (200 if staff else 404)
    # A donor knows the indicators its reports show, not one added since.
    assert outcome_of(lambda: get_indicator_for(who, indicator_code)) == (
        200 if staff or donor else 404
    )
    assert outcome_of(lambda: get_indicator_for(who, new_indicator.code)) == (200 if staff else 404)
    assert outcome_of(lambda: get_indicator_for(who, indicator_code, to="edit")) == (
        200 if staff else 403 if donor else 404
    )


@pytest.mark.parametrize("name", ALL)
def test_querysets_offer_only_what_a_user_may_know(personas, reports, name):
    who = user(personas, name)
    reports_seen = set(Report.objects.visible_to(who).values_list("title", flat=True))
    phases_seen = Phase.objects.visible_to(who).count()
    indicators_seen = Indicator.objects.visible_to(who).count()
    if name in {"administrator", "staff"}:
        assert reports_seen == {"For the donor", "Internal", "Draft for the donor"}
        assert (phases_seen, indicators_seen) == (1, 2)
    elif name == "observer":
        assert reports_seen == {"For the donor"}
        assert (phases_seen, indicators_seen) == (1, 2)
    else:
        assert (reports_seen, phases_seen, indicators_seen) == (set(), 0, 0)


@pytest.mark.parametrize("name", ALL)
def test_only_staff_manage_monitoring(personas, name):
    who = user(personas, name)
    staff = name in {"administrator", "staff"}
    assert who.has_perm("monitoring.manage") is staff
    assert who.has_perm("monitoring.change_indicator") is staff
    assert who.has_perm("monitoring.view_report") is (staff or name == "observer")


def test_the_donor_sees_only_shared_breakdowns_and_no_small_cell(personas, reports, framework):
    row = ReportValue.objects.get(report=reports["donor"], indicator=framework["computed"])
    measure = queries.measure_of(row)
    assert measure.total == 9

    staff_view = shown_for(personas["staff"], reports["donor"], measure)
    assert [b.dimension for b in staff_view.breakdowns] == ["country", "gender"]
    assert {c.key: c.value for c in staff_view.breakdowns[0].cells} == {"KG": 7, "TJ": 2}

    donor_view = shown_for(personas["observer"], reports["donor"], measure)
    assert [b.dimension for b in donor_view.breakdowns] == ["country"]
    assert donor_view.withheld == ("gender",)
    cells = {c.key: (c.value, c.hidden) for c in donor_view.breakdowns[0].cells}
    # Two Tajik experts is a small cell; the Kyrgyz cell would give it away with the total.
    assert cells["TJ"][0] is None and cells["TJ"][1]
    assert cells["KG"][0] is None or donor_view.total is None


def test_audiences(personas):
    assert audience_for(personas["administrator"]) is Audience.STAFF
    assert audience_for(personas["observer"]) is Audience.DONOR
    assert audience_for(personas["expert"]) is Audience.PUBLIC


def test_report_values_follow_the_report(personas, reports):
    assert report_values_for(personas["observer"], reports["donor"]).count() == 2
    assert report_values_for(personas["observer"], reports["internal"]).count() == 0
    assert report_values_for(personas["expert"], reports["donor"]).count() == 0
