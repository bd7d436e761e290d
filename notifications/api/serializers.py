from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..messages import render, shown_params
from ..models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    """A notification with its `text`, rendered in the reader's language at read time. The
    customer it names (`text`, `params.customer`) is shown as the reader may see them now
    (API.md, visibility): context `customer_names`, from notifications.selectors."""

    text = serializers.SerializerMethodField()
    params = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "params", "url", "created_at", "read_at"]
        read_only_fields = fields

    def _names(self) -> dict[str, str] | None:
        return self.context.get("customer_names")

    def get_text(self, notification) -> str:
        return render(notification, self._names())

    def get_params(self, notification) -> dict:
        return shown_params(notification, self._names())


class NotificationFilterSerializer(serializers.Serializer):
    unread = serializers.BooleanField(
        required=False, default=False, help_text=_("1: only the unread ones.")
    )


class NotificationReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=1000,
        help_text=_("Mark these read; without it, all of them."),
    )


class NotificationReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many were unread and are now read."))
