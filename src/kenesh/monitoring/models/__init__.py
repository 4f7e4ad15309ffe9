"""Phases, their theory of change and results framework, reporting periods, targets,
values entered by hand, and reports with the values they froze when submitted.

Monitoring reads every other app and nothing reads it. Who may see what is decided by
the ``visible_to`` querysets here and the access functions in ``rules.py``.
"""

from kenesh.monitoring.models.framework import (
    EVIDENCE_SOURCES,
    IATI_MEASURE,
    PARENT_LEVEL,
    Assumption,
    AssumptionEvidence,
    ChangeStatement,
    Indicator,
    IndicatorKind,
    IndicatorMeasure,
    Level,
    Phase,
    ResultNode,
    Stance,
)
from kenesh.monitoring.models.renders import ReportRender
from kenesh.monitoring.models.reporting import (
    NARRATIVE,
    EnteredValue,
    Period,
    PeriodKind,
    Report,
    ReportStatus,
    ReportValue,
    Target,
    evidence_path,
    to_decimal,
)

__all__ = [
    "EVIDENCE_SOURCES",
    "IATI_MEASURE",
    "NARRATIVE",
    "PARENT_LEVEL",
    "Assumption",
    "AssumptionEvidence",
    "ChangeStatement",
    "EnteredValue",
    "Indicator",
    "IndicatorKind",
    "IndicatorMeasure",
    "Level",
    "Period",
    "PeriodKind",
    "Phase",
    "Report",
    "ReportRender",
    "ReportStatus",
    "ReportValue",
    "ResultNode",
    "Stance",
    "Target",
    "evidence_path",
    "to_decimal",
]
