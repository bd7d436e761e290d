from rest_framework.routers import SimpleRouter

from .views import HoldViewSet, RefundViewSet, SubscriptionViewSet, UnitViewSet

router = SimpleRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("holds", HoldViewSet, basename="hold")
router.register("subscriptions", SubscriptionViewSet, basename="subscription")
router.register("refunds", RefundViewSet, basename="refund")

urlpatterns = router.urls
