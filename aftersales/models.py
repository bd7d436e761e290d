"""After-sales requests, complaints and technicians' ratings (R-16.1, R-16.2).

A request moves only through services.requests (one transaction and one event row per step);
its photos are stored under MEDIA_ROOT with random names and served by views_requests.photo,
which checks who asks. A complaint moves through services.complaints.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shipping.models import Numbered

from .choices import (
    ComplaintEventKind,
    ComplaintKind,
    ComplaintState,
    ContactMethod,
    ReplyMethod,
    RequestEventKind,
    RequestState,
)


def _user(verbose_name, *, null: bool = True, related_name: str = "+"):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=null,
        blank=null,
        related_name=related_name,
        verbose_name=verbose_name,
    )


def _numbered_constraints(prefix: str) -> list:
    return [
        models.UniqueConstraint(fields=["office", "number"], name=f"{prefix}_number_unique"),
        models.UniqueConstraint(
            fields=["office", "year", "sequence"], name=f"{prefix}_sequence_unique"
        ),
    ]


def photo_path(photo: "ServiceRequestPhoto", filename: str) -> str:
    """Under MEDIA_ROOT (never served), a random name: nothing can be guessed from it."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"aftersales/photos/{photo.request.office_id}/{uuid.uuid4().hex}.{extension}"


class ServiceRequest(Numbered):
    """R-16.1: a customer's after-sales request (售后服务单), from the call to the result."""

    office = models.ForeignKey(
        "staff.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.PROTECT,
        related_name="service_requests",
        verbose_name=_("account"),
    )
    contract = models.ForeignKey(
        "contracts.SalesContract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_requests",
        verbose_name=_("contract"),
    )
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    problem = models.TextField(_("problem"))
    state = models.CharField(
        _("status"), max_length=20, choices=RequestState.choices, default=RequestState.NEW
    )
    reported_by = _user(_("taken by"), null=False)
    received_at = models.DateTimeField(pgettext_lazy("after-sales", "received at"))
    created_at = models.DateTimeField(_("created at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = _user(_("confirmed by"))
    rejected_reason = models.TextField(_("reason for rejection"), blank=True)
    filed_at = models.DateTimeField(pgettext_lazy("after-sales", "filed at"), null=True, blank=True)
    filed_by = _user(_("filed by"))
    technician = _user(_("technician"), related_name="service_requests_assigned")
    contacted_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    contact_method = models.CharField(
        _("contacted how"), max_length=20, choices=ContactMethod.choices, blank=True
    )
    contact_note = models.TextField(_("contact note"), blank=True)
    status_note = models.TextField(pgettext_lazy("after-sales", "status"), blank=True)
    result = models.TextField(_("result"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = _user(_("resolved by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = _user(_("closed by"))
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalated_by = _user(_("escalated by"))
    escalation_reason = models.TextField(_("reason for escalation"), blank=True)

    class Meta:
        verbose_name = _("after-sales request")
        verbose_name_plural = _("after-sales requests")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["office", "state"], name="aftersales_office_state"),
            models.Index(fields=["technician", "filed_at"], name="aftersales_tech_filed"),
        ]
        constraints = [
            *_numbered_constraints("aftersales"),
            models.CheckConstraint(
                condition=Q(state__in=RequestState.values), name="aftersales_state_valid"
            ),
            # a resolved request has its result
            models.CheckConstraint(
                condition=~Q(state__in=[RequestState.RESOLVED, RequestState.CLOSED])
                | (Q(resolved_at__isnull=False) & ~Q(result="")),
                name="aftersales_resolved_has_result",
            ),
            models.CheckConstraint(
                condition=Q(escalated_at__isnull=True) | ~Q(escalation_reason=""),
                name="aftersales_escalation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def response_time(self):
        """R-16.1: first contact − filed."""
        if self.contacted_at and self.filed_at:
            return self.contacted_at - self.filed_at
        return None

    @property
    def resolution_time(self):
        """R-16.1: resolved − received."""
        if self.resolved_at and self.received_at:
            return self.resolved_at - self.received_at
        return None


class ServiceRequestPhoto(models.Model):
    """A photo of the problem (an image of at most 20 MB, its type read from its bytes)."""

    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="photos", verbose_name=_("request")
    )
    file = models.FileField(_("photo"), upload_to=photo_path, max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    uploaded_by = _user(_("uploaded by"), null=False)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["request", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.pk}"


class ServiceRequestEvent(models.Model):
    """The history of a request: who did which step when (never changed)."""

    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("request")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RequestEventKind.choices)
    actor = _user(_("by"), null=False)
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("after-sales event")
        verbose_name_plural = _("after-sales events")
        ordering = ["request", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


class TechnicianRating(models.Model):
    """R-16.2: the customer's rating of the technician after a request (one per request), for
    the technicians' monthly review; `month` is the first day of the month rated in."""

    request = models.OneToOneField(
        ServiceRequest, on_delete=models.PROTECT, related_name="rating", verbose_name=_("request")
    )
    office = models.ForeignKey(
        "staff.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    technician = _user(_("technician"), null=False, related_name="ratings_received")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    month = models.DateField(_("month"))
    recorded_by = _user(_("recorded by"), null=False)
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("technician rating")
        verbose_name_plural = _("technician ratings")
        ordering = ["-month", "-recorded_at", "-pk"]
        indexes = [models.Index(fields=["technician", "month"], name="aftersales_rating_month")]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="aftersales_rating_score_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.technician_id}: {self.score}"


class Complaint(Numbered):
    """R-16.2: a customer's complaint or suggestion (客户意见), with the staff concerned; a major
    one is escalated to leadership at once; a handler replies to the customer."""

    office = models.ForeignKey(
        "staff.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("account"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ComplaintKind.choices)
    text = models.TextField(_("what the customer said"))
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="complaints_concerning",
        verbose_name=_("staff concerned"),
    )
    major = models.BooleanField(_("major"), default=False)
    state = models.CharField(
        _("status"), max_length=20, choices=ComplaintState.choices, default=ComplaintState.OPEN
    )
    received_at = models.DateTimeField(_("received at"))
    recorded_by = _user(_("recorded by"), null=False)
    created_at = models.DateTimeField(_("created at"))
    handler = _user(_("handler"), related_name="complaints_handled")
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    assigned_by = _user(_("assigned by"))
    reply = models.TextField(_("reply to the customer"), blank=True)
    reply_method = models.CharField(
        _("replied how"), max_length=20, choices=ReplyMethod.choices, blank=True
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = _user(_("replied by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer complaint or suggestion")
        verbose_name_plural = _("customer complaints and suggestions")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["office", "state"], name="complaint_office_state")]
        constraints = [
            *_numbered_constraints("complaint"),
            models.CheckConstraint(
                condition=Q(state__in=ComplaintState.values), name="complaint_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ComplaintKind.values), name="complaint_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state=ComplaintState.CLOSED)
                | (~Q(reply="") & Q(replied_at__isnull=False)),
                name="complaint_closed_has_reply",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ComplaintEvent(models.Model):
    """The history of a complaint (never changed)."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="events", verbose_name=_("complaint")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ComplaintEventKind.choices)
    actor = _user(_("by"), null=False)
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["complaint", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"
