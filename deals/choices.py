from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UnitStatus(models.TextChoices):
    """R-6.1."""

    AVAILABLE = "available", pgettext_lazy("unit status", "Available")
    HELD = "held", _("Held")
    SUBSCRIBED = "subscribed", _("Subscribed")
    CONTRACTED = "contracted", _("Contracted")


class HoldStatus(models.TextChoices):
    """R-6.2: a hold ends by lapsing, early release, or conversion to a subscription."""

    ACTIVE = "active", _("Active")
    LAPSED = "lapsed", _("Lapsed")
    RELEASED = "released", _("Released early")
    CONVERTED = "converted", _("Converted to a subscription")


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 退定, R-5.5


class RefundReason(models.TextChoices):
    HOLD_LAPSED = "hold_lapsed", _("Hold lapsed")
    HOLD_RELEASED = "hold_released", _("Hold released early")
    WITHDRAWAL = "withdrawal", _("Subscription withdrawn")


class ContractStatus(models.TextChoices):
    """R-6.4."""

    ACTIVE = "active", _("Active")
    CANCELLED = "cancelled", _("Cancelled")


class InstalmentKind(models.TextChoices):
    """R-6.4: the lines of a contract's payment schedule."""

    DOWN_PAYMENT = "down_payment", _("Down payment")  # 首付
    INSTALMENT = "instalment", _("Instalment")  # 分期
    LOAN = "loan", _("Mortgage loan")  # 贷款
