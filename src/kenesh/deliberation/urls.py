from django.urls import path

from kenesh.deliberation import views, vote_views

app_name = "deliberation"
urlpatterns = [
    path("", views.conversation_list, name="conversation-list"),
    path("new/", views.conversation_create, name="conversation-create"),
    path("import/", views.polis_import, name="polis-import"),
    path("join/<str:token>/", views.join_link, name="join"),
    path("<uuid:code>/", views.conversation_detail, name="conversation-detail"),
    path("<uuid:code>/statements/", views.statements_manage, name="statements"),
    path("<uuid:code>/links/", views.links, name="links"),
    path("<uuid:code>/vote/", vote_views.vote, name="vote"),
    path("<uuid:code>/vote/cast/", vote_views.cast_vote, name="vote-cast"),
    path("<uuid:code>/vote/statement/", vote_views.submit_statement, name="vote-statement"),
    path("<uuid:code>/vote/about-you/", vote_views.declare_attributes, name="vote-attributes"),
    path("<uuid:code>/results/", views.results, name="results"),
    path("<uuid:code>/results/analyze/", views.analyze_now, name="analyze"),
    path("<uuid:code>/results/progress/", views.analysis_progress, name="analysis-progress"),
    path("<uuid:code>/export.<str:fmt>", views.export, name="export"),
]
