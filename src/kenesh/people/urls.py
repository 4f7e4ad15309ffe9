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
    path("me/export/", views.profile_export, name="profile-export"),
    path("<uuid:code>/", views.person_detail, name="person-detail"),
    path("<uuid:code>/edit/", views.person_edit, name="person-edit"),
    path("<uuid:code>/export/", views.person_export, name="person-export"),
    path("<uuid:code>/erase/", views.person_erase, name="person-erase"),
    path("<uuid:code>/withdraw/", views.person_withdraw, name="person-withdraw"),
    path("<uuid:code>/restore/", views.person_restore, name="person-restore"),
]
