"""Quotes and bids (R-11.3, R-10.2, R-8.2, R-8.3): bad input refused with nothing saved, the
discount reason, prices of the quote's date, edits of pending and approved quotes, the number
given on approval, the outcome, and expiry."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.exceptions import PermissionDenied, ValidationError

from approvals.choices import DocumentStatus
from approvals.models import Approval
from approvals.services import approval_decide
from catalog.models import ProductPrice
from common.errors import DomainError
from quotes import services
from quotes.choices import Outcome
from quotes.models import Quote, QuoteLine
from quotes.tasks import expire

from .conftest import NOW, TODAY, line

pytestmark = pytest.mark.django_db
D = Decimal


def _nothing_saved():
    assert not Quote.objects.exists() and not QuoteLine.objects.exists()


def _approve_all(quote, *approvers):
    for user in approvers:
        step = quote.approvals().get(state="pending")
        approval_decide(approval=step, actor=user, decision="approve", comment="", now=NOW)
    quote.refresh_from_db()
    return quote


def test_a_quote_takes_the_prices_of_its_date_and_the_money_of_its_lines(
    make_quote, product, product2, manager
):
    """R-10.1, R-11.3: list and floor from the version in force on the quote's date; amount
    and tax per line, totals as sums."""
    ProductPrice.objects.create(
        product=product,
        effective_from=TODAY + datetime.timedelta(days=1),  # tomorrow's price is not today's
        list_price=D("120.00"),
        floor_price=D("90.00"),
        cost=D("70.00"),
        created_by=manager,
        created_at=NOW,
    )
    quote = make_quote(
        line(product, "3", "100.00"), line(product2, "1.5", "2499.99"), discount_reason="老客户"
    )
    first, second = quote.lines.order_by("pk")
    assert (first.list_price, first.floor_price) == (D("100.00"), D("80.00"))
    assert (first.amount, first.tax) == (D("300.00"), D("34.51"))
    assert (second.amount, second.tax) == (D("3749.99"), D("431.41"))  # 3749.985 → .99; 431.414…
    assert (quote.total, quote.tax_total) == (D("4049.99"), D("465.92"))
    assert quote.status == DocumentStatus.DRAFT and quote.number == "" and quote.date == TODAY


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-1"}, "quantity"),
        ({"quantity": "1.0001"}, "quantity"),  # three decimals at most
        ({"unit_price": "100.001"}, "unit_price"),  # two decimals at most
        ({"unit_price": "-0.01"}, "unit_price"),
        ({"unit_price": "NaN"}, "unit_price"),
        ({"tax_rate": D("1.5")}, "tax_rate"),
    ],
)
def test_bad_lines_are_400_and_nothing_is_saved(make_quote, product, raw, field):
    values = {"quantity": "10", "unit_price": "100.00", **raw}
    tax_rate = values.pop("tax_rate", None)
    bad = line(product, values["quantity"], values["unit_price"], tax_rate=tax_rate)
    with pytest.raises(ValidationError) as exc:
        make_quote(line(product), bad)
    errors = exc.value.detail["lines"]
    assert errors[0] == {} and field in errors[1]
    _nothing_saved()


def test_an_inactive_product_is_refused(make_quote, inactive_product):
    with pytest.raises(ValidationError) as exc:
        make_quote(line(inactive_product))
    assert "product" in exc.value.detail["lines"][0]
    _nothing_saved()


def test_a_product_without_a_price_on_the_date_is_refused(make_quote, product, manager):
    ProductPrice.objects.filter(product=product).update(
        effective_from=TODAY + datetime.timedelta(days=3)
    )
    with pytest.raises(ValidationError):
        make_quote(line(product))
    _nothing_saved()


def test_no_lines_is_refused(make_quote):
    with pytest.raises(ValidationError) as exc:
        make_quote()
    assert "lines" in exc.value.detail
    _nothing_saved()


@pytest.mark.parametrize("days", [-1, -30, 367])
def test_a_validity_in_the_past_or_years_ahead_is_refused(make_quote, product, days):
    with pytest.raises(ValidationError) as exc:
        make_quote(line(product), valid_until=TODAY + datetime.timedelta(days=days))
    assert "valid_until" in exc.value.detail
    _nothing_saved()


def test_valid_until_today_is_accepted(make_quote, product):
    assert make_quote(line(product), valid_until=TODAY).valid_until == TODAY


def test_a_pending_account_gets_no_quote(make_quote, product, pending_account):
    """R-9.2: quotes need an approved account."""
    with pytest.raises(DomainError) as exc:
        make_quote(line(product), account=pending_account)
    assert exc.value.code == "account_not_approved"
    _nothing_saved()


def test_a_colleagues_account_gets_no_quote(make_quote, product, peer_account):
    """R-9.1: a salesperson quotes for their own and deputised accounts only."""
    with pytest.raises(PermissionDenied):
        make_quote(line(product), account=peer_account)
    _nothing_saved()


def test_the_deputy_may_quote(make_quote, product, peer_account, salesperson):
    peer_account.deputy = salesperson
    peer_account.save()
    assert make_quote(line(product), account=peer_account).owner == salesperson


def test_below_list_needs_a_reason(make_quote, product):
    """R-10.2: a price below list is a discount request and says why."""
    with pytest.raises(ValidationError) as exc:
        make_quote(line(product, unit_price="99.99"))
    assert "discount_reason" in exc.value.detail
    _nothing_saved()
    quote = make_quote(line(product, unit_price="99.99"), discount_reason="  年度框架协议  ")
    assert (
        quote.discount_reason == "年度框架协议" and quote.below_list() and not quote.below_floor()
    )


def test_a_price_above_list_needs_no_reason(make_quote, product):
    assert make_quote(line(product, unit_price="120.00")).discount_reason == ""


def test_a_pending_quote_is_not_edited(make_quote, product, salesperson):
    """R-8.2: while a step is pending the quote cannot be edited (409)."""
    quote = make_quote(line(product))
    services.quote_submit(quote=quote, actor=salesperson, now=NOW)
    with pytest.raises(DomainError) as exc:
        services.quote_update(
            quote=quote,
            actor=salesperson,
            now=NOW,
            lines=[line(product, unit_price="50.00")],
            discount_reason="x",
        )
    assert exc.value.code == "not_editable"
    quote.refresh_from_db()
    assert quote.total == D("1000.00") and quote.lines.get().unit_price == D("100.00")


def test_an_approved_quote_changed_goes_back_through_approval(
    make_quote, product, salesperson, manager, director
):
    """R-8.3: a changed price voids the approvals and makes the quote a draft again; it keeps
    its number, counts a revision, and the lower price brings in the director."""
    quote = make_quote(line(product))
    services.quote_submit(quote=quote, actor=salesperson, now=NOW)
    quote = _approve_all(quote, manager)
    assert quote.status == DocumentStatus.APPROVED and quote.number == "BJ-2026-0001"
    quote = services.quote_update(
        quote=quote,
        actor=salesperson,
        now=NOW,
        lines=[line(product, unit_price="70.00")],
        discount_reason="竞争激烈",
    )
    assert quote.status == DocumentStatus.DRAFT and quote.revision == 1
    assert not quote.approvals().exists()
    assert Approval.objects.filter(document_id=quote.pk, void=True).count() == 3
    services.quote_submit(quote=quote, actor=salesperson, now=NOW)
    assert [a.role for a in quote.approvals().exclude(state="skipped")] == ["manager", "director"]
    quote = _approve_all(quote, manager, director)
    assert quote.number == "BJ-2026-0001" and quote.total == D("700.00")


def test_saving_an_approved_quote_unchanged_keeps_its_approval(
    make_quote, product, salesperson, manager
):
    quote = make_quote(line(product))
    services.quote_submit(quote=quote, actor=salesperson, now=NOW)
    quote = _approve_all(quote, manager)
    quote = services.quote_update(quote=quote, actor=salesperson, now=NOW, lines=[line(product)])
    assert quote.status == DocumentStatus.APPROVED and quote.revision == 0


def test_numbers_are_per_kind_office_and_year_without_gaps(
    make_quote, product, salesperson, manager
):
    """R-11.3 with R-12.2's numbering: BJ for quotes, TB for bids, given on approval only."""
    drafts = [make_quote(line(product), kind=k) for k in ("quote", "bid", "quote")]
    never_approved = make_quote(line(product))
    for quote in drafts:
        services.quote_submit(quote=quote, actor=salesperson, now=NOW)
        _approve_all(quote, manager)
    services.quote_submit(quote=never_approved, actor=salesperson, now=NOW)
    assert [q.number for q in drafts] == ["BJ-2026-0001", "TB-2026-0001", "BJ-2026-0002"]
    never_approved.refresh_from_db()
    assert never_approved.number == "" and never_approved.sequence is None


