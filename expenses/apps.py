from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpensesConfig(AppConfig):
    name = "expenses"
    verbose_name = _("Expenses")

    def ready(self) -> None:
        from notifications.messages import register_texts

        from . import documents  # noqa: F401  (registers the approval documents)
        from .messages import KINDS, expense_text

        register_texts(KINDS, expense_text)
