from django.urls import path

from . import views

app_name = "escalations"

urlpatterns = [
    path("", views.escalation_list, name="list"),
    path("<int:pk>/close/", views.escalation_close, name="close"),
]
