"""The ownership pages, mounted at /attribution/."""

from django.urls import path

from . import views

app_name = "attribution"

urlpatterns = [
    path("my/", views.my_customers, name="my"),
    path("my/register/", views.register, name="register"),
    path("claims/", views.claims, name="claims"),
    path("claims/<int:pk>/followups/", views.followup, name="followup"),
    path("claims/<int:pk>/reassign/", views.reassign, name="reassign"),
    path("customers/<int:pk>/", views.customer_detail, name="customer"),
    path("customers/<int:pk>/household/", views.household_link, name="household_link"),
    path("customers/<int:pk>/disputes/", views.dispute_open, name="dispute_open"),
    path("disputes/", views.dispute_list, name="disputes"),
    path("disputes/<int:pk>/", views.dispute_detail, name="dispute"),
    path("disputes/<int:pk>/rule/", views.dispute_rule, name="dispute_rule"),
]
