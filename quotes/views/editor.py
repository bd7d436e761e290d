"""The quote editor (R-11.3, R-10.2): lines with the list and floor prices in force, live
totals computed by the server (quotes.money), the discount reason when a line is below list,
and the approval chain the quote will need ("此单需要：…")."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from accounts.selectors import accounts_visible_to
from approvals.choices import DocumentStatus, DocumentType
from approvals.templatetags.approval_words import chain_words
from catalog.models import Product
from catalog.selectors import prices_on
from common.errors import DomainError
from staff.models import Office
from staff.permissions import may_in_any_office, office_ids_of

from .. import services
from ..forms import QuoteForm, Row, pk_of, read_rows, rows_of
from ..models import Quote
from ..money import LineMoney, line_money, totals
from ..permissions import may_edit_document, may_sell_to
from ..selectors import enquiries_visible_to, quotes_visible_to, today_in
from ..services.lines import LineInput

VALIDITY_DAYS = 30


class _Draft:
    """What the chain's conditions ask of a quote, for one not saved yet (R-8 table)."""

    approval_document_type = DocumentType.QUOTE

    def __init__(self, office, total: Decimal, below_floor: bool):
        self.office, self.total, self._below_floor = office, total, below_floor

    def approval_amount(self) -> Decimal:
        return self.total

    def below_floor(self) -> bool:
        return self._below_floor


def _products(quote: Quote | None = None):
    q = Q(active=True)
    if quote is not None:
        q |= Q(pk__in=quote.lines.values("product_id"))
    return Product.objects.filter(q).order_by("code", "pk")


def _sellable(user):
    """The approved accounts this user may quote for (R-9.1, R-9.2)."""
    return (
        accounts_visible_to(user)
        .filter(status=DocumentStatus.APPROVED)
        .select_related("office")
        .order_by("name", "pk")
    )


def _price(rows: list[Row], day: datetime.date, *, fill: bool) -> None:
    """Each row's list and floor prices in force on `day`, and its money (quotes.money);
    `fill` puts the list price in a row whose unit price is still empty."""
    products = [r.product_obj for r in rows if r.product_obj is not None]
    prices = prices_on(products, day)
    for row in rows:
        product = row.product_obj
        if product is None:
            continue
        price = prices.get(product.pk)
        if price is None:
            row.errors.setdefault("product", [_("This product has no price on the quote's date.")])
            continue
        row.list_price, row.floor_price = price.list_price, price.floor_price
        if fill and not row.unit_price.strip():
            row.unit_price = f"{price.list_price:.2f}"
            row.errors.pop("unit_price", None)
            if row.cleaned is not None:
                row.cleaned["unit_price"] = price.list_price
        if row.cleaned is None:
            continue
        unit = row.cleaned.get("unit_price")
        quantity = row.cleaned["quantity"]
        if unit is not None and quantity > 0 and unit >= 0:
            money = line_money(quantity, unit, product.tax_rate)
            row.amount, row.tax = money.amount, money.tax


def _live(rows: list[Row], office) -> dict:
    money = totals(LineMoney(amount=r.amount, tax=r.tax) for r in rows if r.amount is not None)
    below_floor = any(r.below_floor for r in rows)
    chain = chain_words(_Draft(office, money.total, below_floor)) if office else ""
    return {
        "rows": rows,
        "row_count": len(rows),
        "totals": money,
        "below_list": any(r.below_list for r in rows),
        "below_floor": below_floor,
        "chain": chain,
        "major": office is not None and money.total >= office.major_threshold,
    }


def _office_for(request, form_account=None, quote=None):
    if quote is not None:
        return quote.office
    if form_account is not None:
        return form_account.office
    return Office.objects.filter(pk__in=office_ids_of(request.user)).order_by("pk").first()


def _posted_account(request, accounts):
    pk = pk_of(request.POST.get("account"))
    return accounts.filter(pk=pk).first() if pk is not None else None


def _line_inputs(rows: list[Row]) -> tuple[list[LineInput], list[Row]]:
    used = [r for r in rows if not r.blank]
    return [
        LineInput(
            product=r.cleaned["product"],
            quantity=r.cleaned["quantity"],
            unit_price=r.cleaned.get("unit_price"),
        )
        for r in used
    ], used


def _apply_errors(exc: ValidationError, form, used: list[Row]) -> None:
    detail = exc.detail if isinstance(exc.detail, dict) else {"__all__": exc.detail}
    for name, errors in detail.items():
        if name == "lines":
            if errors and isinstance(errors[0], dict):
                for row, row_errors in zip(used, errors, strict=False):
                    for field, messages_ in row_errors.items():
                        row.errors.setdefault(field, []).extend(str(m) for m in messages_)
            else:
                form.add_error(None, [str(e) for e in errors])
        elif name in form.fields:
            form.add_error(name, [str(e) for e in errors])
        else:
            form.add_error(None, [str(e) for e in errors])


def _preview_url(quote) -> str:
    return reverse("quotes:edit_preview", args=[quote.pk]) if quote else reverse("quotes:preview")


def _render(request, context, status=200):
    return render(request, "quotes/editor.html", context, status=status)


