from django.urls import path

from kenesh.convenings import poll_views, scenario_views, simulation_views, views

app_name = "convenings"
urlpatterns = [
    path("", views.convening_list, name="convening-list"),
    path("new/", views.convening_create, name="convening-create"),
    path("programme/", views.overview, name="overview"),
    path("paths/", views.paths, name="paths"),
    path("paths/<uuid:person_code>/", views.person_path, name="person-path"),
    path("mine/", views.my_convenings, name="my-convenings"),
    path("mine/calendar/open/", views.calendar_feed_open, name="calendar-feed-open"),
    path("mine/calendar/revoke/", views.calendar_feed_revoke, name="calendar-feed-revoke"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path("documents/<uuid:code>/", views.document_download, name="document-download"),
    path("<uuid:code>/", views.convening_detail, name="convening-detail"),
    path("<uuid:code>/edit/", views.convening_edit, name="convening-edit"),
    path("<uuid:code>/convening.ics", views.convening_ics, name="convening-ics"),
    path("<uuid:code>/sessions/new/", views.session_edit, name="session-create"),
    path("<uuid:code>/sessions/<uuid:session_code>/", views.session_edit, name="session-edit"),
    path("<uuid:code>/invite/", views.convening_invite, name="invite"),
    path("<uuid:code>/participants/", views.participants_manage, name="participants"),
    path("<uuid:code>/answer/", views.invitation_answer, name="invitation-answer"),
    path("invitation/<str:token>/", views.invitation_link, name="invitation-link"),
    path("<uuid:code>/documents/new/", views.document_upload, name="document-upload"),
    path("<uuid:code>/simulation/", simulation_views.play, name="scenario-play"),
    path("<uuid:code>/simulation/injects/", simulation_views.injects_feed, name="injects-feed"),
    path("<uuid:code>/simulation/console/", simulation_views.console, name="scenario-console"),
    path(
        "<uuid:code>/simulation/injects/<uuid:inject_code>/release/",
        simulation_views.release,
        name="inject-release",
    ),
    path("<uuid:code>/simulation/teams/", simulation_views.teams, name="scenario-teams"),
    path("<uuid:code>/simulation/debrief/", simulation_views.debrief, name="scenario-debrief"),
]
urlpatterns += [
    path("<uuid:code>/simulation/scenario/", scenario_views.scenario_edit, name="scenario-edit"),
    path(
        "<uuid:code>/simulation/scenario/duplicate/",
        scenario_views.scenario_duplicate,
        name="scenario-duplicate",
    ),
    path(
        "<uuid:code>/simulation/scenario/teams/",
        scenario_views.scenario_teams_edit,
        name="scenario-teams-edit",
    ),
    path(
        "<uuid:code>/simulation/scenario/injects/",
        scenario_views.scenario_injects_edit,
        name="scenario-injects-edit",
    ),
]
urlpatterns += [
    path("<uuid:code>/poll/", poll_views.poll, name="poll"),
    path("<uuid:code>/poll/send/", poll_views.poll_send, name="poll-send"),
    path("<uuid:code>/poll/choose/", poll_views.poll_choose, name="poll-choose"),
    path("<uuid:code>/poll/withdraw/", poll_views.poll_withdraw, name="poll-withdraw"),
    path("<uuid:code>/poll/answer/", poll_views.poll_answer, name="poll-answer"),
    path("poll/<str:token>/", poll_views.poll_link, name="poll-link"),
]
