"""The demo reads in Russian where its models hold Russian (issue 16): the young experts'
call and its criteria, the programme's name in Russian mail, the Russian parts of the
final report."""

import pytest
from django.db import transaction
from django.utils import translation

from kenesh.demo import loader
from kenesh.demo import notifications as demo_notifications
from kenesh.mentoring.models import Call, criterion_label
from kenesh.monitoring.models import Report
from kenesh.notifications.models import Message
from kenesh.notifications.services import programme_name


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo at scale 1, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        loader.load_demo(scale=1)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo, db):
    return demo


def _cyrillic(text: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in text)


def test_the_call_reads_in_russian_and_in_english(loaded):
    call = Call.objects.get()
    with translation.override("ru"):
        assert _cyrillic(call.shown_title) and _cyrillic(call.shown_description)
        assert call.shown_title_language == "ru"
        assert all(_cyrillic(criterion_label(c)) for c in call.rubric)
    with translation.override("en"):
        assert call.shown_title.isascii() and call.shown_description.isascii()
        assert all(criterion_label(c).isascii() for c in call.rubric)


def test_russian_mail_names_the_programme_in_russian(loaded):
    russian = Message.objects.filter(language="ru")
    assert russian.exists()
    for message in russian:
        assert demo_notifications.PROGRAMME_NAME not in message.text, message.subject
    assert any(demo_notifications.PROGRAMME_NAME_RU in m.text for m in russian)
    with translation.override("en"):
        assert programme_name() == demo_notifications.PROGRAMME_NAME


def test_the_final_reports_russian_quote_is_attributed_in_russian(loaded):
    progress = Report.objects.get(status="draft").progress
    assert "(молодой эксперт, вымышленная цитата)" in progress
    assert "a young expert, fictional" not in progress


def test_the_demo_cohort_is_decided_by_the_optimiser_with_its_reasons(loaded):
    """The demo records its cohort through the service staff use, so the call page shows
    real reasons (why each applicant was or was not chosen), not "no reason recorded"."""
    from kenesh.mentoring.models import CohortDecision

    decision = CohortDecision.objects.get()
    recorded = decision.recorded
    assert {q.attribute for q in recorded.quotas} == {"country"}
    chosen = {str(pk) for pk in decision.chosen.values_list("pk", flat=True)}
    assert chosen and chosen <= set(recorded.reasons)
    assert not decision.override_reason  # the optimiser chose the roster's young experts


def test_a_reviewer_sees_each_criterion_with_its_share_of_the_score(loaded):
    from kenesh.mentoring.forms import ReviewForm

    call = Call.objects.get()
    with translation.override("ru"):
        labels = [str(f.label) for f in ReviewForm(criteria=call.rubric).fields.values()]
    shares = [label for label in labels if "вес" in label]
    assert len(shares) == len(call.rubric)
    assert all(label.endswith("\u00a0%)") for label in shares), shares


def test_a_russian_profile_counts_years_with_russian_plural_forms():
    from kenesh.demo.loader import _years_ru

    assert [f"{n} {_years_ru(n)}" for n in (1, 3, 5, 11, 21, 24, 30)] == [
        "1 год",
        "3 года",
        "5 лет",
        "11 лет",
        "21 год",
        "24 года",
        "30 лет",
    ]
