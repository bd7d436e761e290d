from rest_framework.routers import SimpleRouter

from .views import SalesTargetViewSet, TargetExplanationViewSet

router = SimpleRouter()
router.register("targets", SalesTargetViewSet, basename="sales-target")
router.register("target-explanations", TargetExplanationViewSet, basename="target-explanation")

urlpatterns = router.urls
