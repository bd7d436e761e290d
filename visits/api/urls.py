from django.urls import path
from rest_framework.routers import SimpleRouter

from .records import OverdueAccountsView, VisitRecordViewSet

router = SimpleRouter()
router.register("visit-records", VisitRecordViewSet, basename="visit-record")

urlpatterns = [
    # the accounts router's detail takes digits only, so no clash with accounts/<id>/
    path("accounts/overdue/", OverdueAccountsView.as_view(), name="account-overdue"),
    *router.urls,
]
