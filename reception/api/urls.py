from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import CallViewSet, DutyStatusView, ReferralViewSet, RosterView, VisitViewSet

router = SimpleRouter()
router.register("visits", VisitViewSet, basename="visit")
router.register("calls", CallViewSet, basename="call")
router.register("referrals", ReferralViewSet, basename="referral")

urlpatterns = [
    path("offices/<int:office_id>/roster/<str:date>/", RosterView.as_view(), name="roster"),
    path("offices/<int:office_id>/duty-status/", DutyStatusView.as_view(), name="duty-status"),
    *router.urls,
]
