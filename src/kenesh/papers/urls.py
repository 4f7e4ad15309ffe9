from django.urls import path

from kenesh.papers import author_views, views

app_name = "papers"
urlpatterns = [
    path("", views.paper_list, name="paper-list"),
    path("new/", views.paper_create, name="paper-create"),
    path("public/<uuid:code>/", views.paper_public, name="paper-public"),
    path("<uuid:code>/", views.paper_detail, name="paper-detail"),
    path("<uuid:code>/edit/", views.paper_edit, name="paper-edit"),
    path("<uuid:code>/diff/", views.paper_diff, name="paper-diff"),
    path("<uuid:code>/move/", views.paper_move, name="paper-move"),
    path("<uuid:code>/authors/", author_views.paper_authors, name="paper-authors"),
    path("<uuid:code>/reviewers/", views.paper_reviewers, name="paper-reviewers"),
    path("<uuid:code>/review/", views.paper_review, name="paper-review"),
    path("<uuid:code>/paper.pdf", views.paper_pdf, name="paper-pdf"),
]
