from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("badge/", views.badge, name="badge"),
    path("read/", views.mark_all_read, name="read"),
    path("<int:pk>/open/", views.notification_open, name="open"),
]
