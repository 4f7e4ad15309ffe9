from django.urls import path

from kenesh.influence import recommendation_views, views

app_name = "influence"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("recommendations/<uuid:code>/", views.recommendation_trail, name="recommendation"),
    path(
        "recommendations/<uuid:code>/edit/",
        recommendation_views.recommendation_edit,
        name="recommendation-edit",
    ),
    path(
        "papers/<uuid:code>/",
        recommendation_views.paper_recommendations,
        name="paper-recommendations",
    ),
    path("briefings/<uuid:code>/", views.briefing_presentations, name="briefing"),
    path("outcomes/", views.outcome_list, name="outcomes"),
    path("outcomes/new/", views.outcome_create, name="outcome-create"),
    path("statements/<uuid:code>/propose/", views.propose_from_statement, name="propose"),
]
