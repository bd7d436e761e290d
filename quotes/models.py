"""Enquiries and tender notices (R-11.1, R-11.2), quotes and bids (R-11.3, R-10.2).

An enquiry's bid decision is its approval (R-8 table): approved = bid, rejected = no bid.
A quote's discount request (优惠销售申请, R-10.2) is the quote's own approval: the reason is
`discount_reason`, the chain adds the director when a line is below its floor price."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from approvals.choices import DocumentStatus
from approvals.models import ApprovableDocument

from .choices import EnquiryKind, Outcome, QuestionTo, QuoteKind


def money_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


def quantity_field(verbose_name, **kwargs):
    # as stock: sold by the piece, the metre or the tonne
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=3, **kwargs)


class Enquiry(ApprovableDocument):
    """R-11.1: an enquiry or tender notice, logged the day it arrives. Its approval is the bid
    decision: approved = bid, rejected = no bid (the manager's comment says why)."""

    office = models.ForeignKey(
        "staff.Office", on_delete=models.PROTECT, related_name="enquiries", verbose_name=_("branch")
    )
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.PROTECT,
        related_name="enquiries",
        verbose_name=_("account"),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=EnquiryKind.choices, default=EnquiryKind.ENQUIRY
    )
    source = models.CharField(_("source"), max_length=200)
    received_on = models.DateField(_("received on"))
    # logged on the day it arrives; a later log is kept and flagged
    logged_late = models.BooleanField(_("logged late"), default=False)
    deadline = models.DateField(_("deadline"))
    estimated_amount = money_field(_("estimated amount"), default=Decimal("0.00"))
    description = models.TextField(_("description"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("logged by"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_enquiries",
        verbose_name=pgettext_lazy("sales department", "Salesperson"),
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_amount__gte=0), name="enquiry_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("received_on")),
                name="enquiry_deadline_after_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.received_on:%Y-%m-%d}"

    def approval_amount(self) -> Decimal:
        """R-8.5: an enquiry is major by its estimated amount."""
        return self.estimated_amount

    def approval_party_ids(self) -> set[int]:
        return {self.account.owner_id, self.account.deputy_id} - {None}

    @property
    def bid_decision(self) -> str:
        """'bid', 'no_bid' or '' while undecided."""
        if self.status == DocumentStatus.APPROVED:
            return "bid"
        if self.status == DocumentStatus.REJECTED:
            return "no_bid"
        return ""


class EnquiryLine(models.Model):
    """R-11.1: a product and quantity the customer asks about."""

    enquiry = models.ForeignKey(
        Enquiry, on_delete=models.CASCADE, related_name="lines", verbose_name=_("enquiry")
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = quantity_field(_("quantity"))

    class Meta:
        verbose_name = _("enquiry line")
        verbose_name_plural = _("enquiry lines")
        ordering = ["enquiry", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="enquiry_line_quantity_gt_0")
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"


class EnquiryQuestion(models.Model):
    """R-11.2: a request to the technician or purchasing, and its answer, kept on the enquiry."""

    enquiry = models.ForeignKey(
        Enquiry, on_delete=models.CASCADE, related_name="questions", verbose_name=_("enquiry")
    )
    to = models.CharField(_("to"), max_length=20, choices=QuestionTo.choices)
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("asked by"),
    )
    asked_at = models.DateTimeField(_("asked at"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("a question", "answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["asked_at", "pk"]
        indexes = [
            models.Index(
                fields=["to", "asked_at"],
                condition=Q(answered_at__isnull=True),
                name="enquiry_question_open",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, answered_by__isnull=True)
                | Q(answered_at__isnull=False, answered_by__isnull=False),
                name="enquiry_question_answered_with_who",
            )
        ]

    def __str__(self) -> str:
        return self.question[:50]


class Quote(ApprovableDocument):
    """R-11.3: a quote or a bid. Numbered when approved (BJ-/TB-yyyy-nnnn) and the number is
    kept if it goes back through approval (R-8.3; `revision` counts those rounds)."""

    office = models.ForeignKey(
        "staff.Office", on_delete=models.PROTECT, related_name="quotes", verbose_name=_("branch")
    )
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.PROTECT,
        related_name="quotes",
        verbose_name=_("account"),
    )
    enquiry = models.ForeignKey(
        Enquiry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotes",
        verbose_name=_("enquiry"),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=QuoteKind.choices, default=QuoteKind.QUOTE
    )
    number = models.CharField(_("number"), max_length=30, blank=True)
    sequence = models.PositiveIntegerField(_("sequence"), null=True, blank=True)
    revision = models.PositiveSmallIntegerField(_("revision"), default=0)
    # the prices in force on this date are the lines' list and floor prices (R-10.1)
    date = models.DateField(_("date"))
    valid_until = models.DateField(_("valid until"))
    delivery_terms = models.TextField(_("delivery terms"), blank=True)
    payment_terms = models.TextField(_("payment terms"), blank=True)
    discount_reason = models.TextField(_("reason for the discount"), blank=True)
    total = money_field(_("total"), default=Decimal("0.00"))
    tax_total = money_field(_("tax"), default=Decimal("0.00"))
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.OPEN
    )
    competitor = models.CharField(_("winning competitor"), max_length=200, blank=True)
    competitor_price = money_field(_("competitor's price"), null=True, blank=True)
    outcome_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_quotes",
        verbose_name=pgettext_lazy("sales department", "Salesperson"),
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "number"], condition=~Q(number=""), name="quote_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(number="", sequence__isnull=True)
                | (~Q(number="") & Q(sequence__isnull=False)),
                name="quote_number_with_sequence",
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0, tax_total__gte=0), name="quote_totals_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(competitor_price__isnull=True) | Q(competitor_price__gte=0),
                name="quote_competitor_price_not_negative",
            ),
            # only an approved quote is won, lost or expired
            models.CheckConstraint(
                condition=Q(outcome="open") | Q(status="approved", outcome_at__isnull=False),
                name="quote_outcome_only_when_approved",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("date")), name="quote_valid_after_date"
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.account} ({self.get_status_display()})"

    def approval_amount(self) -> Decimal:
        """R-8.5: a quote is major by its total."""
        return self.total

    def below_floor(self) -> bool:
        """R-10.2: a line priced below its floor price brings in the director."""
        return any(line.unit_price < line.floor_price for line in self.lines.all())

    def below_list(self) -> bool:
        """R-10.2: a line below list is a discount and needs its reason."""
        return any(line.unit_price < line.list_price for line in self.lines.all())

    def approval_party_ids(self) -> set[int]:
        return {self.account.owner_id, self.account.deputy_id} - {None}


class PricedLine(models.Model):
    """A line of a document with money (quotes, contracts): a product, a quantity and a
    tax-inclusive unit price; amount and tax come from quotes.money (R-11.3)."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = quantity_field(_("quantity"))
    unit_price = money_field(_("unit price"))
    tax_rate = models.DecimalField(_("tax rate"), max_digits=5, decimal_places=4)
    amount = money_field(_("amount"))
    tax = money_field(_("tax"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"


class QuoteLine(PricedLine):
    """R-11.3: a line of a quote; list and floor prices are those in force on the quote's date,
    amount and tax come from quotes.money."""

    quote = models.ForeignKey(
        Quote, on_delete=models.CASCADE, related_name="lines", verbose_name=_("quote")
    )
    list_price = money_field(_("list price"))
    floor_price = money_field(_("floor price"))

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["quote", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="quote_line_quantity_gt_0"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0, amount__gte=0, tax__gte=0),
                name="quote_line_money_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0, tax_rate__lte=1), name="quote_line_tax_rate_0_1"
            ),
        ]

    @property
    def below_list(self) -> bool:
        return self.unit_price < self.list_price

    @property
    def below_floor(self) -> bool:
        return self.unit_price < self.floor_price
