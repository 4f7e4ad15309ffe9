"""A programme report as plain data, ready to render as a page, a PDF, a DOCX or a
spreadsheet.

Pure: no Django and no kenesh. A service builds a ``ReportDocument`` from the models
(snapshots, indicators, narrative, testimonials, outcomes) with every label already
translated into the reader's language; the renderers (``charts``, ``docx_report``,
``spreadsheets``) only lay it out. Small cells arrive already hidden: a hidden value is
``None`` with its ``hidden`` flag set, so no renderer can print what it was.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

Number = int | float

# The fixed words every renderer uses, in English. The caller passes them translated in
# ``ReportDocument.labels``; a key it leaves out falls back to the English here.
DEFAULT_LABELS: dict[str, str] = {
    "programme": "Programme",
    "phase": "Phase",
    "period": "Reporting period",
    "audience": "Prepared for",
    "generated": "Generated",
    "results": "Results against indicators",
    "disaggregations": "Disaggregations",
    "ref": "Ref.",
    "indicator": "Indicator",
    "unit": "Unit",
    "baseline": "Baseline",
    "target": "Target",
    "actual": "Actual",
    "status": "Status",
    "note": "Note",
    "dimension": "Dimension",
    "category": "Category",
    "value": "Value",
    "hidden": "Hidden: fewer than 5",
    "no_value": "-",
    "chart": "Targets and actuals",
    "chart_period": "Period",
    "stories": "Stories of change",
    "outcomes": "Outcomes",
    "evidence": "Evidence",
    "no_indicators": "No indicator values for this period.",
}


@dataclass(frozen=True)
class DisaggregationRow:
    """One category of a disaggregation. ``hidden``: a small cell, never printed; its
    ``value`` must then be None."""

    label: str
    value: Number | None
    hidden: bool = False

    def __post_init__(self) -> None:
        if self.hidden and self.value is not None:
            raise ValueError("a hidden cell carries no value")


@dataclass(frozen=True)
class Disaggregation:
    """An indicator's value split by one dimension (country, gender, generation...)."""

    dimension: str
    rows: tuple[DisaggregationRow, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", tuple(self.rows))


@dataclass(frozen=True)
class IndicatorRow:
    """One line of the results table. ``actual_hidden``: the total itself is a small cell
    (``actual`` must then be None). ``status`` is a label ("Met", "Not met"...)."""

    ref: str
    name: str
    unit: str
    baseline: Number | None
    target: Number | None
    actual: Number | None
    status: str = ""
    note: str = ""
    disaggregations: tuple[Disaggregation, ...] = ()
    actual_hidden: bool = False

    def __post_init__(self) -> None:
        if self.actual_hidden and self.actual is not None:
            raise ValueError("a hidden total carries no value")
        object.__setattr__(self, "disaggregations", tuple(self.disaggregations))


@dataclass(frozen=True)
class ChartPoint:
    """One reporting period of a chart; None where there is no target or value yet (or
    the value is a hidden small cell)."""

    period: str
    target: Number | None
    actual: Number | None


@dataclass(frozen=True)
class ChartSeries:
    """Targets and actuals of one indicator over the reporting periods, in order."""

    ref: str
    name: str
    unit: str
    points: tuple[ChartPoint, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "points", tuple(self.points))


@dataclass(frozen=True)
class Section:
    """A narrative section staff wrote: a heading and paragraphs of plain text."""

    heading: str
    paragraphs: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "paragraphs", tuple(self.paragraphs))


@dataclass(frozen=True)
class Story:
    """A story of change: a testimonial's words and its consented attribution."""

    quote: str
    attribution: str


@dataclass(frozen=True)
class OutcomeItem:
    """A verified outcome with its evidence, one line per piece (a title, a link)."""

    title: str
    description: str
    evidence: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "evidence", tuple(self.evidence))


@dataclass(frozen=True)
class ReportDocument:
    """Everything a programme report shows, in the reader's language.

    ``language``: a BCP 47 code ("en", "ru"). ``period_label`` names the period as the
    reader should see it ("Q1 2024"); ``start`` and ``end`` are its first and last day.
    ``series`` holds the charts (normally one per indicator that has periods to show).
    """

    title: str
    programme: str
    phase: str
    period_label: str
    start: datetime.date
    end: datetime.date
    language: str
    generated_at: datetime.datetime
    audience: str
    sections: tuple[Section, ...] = ()
    indicators: tuple[IndicatorRow, ...] = ()
    series: tuple[ChartSeries, ...] = ()
    stories: tuple[Story, ...] = ()
    outcomes: tuple[OutcomeItem, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("sections", "indicators", "series", "stories", "outcomes"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "labels", dict(self.labels))

    def label(self, key: str) -> str:
        """The fixed word ``key`` in the reader's language (English if not given)."""
        return self.labels.get(key) or DEFAULT_LABELS[key]


def format_number(value: Number | None, empty: str = "-") -> str:
    """A value as a report prints it: whole numbers without decimals, others with at
    most two; ``empty`` for None."""
    if value is None:
        return empty
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(int(value))
