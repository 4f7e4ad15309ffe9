from django.urls import path

from kenesh.people import views

app_name = "people"
urlpatterns = [
    path("", views.roster, name="roster"),
    path("export.csv", views.roster_export, name="roster-export"),
    path("diversity/", views.diversity, name="diversity"),
    path("new/", views.person_create, name="person-create"),
    path("me/", views.own_profile, name="profile"),
    path("me/edit/", views.own_profile_edit, name="profile-edit"),
    path("<uuid:code>/", views.person_detail, name="person-detail"),
    path("<uuid:code>/edit/", views.person_edit, name="person-edit"),
]
