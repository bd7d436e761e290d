"""Targets of the enquiry and quote forms for tests/security/test_form_fuzz.py (R-11): sales1's
approved and pending accounts and another office's, products (one no longer sold), a draft
quote, an approved one, an enquiry and its question."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.factories import AccountFactory
from approvals.services import approval_decide
from quotes import services
from quotes.factories import product_with_price
from quotes.services.lines import LineInput
from staff.factories import OfficeFactory, UserFactory
from staff.models import Office


def quote_targets(world: dict) -> dict:
    now = timezone.now()
    today = timezone.localdate(now)
    office = Office.objects.get(pk=world["targets"]["office"])
    sales1, manager = world["users"]["salesperson"], world["users"]["manager"]
    account = AccountFactory(office=office, author=sales1, status="approved", name="模糊客户")
    pending = AccountFactory(office=office, author=sales1, name="待批模糊客户")
    far = OfficeFactory(code="fuzz-quotes-far")
    elsewhere = AccountFactory(
        office=far, author=UserFactory(username="fz-far", roles=["salesperson"], offices=[far]),
        status="approved",
    )  # fmt: skip
    product = product_with_price(actor=manager, code="FZ-Q1", name="电机")
    retired = product_with_price(actor=manager, code="FZ-Q0", name="旧电机", active=False)

    def quote():
        return services.quote_create(
            actor=sales1, account=account, now=now,
            lines=[LineInput(product=product, quantity=Decimal("2"), unit_price=Decimal("100"))],
            valid_until=today + datetime.timedelta(days=15),
        )  # fmt: skip

    draft, approved = quote(), quote()
    services.quote_submit(quote=approved, actor=sales1, now=now)
    step = approved.approvals().get(state="pending")
    approval_decide(approval=step, actor=manager, decision="approve", comment="", now=now)
    enquiry = services.enquiry_log(
        actor=sales1, account=account, source="来电", now=now, received_on=today,
        deadline=today + datetime.timedelta(days=5),
        lines=[LineInput(product=product, quantity=Decimal("3"))],
    )  # fmt: skip
    question = services.question_ask(
        enquiry=enquiry, actor=sales1, to="technician", question="参数？", now=now
    )
    return {
        "quote_accounts": [account.pk, pending.pk, elsewhere.pk],
        "quote_products": [product.pk, retired.pk],
        "quote_draft": draft.pk,
        "quote_approved": approved.pk,
        "enquiry": enquiry.pk,
        "question": question.pk,
    }
