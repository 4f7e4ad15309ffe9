"""Writes to monitoring: phases, the theory of change, the results framework, periods,
targets, values entered by hand and their approval, and reports.

Every service checks the whole row (``full_clean``) before it writes, so a refusal is a
ValidationError with a message in the user's language and nothing changed.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kenesh.access.predicates import is_staff
from kenesh.core.audit import log_action
from kenesh.core.uploads import check_upload, store_upload
from kenesh.monitoring.indicators import UnknownIndicator, get_indicator
from kenesh.monitoring.models import (
    Assumption,
    AssumptionEvidence,
    ChangeStatement,
    EnteredValue,
    Indicator,
    Period,
    Phase,
    Report,
    ReportStatus,
    ReportValue,
    ResultNode,
    Target,
    to_decimal,
)
from kenesh.monitoring.queries import frozen_breakdowns, indicators_of, values_for

# What staff may change on each record; what it belongs to stays.
PHASE_FIELDS = (
    "name",
    "donor",
    "starts_on",
    "ends_on",
    "budget",
    "currency",
    "description",
    "iati_identifier",
)
STATEMENT_FIELDS = ("order", "if_text", "then_text", "because_text")
ASSUMPTION_FIELDS = ("order", "text")
EVIDENCE_FIELDS = ("stance", "note")
NODE_FIELDS = ("parent", "ref", "title", "order")
INDICATOR_FIELDS = (
    "ref",
    "name",
    "definition",
    "unit",
    "measure",
    "method",
    "data_source",
    "frequency",
    "responsible",
    "kind",
    "query_key",
    "disaggregations",
    "counts_people",
    "baseline_value",
    "baseline_on",
    "baseline_note",
    "order",
)
PERIOD_FIELDS = ("kind", "name", "starts_on", "ends_on")
TARGET_FIELDS = ("value", "note")
ENTERED_FIELDS = ("value", "breakdowns", "evidence_link")
REPORT_FIELDS = (
    "title",
    "for_donor",
    "shared_dimensions",
    "context",
    "progress",
    "challenges",
    "next_steps",
)
FOREIGN = {"parent"}
# What evidence of an entered value may be: documents, spreadsheets, pictures, text.
EVIDENCE_TYPES = {".pdf", ".docx", ".xlsx", ".pptx", ".odt", ".png", ".jpg", ".jpeg", ".txt"}


def _value(row, name):
    return getattr(row, f"{name}_id") if name in FOREIGN else getattr(row, name)


def _create(row, action: str, *, by, data=None):
    row.full_clean()
    row.save()
    log_action(row, action, by=by, data=data)
    return row


def _update(row, fields: dict, editable, action: str, *, by, data=None):
    """Set ``fields`` on ``row`` (locked), check the whole row, save and log which
    fields changed. Nothing is logged when nothing changed."""
    unknown = set(fields) - set(editable)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    row = type(row).objects.select_for_update().get(pk=row.pk)
    before = {name: _value(row, name) for name in fields}
    for name, value in fields.items():
        setattr(row, name, value)
    changed = sorted(name for name in fields if _value(row, name) != before[name])
    row.full_clean()
    if changed:
        row.save()
        log_action(row, action, by=by, data={"fields": changed, **(data or {})})
    return row


def _lock(phase: Phase) -> Phase:
    """Lock the phase: what is checked across its rows (overlapping periods, one goal)
    is checked by one writer at a time."""
    return Phase.objects.select_for_update().get(pk=phase.pk)


# --- phases and the theory of change --------------------------------------------------


@transaction.atomic
def create_phase(*, by, **fields) -> Phase:
    """Open a phase of the programme."""
    return _create(Phase(**fields), "monitoring.phase.created", by=by)


@transaction.atomic
def update_phase(*, phase: Phase, by, **fields) -> Phase:
    """Change a phase. Its periods must still lie inside its dates."""
    phase = _update(phase, fields, PHASE_FIELDS, "monitoring.phase.changed", by=by)
    outside = phase.periods.exclude(starts_on__gte=phase.starts_on, ends_on__lte=phase.ends_on)
    period = outside.first()
    if period is not None:
        raise ValidationError(
            _("The period “%(period)s” would lie outside the phase's dates.")
            % {"period": period.name}
        )
    return phase


@transaction.atomic
def create_change_statement(*, phase: Phase, by, **fields) -> ChangeStatement:
    """Add an IF / THEN / BECAUSE statement to a phase's theory of change."""
    fields.setdefault("order", phase.statements.count())
    return _create(ChangeStatement(phase=phase, **fields), "monitoring.statement.created", by=by)


