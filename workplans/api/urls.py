from rest_framework.routers import SimpleRouter

from .views import WorkPlanViewSet

router = SimpleRouter()
router.register("work-plans", WorkPlanViewSet, basename="work-plan")

urlpatterns = router.urls
