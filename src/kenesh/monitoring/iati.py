"""The programme as an IATI Activity Standard 2.03 file (``iati-activities``).

Pure: no Django and no kenesh. A service fills the dataclasses below from the results
framework and the submitted reports; ``to_xml`` writes them with the standard library's
ElementTree (no lxml at run time).

The schema checks the ORDER of child elements strictly, so each writer below emits them
in the schema's sequence (``iati-activities-schema.xsd``, version-2.03):

- iati-activity: iati-identifier, reporting-org, title, description+,
  participating-org+, activity-status, activity-date+, recipient-country*,
  recipient-region*, sector*, result*
- result: title, description?, indicator+ (a result with no indicator is left out: the
  schema requires at least one)
- indicator: title, description?, baseline*, period*
- baseline: dimension*, comment?  (document-link would sit between them)
- period: period-start, period-end, target*, actual*
- target and actual: dimension*, comment?  (document-link would come after comment)

Disaggregations are expressed as further targets, actuals or baselines carrying
``dimension`` name/value pairs next to the total. A value marked ``hidden`` (a small
cell) is left out of the file entirely, never written.

Texts are mappings from a language code to the text (``{"en": ..., "ru": ...}``); each
becomes a ``narrative`` with its ``xml:lang``, in the mapping's order.
"""

import datetime
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

Number = int | float | Decimal
Texts = Mapping[str, str]

VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Codelists used here (IATI 2.03).
CENTRAL_ASIA = "619"  # Region (vocabulary 1, OECD DAC): Central Asia, regional
PEACEBUILDING = "15220"  # Sector (vocabulary 1, DAC 5 digit): civilian peace-building
PROGRAMME_COUNTRIES = ("KG", "KZ", "TJ", "UZ", "AF")


class ResultType:
    OUTPUT, OUTCOME, IMPACT = "1", "2", "3"


class Measure:
    UNIT, PERCENTAGE, QUALITATIVE = "1", "2", "5"


class ActivityStatus:
    PIPELINE, IMPLEMENTATION, FINALISATION, CLOSED, CANCELLED, SUSPENDED = (
        "1", "2", "3", "4", "5", "6",
    )  # fmt: skip


class OrgRole:
    FUNDING, ACCOUNTABLE, EXTENDING, IMPLEMENTING = "1", "2", "3", "4"


@dataclass(frozen=True)
class ReportingOrg:
    ref: str
    type: str  # OrganisationType codelist, e.g. "22" (national NGO), "21" (international NGO)
    name: Texts


@dataclass(frozen=True)
class ParticipatingOrg:
    role: str  # OrgRole
    name: Texts
    type: str = ""
    ref: str = ""


@dataclass(frozen=True)
class RecipientCountry:
    code: str  # ISO 3166-1 alpha-2
    percentage: Number | None = None


@dataclass(frozen=True)
class RecipientRegion:
    code: str = CENTRAL_ASIA
    percentage: Number | None = None
    vocabulary: str = "1"


@dataclass(frozen=True)
class Sector:
    code: str = PEACEBUILDING
    vocabulary: str = "1"
    percentage: Number | None = None


@dataclass(frozen=True)
class Dimension:
    """One disaggregation category: ``Dimension("country", "KG")``."""

    name: str
    value: str


@dataclass(frozen=True)
class Value:
    """A target or an actual: the total (no dimensions) or one disaggregated cell.
    ``hidden``: a small cell, left out of the file (``value`` must then be None)."""

    value: Number | None
    dimensions: tuple[Dimension, ...] = ()
    comment: Texts = field(default_factory=dict)
    hidden: bool = False

    def __post_init__(self) -> None:
        if self.hidden and self.value is not None:
            raise ValueError("a hidden cell carries no value")
        object.__setattr__(self, "dimensions", tuple(self.dimensions))


@dataclass(frozen=True)
class Baseline:
    year: int
    value: Number | None
    iso_date: datetime.date | None = None
    dimensions: tuple[Dimension, ...] = ()
    comment: Texts = field(default_factory=dict)
    hidden: bool = False

    def __post_init__(self) -> None:
        if self.hidden and self.value is not None:
            raise ValueError("a hidden cell carries no value")
        if self.year < 1:
            raise ValueError("a baseline year is a positive number")
        object.__setattr__(self, "dimensions", tuple(self.dimensions))


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    targets: tuple[Value, ...] = ()
    actuals: tuple[Value, ...] = ()

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period cannot end before it starts")
        object.__setattr__(self, "targets", tuple(self.targets))
        object.__setattr__(self, "actuals", tuple(self.actuals))


