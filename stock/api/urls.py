from rest_framework.routers import SimpleRouter

from .views import AdjustmentViewSet, StockViewSet, WarehouseViewSet

router = SimpleRouter()
router.register("warehouses", WarehouseViewSet, basename="warehouse")
router.register("stock/adjustments", AdjustmentViewSet, basename="stock-adjustment")
router.register("stock", StockViewSet, basename="stock")

urlpatterns = router.urls
