from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftersalesConfig(AppConfig):
    name = "aftersales"
    verbose_name = _("After-sales service")

    def ready(self) -> None:
        from escalations.choices import Source
        from escalations.registry import register_source
        from notifications.messages import register_texts

        from . import messages

        register_texts(messages.REQUEST_KINDS + messages.COMPLAINT_KINDS, messages.text)
        # an escalated request or a major complaint leaves leadership's list
        # when it is closed here (services), never from the list
        register_source(Source.AFTER_SALES, closable_from_list=False)
        register_source(Source.COMPLAINT, closable_from_list=False)
