from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationsConfig(AppConfig):
    name = "escalations"
    verbose_name = _("Escalations")

    def ready(self) -> None:
        from notifications.messages import register_texts

        from .messages import escalated_text
        from .services import KIND

        register_texts([KIND], escalated_text)
