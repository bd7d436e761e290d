from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from .. import selectors, services
from ..permissions import may
from .serializers import OfficeSerializer, StaffSerializer


class OfficeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Offices: members list and read their own offices; a director creates offices."""

    serializer_class = OfficeSerializer

    def get_queryset(self):
        return selectors.offices_visible_to(self.request.user)

    def create(self, request, *args, **kwargs):
        if not may(request.user, "office.create"):
            raise PermissionDenied(_("Only a director can create offices."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        office = services.office_create(**serializer.validated_data)
        return Response(self.get_serializer(office).data, status=status.HTTP_201_CREATED)


class StaffViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Staff of the requester's offices. Managers hire into offices they manage (API.md)."""

    serializer_class = StaffSerializer

    def get_queryset(self):
        return selectors.staff_visible_to(self.request.user)

    def create(self, request, *args, **kwargs):
        if not may(request.user, "staff.create"):
            raise PermissionDenied(_("Only a manager or a director can add staff."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not may(request.user, "staff.create", data):
            raise PermissionDenied(_("You cannot give this role or office."))
        try:
            user = services.staff_create(**data)
        except IntegrityError as exc:  # two requests racing for the same username
            raise ValidationError(
                {"username": [_("A user with that username already exists.")]}
            ) from exc
        return Response(self.get_serializer(user).data, status=status.HTTP_201_CREATED)


class TokenObtainView(ObtainAuthToken):
    """Log in: `{username, password}` → `{"token"}`, sent as `Authorization: Token <key>`.
    The same token until it is left unused for API_TOKEN_IDLE_DAYS days (30 by default), the
    user logs out or the password changes; then a new one. Repeated failures are refused for
    a while, as on the login page."""

    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # DRF's view names its own
    # no authentication: a client still sending its expired token logs in again all the same
    authentication_classes = ()

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token = services.token_issue(user=user, now=timezone.now())
        return Response({"token": token.key})


class TokenLogoutView(APIView):
    """Log out: the token presented is deleted and no longer authenticates."""

    # issue 13: a token could not be given up

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(
                description="Logged out. A browser session is ended by the site's logout."
            )
        },
    )
    def post(self, request, *args, **kwargs):
        if isinstance(request.auth, Token):
            services.token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)
