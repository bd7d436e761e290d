"""Statuses and kinds of the shipping documents (R-13)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RequestStatus(models.TextChoices):
    """A demand request (R-13.1): the approval states every document shares (R-8), then
    `issued` once the clerk has made its outbound order, or `cancelled` (withdrawn before
    approval by its author, or ended with its contract)."""

    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ISSUED = "issued", _("Outbound order issued")
    CANCELLED = "cancelled", _("Cancelled")


class OrderStatus(models.TextChoices):
    """An outbound order (R-13.2, R-13.3): open until its first shipment, partly shipped,
    done (everything shipped; on a red order, everything received back), or closed with
    its remainder when its contract was cancelled."""

    OPEN = "open", pgettext_lazy("outbound order", "Open")  # not a dispute's 待裁决
    PARTIAL = "partial", _("Partly shipped")
    DONE = "done", _("Shipped")
    CLOSED = "closed", _("Closed")


class ReturnKind(models.TextChoices):
    """R-13.5: a return (退货) gives goods back; an exchange (换货) is a return plus a new
    demand request for the goods that replace them."""

    RETURN = "return", _("Return")
    EXCHANGE = "exchange", _("Exchange")


class ReturnStatus(models.TextChoices):
    """A return (R-13.5): the approval states (R-8; `rejected` after the technician found the
    goods not genuine is final), then `issued` (the red outbound order is made), `received`
    (the goods are back in stock), or `cancelled` by its salesperson before approval."""

    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ISSUED = "issued", _("Red outbound order issued")
    RECEIVED = "received", _("Goods received back")
    CANCELLED = "cancelled", _("Cancelled")


# document numbers (common.numbering): 需货申请单, 销售出库单, 红字出库单, 退货单
REQUEST_PREFIX = "XQ"
ORDER_PREFIX = "CK"
RED_ORDER_PREFIX = "HC"
RETURN_PREFIX = "TH"

FIRST_ORDER_WORKING_DAYS = 1
UNCONFIRMED_AFTER_DAYS = 7
