from django.urls import path

from kenesh.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("unread/", views.unread_badge, name="unread"),
    path("read/", views.notice_read, name="read"),
    path("settings/", views.delivery_settings, name="settings"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<uuid:code>/", views.message_detail, name="message"),
    path("outbox/<uuid:code>/retry/", views.message_retry, name="message-retry"),
]
