from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff and offices")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the receivers
