from django.urls import path

from kenesh.people import account_views, merge_urls, views, vocabulary_views

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
    path("<uuid:code>/account/", account_views.account, name="account"),
    path("welcome/<str:token>/", account_views.account_welcome, name="account-welcome"),
    path("<uuid:code>/export/", views.person_export, name="person-export"),
    path("<uuid:code>/erase/", views.person_erase, name="person-erase"),
    path("<uuid:code>/withdraw/", views.person_withdraw, name="person-withdraw"),
    path("<uuid:code>/restore/", views.person_restore, name="person-restore"),
    path("organisations/", vocabulary_views.organisation_list, name="organisation-list"),
    path("organisations/new/", vocabulary_views.organisation_create, name="organisation-create"),
    path(
        "organisations/<uuid:code>/edit/",
        vocabulary_views.organisation_edit,
        name="organisation-edit",
    ),
    path("themes/", vocabulary_views.theme_list, name="theme-list"),
    path("themes/new/", vocabulary_views.theme_create, name="theme-create"),
    path("themes/<uuid:code>/edit/", vocabulary_views.theme_edit, name="theme-edit"),
]
urlpatterns += merge_urls.urlpatterns