@dataclass(frozen=True)
class Indicator:
    title: Texts
    measure: str = Measure.UNIT
    ascending: bool = True
    description: Texts = field(default_factory=dict)
    baselines: tuple[Baseline, ...] = ()
    periods: tuple[Period, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "baselines", tuple(self.baselines))
        object.__setattr__(self, "periods", tuple(self.periods))
        if self.measure == Measure.QUALITATIVE:
            values = [b.value for b in self.baselines] + [
                v.value for p in self.periods for v in p.targets + p.actuals
            ]
            if any(v is not None for v in values):
                # IATI 2.03: a qualitative indicator says its values in comments.
                raise ValueError("a qualitative indicator has comments, not values")


@dataclass(frozen=True)
class Result:
    type: str  # ResultType
    title: Texts
    indicators: tuple[Indicator, ...] = ()
    description: Texts = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "indicators", tuple(self.indicators))


@dataclass(frozen=True)
class Activity:
    """One programme phase as an IATI activity. At least one of the four dates is
    required; where percentages are given for countries and regions, every one must be
    given and together they make 100."""

    identifier: str  # starts with the reporting organisation's ref and a hyphen
    reporting_org: ReportingOrg
    title: Texts
    description: Texts
    participating_orgs: tuple[ParticipatingOrg, ...]
    status: str = ActivityStatus.IMPLEMENTATION
    planned_start: datetime.date | None = None
    actual_start: datetime.date | None = None
    planned_end: datetime.date | None = None
    actual_end: datetime.date | None = None
    recipient_countries: tuple[RecipientCountry, ...] = ()
    recipient_regions: tuple[RecipientRegion, ...] = ()
    sectors: tuple[Sector, ...] = (Sector(),)
    results: tuple[Result, ...] = ()
    language: str = "en"
    currency: str = ""
    last_updated: datetime.datetime | None = None

    def __post_init__(self) -> None:
        for name in (
            "participating_orgs", "recipient_countries", "recipient_regions", "sectors",
            "results",
        ):  # fmt: skip
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if not self.identifier.startswith(self.reporting_org.ref + "-"):
            raise ValueError(
                "an IATI identifier starts with the reporting organisation's ref and a hyphen"
            )
        if not self.title or not self.description:
            raise ValueError("an IATI activity needs a title and a description")
        if not self.participating_orgs:
            raise ValueError("an IATI activity needs at least one participating organisation")
        if not self.dates():
            raise ValueError("an IATI activity needs at least one start or end date")
        places = self.recipient_countries + self.recipient_regions
        given = [p.percentage for p in places if p.percentage is not None]
        if given:
            if len(given) != len(places):
                raise ValueError("give a percentage for every recipient country and region")
            if abs(sum((Decimal(str(p)) for p in given), Decimal(0)) - 100) > Decimal("0.01"):
                raise ValueError("recipient country and region percentages must add up to 100")

    def _dates(self) -> list[tuple[str, datetime.date | None]]:
        # ActivityDateType 1-4: planned start, actual start, planned end, actual end.
        return [
            ("1", self.planned_start),
            ("2", self.actual_start),
            ("3", self.planned_end),
            ("4", self.actual_end),
        ]

    def dates(self) -> list[tuple[str, datetime.date]]:
        """The activity's dates as (ActivityDateType code, day), those that are set."""
        return [(code, day) for code, day in self._dates() if day is not None]


