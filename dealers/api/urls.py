from rest_framework.routers import SimpleRouter

from .views import DealerDisputeViewSet

router = SimpleRouter()
router.register("dealer-disputes", DealerDisputeViewSet, basename="dealer-dispute")

urlpatterns = router.urls
