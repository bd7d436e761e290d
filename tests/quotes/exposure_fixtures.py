"""Enquiries and quotes for tests/security/test_field_exposure.py (R-11), made once per test:
user a's draft and approved quotes, an enquiry with a question to the technical department,
and the requests that write them (mass assignment)."""

import datetime
from decimal import Decimal

from approvals.services import approval_decide
from catalog.models import Product
from quotes import services
from quotes.factories import product_with_price
from quotes.models import Enquiry, EnquiryQuestion, Quote
from quotes.services.lines import LineInput
from staff.choices import Role
from staff.factories import UserFactory
from staff.models import User

COST = Decimal("61.73")  # a cost only managers, directors, executives and finance read


def quote_world(*, office, a, manager, account, now) -> dict:
    """The objects; `account` is a's approved account."""
    product = Product.objects.filter(code="QT-1").first() or product_with_price(
        actor=manager, code="QT-1", name="减速机", list_price="123.45", floor_price="100.00",
        cost=str(COST),
    )  # fmt: skip
    technician = User.objects.filter(username="fx-technician").first() or UserFactory(
        username="fx-technician", roles=[Role.TECHNICIAN], offices=[office]
    )
    today = now.date()

    def quote(tag):
        return Quote.objects.filter(account=account, delivery_terms=tag).first() or (
            services.quote_create(
                actor=a, account=account, now=now, delivery_terms=tag,
                lines=[LineInput(product=product, quantity=Decimal("2"),
                                 unit_price=Decimal("123.45"))],
                valid_until=today + datetime.timedelta(days=20),
            )
        )  # fmt: skip

    def enquiry(source):
        return Enquiry.objects.filter(account=account, source=source).first() or (
            services.enquiry_log(
                actor=a, account=account, source=source, now=now, received_on=today,
                deadline=today + datetime.timedelta(days=9),
                lines=[LineInput(product=product, quantity=Decimal("4"))],
            )
        )  # fmt: skip

    approved = quote("已批准")
    if approved.status == "draft":
        services.quote_submit(quote=approved, actor=a, now=now)
        step = approved.approvals().get(state="pending")
        approval_decide(approval=step, actor=manager, decision="approve", comment="", now=now)
        approved.refresh_from_db()
    asked = enquiry("展会")
    question = EnquiryQuestion.objects.filter(enquiry=asked).first() or services.question_ask(
        enquiry=asked, actor=a, to="technician", question="防护等级？", now=now
    )
    return {
        "product": product,
        "technician": technician,
        "draft": quote("草稿"),
        "approved": approved,
        "enquiry": asked,
        "question": question,
    }


def api_specs(q: dict, account, today: datetime.date) -> list[dict]:
    product, valid = q["product"].pk, (today + datetime.timedelta(days=10)).isoformat()
    return [
        {
            "name": "quote-list",
            "user": "a",
            "path": "/api/v1/quotes/",
            "body": {
                "account": account.pk,
                "kind": "bid",
                "valid_until": valid,
                "lines": [{"product": product, "quantity": "3", "unit_price": "123.45"}],
            },
        },
        {
            "name": "quote-detail",
            "user": "a",
            "method": "PATCH",
            "path": f"/api/v1/quotes/{q['draft'].pk}/",
            "body": {"payment_terms": "月结30天"},
        },
        {
            "name": "quote-submit",
            "user": "a",
            "path": f"/api/v1/quotes/{q['draft'].pk}/submit/",
            "body": {},
        },
        {
            "name": "quote-outcome",
            "user": "a",
            "path": f"/api/v1/quotes/{q['approved'].pk}/outcome/",
            "body": {"result": "won"},
        },
        {
            "name": "enquiry-list",
            "user": "a",
            "path": "/api/v1/enquiries/",
            "body": {
                "account": account.pk,
                "source": "电话",
                "received_on": today.isoformat(),
                "deadline": valid,
                "lines": [{"product": product, "quantity": "6"}],
            },
        },
        {
            "name": "enquiry-detail",
            "user": "a",
            "method": "PATCH",
            "path": f"/api/v1/enquiries/{q['enquiry'].pk}/",
            "body": {"description": "需要防爆型"},
        },
        {
            "name": "enquiry-submit",
            "user": "a",
            "path": f"/api/v1/enquiries/{q['enquiry'].pk}/submit/",
            "body": {},
        },
        {
            "name": "enquiry-questions",
            "user": "a",
            "path": f"/api/v1/enquiries/{q['enquiry'].pk}/questions/",
            "body": {"to": "purchasing", "question": "原材料交期？"},
        },
        {
            "name": "enquiry-question-answer",
            "user": "technician",
            "path": f"/api/v1/enquiry-questions/{q['question'].pk}/answer/",
            "body": {"answer": "IP55"},
        },
    ]


def page_specs(q: dict, account, today: datetime.date) -> list[dict]:
    product, valid = q["product"].pk, (today + datetime.timedelta(days=10)).isoformat()
    line = {"rows": 1, "line-0-product": product, "line-0-quantity": "3"}
    return [
        {
            "name": "quotes:new",
            "user": "a",
            "path": "/quotes/new/",
            "body": {
                "account": account.pk,
                "kind": "quote",
                "valid_until": valid,
                **line,
                "line-0-unit_price": "123.45",
            },
        },
        {
            "name": "quotes:edit",
            "user": "a",
            "path": f"/quotes/{q['draft'].pk}/edit/",
            "body": {"valid_until": valid, **line, "line-0-unit_price": "130.00"},
        },
        {
            "name": "quotes:submit",
            "user": "a",
            "path": f"/quotes/{q['draft'].pk}/submit/",
            "body": {},
        },
        {
            "name": "quotes:outcome",
            "user": "a",
            "path": f"/quotes/{q['approved'].pk}/outcome/",
            "body": {"result": "lost", "competitor": "某厂", "competitor_price": "110.00"},
        },
        {
            "name": "quotes:enquiry_new",
            "user": "a",
            "path": "/quotes/enquiries/new/",
            "body": {
                "account": account.pk,
                "kind": "enquiry",
                "source": "来电",
                "received_on": today.isoformat(),
                "deadline": valid,
                "estimated_amount": "5000.00",
                **line,
            },
        },
        {
            "name": "quotes:enquiry_submit",
            "user": "a",
            "path": f"/quotes/enquiries/{q['enquiry'].pk}/submit/",
            "body": {},
        },
        {
            "name": "quotes:enquiry_ask",
            "user": "a",
            "path": f"/quotes/enquiries/{q['enquiry'].pk}/ask/",
            "body": {"to": "purchasing", "question": "铜价？"},
        },
        {
            "name": "quotes:answer",
            "user": "technician",
            "path": f"/quotes/questions/{q['question'].pk}/answer/",
            "body": {"answer": "IP55"},
        },
    ]


def readable_urls(q: dict) -> list[str]:
    """Every page and API response of the quotes, to read as each user (the cost, R-10.1)."""
    quote, draft, enquiry = q["approved"].pk, q["draft"].pk, q["enquiry"].pk
    return [
        "/quotes/",
        "/quotes/?scope=all",
        f"/quotes/{quote}/",
        f"/quotes/{draft}/",
        f"/quotes/{draft}/edit/",
        f"/quotes/{quote}/pdf/",
        "/quotes/enquiries/",
        f"/quotes/enquiries/{enquiry}/",
        "/approvals/inbox/",
        "/api/v1/quotes/",
        f"/api/v1/quotes/{quote}/",
        "/api/v1/enquiries/",
        f"/api/v1/enquiries/{enquiry}/",
    ]
