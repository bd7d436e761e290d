from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealersConfig(AppConfig):
    name = "dealers"
    verbose_name = _("Dealers")

    def ready(self) -> None:
        from notifications.messages import register_texts

        from .messages import KINDS, dispute_text

        register_texts(KINDS, dispute_text)
