from django.urls import path

from kenesh.monitoring import views

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("<uuid:code>/", views.phase_detail, name="phase"),
    path("indicators/<uuid:code>/", views.indicator_detail, name="indicator"),
    path("reports/", views.report_list, name="report-list"),
    path("reports/<uuid:code>/", views.report_detail, name="report"),
]
