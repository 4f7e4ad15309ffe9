"""The pure indicator arithmetic: no database, no Django."""

import datetime

import pytest

from kenesh.monitoring.arithmetic import (
    Audience,
    Breakdown,
    Cell,
    Measure,
    Window,
    count_breakdown,
    first_and_latest,
    growth,
    mean,
    shown_to,
    skill_changes,
    unbalanced,
)
from kenesh.people.disclosure import PRIMARY, SECONDARY

JAN_1 = datetime.date(2023, 1, 1)
JUN_30 = datetime.date(2023, 6, 30)


def test_window_includes_both_ends():
    window = Window(JAN_1, JUN_30)
    assert window.contains(JAN_1)
    assert window.contains(JUN_30)
    assert not window.contains(datetime.date(2022, 12, 31))
    assert not window.contains(datetime.date(2023, 7, 1))
    assert Window(JAN_1, JAN_1).contains(JAN_1)


def test_window_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Window(JUN_30, JAN_1)


def test_breakdown_follows_the_choices_order_and_leaves_empty_categories_out():
    labels = {"KZ": "Kazakhstan", "KG": "Kyrgyzstan", "TJ": "Tajikistan"}
    breakdown = count_breakdown(
        "country", "Country", {"TJ": 2, "KZ": 1, "KG": 0, "ZZ": 4}, labels=labels
    )
    assert [c.key for c in breakdown.cells] == ["KZ", "TJ", "ZZ"]
    assert [c.label for c in breakdown.cells] == ["Kazakhstan", "Tajikistan", "ZZ"]
    assert breakdown.sum == 7
    assert breakdown.value_of("KG") == 0
    assert breakdown.exclusive


def test_unbalanced_names_exclusive_breakdowns_that_do_not_add_up():
    country = count_breakdown("country", "Country", {"KG": 2, "TJ": 1})
    kind = count_breakdown("kind", "Kind", {"rcwg": 3, "track2": 2}, exclusive=False)
    assert unbalanced(Measure(3, (country, kind))) == []  # kinds overlap: not checked
    assert unbalanced(Measure(4, (country, kind))) == ["country"]
    # A mean's breakdowns are means: they never add up, and are not checked.
    assert unbalanced(Measure(1.5, (country,), n=2)) == []


def test_mean_and_growth():
    assert mean([]) is None
    assert mean([1, 2]) == 1.5
    # Research +2, writing +1; speaking was assessed only the first time: left out.
    first = {"research": 2, "writing": 3, "speaking": 1}
    latest = {"research": 4, "writing": 4}
    assert growth(first, latest) == 1.5
    assert skill_changes(first, latest) == {"research": 2, "writing": 1}
    assert growth({"research": 2}, {"writing": 4}) is None


def test_first_and_latest_go_by_stage_then_by_time():
    order = {"pre": 0, "mid": 1, "post": 2}
    day = datetime.datetime(2023, 1, 1, tzinfo=datetime.UTC)
    later = day + datetime.timedelta(days=30)
    post = ("post", day, {"research": 5})  # recorded first, but the latest stage
    pre = ("pre", later, {"research": 1})
    assert first_and_latest([post, pre], order) == (pre, post)
    assert first_and_latest([pre], order) is None
    # Two "pre" rows (two mentors) are still one stage: no growth to measure.
    assert first_and_latest([pre, ("pre", day, {"research": 2})], order) is None


def _people_measure():
    # 15 people: 2 from Kyrgyzstan, 6 from Kazakhstan, 7 from Tajikistan (codes' order).
    country = count_breakdown("country", "Country", {"KZ": 6, "KG": 2, "TJ": 7})
    gender = count_breakdown("gender", "Gender", {"female": 8, "male": 7})
    kind = count_breakdown("kind", "Kind", {"rcwg": 12, "track2": 3}, exclusive=False)
    return Measure(15, (country, gender, kind))


def test_staff_see_everything():
    shown = shown_to(_people_measure(), Audience.STAFF)
    assert shown.total == 15
    assert [c.value for c in shown.breakdowns[0].cells] == [2, 6, 7]
    assert all(c.hidden is None for b in shown.breakdowns for c in b.cells)


def test_donor_sees_exactly_the_breakdowns_staff_shared():
    shown = shown_to(_people_measure(), Audience.DONOR, shared={"country"})
    assert [b.dimension for b in shown.breakdowns] == ["country"]
    assert shown.withheld == ("gender", "kind")
    assert [c.value for c in shown.breakdowns[0].cells] == [2, 6, 7]  # 2 shown: shared


@pytest.mark.parametrize("audience", [Audience.OBSERVER, Audience.PUBLIC])
def test_observers_never_see_a_cell_under_five_nor_work_it_out(audience):
    shown = shown_to(_people_measure(), audience)
    country = shown.breakdowns[0]
    # Kyrgyzstan's 2 is hidden; with the total shown, one more cell must go (the
    # smallest other: Kazakhstan's 6), or 15 - 6 - 7 would give the 2 away.
    assert [c.value for c in country.cells] == [None, None, 7]
    assert [c.hidden for c in country.cells] == [PRIMARY, SECONDARY, None]
    assert shown.total == 15
    # Kinds overlap, so no equation links them: only the small cell goes.
    kind = shown.breakdowns[2]
    assert [c.value for c in kind.cells] == [12, None]


def test_a_small_total_is_hidden_from_observers():
    measure = Measure(3, (count_breakdown("gender", "Gender", {"female": 2, "male": 1}),))
    shown = shown_to(measure, Audience.OBSERVER)
    assert shown.total is None
    assert shown.total_hidden == PRIMARY
    assert all(c.value is None for c in shown.breakdowns[0].cells)


def test_counts_of_things_are_not_people_and_show_as_they_are():
    measure = Measure(
        2, (count_breakdown("scope", "Scope", {"inside": 1, "outside": 1}),), people=False
    )
    shown = shown_to(measure, Audience.PUBLIC)
    assert shown.total == 2
    assert [c.value for c in shown.breakdowns[0].cells] == [1, 1]


def test_a_mean_over_fewer_than_five_people_is_hidden_from_observers():
    by_country = Breakdown(
        "country",
        "Country",
        (Cell("KG", "Kyrgyzstan", 1.5, 6), Cell("TJ", "Tajikistan", 2.0, 2)),
        True,
    )
    measure = Measure(1.625, (by_country,), n=8)
    shown = shown_to(measure, Audience.OBSERVER)
    assert shown.total == 1.625
    assert [c.value for c in shown.breakdowns[0].cells] == [1.5, None]
    assert shown_to(Measure(2.0, (), n=3), Audience.OBSERVER).total is None
    assert shown_to(Measure(2.0, (), n=3), Audience.STAFF).total == 2.0
