from django.urls import path

from kenesh.deliberation import views

app_name = "deliberation"
urlpatterns = [
    path("", views.conversation_list, name="conversation-list"),
    path("new/", views.conversation_create, name="conversation-create"),
    path("import/", views.polis_import, name="polis-import"),
    path("join/<str:token>/", views.join_link, name="join"),
    path("<uuid:code>/", views.conversation_detail, name="conversation-detail"),
    path("<uuid:code>/statements/", views.statements_manage, name="statements"),
    path("<uuid:code>/links/", views.links, name="links"),
    path("<uuid:code>/vote/", views.vote, name="vote"),
    path("<uuid:code>/results/", views.results, name="results"),
    path("<uuid:code>/results/analyze/", views.analyze_now, name="analyze"),
    path("<uuid:code>/results/progress/", views.analysis_progress, name="analysis-progress"),
    path("<uuid:code>/export.<str:fmt>", views.export, name="export"),
]