def test_the_author_cannot_approve_their_own_quote(make_quote, product, salesperson, manager):
    """R-8.1: nobody decides a step of a document they created or own — not even a manager
    who drafted it."""
    quote = make_quote(line(product), actor=manager)
    assert quote.owner != manager  # the account's salesperson owns it
    services.quote_submit(quote=quote, actor=manager, now=NOW)
    step = quote.approvals().get(state="pending")
    for user in (manager, salesperson):
        with pytest.raises(PermissionDenied):
            approval_decide(approval=step, actor=user, decision="approve", comment="", now=NOW)
    quote.refresh_from_db()
    assert quote.status == DocumentStatus.PENDING


def test_submitting_with_a_passed_validity_is_409(make_quote, product, salesperson):
    quote = make_quote(line(product), valid_until=TODAY)
    with pytest.raises(DomainError) as exc:
        services.quote_submit(quote=quote, actor=salesperson, now=NOW + datetime.timedelta(days=1))
    assert exc.value.code == "validity_passed"
    quote.refresh_from_db()
    assert quote.status == DocumentStatus.DRAFT


def test_a_colleague_cannot_submit_or_edit(make_quote, product, other_salesperson):
    quote = make_quote(line(product))
    with pytest.raises(PermissionDenied):
        services.quote_submit(quote=quote, actor=other_salesperson, now=NOW)
    with pytest.raises(PermissionDenied):
        services.quote_update(quote=quote, actor=other_salesperson, now=NOW, payment_terms="x")


