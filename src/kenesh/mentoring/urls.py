from django.urls import path

from kenesh.mentoring import call_urls, mentorship_urls, views

app_name = "mentoring"
urlpatterns = [
    path("", views.home, name="home"),
    path("apply/<uuid:code>/", views.apply, name="apply"),
    path("apply/<uuid:code>/thanks/", views.applied, name="applied"),
    path("apply/confirm/<str:token>/", views.apply_confirm, name="apply-confirm"),
    path("calls/<uuid:code>/", views.call_detail, name="call"),
    path("calls/<uuid:code>/selection/", views.selection, name="selection"),
    path("calls/<uuid:code>/pairing/", views.pairing, name="pairing"),
    path("calls/<uuid:code>/growth/", views.cohort_growth, name="growth"),
    path("applications/<uuid:code>/", views.application_review, name="review"),
    path("applications/<uuid:code>/<str:which>/", views.application_file, name="application-file"),
    path("mentorships/<uuid:code>/", views.mentorship_detail, name="mentorship"),
]
urlpatterns += call_urls.urlpatterns + mentorship_urls.urlpatterns
