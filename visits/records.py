"""Visit records (R-9.7): recording one, with a dealer's stock, and who reads which.

A record resets its account's visit clock (R-9.8) when it is a visit, not a call, so who may
record on an account is the owner's business: the owner, the deputy, or the branch's manager
(staff.permissions `visits.record`). A colleague does not see the account at all (404).
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from accounts.choices import Kind
from accounts.models import Account, Contact
from catalog.models import Product
from staff.choices import Role
from staff.permissions import may, office_ids_of, restrict_to_offices

from .choices import VISIT_KINDS, PlannedOutcome, RecordKind
from .models import DealerStock, PlannedVisit, VisitRecord

QUANTITY_STEP = Decimal("0.001")  # DealerStock.quantity: 3 decimal places
QUANTITY_LIMIT = Decimal(10) ** 11  # and 14 digits in all


# ---------------------------------------------------------------- reads


def records_visible_to(user) -> QuerySet[VisitRecord]:
    """R-9.1, R-9.7: a salesperson reads the records of the accounts they own or deputise and
    the records they wrote; a manager every record of the branches they manage; the director
    all. Always within the user's offices."""
    qs = restrict_to_offices(VisitRecord.objects.all(), user)
    if user.has_role(Role.DIRECTOR):
        return qs
    managed = list(office_ids_of(user)) if user.has_role(Role.MANAGER) else []
    return qs.filter(
        Q(office_id__in=managed)
        | Q(account__owner=user)
        | Q(account__deputy=user)
        | Q(salesperson=user)
    )


def local_day(moment: datetime.datetime, office) -> datetime.date:
    """The office's calendar day at `moment`."""
    return timezone.localtime(moment, office.tzinfo).date()


def suggested_kind(account: Account) -> str:
    """The form's default kind: a first visit for an account never visited, else a return."""
    visited = account.visit_records.filter(kind__in=VISIT_KINDS).exists()
    return RecordKind.RETURN if visited else RecordKind.FIRST


def may_record(user, account: Account) -> bool:
    return may(user, "visits.record", account)


# ---------------------------------------------------------------- the service


@transaction.atomic
def visit_record_create(
    *,
    actor,
    account: Account,
    date: datetime.date,
    kind: str,
    contact: Contact | int | None = None,
    quality_feedback: str = "",
    price_feedback: str = "",
    demand: str = "",
    competitors: str = "",
    new_products: str = "",
    dealer_stock: Iterable[dict] = (),
    now: datetime.datetime,
) -> VisitRecord:
    """R-9.7: the record of a visit or call on `account` by `actor`, with the market
    information heard and, for a dealer, its stock per product. A visit (not a call, R-9.8)
    done on a day the actor had planned it marks that planned visit done (R-9.6).

    400 (ValidationError, nothing saved) for a day to come or before the account existed, a
    contact of another account, stock lines on an account that is not a dealer, an unknown
    product, a negative quantity or one with more than 3 decimals, two lines of one product;
    403 for anyone but the owner, the deputy or the branch's manager."""
    account = Account.objects.select_related("office").get(pk=account.pk)
    if not may_record(actor, account):
        raise PermissionDenied(
            _("Only the account's owner, its deputy or the branch's manager records its visits.")
        )
    errors: dict[str, list[str]] = {}
    if kind not in RecordKind.values:
        errors["kind"] = [_("Choose a first visit, a return visit or a phone call.")]
    _check_date(account, date, now, errors)
    contact_id = _check_contact(account, contact, errors)
    lines = _check_stock(account, list(dealer_stock), errors)
    if errors:
        raise ValidationError(errors)
    texts = {
        "quality_feedback": quality_feedback,
        "price_feedback": price_feedback,
        "demand": demand,
        "competitors": competitors,
        "new_products": new_products,
    }
    record = VisitRecord.objects.create(
        account=account,
        office_id=account.office_id,
        salesperson=actor,
        date=date,
        kind=kind,
        contact_id=contact_id,
        created_at=now,
        **{name: (value or "").strip() for name, value in texts.items()},
    )
    DealerStock.objects.bulk_create(
        DealerStock(record=record, product=product, quantity=quantity, note=note)
        for product, quantity, note in lines
    )
    if kind in VISIT_KINDS:
        _plan_done(record)
    return record