@pytest.fixture
def approved(make_quote, product, salesperson, manager):
    quote = make_quote(line(product), valid_until=TODAY + datetime.timedelta(days=5))
    services.quote_submit(quote=quote, actor=salesperson, now=NOW)
    return _approve_all(quote, manager)


def test_outcome_only_on_an_approved_quote(make_quote, product, salesperson):
    quote = make_quote(line(product))
    with pytest.raises(DomainError) as exc:
        services.quote_outcome(quote=quote, actor=salesperson, result="won", now=NOW)
    assert exc.value.code == "not_approved"


def test_lost_with_competitor_and_price(approved, salesperson):
    quote = services.quote_outcome(
        quote=approved,
        actor=salesperson,
        result="lost",
        competitor="某电机厂",
        competitor_price=D("880.00"),
        now=NOW,
    )
    assert (quote.outcome, quote.competitor, quote.competitor_price) == (
        "lost",
        "某电机厂",
        D("880.00"),
    )
    with pytest.raises(DomainError) as exc:  # once
        services.quote_outcome(quote=quote, actor=salesperson, result="won", now=NOW)
    assert exc.value.code == "outcome_recorded"
    with pytest.raises(DomainError) as exc:  # a closed quote is no longer edited
        services.quote_update(quote=quote, actor=salesperson, now=NOW, payment_terms="新条款")
    assert exc.value.code == "quote_closed"


def test_a_competitor_on_a_won_quote_is_refused(approved, salesperson):
    with pytest.raises(ValidationError):
        services.quote_outcome(
            quote=approved, actor=salesperson, result="won", competitor="x", now=NOW
        )
    approved.refresh_from_db()
    assert approved.outcome == Outcome.OPEN


def test_a_quote_still_valid_is_not_expired_by_hand(approved, salesperson):
    with pytest.raises(DomainError) as exc:
        services.quote_outcome(quote=approved, actor=salesperson, result="expired", now=NOW)
    assert exc.value.code == "still_valid"


def test_expiry_by_the_daily_job_is_idempotent(approved, make_quote, product):
    """R-11.3: the day after its validity date an approved open quote expires; a draft is left
    alone (it cannot be submitted until its validity is changed); a second run changes
    nothing."""
    draft = make_quote(line(product), valid_until=TODAY)
    on_last_day = (NOW + datetime.timedelta(days=5)).isoformat()
    assert expire(now=on_last_day) == 0
    day_after = NOW + datetime.timedelta(days=6)
    assert expire(now=day_after.isoformat()) == 1
    assert expire(now=day_after.isoformat()) == 0
    approved.refresh_from_db()
    draft.refresh_from_db()
    assert (approved.outcome, approved.outcome_at) == (Outcome.EXPIRED, day_after)
    assert draft.outcome == Outcome.OPEN


def test_the_expiry_job_is_in_the_beat_schedule():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="quotes.expire")
    assert task.task == "quotes.expire" and task.enabled


def test_the_expiry_task_is_registered_under_its_name():
    from salesoffice.celery import app

    assert "quotes.expire" in app.tasks
