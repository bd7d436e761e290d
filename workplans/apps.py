from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplansConfig(AppConfig):
    name = "workplans"
    verbose_name = _("Work plans")

    def ready(self) -> None:
        from . import documents  # noqa: F401  (registers the approval document)
