from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import OfficeViewSet, StaffViewSet, TokenLogoutView, TokenObtainView

router = DefaultRouter()
router.register("offices", OfficeViewSet, basename="office")
router.register("staff", StaffViewSet, basename="staff")

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("auth/logout/", TokenLogoutView.as_view(), name="api-logout"),
    *router.urls,
]
