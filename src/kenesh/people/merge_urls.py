"""URLs of this part; included by the app's urls.py under its namespace."""

from django.urls import path

from kenesh.people import merge_views

urlpatterns: list = [
    path("<uuid:code>/merge/", merge_views.merge_start, name="person-merge"),
    path(
        "<uuid:code>/merge/<uuid:other_code>/",
        merge_views.merge_compare,
        name="person-merge-compare",
    ),
    path("merges/<uuid:code>/", merge_views.merge_record, name="merge-record"),
    path("merges/<uuid:code>/undo/", merge_views.merge_undo, name="merge-undo"),
]
