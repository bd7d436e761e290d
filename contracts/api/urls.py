from rest_framework.routers import SimpleRouter

from .views import SalesContractViewSet

router = SimpleRouter()
router.register("sales-contracts", SalesContractViewSet, basename="sales-contract")

urlpatterns = router.urls
