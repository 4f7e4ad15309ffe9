"""The IATI 2.03 export validates against the official schema (../shared/data/iati), with
Cyrillic narratives, disaggregation dimensions and no results at all; a small cell is
left out of the file."""

import datetime
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kenesh.monitoring import iati
from kenesh.monitoring.iati import (
    Activity,
    Baseline,
    Dimension,
    Indicator,
    ParticipatingOrg,
    Period,
    RecipientCountry,
    RecipientRegion,
    ReportingOrg,
    Result,
    Value,
)
from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("KENESH_IATI_DATA", ROOT.parent / "shared" / "data" / "iati"))
GENERATED = datetime.datetime(2024, 7, 15, 9, 30, tzinfo=datetime.UTC)
ORG = ReportingOrg("XM-DAC-00000", "21", {"en": "Kenesh Secretariat", "ru": "Секретариат Кенеша"})


@pytest.fixture(scope="module")
def schema():
    lxml = pytest.importorskip("lxml.etree")
    path = DATA / "iati-activities-schema.xsd"
    if not path.exists():
        skip_or_fail("data", f"the IATI schema is not at {path}")
    return lxml.XMLSchema(lxml.parse(str(path)))


def validate(schema, data: bytes):
    from lxml import etree

    document = etree.fromstring(data)
    schema.assertValid(document)
    return document


def activity(**changes) -> Activity:
    values = {
        "identifier": "XM-DAC-00000-KENESH-2",
        "reporting_org": ORG,
        "title": {"en": "Kenesh regional expert dialogue, phase II", "ru": "Кенеш: фаза II"},
        "description": {
            "en": "A regional expert dialogue.",
            "ru": "Региональный экспертный диалог.",
        },
        "participating_orgs": (
            ParticipatingOrg(iati.OrgRole.FUNDING, {"en": "A fictional donor"}, type="10"),
            ParticipatingOrg(
                iati.OrgRole.IMPLEMENTING, {"ru": "Секретариат Кенеша"}, "21", ORG.ref
            ),
        ),
        "planned_start": datetime.date(2024, 1, 1),
        "actual_start": datetime.date(2024, 2, 1),
        "planned_end": datetime.date(2026, 12, 31),
        "recipient_regions": (RecipientRegion(percentage=50),),
        "recipient_countries": tuple(
            RecipientCountry(code, pct)
            for code, pct in zip(iati.PROGRAMME_COUNTRIES, (10, 10, 10, 10, 10), strict=True)
        ),
        "results": (),
        "language": "en",
        "last_updated": GENERATED,
    }
    values.update(changes)
    return Activity(**values)


def experts_result() -> Result:
    country = "Страна"
    return Result(
        iati.ResultType.OUTPUT,
        {"en": "Experts convened", "ru": "Эксперты собраны"},
        description={"ru": "Эксперты из пяти стран"},
        indicators=(
            Indicator(
                {"en": "Distinct experts convened", "ru": "Число экспертов"},
                measure=iati.Measure.UNIT,
                description={"en": "Counted once per period."},
                baselines=(
                    Baseline(2023, 0, datetime.date(2023, 12, 31), comment={"ru": "До начала"}),
                    Baseline(2023, 0, dimensions=(Dimension(country, "KG"),)),
                ),
                periods=(
                    Period(
                        datetime.date(2024, 1, 1),
                        datetime.date(2024, 6, 30),
                        targets=(Value(40), Value(20, (Dimension(country, "KG"),))),
                        actuals=(
                            Value(47, comment={"ru": "Выше цели"}),
                            Value(21, (Dimension(country, "KG"), Dimension("Пол", "Ж"))),
                            Value(None, (Dimension(country, "AF"),), hidden=True),
                        ),
                    ),
                ),
            ),
            Indicator({"en": "Share of women"}, measure=iati.Measure.PERCENTAGE, ascending=True),
        ),
    )