def to_xml(activities: Iterable[Activity], generated_at: datetime.datetime) -> bytes:
    """The activities as one ``iati-activities`` file (UTF-8, with an XML declaration).
    ``generated_at`` should be timezone-aware (UTC or local)."""
    activities = list(activities)
    if not activities:
        raise ValueError("an IATI file holds at least one activity")
    root = ET.Element(
        "iati-activities",
        {"version": VERSION, "generated-datetime": _datetime(generated_at)},
    )
    for activity in activities:
        _activity(root, activity)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def _activity(parent: ET.Element, a: Activity) -> None:
    attributes = {XML_LANG: a.language}
    if a.last_updated is not None:
        attributes["last-updated-datetime"] = _datetime(a.last_updated)
    if a.currency:
        attributes["default-currency"] = a.currency
    element = ET.SubElement(parent, "iati-activity", attributes)
    ET.SubElement(element, "iati-identifier").text = a.identifier
    reporting = ET.SubElement(
        element, "reporting-org", {"ref": a.reporting_org.ref, "type": a.reporting_org.type}
    )
    _narratives(reporting, a.reporting_org.name, required=True)
    _narratives(ET.SubElement(element, "title"), a.title, required=True)
    _narratives(ET.SubElement(element, "description", {"type": "1"}), a.description, True)
    for org in a.participating_orgs:
        attributes = {"role": org.role}
        if org.ref:
            attributes["ref"] = org.ref
        if org.type:
            attributes["type"] = org.type
        _narratives(ET.SubElement(element, "participating-org", attributes), org.name)
    ET.SubElement(element, "activity-status", {"code": a.status})
    for code, day in a.dates():
        ET.SubElement(element, "activity-date", {"type": code, "iso-date": day.isoformat()})
    for country in a.recipient_countries:
        ET.SubElement(
            element, "recipient-country", _with_percentage({"code": country.code}, country)
        )
    for region in a.recipient_regions:
        ET.SubElement(
            element,
            "recipient-region",
            _with_percentage({"code": region.code, "vocabulary": region.vocabulary}, region),
        )
    for sector in a.sectors:
        ET.SubElement(
            element,
            "sector",
            _with_percentage({"vocabulary": sector.vocabulary, "code": sector.code}, sector),
        )
    for result in a.results:
        _result(element, result)


def _result(parent: ET.Element, result: Result) -> None:
    if not result.indicators:
        return  # the schema requires an indicator in every result
    element = ET.SubElement(parent, "result", {"type": result.type})
    _narratives(ET.SubElement(element, "title"), result.title, required=True)
    if result.description:
        _narratives(ET.SubElement(element, "description"), result.description)
    for indicator in result.indicators:
        _indicator(element, indicator)


def _indicator(parent: ET.Element, indicator: Indicator) -> None:
    attributes = {"measure": indicator.measure}
    if indicator.measure != Measure.QUALITATIVE:  # direction means nothing for words
        attributes["ascending"] = "1" if indicator.ascending else "0"
    element = ET.SubElement(parent, "indicator", attributes)
    _narratives(ET.SubElement(element, "title"), indicator.title, required=True)
    if indicator.description:
        _narratives(ET.SubElement(element, "description"), indicator.description)
    for baseline in indicator.baselines:
        if baseline.hidden:
            continue
        attributes = {"year": str(baseline.year)}
        if baseline.iso_date is not None:
            attributes["iso-date"] = baseline.iso_date.isoformat()
        if baseline.value is not None:
            attributes["value"] = _number(baseline.value)
        b = ET.SubElement(element, "baseline", attributes)
        _dimensions(b, baseline.dimensions)
        if baseline.comment:
            _narratives(ET.SubElement(b, "comment"), baseline.comment)
    for period in indicator.periods:
        p = ET.SubElement(element, "period")
        ET.SubElement(p, "period-start", {"iso-date": period.start.isoformat()})
        ET.SubElement(p, "period-end", {"iso-date": period.end.isoformat()})
        for tag, values in (("target", period.targets), ("actual", period.actuals)):
            for value in values:
                if value.hidden:
                    continue
                attributes = {} if value.value is None else {"value": _number(value.value)}
                v = ET.SubElement(p, tag, attributes)
                _dimensions(v, value.dimensions)
                if value.comment:
                    _narratives(ET.SubElement(v, "comment"), value.comment)


def _dimensions(parent: ET.Element, dimensions: Iterable[Dimension]) -> None:
    for d in dimensions:
        ET.SubElement(parent, "dimension", {"name": d.name, "value": d.value})


def _narratives(parent: ET.Element, texts: Texts, required: bool = False) -> None:
    written = 0
    for lang, text in texts.items():
        if text:
            ET.SubElement(parent, "narrative", {XML_LANG: lang}).text = text
            written += 1
    if required and not written:
        raise ValueError(f"<{parent.tag}> needs at least one narrative")


def _with_percentage(
    attributes: dict[str, str], place: RecipientCountry | RecipientRegion | Sector
) -> dict[str, str]:
    if place.percentage is not None:
        attributes["percentage"] = _number(place.percentage)
    return attributes


def _number(value: Number) -> str:
    if isinstance(value, bool):
        raise TypeError("a value is a number, not a boolean")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _datetime(moment: datetime.datetime) -> str:
    return moment.replace(microsecond=0).isoformat()
