from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from kenesh.access.decorators import public

urlpatterns = [
    path("", include("kenesh.core.urls")),
    path("", include("kenesh.access.urls")),
    path("people/", include("kenesh.people.urls")),
    path("convenings/", include("kenesh.convenings.urls")),
    path("deliberation/", include("kenesh.deliberation.urls")),
    path("papers/", include("kenesh.papers.urls")),
    path("influence/", include("kenesh.influence.urls")),
    path("mentoring/", include("kenesh.mentoring.urls")),
    path("monitoring/", include("kenesh.monitoring.urls")),
    path("notifications/", include("kenesh.notifications.urls")),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
