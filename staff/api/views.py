from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

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
