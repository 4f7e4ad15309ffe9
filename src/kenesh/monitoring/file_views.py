"""Files of monitoring: a report's PDF and DOCX drawn in the background, a phase's
indicator values as CSV and XLSX, and the phase as an IATI file. Every file is the viewer's
view (a donor's holds only what was shared, never a small cell) and leaves an audit entry."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kenesh.access.decorators import requires
from kenesh.monitoring import outputs, renders
from kenesh.monitoring.rules import get_phase_for, get_report_for

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xml": "application/xml; charset=utf-8",
}
EXPORTS = {"csv", "xlsx"}


def _attachment(data: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@requires("monitoring.view_report")
def report_render(request, code, fmt):
    """POST: queue a render of the report as ``fmt``. GET: how the latest stands, polled
    by htmx while it is not finished; ``seen`` is the status the page shows, and while it
    is unchanged nothing is sent (204), so screen readers hear each change once."""
    report = get_report_for(request.user, code)
    if fmt not in renders.FORMATS:
        raise Http404
    if request.method == "POST":
        renders.request_render(report=report, fmt=fmt, language=get_language(), by=request.user)
        messages.info(
            request, _("The file is being drawn in the background; this page shows how it goes.")
        )
        return redirect("monitoring:report-render", code=report.code, fmt=fmt)
    progress = renders.latest_render(report, fmt, request.user)
    context = {
        "report": report,
        "fmt": fmt,
        "progress": progress,
        "ready": renders.latest_render(report, fmt, request.user, done=True),
        "can_manage": request.user.has_perm("monitoring.manage"),
    }
    if request.htmx or "seen" in request.GET:
        if progress is not None and request.GET.get("seen") == progress.status:
            return HttpResponse(status=204)
        return render(request, "monitoring/_render_progress.html", {**context, "polled": True})
    return render(request, "monitoring/report_render.html", context)


@require_GET
@requires("monitoring.view_report")
def report_download(request, code, fmt):
    """The latest finished render of the report as ``fmt`` for the viewer's audience."""
    report = get_report_for(request.user, code)
    if fmt not in renders.FORMATS:
        raise Http404
    found = renders.latest_render(report, fmt, request.user, done=True)
    if found is None:
        raise Http404
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    renders.record_download(report=report, render=found, by=request.user)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"kenesh-report-{report.code}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@requires("monitoring.view_report")
def export(request, code, fmt):
    """The phase's indicator values, as the viewer may see them, as CSV or XLSX."""
    phase = get_phase_for(request.user, code)
    if fmt not in EXPORTS:
        raise Http404
    language = get_language()
    if fmt == "csv":
        data = outputs.values_csv(phase, viewer=request.user, language=language)
    else:
        data = outputs.values_xlsx(phase, viewer=request.user, language=language)
    renders.record_export(phase=phase, fmt=fmt, by=request.user)
    return _attachment(data, fmt, f"kenesh-values-{phase.code}.{fmt}")


@require_GET
@requires("monitoring.view_report")
def iati(request, code):
    """The phase as an IATI Activity Standard 2.03 file."""
    phase = get_phase_for(request.user, code)
    data = outputs.phase_iati(phase, viewer=request.user, language=get_language())
    renders.record_export(phase=phase, fmt="iati", by=request.user)
    return _attachment(data, "xml", f"kenesh-iati-{phase.code}.xml")
