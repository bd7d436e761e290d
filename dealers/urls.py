from django.urls import path

from . import views

app_name = "dealers"

urlpatterns = [
    path("", views.dealer_list, name="list"),
    path("<int:account_id>/", views.dealer_detail, name="detail"),
    path("<int:account_id>/disputes/", views.dispute_new, name="dispute_new"),
    path("disputes/<int:pk>/help/", views.dispute_help, name="dispute_help"),
    path("disputes/<int:pk>/escalate/", views.dispute_escalate, name="dispute_escalate"),
    path("disputes/<int:pk>/settle/", views.dispute_settle, name="dispute_settle"),
]