def test_a_phase_with_results_and_disaggregations_validates(schema):
    data = iati.to_xml([activity(results=(experts_result(),))], GENERATED)
    root = validate(schema, data)
    ns = "{http://www.w3.org/XML/1998/namespace}lang"
    narratives = {(n.get(ns), n.text) for n in root.iter("narrative")}
    assert ("ru", "Кенеш: фаза II") in narratives and ("ru", "Число экспертов") in narratives
    assert "Кенеш".encode() in data  # UTF-8, not character references
    dims = {(d.get("name"), d.get("value")) for d in root.iter("dimension")}
    assert ("Страна", "KG") in dims and ("Пол", "Ж") in dims
    assert [a.get("value") for a in root.iter("actual")] == ["47", "21"]
    assert [d.get("type") for d in root.iter("activity-date")] == ["1", "2", "3"]
    assert root.find("iati-activity/sector").get("code") == "15220"
    assert root.find("iati-activity/recipient-region").get("code") == "619"


def test_a_phase_without_results_validates(schema):
    root = validate(schema, iati.to_xml([activity()], GENERATED))
    assert root.find("iati-activity/result") is None
    assert root.get("version") == "2.03"


def test_a_result_without_indicators_is_left_out(schema):
    empty = Result(iati.ResultType.OUTCOME, {"ru": "Влияние"})
    root = validate(schema, iati.to_xml([activity(results=(empty,))], GENERATED))
    assert root.find("iati-activity/result") is None


def test_the_schema_rejects_elements_out_of_order(schema):
    """The check can fail: the same file with activity-status before participating-org."""
    from lxml import etree

    data = iati.to_xml([activity(results=(experts_result(),))], GENERATED)
    root = ET.fromstring(data)
    element = root.find("iati-activity")
    status = element.find("activity-status")
    element.remove(status)
    element.insert(3, status)
    with pytest.raises(etree.DocumentInvalid):
        validate(schema, ET.tostring(root, encoding="utf-8"))


def test_the_hidden_small_cell_is_not_in_the_file():
    data = iati.to_xml([activity(results=(experts_result(),))], GENERATED)
    root = ET.fromstring(data)
    assert not [a for a in root.iter("actual") if any(d.get("value") == "AF" for d in a)]
    with pytest.raises(ValueError):
        Value(3, (Dimension("Страна", "AF"),), hidden=True)


@pytest.mark.parametrize(
    "changes",
    [
        {"identifier": "KENESH-2"},  # not prefixed by the reporting org's ref
        {"planned_start": None, "actual_start": None, "planned_end": None},
        {"participating_orgs": ()},
        {"recipient_regions": (RecipientRegion(percentage=60),)},  # 110 %
        {"recipient_regions": (RecipientRegion(),)},  # countries have %, region none
    ],
)
def test_bad_activities_are_refused_with_a_reason(changes):
    with pytest.raises(ValueError):
        activity(**changes)


def test_no_activity_is_no_file():
    with pytest.raises(ValueError):
        iati.to_xml([], GENERATED)


def test_a_qualitative_indicator_reports_in_words(schema):
    words = Indicator(
        {"ru": "Рекомендации учтены в решениях"},
        measure=iati.Measure.QUALITATIVE,
        periods=(
            Period(
                datetime.date(2024, 1, 1),
                datetime.date(2024, 6, 30),
                actuals=(Value(None, comment={"ru": "Саммит принял две рекомендации"}),),
            ),
        ),
    )
    result = Result(iati.ResultType.OUTCOME, {"ru": "Влияние"}, (words,))
    root = validate(schema, iati.to_xml([activity(results=(result,))], GENERATED))
    indicator = root.find("iati-activity/result/indicator")
    assert indicator.get("ascending") is None
    assert indicator.find("period/actual").get("value") is None
    with pytest.raises(ValueError):
        Indicator({"en": "x"}, measure=iati.Measure.QUALITATIVE, baselines=(Baseline(2023, 1),))
