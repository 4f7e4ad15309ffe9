"""A call's rubric is read from its JSON column into frozen records and written back
unchanged; views, forms and services see only the records."""

from decimal import Decimal

import pytest
from django.utils import translation

from kenesh.core.models import AuditEntry
from kenesh.mentoring import call_services, rubric
from kenesh.mentoring.models import DEFAULT_CRITERIA, Call, criterion_label
from kenesh.mentoring.rubric import Criterion
from tests.mentoring.test_call_editor import DAY, TODAY


def test_a_stored_rubric_reads_into_records_and_writes_back_the_same():
    stored = [
        {"key": "analysis", "label": "Analysis", "label_ru": "Анализ", "weight": 33.3},
        {"key": "motivation", "label": "Motivation", "label_ru": "", "weight": 50},
        {"key": "writing", "label": "Writing", "label_ru": "", "weight": 16.7},
    ]
    criteria = rubric.read(stored)
    assert criteria[0] == Criterion("analysis", "Analysis", Decimal("33.3"), "Анализ")
    assert [type(c["weight"]) for c in rubric.to_json(criteria)] == [float, int, float]
    assert rubric.to_json(criteria) == stored
    with pytest.raises(AttributeError):
        criteria[0].weight = Decimal(1)  # frozen: a record is not edited in place


def test_rows_of_the_first_release_lacking_a_russian_label_read_too():
    criteria = rubric.read(DEFAULT_CRITERIA)
    assert [c.label_ru for c in criteria] == ["", "", "", ""]
    assert [c.weight for c in criteria] == [3, 2, 2, 1]
    assert criteria[0].label_for(russian=True) == "Quality of analysis"


@pytest.mark.parametrize(
    ("label", "label_ru", "english", "russian"),
    [
        ("Analysis", "Анализ", "Analysis", "Анализ"),
        ("", "Анализ", "Анализ", "Анализ"),
        ("Analysis", "", "Analysis", "Analysis"),
        ("", "", "key", "key"),
    ],
)
def test_a_label_falls_back_to_the_other_language_then_the_key(label, label_ru, english, russian):
    criterion = Criterion("key", label, Decimal(1), label_ru)
    assert criterion.label_for(russian=False) == english
    assert criterion.label_for(russian=True) == russian
    with translation.override("ru"):
        assert criterion_label(criterion) == russian


def test_weights_scaled_to_100_have_the_shares_of_the_weights_they_came_from():
    before = rubric.read(DEFAULT_CRITERIA)
    after = rubric.read(
        [c | {"weight": w} for c, w in zip(DEFAULT_CRITERIA, (37.5, 25, 25, 12.5), strict=True)]
    )
    assert rubric.shares(before) == rubric.shares(after)
    assert rubric.shares(before) != rubric.shares(reversed(before))


def test_saving_a_call_of_the_first_release_unchanged_records_no_change_of_criteria(personas):
    # Its stored rows lack label_ru; read as records, the same rubric saved again is not
    # a change (comparing the raw JSON said it was, and the audit trail said so).
    stored = [
        {"key": "analysis", "label": "Analysis", "weight": 62.5},
        {"key": "motivation", "label": "Motivation", "weight": 37.5},
    ]
    call = Call.objects.create(
        title="Fictional call",
        criteria=stored,
        opens_on=TODAY - 10 * DAY,
        closes_on=TODAY + 10 * DAY,
        cohort_size=2,
    )
    rows = [
        {"key": c.key, "label": c.label, "label_ru": "", "weight": c.weight} for c in call.rubric
    ]
    call_services.save_call(call=call, by=personas["staff"], criteria=rows)
    rows[1] |= {"label_ru": "Мотивация"}
    call_services.save_call(call=call, by=personas["staff"], criteria=rows)
    entries = AuditEntry.objects.filter(action="mentoring.call.updated").order_by("pk")
    assert [e.data["fields"] for e in entries] == [[], ["criteria"]]
    call.refresh_from_db()
    assert call.rubric[1] == Criterion("motivation", "Motivation", Decimal("37.5"), "Мотивация")
    assert call.weights() == {"analysis": 62.5, "motivation": 37.5}