@transaction.atomic
def update_change_statement(*, statement: ChangeStatement, by, **fields) -> ChangeStatement:
    return _update(statement, fields, STATEMENT_FIELDS, "monitoring.statement.changed", by=by)


@transaction.atomic
def create_assumption(*, statement: ChangeStatement, by, **fields) -> Assumption:
    """Add an assumption a change statement rests on."""
    fields.setdefault("order", statement.assumptions.count())
    return _create(
        Assumption(statement=statement, **fields), "monitoring.assumption.created", by=by
    )


@transaction.atomic
def update_assumption(*, assumption: Assumption, by, **fields) -> Assumption:
    return _update(assumption, fields, ASSUMPTION_FIELDS, "monitoring.assumption.changed", by=by)


@transaction.atomic
def add_assumption_evidence(
    *,
    assumption: Assumption,
    stance: str,
    by,
    note: str = "",
    outcome=None,
    assessment=None,
    testimonial=None,
    link: str = "",
) -> AssumptionEvidence:
    """Record a piece of evidence for or against an assumption: exactly one outcome,
    assessment, testimonial or link."""
    evidence = AssumptionEvidence(
        assumption=assumption,
        stance=stance,
        note=note,
        outcome=outcome,
        assessment=assessment,
        testimonial=testimonial,
        link=link,
    )
    given = [x for x in (outcome, assessment, testimonial, link) if x]
    if len(given) != 1:
        raise ValidationError(
            _(
                "Evidence points to exactly one thing: an outcome, an assessment, a "
                "testimonial or a link."
            )
        )
    evidence.full_clean()
    evidence.save()
    log_action(
        assumption,
        "monitoring.evidence.added",
        by=by,
        data={"stance": stance, "source": evidence.source},
    )
    return evidence


@transaction.atomic
def update_assumption_evidence(*, evidence: AssumptionEvidence, by, **fields):
    """Change whether evidence supports or challenges its assumption, or its note; what
    it points to stays (record another piece of evidence instead)."""
    evidence = _update(evidence, fields, EVIDENCE_FIELDS, "monitoring.evidence.changed", by=by)
    return evidence


# --- results framework -------------------------------------------------------------------


@transaction.atomic
def create_result_node(*, phase: Phase, by, **fields) -> ResultNode:
    """Add the goal, an outcome (under the goal) or an output (under an outcome)."""
    _lock(phase)
    return _create(
        ResultNode(phase=phase, **fields),
        "monitoring.result.created",
        by=by,
        data={"level": fields.get("level", "")},
    )


@transaction.atomic
def update_result_node(*, node: ResultNode, by, **fields) -> ResultNode:
    _lock(node.phase)
    return _update(node, fields, NODE_FIELDS, "monitoring.result.changed", by=by)


@transaction.atomic
def create_indicator(*, node: ResultNode, by, **fields) -> Indicator:
    """Add an indicator with its reference sheet; a computed one must name a query of
    the registry and only the disaggregations that query offers."""
    fields.setdefault("order", node.indicators.count())
    return _create(
        Indicator(node=node, **fields),
        "monitoring.indicator.created",
        by=by,
        data={"kind": fields.get("kind", "")},
    )


@transaction.atomic
def update_indicator(*, indicator: Indicator, by, **fields) -> Indicator:
    """Change an indicator's reference sheet. Submitted reports keep what they froze.
    An indicator with values typed in stays entered by hand."""
    if (
        fields.get("kind", indicator.kind) != indicator.kind
        and EnteredValue.objects.filter(indicator=indicator).exists()
    ):
        raise ValidationError(
            {
                "kind": _(
                    "Values were entered by hand for this indicator; it cannot become "
                    "computed. Add a computed indicator beside it instead."
                )
            }
        )
    return _update(indicator, fields, INDICATOR_FIELDS, "monitoring.indicator.changed", by=by)


# --- periods and targets -----------------------------------------------------------------


