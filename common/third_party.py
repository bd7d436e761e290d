"""The third-party apps under names the admin shows in the user's language: their own
AppConfigs give no translatable verbose_name (INSTALLED_APPS names these subclasses)."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from pghistory.apps import PGHistoryConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("Login attempts")


class HistoryConfig(PGHistoryConfig):
    verbose_name = _("Change history")

    def ready(self):
        super().ready()
        from pghistory.models import Events, MiddlewareEvents

        # set on _meta only: Meta (and so the migrations) stay pghistory's own
        Events._meta.verbose_name = _("change event")
        Events._meta.verbose_name_plural = _("change events")
        MiddlewareEvents._meta.verbose_name = _("request change event")
        MiddlewareEvents._meta.verbose_name_plural = _("request change events")
