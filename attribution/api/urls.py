from rest_framework.routers import SimpleRouter

from .views import ClaimViewSet, DisputeViewSet, FollowUpViewSet

router = SimpleRouter()
router.register("followups", FollowUpViewSet, basename="followup")
router.register("claims", ClaimViewSet, basename="claim")
router.register("disputes", DisputeViewSet, basename="dispute")

urlpatterns = router.urls
