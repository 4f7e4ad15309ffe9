"""Background renders of a report (PDF, DOCX), and the audit entries of files taken away.

As deliberation's opinion maps: a request makes a ``ReportRender`` row and hands it to the
task queue once the transaction commits; the worker records on the row when it started,
finished or failed, for the page to show. A render still waiting in the queue serves a
second request for the same file instead of a second job.
"""

import datetime
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from kenesh.core.audit import log_action
from kenesh.monitoring.models import Phase, Report, ReportRender
from kenesh.monitoring.rules import audience_for

logger = logging.getLogger(__name__)

FORMATS = {ReportRender.Format.PDF, ReportRender.Format.DOCX}
# A queued render older than this is taken for lost: a new request queues a new one.
PATIENCE = datetime.timedelta(minutes=15)


@transaction.atomic
def request_render(*, report: Report, fmt: str, language: str, by) -> ReportRender:
    """Queue a render of ``report`` as ``fmt`` in ``language``, as ``by`` may read it. A
    render of the same file still queued serves the request instead of a second job."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    audience = str(audience_for(by))
    waiting = (
        ReportRender.objects.select_for_update()
        .filter(
            report=report,
            fmt=fmt,
            audience=audience,
            language=language,
            status__in=[ReportRender.Status.QUEUED, ReportRender.Status.RUNNING],
            requested_at__gte=timezone.now() - PATIENCE,
        )
        .first()
    )
    if waiting is not None:
        return waiting
    render = ReportRender.objects.create(
        report=report, fmt=fmt, audience=audience, language=language, requested_by=by
    )
    log_action(report, "monitoring.report.render_requested", by=by, data={"format": fmt})
    _enqueue(render)
    return render


def _enqueue(render: ReportRender) -> None:
    """Hand the render to the task queue once the transaction that made it commits."""
    from kenesh.monitoring.tasks import render_report

    def send():
        try:
            render_report.enqueue(render.pk)
        except Exception:
            logger.exception("The render %s could not be queued.", render.pk)
            _finish(render, ReportRender.Status.FAILED, message="The task queue refused the job.")

    transaction.on_commit(send)


def _finish(render: ReportRender, status: str, *, message: str = "", file: str = "") -> None:
    changes = {"status": status, "message": message[:300], "finished_at": timezone.now()}
    if file:
        changes["file"] = file
    ReportRender.objects.filter(pk=render.pk).update(**changes)


def run_render(*, render: ReportRender) -> ReportRender:
    """Draw the file, as its requester may read the report, and keep it. Any failure is
    recorded on the render (and raised, so the queue records it too)."""
    from kenesh.monitoring import outputs

    ReportRender.objects.filter(pk=render.pk).update(
        status=ReportRender.Status.RUNNING, started_at=timezone.now()
    )
    try:
        viewer = render.requested_by
        if viewer is None or str(audience_for(viewer)) != render.audience:
            raise RuntimeError("The person who asked for this file can no longer read it so.")
        if not Report.objects.visible_to(viewer).filter(pk=render.report_id).exists():
            raise RuntimeError("The person who asked for this file can no longer see the report.")
        report = render.report
        document = outputs.report_document(report, viewer=viewer, language=render.language)
        if render.fmt == ReportRender.Format.PDF:
            data = outputs.report_pdf(report, document)
        else:
            data = outputs.report_docx(document)
        name = render.file.field.generate_filename(render, "report")
        stored = render.file.storage.save(name, ContentFile(data))
    except Exception as error:
        _finish(render, ReportRender.Status.FAILED, message=f"{type(error).__name__}: {error}")
        raise
    _finish(render, ReportRender.Status.DONE, file=stored)
    render.refresh_from_db()
    return render


def latest_render(report: Report, fmt: str, viewer, *, done: bool = False):
    """The newest render of ``report`` as ``fmt`` for ``viewer``'s audience (finished ones
    only if ``done``), preferring the viewer's language."""
    from django.utils.translation import get_language

    found = ReportRender.objects.filter(report=report, fmt=fmt, audience=str(audience_for(viewer)))
    if done:
        found = found.filter(status=ReportRender.Status.DONE).exclude(file="")
    found = list(found.order_by("-requested_at", "-id")[:20])
    language = get_language()
    for render in found:
        if render.language == language:
            return render
    return found[0] if found else None


def record_download(*, report: Report, render: ReportRender, by) -> None:
    log_action(report, "monitoring.report.downloaded", by=by, data={"format": render.fmt})


def record_export(*, phase: Phase, fmt: str, by) -> None:
    log_action(phase, "monitoring.phase.exported", by=by, data={"format": fmt})
