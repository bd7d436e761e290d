from rest_framework.routers import SimpleRouter

from .views import DiaryViewSet, FineViewSet

router = SimpleRouter()
router.register("diaries", DiaryViewSet, basename="diary")
router.register("fines", FineViewSet, basename="fine")

urlpatterns = router.urls
