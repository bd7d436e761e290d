from rest_framework.routers import SimpleRouter

from .views import ConfirmationViewSet, DemandRequestViewSet, OutboundOrderViewSet, ReturnViewSet

router = SimpleRouter()
router.register("demand-requests", DemandRequestViewSet, basename="demand-request")
router.register("outbound-orders", OutboundOrderViewSet, basename="outbound-order")
router.register("confirmations", ConfirmationViewSet, basename="confirmation")
router.register("returns", ReturnViewSet, basename="return")

urlpatterns = router.urls
