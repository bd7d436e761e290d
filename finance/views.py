"""Finance's page (R-6): the office-local day's cash summary, the refunds to pay back, the
payments against contracts (R-6.4), and the day's holds and subscriptions. Parse, call a
service, render.

The office is picked through `may()` as on every page: `?office=<id>` names one of the user's
offices (another office's id is a 404); without it the first office the user may use is taken.
`?date=YYYY-MM-DD` picks the day, by default the office's today.
"""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.errors import DomainError
from common.inputs import date_in_range, safe_next
from deals import contracts, services
from deals.choices import ContractStatus
from deals.models import MONEY, Contract, Hold, Instalment, Payment, Refund, Subscription
from receivables.views_money import desk_page
from reception.selectors import day_bounds, office_today
from staff.choices import Role
from staff.models import Office
from staff.permissions import may, office_ids_of
from staff.places import Place, place_for

VIEW = "deals.view_refunds"
PAY = "deals.pay_refund"
RECORD_PAYMENT = "deals.record_payment"
ZERO = Decimal("0.00")
DAY_ROWS = 100  # the day's holds and subscriptions shown, newest first
CONTRACT_ROWS = 200  # the contracts with a balance due shown, oldest signed first


def _place(request: HttpRequest) -> Place | None:
    """The office of the request; None when the user belongs to no office at all."""
    return place_for(request, VIEW, none_without_office=True)


def _day(request: HttpRequest, office: Office, now: datetime.datetime) -> datetime.date:
    raw = request.GET.get("date", "")
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        day = None
    return day if date_in_range(day) else office_today(office, now)


def cash_summary(office: Office, day: datetime.date) -> dict[str, Decimal | int]:
    """The day's money, four aggregate queries: holding fees received, deposits received
    (the deposit less the holding fee credited toward it, R-6.2), refunds owed and paid,
    and payments received against contracts (R-6.4)."""
    start, end = day_bounds(office, day)
    created = Q(created_at__gte=start, created_at__lt=end)
    paid = Q(paid_at__gte=start, paid_at__lt=end)
    holds = Hold.objects.filter(created, office=office).aggregate(
        fees=Coalesce(Sum("fee"), ZERO), holds=Count("pk")
    )
    subs = Subscription.objects.filter(created, office=office).aggregate(
        deposits=Coalesce(Sum(F("deposit") - F("fee_credited")), ZERO),
        subscriptions=Count("pk"),
    )
    refunds = (
        Refund.objects.filter(office=office)
        .filter(created | paid)
        .aggregate(
            refunds_created=Coalesce(Sum("amount", filter=created), ZERO),
            refunds_paid=Coalesce(Sum("amount", filter=paid), ZERO),
        )
    )
    payments = Payment.objects.filter(paid, office=office).aggregate(
        payments=Coalesce(Sum("amount"), ZERO)
    )
    return {**holds, **subs, **refunds, **payments}


def contracts_with_balance(office: Office) -> list[Contract]:
    """R-6.4: the office's active contracts that still have a balance due, oldest signed
    first, each with `balance` and its unpaid `open_instalments`: two queries in all."""
    paid = Coalesce(Sum("payments__amount"), ZERO)
    open_instalments = (
        Instalment.objects.annotate(paid=paid)
        .filter(paid__lt=F("amount"))
        .order_by("due_date", "pk")
    )
    return list(
        Contract.objects.filter(office=office, status=ContractStatus.ACTIVE)
        .annotate(
            balance=ExpressionWrapper(
                F("total_price") - F("subscription__deposit") - paid,
                output_field=DecimalField(**MONEY),
            )
        )
        .filter(balance__gt=0)
        .select_related("subscription__customer", "subscription__unit__project")
        .prefetch_related(Prefetch("instalments", open_instalments, to_attr="open_instalments"))
        .order_by("signed_at", "pk")[:CONTRACT_ROWS]
    )


def _refunds_to_pay(office: Office) -> list[Refund]:
    """Unpaid refunds, oldest first, with what they are for: one query."""
    return list(
        Refund.objects.filter(office=office, paid_at__isnull=True)
        .select_related("customer", "hold__unit__project", "subscription__unit__project")
        .order_by("created_at", "pk")
    )


