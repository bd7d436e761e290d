from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import BudgetViewSet, ClaimViewSet, MonthView

router = SimpleRouter()
router.register("expense-budgets", BudgetViewSet, basename="expense-budget")
router.register("expense-claims", ClaimViewSet, basename="expense-claim")

urlpatterns = [
    path("expenses/month/", MonthView.as_view(), name="expenses-month"),
    *router.urls,
]
