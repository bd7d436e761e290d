"""Visit records (R-9.7) and visit plans (R-9.6)."""

from django.urls import path

from . import views_plans, views_records

app_name = "visits"

urlpatterns: list = [
    path("", views_records.record_list, name="records"),
    path("new/", views_records.record_new, name="new"),
    # weekly visit plans
    path("plan/", views_plans.plan_page, name="plan"),
    path("plan/lines/", views_plans.plan_add, name="plan_add"),
    path("plan/status/", views_plans.plan_status, name="plan_status"),
    path("plans/", views_plans.plans_page, name="plans"),
    path("plans/<int:pk>/", views_plans.plan_review, name="plan_review"),
    path("plans/<int:pk>/lines/", views_plans.plan_line_add, name="plan_line_add"),
    path("plans/<int:pk>/submit/", views_plans.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/confirm/", views_plans.plan_confirm, name="plan_confirm"),
    path("plan-lines/<int:pk>/", views_plans.plan_line_change, name="plan_line"),
    path("plan-lines/<int:pk>/remove/", views_plans.plan_line_remove, name="plan_line_remove"),
    path("plan-lines/<int:pk>/outcome/", views_plans.plan_line_outcome, name="plan_line_outcome"),
]
