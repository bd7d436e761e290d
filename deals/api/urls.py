from rest_framework.routers import SimpleRouter

from .contracts import ChaseViewSet, ContractViewSet
from .views import HoldViewSet, RefundViewSet, SubscriptionViewSet, UnitViewSet

router = SimpleRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("holds", HoldViewSet, basename="hold")
router.register("subscriptions", SubscriptionViewSet, basename="subscription")
router.register("refunds", RefundViewSet, basename="refund")
router.register("contracts", ContractViewSet, basename="contract")
router.register("chase", ChaseViewSet, basename="chase")

urlpatterns = router.urls
