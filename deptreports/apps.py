from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeptreportsConfig(AppConfig):
    name = "deptreports"
    verbose_name = _("Department reports")

    def ready(self) -> None:
        from . import definitions  # noqa: F401  (registers the reports)
