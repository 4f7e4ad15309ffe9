"""URLs of this part; included by the app's urls.py under its namespace."""

from django.urls import path

from kenesh.mentoring import mentorship_views as views

urlpatterns: list = [
    path(
        "mentorships/<uuid:code>/milestones/new/",
        views.milestone_create,
        name="milestone-create",
    ),
    path("milestones/<uuid:code>/edit/", views.milestone_edit, name="milestone-edit"),
    path("milestones/<uuid:code>/done/", views.milestone_done, name="milestone-done"),
    path("milestones/<uuid:code>/remove/", views.milestone_remove, name="milestone-remove"),
    path("mentorships/<uuid:code>/plan/", views.plan_edit, name="mentorship-plan"),
    path("mentorships/<uuid:code>/mentor/", views.mentor_change, name="mentorship-mentor"),
    path(
        "mentorships/<uuid:code>/testimonials/new/",
        views.testimonial_create,
        name="testimonial-create",
    ),
    path(
        "mentorships/<uuid:code>/testimonials/<uuid:testimonial>/withdraw/",
        views.testimonial_withdraw,
        name="testimonial-withdraw",
    ),
]
