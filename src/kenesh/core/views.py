from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from kenesh.access.decorators import public, requires
from kenesh.core import navigation


@public
@never_cache
def healthz(request):
    """Answer 200 when the database answers; load balancers and `kenesh demo` poll it."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means unhealthy, whatever the driver raises
        return JsonResponse({"status": "error", "database": connection.vendor}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


@requires("core.view_home")
def home(request):
    return render(request, "core/home.html", {"sections": navigation.entries_for(request.user)})
