from django.urls import path

from . import views, views_budgets, views_claims

app_name = "expenses"

urlpatterns = [
    path("", views.home, name="home"),
    path("month/", views.month, name="month"),
    path("ranks/", views.rank_list, name="ranks"),
    path("budgets/new/", views_budgets.budget_new, name="budget_new"),
    path("budgets/<int:pk>/", views_budgets.budget_detail, name="budget"),
    path("budgets/<int:pk>/submit/", views_budgets.budget_submit, name="budget_submit"),
    path("budgets/<int:pk>/close/", views_budgets.budget_close, name="budget_close"),
    path("claims/new/", views_claims.claim_new, name="claim_new"),
    path("claims/<int:pk>/", views_claims.claim_detail, name="claim"),
    path("claims/<int:pk>/lines/", views_claims.claim_line_add, name="claim_line_add"),
    path(
        "claims/<int:pk>/lines/<int:line_pk>/remove/",
        views_claims.claim_line_remove,
        name="claim_line_remove",
    ),
    path("claims/<int:pk>/photos/", views_claims.claim_photo_add, name="claim_photo_add"),
    path(
        "claims/<int:pk>/photos/<int:photo_pk>/",
        views_claims.claim_photo,
        name="photo",
    ),
    path(
        "claims/<int:pk>/photos/<int:photo_pk>/remove/",
        views_claims.claim_photo_remove,
        name="claim_photo_remove",
    ),
    path("claims/<int:pk>/submit/", views_claims.claim_submit, name="claim_submit"),
    path("claims/<int:pk>/pay/", views_claims.claim_pay, name="claim_pay"),
]