def _editor(request, *, quote: Quote | None):
    user, now = request.user, timezone.now()
    accounts = _sellable(user)
    new = quote is None
    enquiry = None
    if new:
        raw = request.GET.get("enquiry") or request.POST.get("enquiry")
        if pk_of(raw) is not None:
            enquiry = get_object_or_404(enquiries_visible_to(user), pk=pk_of(raw))
    products = _products(quote)
    status = 200
    if request.method == "POST":
        form = QuoteForm(request.POST, accounts=accounts, new=new)
        rows = read_rows(request.POST, products=products)
        account = quote.account if quote else _posted_account(request, accounts)
        office = _office_for(request, account, quote)
        day = today_in(office, now) if office else timezone.localdate()
        reshaping = "add" in request.POST or "remove" in request.POST
        _price(rows, day, fill=True)
        if not reshaping:
            saved = _save(request, form, rows, quote=quote, enquiry=enquiry, now=now)
            if not isinstance(saved, int):
                return saved
            status = saved
    else:
        initial = {}
        account = quote.account if quote else None
        if new:
            if enquiry is not None:
                account = enquiry.account
            elif pk_of(request.GET.get("account")) is not None:
                account = accounts.filter(pk=pk_of(request.GET["account"])).first()
            office = _office_for(request, account)
            day = today_in(office, now) if office else timezone.localdate()
            initial = {
                "account": account.pk if account else None,
                "kind": "bid" if enquiry and enquiry.kind == "tender" else "quote",
                "valid_until": day + datetime.timedelta(days=VALIDITY_DAYS),
            }
            rows = rows_of(enquiry.lines.select_related("product")) if enquiry else [Row(index=0)]
        else:
            office = quote.office
            day = today_in(office, now)
            initial = {
                name: getattr(quote, name)
                for name in ("valid_until", "delivery_terms", "payment_terms", "discount_reason")
            }
            rows = rows_of(quote.lines.select_related("product").order_by("pk"))
        form = QuoteForm(initial=initial, accounts=accounts, new=new)
        _price(rows, day, fill=True)
    context = {
        "form": form,
        "quote": quote,
        "enquiry": enquiry,
        "products": products,
        "office": office,
        "today": day,
        "preview_url": _preview_url(quote),
        **_live(rows, office),
    }
    return _render(request, context, status=status)


def _save(request, form, rows, *, quote, enquiry, now):
    """The saved quote's page, or the status to show the form again with (422 bad input,
    409 a state that refuses it)."""
    row_errors = any(r.errors for r in rows if not r.blank)
    if not form.is_valid() or row_errors:
        return 422
    inputs, used = _line_inputs(rows)
    data = dict(form.cleaned_data)
    try:
        with transaction.atomic():  # saved and submitted, or neither
            quote = _save_and_submit(request, data, inputs, quote=quote, enquiry=enquiry, now=now)
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        _apply_errors(exc, form, used)
        return 422
    except DomainError as exc:
        form.add_error(None, str(exc.detail))
        return 409
    if "submit" in request.POST:
        messages.success(request, _("The quote is submitted for approval."))
    else:
        messages.success(request, _("The quote is saved as a draft."))
    return redirect("quotes:detail", quote.pk)


def _save_and_submit(request, data, inputs, *, quote, enquiry, now) -> Quote:
    if quote is None:
        account = data.pop("account")
        if not may_sell_to(request.user, account):
            raise PermissionDenied
        quote = services.quote_create(
            actor=request.user, account=account, lines=inputs, enquiry=enquiry, now=now, **data
        )
    else:
        quote = services.quote_update(
            quote=quote, actor=request.user, lines=inputs, now=now, **data
        )
    if "submit" in request.POST:
        services.quote_submit(quote=quote, actor=request.user, now=now)
    return quote


@login_required
@require_http_methods(["GET", "POST"])
def quote_new(request):
    if not may_in_any_office(request.user, "quotes.create"):
        raise PermissionDenied
    return _editor(request, quote=None)


def _editable(request, pk: int) -> Quote:
    quote = get_object_or_404(
        quotes_visible_to(request.user).select_related("office", "account"), pk=pk
    )
    if not may_edit_document(request.user, quote):
        raise PermissionDenied
    return quote


@login_required
@require_http_methods(["GET", "POST"])
def quote_edit(request, pk: int):
    quote = _editable(request, pk)
    if quote.status == DocumentStatus.PENDING or quote.outcome != "open":
        if quote.status == DocumentStatus.PENDING:
            messages.error(request, _("This quote is waiting for approval and cannot be changed."))
        else:
            messages.error(request, _("This quote is closed and can no longer be changed."))
        return redirect("quotes:detail", quote.pk)
    return _editor(request, quote=quote)


@login_required
@require_POST
def quote_preview(request, pk: int | None = None):
    """The live part of the editor (htmx): rows, their prices and money, totals, the
    discount reason when needed, the chain."""
    quote = _editable(request, pk) if pk is not None else None
    if quote is None and not may_in_any_office(request.user, "quotes.create"):
        raise PermissionDenied
    products = _products(quote)
    rows = read_rows(request.POST, products=products)
    account = quote.account if quote else _posted_account(request, _sellable(request.user))
    office = _office_for(request, account, quote)
    day = today_in(office, timezone.now()) if office else timezone.localdate()
    _price(rows, day, fill=True)
    form = QuoteForm(request.POST, accounts=_sellable(request.user), new=quote is None)
    context = {
        "form": form,
        "quote": quote,
        "products": products,
        "office": office,
        "preview_url": _preview_url(quote),
        **_live(rows, office),
    }
    return render(request, "quotes/partials/editor_live.html", context)
