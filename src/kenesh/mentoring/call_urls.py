"""URLs of this part; included by the app's urls.py under its namespace."""

from django.urls import path

from kenesh.mentoring import call_views

urlpatterns: list = [
    path("calls/new/", call_views.call_create, name="call-create"),
    path("calls/<uuid:code>/edit/", call_views.call_edit, name="call-edit"),
    path("calls/<uuid:code>/open/", call_views.call_open, name="call-open"),
    path("calls/<uuid:code>/close/", call_views.call_close, name="call-close"),
]
