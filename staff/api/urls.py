from rest_framework.routers import DefaultRouter

from .views import OfficeViewSet, StaffViewSet

router = DefaultRouter()
router.register("offices", OfficeViewSet, basename="office")
router.register("staff", StaffViewSet, basename="staff")

urlpatterns = router.urls
