from rest_framework.routers import SimpleRouter

from .views import ComplaintViewSet, RatingViewSet, ServiceRequestViewSet

router = SimpleRouter()
router.register("after-sales", ServiceRequestViewSet, basename="after-sales")
router.register("complaints", ComplaintViewSet, basename="complaint")
router.register("technician-ratings", RatingViewSet, basename="technician-rating")

urlpatterns = router.urls