@transaction.atomic
def create_period(*, phase: Phase, by, **fields) -> Period:
    """Add a reporting period inside the phase; it may not overlap a period of its kind."""
    phase = _lock(phase)
    return _create(
        Period(phase=phase, **fields),
        "monitoring.period.created",
        by=by,
        data={"kind": fields.get("kind", "")},
    )


@transaction.atomic
def update_period(*, period: Period, by, **fields) -> Period:
    _lock(period.phase)
    return _update(period, fields, PERIOD_FIELDS, "monitoring.period.changed", by=by)


@transaction.atomic
def create_target(*, indicator: Indicator, period: Period, value, by, note: str = "") -> Target:
    """Set an indicator's target for one of its phase's periods."""
    return _create(
        Target(indicator=indicator, period=period, value=value, note=note),
        "monitoring.target.set",
        by=by,
        data={"period": str(period.code), "value": str(value)},
    )


@transaction.atomic
def update_target(*, target: Target, by, **fields) -> Target:
    return _update(
        target,
        fields,
        TARGET_FIELDS,
        "monitoring.target.changed",
        by=by,
        data={"value": str(fields.get("value", target.value))},
    )


# --- values entered by hand ---------------------------------------------------------------


@transaction.atomic
def enter_value(
    *,
    indicator: Indicator,
    period: Period,
    value,
    by,
    breakdowns=None,
    evidence_link: str = "",
    evidence_file=None,
) -> EnteredValue:
    """Type in an indicator's value for a period with its evidence (a file, a link, or
    both). The file is checked by ``core.uploads.check_upload`` (the form checks it too,
    to show the message beside the field) and stored under a random private name. The
    value counts once another staff member approves it."""
    if evidence_file is not None:
        check_upload(
            evidence_file, allowed=EVIDENCE_TYPES, max_bytes=settings.KENESH_MAX_UPLOAD_BYTES
        )
    entry = EnteredValue(
        indicator=indicator,
        period=period,
        value=value,
        breakdowns=breakdowns or {},
        evidence_link=evidence_link,
        entered_by=by,
        entered_at=timezone.now(),
    )
    if evidence_file is not None:
        entry.evidence_filename = evidence_file.name[:200]
        # A placeholder name lets the evidence check pass before the file is written.
        entry.evidence_file.name = evidence_file.name
    # Check the row before the file is written, so a refusal leaves nothing behind.
    entry.full_clean(exclude=["evidence_file"])
    if evidence_file is not None:
        store_upload(entry.evidence_file, evidence_file.name, evidence_file)
    entry.save()
    log_action(
        entry,
        "monitoring.value.entered",
        by=by,
        data={"value": str(value), "period": str(period.code)},
    )
    return entry


