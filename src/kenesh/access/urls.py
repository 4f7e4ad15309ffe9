from django.urls import path

from kenesh.access import session_views, views

app_name = "access"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("login/code/", views.two_step_verify, name="two-step-verify"),
    path("logout/", views.logout, name="logout"),
    path("password/", views.password_change, name="password-change"),
    path("two-step/", views.two_step, name="two-step"),
    path("sessions/", session_views.my_sessions, name="my-sessions"),
    path("users/<uuid:code>/sessions/", session_views.user_sessions, name="user-sessions"),
]
