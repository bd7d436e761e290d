"""Enquiries' and quotes' free text for tests/security/test_xss.py (R-11): planted through the
API by the salesperson a, the technician and the manager."""

import datetime

from django.utils import timezone

from accounts.factories import AccountFactory
from approvals.models import Approval
from quotes.factories import product_with_price
from staff.choices import Role
from staff.factories import UserFactory

# the fields the salesperson reads back on the enquiry's and the quote's pages
QUOTE_TEXT = {
    "enquiry source",
    "enquiry description",
    "enquiry question",
    "enquiry answer",
    "quote delivery terms",
    "quote payment terms",
    "quote discount reason",
    "quote competitor",
}
# the manager reads the discount request of a quote waiting in the inbox, and the branch's quotes
MANAGER_QUOTE_TEXT = {"quote discount reason (pending)", "quote discount reason"}


def plant_quotes(world, api, ok, payload) -> None:
    u = world["users"]
    a, manager = u["a"], u["manager"]
    account = AccountFactory(office=world["sunny"], author=a, status="approved", name="报价客户")
    product = product_with_price(actor=manager, code="XSS-Q1", name="水泵")
    technician = UserFactory(
        username="s2-xss-tech", roles=[Role.TECHNICIAN], offices=[world["sunny"]]
    )
    today = timezone.localdate()
    enquiry = ok(
        api(a).post(
            "/api/v1/enquiries/",
            {
                "account": account.pk,
                "source": payload("enquiry source", 200),
                "description": payload("enquiry description"),
                "received_on": today.isoformat(),
                "deadline": (today + datetime.timedelta(days=9)).isoformat(),
                "lines": [{"product": product.pk, "quantity": "4"}],
            },
            format="json",
        )
    )
    question = ok(
        api(a).post(
            f"/api/v1/enquiries/{enquiry['id']}/questions/",
            {"to": "technician", "question": payload("enquiry question")},
            format="json",
        )
    )
    ok(
        api(technician).post(
            f"/api/v1/enquiry-questions/{question['id']}/answer/",
            {"answer": payload("enquiry answer")},
            format="json",
        )
    )

    def quote(**text):
        body = {
            "account": account.pk,
            "valid_until": (today + datetime.timedelta(days=20)).isoformat(),
            "lines": [{"product": product.pk, "quantity": "2", "unit_price": "90.00"}],
            **text,
        }
        made = ok(api(a).post("/api/v1/quotes/", body, format="json"))
        ok(api(a).post(f"/api/v1/quotes/{made['id']}/submit/"))
        return made

    lost = quote(
        delivery_terms=payload("quote delivery terms"),
        payment_terms=payload("quote payment terms"),
        discount_reason=payload("quote discount reason"),
    )
    step = Approval.objects.get(document_type="quote", document_id=lost["id"], state="pending")
    ok(api(manager).post(f"/api/v1/approvals/{step.pk}/decide/", {"decision": "approve"}))
    ok(
        api(a).post(
            f"/api/v1/quotes/{lost['id']}/outcome/",
            {"result": "lost", "competitor": payload("quote competitor", 200)},
            format="json",
        )
    )
    quote(discount_reason=payload("quote discount reason (pending)"))
