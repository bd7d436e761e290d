"""The work diary pages, mounted at /reports/."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("diary/", views.diary, name="diary"),
    path("diaries/", views.diaries, name="diaries"),
    path("diaries/<int:pk>/reply/", views.diary_reply, name="diary_reply"),
]