@transaction.atomic
def update_entered_value(*, entry: EnteredValue, by, **fields) -> EnteredValue:
    """Correct an entered value. A change withdraws its approval and makes the one who
    changed it its author, so it counts again only once someone else approves it."""
    unknown = set(fields) - set(ENTERED_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    entry = EnteredValue.objects.select_for_update().get(pk=entry.pk)
    before = {name: getattr(entry, name) for name in fields}
    for name, value in fields.items():
        setattr(entry, name, value)
    changed = sorted(name for name in fields if getattr(entry, name) != before[name])
    if not changed:
        return entry
    entry.approved_by = None
    entry.approved_at = None
    entry.entered_by = by
    entry.entered_at = timezone.now()
    entry.full_clean()
    entry.save()
    log_action(
        entry,
        "monitoring.value.changed",
        by=by,
        data={"fields": changed, "value": str(entry.value)},
    )
    return entry


@transaction.atomic
def approve_entered_value(*, entry: EnteredValue, by) -> EnteredValue:
    """Approve a value entered by another staff member; from now on it counts."""
    entry = EnteredValue.objects.select_for_update().get(pk=entry.pk)
    if not is_staff(by):
        raise PermissionDenied
    if entry.entered_by_id == by.pk:
        raise ValidationError(
            _("A value is approved by a staff member other than the one who entered it.")
        )
    if entry.approved_at is not None:
        raise ValidationError(_("This value is already approved."))
    entry.approved_by = by
    entry.approved_at = timezone.now()
    entry.full_clean()
    entry.save(update_fields=["approved_by", "approved_at"])
    log_action(entry, "monitoring.value.approved", by=by, data={"value": str(entry.value)})
    return entry


# --- reports -------------------------------------------------------------------------------


def _refuse_if_submitted(report: Report) -> None:
    if report.is_submitted:
        raise ValidationError(
            _("This report was submitted on %(day)s; a submitted report cannot be changed.")
            % {"day": timezone.localdate(report.submitted_at)}
        )


def _check_shared(phase: Phase, shared) -> None:
    known = set()
    for indicator in indicators_of(phase):
        known.update(indicator.disaggregations)
    unknown = [key for key in shared or () if key not in known]
    if unknown:
        raise ValidationError(
            {
                "shared_dimensions": _(
                    "No indicator of this phase is disaggregated by %(unknown)s."
                )
                % {"unknown": ", ".join(unknown)}
            }
        )


@transaction.atomic
def create_report(*, phase: Phase, period: Period, title: str, by, **fields) -> Report:
    """Start a draft report for one of the phase's periods. A period with no records
    makes an honest report of zeros and blanks, not an error."""
    unknown = set(fields) - set(REPORT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    report = Report(phase=phase, period=period, title=title, created_by=by, **fields)
    report.full_clean()
    _check_shared(phase, report.shared_dimensions)
    report.save()
    log_action(
        report,
        "monitoring.report.created",
        by=by,
        data={"period": str(period.code), "for_donor": report.for_donor},
    )
    if report.for_donor or report.shared_dimensions:
        _log_sharing(report, by)
    return report


def _log_sharing(report: Report, by) -> None:
    log_action(
        report,
        "monitoring.report.sharing_set",
        by=by,
        data={"for_donor": report.for_donor, "shared": list(report.shared_dimensions)},
    )


@transaction.atomic
def update_report(*, report: Report, by, **fields) -> Report:
    """Change a draft report's title, narrative and what it shares with the donor
    (which is recorded in the audit trail). A submitted report is refused."""
    current = Report.objects.select_for_update().get(pk=report.pk)
    _refuse_if_submitted(current)
    sharing_before = (current.for_donor, list(current.shared_dimensions))
    if "shared_dimensions" in fields:
        _check_shared(current.phase, fields["shared_dimensions"])
    report = _update(current, fields, REPORT_FIELDS, "monitoring.report.changed", by=by)
    if (report.for_donor, list(report.shared_dimensions)) != sharing_before:
        _log_sharing(report, by)
    return report


@transaction.atomic
def submit_report(*, report: Report, by) -> Report:
    """Submit a draft report: freeze every indicator of the phase (value,
    disaggregations, target, baseline) as it reads now. Later edits to the records
    never change what was submitted. Queries do not grow with the records."""
    report = Report.objects.select_for_update().select_related("period", "phase").get(pk=report.pk)
    _refuse_if_submitted(report)
    report.move_to(ReportStatus.SUBMITTED)
    indicator_list = list(indicators_of(report.phase))
    try:
        for indicator in indicator_list:
            if indicator.is_computed:
                get_indicator(indicator.query_key)
        values = values_for(report.phase, report.period, indicator_list)
    except UnknownIndicator as error:
        raise ValidationError(error.message) from None
    targets = dict(
        Target.objects.filter(period=report.period, indicator__in=indicator_list).values_list(
            "indicator_id", "value"
        )
    )
    now = timezone.now()
    rows = []
    for indicator in indicator_list:
        measure = values[indicator.pk]
        rows.append(
            ReportValue(
                report=report,
                indicator=indicator,
                indicator_ref=indicator.ref,
                indicator_name=indicator.name,
                unit=indicator.unit,
                value=None if measure is None else to_decimal(measure.total),
                n=None if measure is None else measure.n,
                people=indicator.counts_people if measure is None else measure.people,
                breakdowns=frozen_breakdowns(measure),
                target=targets.get(indicator.pk),
                baseline=indicator.baseline_value,
                computed_at=now,
            )
        )
    ReportValue.objects.bulk_create(rows)
    report.submitted_by = by
    report.submitted_at = now
    report.save(update_fields=["status", "submitted_by", "submitted_at"])
    log_action(
        report,
        "monitoring.report.submitted",
        by=by,
        data={"indicators": len(rows), "for_donor": report.for_donor},
    )
    return report
