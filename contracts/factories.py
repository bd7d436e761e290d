"""Helpers that build what the contract tests need: products, approved accounts, won quotes,
and contracts in a given state through the real services."""

import datetime
from decimal import Decimal

from accounts.factories import AccountFactory
from approvals.services import approval_decide
from catalog.services import product_create
from quotes.models import Quote, QuoteLine
from quotes.money import line_money, totals

from . import services
from .models import SalesContract

NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Shanghai


def make_product(actor, code="DJ-100", *, price="100.00", now=NOW, **extra):
    return product_create(
        actor=actor,
        now=now,
        code=code,
        name=extra.pop("name", "电机"),
        unit=extra.pop("unit", "台"),
        list_price=Decimal(price),
        floor_price=Decimal(price) * Decimal("0.8"),
        cost=Decimal(price) * Decimal("0.5"),
        **extra,
    )


def approved_account(office, owner, *, credit_limit="1000000.00", **extra):
    return AccountFactory(
        office=office,
        author=owner,
        status="approved",
        credit_limit=Decimal(credit_limit),
        **extra,
    )


def won_quote(account, owner, lines, *, outcome="won", now=NOW) -> Quote:
    """An approved quote of `account` with `lines` [(product, quantity, unit_price)], its
    outcome recorded (won, lost, expired) or open."""
    today = now.date()
    quote = Quote.objects.create(
        office=account.office,
        account=account,
        status="approved",
        number=f"BJ-{today.year}-{Quote.objects.count() + 1:04d}",
        sequence=Quote.objects.count() + 1,
        date=today,
        valid_until=today + datetime.timedelta(days=30),
        outcome=outcome,
        outcome_at=None if outcome == "open" else now,
        author=owner,
        owner=owner,
        created_at=now,
    )
    moneys = []
    for product, quantity, price in lines:
        money = line_money(Decimal(quantity), Decimal(price), product.tax_rate)
        moneys.append(money)
        QuoteLine.objects.create(
            quote=quote,
            product=product,
            quantity=Decimal(quantity),
            unit_price=Decimal(price),
            tax_rate=product.tax_rate,
            list_price=Decimal(price),
            floor_price=Decimal(price) * Decimal("0.8"),
            amount=money.amount,
            tax=money.tax,
        )
    result = totals(moneys)
    quote.total, quote.tax_total = result.total, result.tax
    quote.save(update_fields=["total", "tax_total"])
    return quote


def line(product, quantity="10", price="100.00", quote_line=None) -> services.LineInput:
    return services.LineInput(
        product=product,
        quantity=Decimal(quantity),
        unit_price=Decimal(price),
        quote_line=quote_line,
    )


def draft(account, actor, lines, *, now=NOW, **terms) -> SalesContract:
    return services.contract_create(actor=actor, account=account, lines=lines, now=now, **terms)


def approve_all(contract, approvers, *, now=NOW) -> SalesContract:
    """Decide every pending step with the first of `approvers` holding its role (until a
    step nobody of them may decide)."""
    contract.refresh_from_db()
    while contract.status == "pending":
        step = contract.approvals().get(state="pending")
        who = next((u for u in approvers if u.has_role(step.role)), None)
        if who is None:
            break
        contract = approval_decide(
            approval=step, actor=who, decision="approve", comment="", now=now
        )
    return contract


def signed(account, actor, lines, approvers, *, now=NOW, **terms) -> SalesContract:
    contract = draft(account, actor, lines, now=now, **terms)
    services.contract_submit(contract=contract, actor=actor, now=now)
    return approve_all(contract, approvers, now=now)