def date_problem(account: Account, date, now: datetime.datetime) -> str | None:
    """What is wrong with a record's date: a day to come in the branch's calendar, or a day
    before the account existed (a visit backdated past the account's opening would forge its
    history). None when the date is fine."""
    if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
        return _("Enter a valid date.")
    opened = local_day(account.created_at, account.office)
    if date > local_day(now, account.office):
        return _("A visit cannot be recorded for a day still to come.")
    if date < opened:
        return _("The account was opened on %(day)s: a visit cannot be recorded before that.") % {
            "day": opened.isoformat()
        }
    return None


def _check_date(account: Account, date, now, errors: dict) -> None:
    problem = date_problem(account, date, now)
    if problem:
        errors["date"] = [problem]


def _check_contact(account: Account, contact, errors: dict) -> int | None:
    if contact in (None, ""):
        return None
    contact_id = contact.pk if isinstance(contact, Contact) else contact
    if not isinstance(contact_id, int) or not account.contacts.filter(pk=contact_id).exists():
        errors["contact"] = [_("This contact is not one of the account's contacts.")]
        return None
    return contact_id


def _check_stock(account: Account, lines: list[dict], errors: dict) -> list[tuple]:
    """A dealer's stock (R-9.7): one line per active product, a quantity of zero or more with
    at most 3 decimals. Returns (product, quantity, note) of each line."""
    if not lines:
        return []
    if account.kind != Kind.DEALER:
        errors["dealer_stock"] = [_("Stock is recorded for a dealer only.")]
        return []
    wanted = {_product_id(line.get("product")) for line in lines}
    products = Product.objects.filter(active=True).in_bulk([p for p in wanted if p is not None])
    found, seen, problems = [], set(), []
    for n, line in enumerate(lines, start=1):
        product = products.get(_product_id(line.get("product")))
        if product is None:
            problems.append(_("Line %(n)s: choose a product of the catalogue.") % {"n": n})
            continue
        if product.pk in seen:
            problems.append(
                _("Line %(n)s: %(product)s is already listed; one line per product.")
                % {"n": n, "product": product}
            )
            continue
        seen.add(product.pk)
        quantity, problem = _quantity(line.get("quantity"))
        if problem:
            problems.append(
                _("Line %(n)s (%(product)s): %(problem)s")
                % {"n": n, "product": product, "problem": problem}
            )
            continue
        found.append((product, quantity, str(line.get("note") or "").strip()))
    if problems:
        errors["dealer_stock"] = problems
    return found


def _product_id(value) -> int | None:
    if isinstance(value, Product):
        return value.pk
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _quantity(value) -> tuple[Decimal | None, str]:
    try:
        quantity = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        return None, _("enter a number.")
    if not quantity.is_finite():
        return None, _("enter a number.")
    if quantity < 0:
        return None, _("a quantity cannot be negative.")
    if quantity >= QUANTITY_LIMIT:
        return None, _("this quantity is too large.")
    if quantity != quantity.quantize(QUANTITY_STEP):
        return None, _("at most 3 decimal places.")
    return quantity, ""


def _plan_done(record: VisitRecord) -> None:
    """R-9.6, R-9.7: the visit the recorder planned for this account on this day is done.
    Locked, so that two records of the same day never both claim it."""
    planned = (
        PlannedVisit.objects.select_for_update()
        .filter(
            plan__salesperson_id=record.salesperson_id,
            account_id=record.account_id,
            day=record.date,
            outcome=PlannedOutcome.PLANNED,
            record__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    if planned is not None:
        planned.outcome = PlannedOutcome.DONE
        planned.record = record
        planned.save(update_fields=["outcome", "record"])
