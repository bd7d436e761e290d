"""The requester's own notifications, newest first; marking them read."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..selectors import customer_names, notifications_of
from ..services import notifications_mark_read
from .serializers import (
    NotificationFilterSerializer,
    NotificationReadResultSerializer,
    NotificationReadSerializer,
    NotificationSerializer,
)


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer

    def get_queryset(self):
        return notifications_of(self.request.user)

    @extend_schema(parameters=[NotificationFilterSerializer])
    def list(self, request, *args, **kwargs):
        params = NotificationFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        qs = self.get_queryset()
        if params.validated_data["unread"]:
            qs = qs.filter(read_at__isnull=True)
        page = self.paginate_queryset(qs)
        names = customer_names(request.user, page, now=timezone.now())
        context = {**self.get_serializer_context(), "customer_names": names}
        return self.get_paginated_response(
            NotificationSerializer(page, many=True, context=context).data
        )

    @extend_schema(
        request=NotificationReadSerializer, responses={200: NotificationReadResultSerializer}
    )
    @action(detail=False, methods=["post"])
    def read(self, request):
        serializer = NotificationReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = notifications_mark_read(
            recipient=request.user, now=timezone.now(), ids=serializer.validated_data.get("ids")
        )
        return Response(NotificationReadResultSerializer({"marked": marked}).data)
