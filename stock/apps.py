from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StockConfig(AppConfig):
    name = "stock"
    verbose_name = _("Warehouses and stock")
    default_auto_field = "django.db.models.BigAutoField"
