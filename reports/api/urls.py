from rest_framework.routers import SimpleRouter

from .penalties import PenaltyViewSet
from .views import DiaryViewSet, FineViewSet

router = SimpleRouter()
router.register("diaries", DiaryViewSet, basename="diary")
router.register("fines", FineViewSet, basename="fine")
router.register("penalties", PenaltyViewSet, basename="penalty")

urlpatterns = router.urls
