from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpecialfeesConfig(AppConfig):
    name = "specialfees"
    verbose_name = _("Special customer fees")

    def ready(self) -> None:
        from notifications.messages import register_texts

        from . import documents  # noqa: F401  (registers the approval document)
        from .messages import FEE_KINDS, PENALTY_KINDS, fee_text, penalty_text

        register_texts(FEE_KINDS, fee_text)
        # R-16.5: the penalties are reports' records; their notification texts live here
        register_texts(PENALTY_KINDS, penalty_text)
