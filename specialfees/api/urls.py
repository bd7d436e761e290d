from rest_framework.routers import SimpleRouter

from .views import SpecialFeeViewSet

router = SimpleRouter()
router.register("special-fees", SpecialFeeViewSet, basename="special-fee")

urlpatterns = router.urls