def _page(request: HttpRequest, *, title=None, intro=None) -> HttpResponse:
    place = _place(request)
    if place is None:
        return render(
            request,
            "workspace/work_page.html",
            {"page": {"title": title or _("Finance"), "intro": intro or ""}, "offices": []},
        )
    office, now = place.office, timezone.now()
    day = _day(request, office, now)
    start, end = day_bounds(office, day)
    tz = office.tzinfo
    refunds = _refunds_to_pay(office)
    for refund in refunds:
        cause = refund.hold or refund.subscription
        refund.unit = cause.unit
        refund.created_local = timezone.localtime(refund.created_at, tz)
    holds = list(
        Hold.objects.filter(office=office, created_at__gte=start, created_at__lt=end)
        .select_related("unit__project", "customer", "created_by")
        .order_by("-created_at", "-pk")[:DAY_ROWS]
    )
    subscriptions = list(
        Subscription.objects.filter(office=office, created_at__gte=start, created_at__lt=end)
        .select_related("unit__project", "customer", "credited_salesperson")
        .order_by("-created_at", "-pk")[:DAY_ROWS]
    )
    for row in [*holds, *subscriptions]:
        row.created_local = timezone.localtime(row.created_at, tz)
    context = {
        "title": title or _("Finance"),
        "intro": intro,
        "place": place,
        "office": office,
        "day": day,
        "today": timezone.localtime(now, tz).date(),
        "summary": cash_summary(office, day),
        "refunds": refunds,
        "can_pay": may(request.user, PAY, office),
        "contracts": contracts_with_balance(office),
        "can_record_payment": may(request.user, RECORD_PAYMENT, office),
        "holds": holds,
        "subscriptions": subscriptions,
    }
    return render(request, "finance/page.html", context)


@login_required
@require_GET
def finance_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


def work_page(request: HttpRequest, page) -> HttpResponse:
    """Finance's work page (/w/finance/): the receivables desk (R-15.3 – R-15.6), then the
    sales office's cash of the day with a link to this page for the rest."""
    return desk_page(request, title=page.title, intro=page.intro, cash=cash_summary)


@login_required
@require_POST
def refund_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """Finance records that a refund was paid back to the customer."""
    refund = (
        Refund.objects.select_related("office", "customer")
        .filter(pk=pk, office_id__in=office_ids_of(request.user))
        .first()
    )
    if refund is None or not may(request.user, VIEW, refund.office):
        raise Http404
    if not may(request.user, PAY, refund.office):
        raise PermissionDenied
    try:
        services.refund_mark_paid(refund=refund, actor=request.user, now=timezone.now())
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(
            request,
            _("Refund of %(amount)s to %(customer)s recorded as paid.")
            % {"amount": f"{refund.amount:.2f}", "customer": refund.customer.name},
        )
    return _back(request, refund.office_id)


def _back(request: HttpRequest, office_id: int) -> HttpResponse:
    return redirect(safe_next(request, f"{reverse('finance:page')}?office={office_id}"))


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(str(m) for ms in exc.message_dict.values() for m in ms)
    return " ".join(str(m) for m in exc.messages)


@login_required
@require_POST
def payment_record(request: HttpRequest, pk: int) -> HttpResponse:
    """R-6.4: finance records money received against a contract, optionally naming one of
    its instalments; a refused payment is shown with its reason and nothing is saved."""
    contract = (
        Contract.objects.select_related("office")
        .filter(pk=pk, office_id__in=office_ids_of(request.user))
        .first()
    )
    if contract is None:
        raise Http404
    if not may(request.user, RECORD_PAYMENT, contract.office):
        raise PermissionDenied
    instalment = None
    raw = request.POST.get("instalment", "").strip()
    try:
        if raw:
            instalment = Instalment.objects.filter(pk=int(raw) if raw.isdecimal() else 0).first()
            if instalment is None:
                raise ValidationError({"instalment": [_("Not an instalment of this contract.")]})
        payment = contracts.payment_record(
            contract=contract,
            amount=request.POST.get("amount", ""),
            instalment=instalment,
            actor=request.user,
            now=timezone.now(),
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(
            request,
            _("Payment of %(amount)s recorded against %(contract)s.")
            % {"amount": f"{payment.amount:.2f}", "contract": contract.number},
        )
    return _back(request, contract.office_id)


ROLE_PAGES = {Role.FINANCE: work_page}
