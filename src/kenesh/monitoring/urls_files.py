from django.urls import path

from kenesh.monitoring import file_views

urlpatterns = [
    path(
        "reports/<uuid:code>/render/<str:fmt>/",
        file_views.report_render,
        name="report-render",
    ),
    path(
        "reports/<uuid:code>/download/<str:fmt>/",
        file_views.report_download,
        name="report-download",
    ),
    path("<uuid:code>/export/<str:fmt>/", file_views.export, name="export"),
    path("<uuid:code>/iati.xml", file_views.iati, name="iati"),
]
