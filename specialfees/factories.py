"""Helpers that bring a special fee to a given state through the real services (R-16.4)."""

import datetime
from decimal import Decimal

from approvals.services import approval_decide

from . import selectors, services
from .choices import PaymentForm

NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Shanghai


def draft_fee(account, author, *, amount="5000.00", kind="promotion", now=NOW, **extra):
    return services.special_fee_create(
        actor=author,
        account=account,
        contract=extra.pop("contract", None),
        kind=kind,
        amount=Decimal(amount),
        purpose=extra.pop("purpose", "开业促销活动场地布置"),
        now=now,
    )


def pending_fee(account, author, **kwargs):
    fee = draft_fee(account, author, **kwargs)
    return services.special_fee_submit(fee=fee, actor=author, now=kwargs.get("now", NOW))


def manager_approved_fee(account, author, manager, **kwargs):
    fee = pending_fee(account, author, **kwargs)
    step = fee.approvals().get(role="manager")
    return approval_decide(
        approval=step, actor=manager, decision="approve", comment="", now=kwargs.get("now", NOW)
    )


def approved_fee(account, author, manager, executive, *, form=PaymentForm.TRANSFER, **kwargs):
    fee = manager_approved_fee(account, author, manager, **kwargs)
    assert selectors.executive_step_pending(fee) is not None
    return services.special_fee_executive_decide(
        fee=fee,
        actor=executive,
        decision="approve",
        payment_form=form,
        note="",
        now=kwargs.get("now", NOW),
    )
