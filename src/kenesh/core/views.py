from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache

from kenesh import __version__
from kenesh.access.decorators import public, requires
from kenesh.core import navigation
from kenesh.core.audit_display import describe, record_label
from kenesh.core.filters import AuditFilter
from kenesh.core.models import AuditEntry
from kenesh.core.worker import worker_health


@public
@never_cache
def healthz(request):
    """Answer 200 when the platform can do its work: the database answers and, where
    tasks run on a worker, a worker is alive and no task has waited too long or been
    abandoned. 503 otherwise, with what is wrong; load balancers and monitors poll it.
    Either way it says which release is running (CHANGELOG.md)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        health = worker_health()
    except Exception:  # any database failure means unhealthy, whatever the driver raises
        return JsonResponse(
            {"status": "error", "version": __version__, "database": connection.vendor},
            status=503,
        )
    body = {"status": "ok", "version": __version__, "database": connection.vendor}
    if health.needed:
        body["worker"] = health.as_dict()
        if health.degraded:
            body["status"] = "degraded"
            return JsonResponse(body, status=503)
    return JsonResponse(body)


@requires("core.view_home")
def home(request):
    return render(request, "core/home.html", {"sections": navigation.entries_for(request.user)})


AUDIT_PAGE_SIZE = 50


@requires("core.view_audit")
@never_cache
def audit_log(request):
    """Every audit entry as a sentence, searchable and paged, newest first."""
    filterset = AuditFilter(
        request.GET or None, queryset=AuditEntry.objects.select_related("actor")
    )
    paginator = Paginator(filterset.filtered().order_by("-at", "-id"), AUDIT_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [(entry, describe(entry), record_label(entry.target_type)) for entry in page]
    return render(request, "core/audit_log.html", {"filter": filterset, "page": page, "rows": rows})


@public
@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the icon."""
    return HttpResponsePermanentRedirect(staticfiles_storage.url("kenesh/favicon.svg"))
