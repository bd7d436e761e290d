from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # a meeting problem is escalated on the one list, and closing it there closes it
        from escalations.choices import Source
        from escalations.registry import register_source

        from .meetings import closed_from_escalation_list, decorate_escalations

        register_source(
            Source.MEETING_PROBLEM,
            on_close=closed_from_escalation_list,
            closable_from_list=True,
            decorate=decorate_escalations,
        )
