"""Stored XSS in R-16's free text (the pattern of tests/security/test_xss.py): a payload in an
after-sales problem, contact note, result, escalation reason and leadership's instruction, a
complaint and its reply, a budget's purpose, a claim's note and line, a special fee's purpose
and the executive's payment note, a penalty's rule and reason — planted through the services —
is never in a page raw, and every field is shown escaped on a page of someone who reads it."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils.html import escape

from aftersales.factories import png
from aftersales.services import complaints, extras, requests
from approvals.services import approval_decide
from contracts.factories import approved_account
from expenses.services import budgets, claims
from reports import penalties
from specialfees import factories as fees
from staff.choices import Role
from staff.factories import UserFactory

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 18, 10, 0, tzinfo=SH)
TODAY = NOW.date()
PLANTED: dict[str, str] = {}  # field -> payload

pytestmark = pytest.mark.django_db


def payload(field: str, limit: int = 200) -> str:
    tag = f"r{len(PLANTED):02d}"
    text = f'"><script>alert("{tag}")</script><img src=x onerror=alert("{tag}")>'
    if len(text) > limit:
        text = f"<script>{tag}</script>"
    PLANTED[field] = text
    return text


@pytest.fixture
def planted(office, salesperson, manager, finance):
    PLANTED.clear()
    clerk = UserFactory(username="x16-clerk", roles=[Role.CLERK], offices=[office])
    technician = UserFactory(username="x16-tech", roles=[Role.TECHNICIAN], offices=[office])
    executive = UserFactory(username="x16-exec", roles=[Role.EXECUTIVE], offices=[office])
    people = {"sp": salesperson, "manager": manager, "clerk": clerk, "finance": finance}
    people |= {"technician": technician, "executive": executive}
    with time_machine.travel(NOW, tick=False):
        account = approved_account(office, salesperson, name="脚本客户")
        made = requests.request_create(
            actor=salesperson, account=account, problem=payload("request problem", 5000), now=NOW
        )
        extras.photo_add(request=made, actor=salesperson, upload=png(), now=NOW)
        made = requests.request_confirm(request=made, actor=manager, approve=True, now=NOW)
        made = requests.request_file(request=made, actor=clerk, now=NOW)
        made = requests.request_contact(
            request=made, actor=technician, contacted_at=NOW, method="phone",
            note=payload("contact note"), now=NOW,
        )  # fmt: skip
        requests.request_escalate(
            request=made, actor=manager, reason=payload("escalation reason"), now=NOW
        )
        extras.request_instruct(
            request=made, actor=executive, note=payload("leadership instruction"), now=NOW
        )
        requests.request_result(
            request=made, actor=technician, result=payload("request result"),
            status=payload("request status"), now=NOW,
        )  # fmt: skip
        complaint = complaints.complaint_create(
            actor=salesperson, account=account, kind="complaint",
            text=payload("complaint text", 5000), now=NOW,
        )  # fmt: skip
        complaints.complaint_assign(complaint=complaint, actor=manager, handler=manager, now=NOW)
        complaints.complaint_reply(
            complaint=complaint, actor=manager, reply=payload("complaint reply"), method="phone",
            now=NOW,
        )  # fmt: skip
        budget = budgets.budget_create(
            actor=salesperson, office=office, month=TODAY, category="travel",
            purpose=payload("budget purpose"), amount=Decimal("500.00"), now=NOW,
        )  # fmt: skip
        budgets.budget_submit(budget=budget, actor=salesperson, now=NOW)
        step = budget.approvals().get(state="pending")
        approval_decide(approval=step, actor=manager, decision="approve", comment="", now=NOW)
        claim = claims.claim_create(
            actor=salesperson, budget=budget, date=TODAY, note=payload("claim note"), now=NOW,
            lines=[claims.LineInput(kind="receipt", description=payload("claim line", 300),
                                    amount="50.00")],
        )  # fmt: skip
        claims.claim_add_photo(claim=claim, actor=salesperson, upload=png(), now=NOW)
        fee = fees.manager_approved_fee(
            account, salesperson, manager, purpose=payload("fee purpose"), now=NOW
        )
        from specialfees.services import special_fee_executive_decide

        special_fee_executive_decide(
            fee=fee, actor=executive, decision="approve", payment_form="transfer",
            note=payload("fee payment note"), now=NOW,
        )  # fmt: skip
        penalties.penalty_record(
            office=office, person=salesperson, date=TODAY, amount=Decimal("20.00"),
            rule=payload("penalty rule", 200), reason=payload("penalty reason"), actor=manager,
            now=NOW,
        )  # fmt: skip
    return {
        "people": people,
        "request": made,
        "complaint": complaint,
        "budget": budget,
        "claim": claim,
        "fee": fee,
        "office": office,
    }


def _pages(p) -> dict[str, list[str]]:
    office = p["office"].pk
    request, complaint = p["request"].pk, p["complaint"].pk
    claim, budget, fee = p["claim"].pk, p["budget"].pk, p["fee"].pk
    return {
        "sp": [
            "/aftersales/",
            f"/aftersales/{request}/",
            "/aftersales/complaints/",
            f"/aftersales/complaints/{complaint}/",
            "/expenses/",
            f"/expenses/budgets/{budget}/",
            f"/expenses/claims/{claim}/",
            "/special-fees/",
            f"/special-fees/{fee}/",
            f"/reports/fines/?office={office}",
            "/notifications/",
        ],
        "manager": [
            f"/aftersales/{request}/",
            "/escalations/",
            f"/reports/fines/?office={office}",
            "/approvals/inbox/",
            f"/expenses/claims/{claim}/",
        ],
        "technician": ["/w/technical/", f"/aftersales/{request}/"],
        "executive": ["/w/leadership/", "/escalations/", f"/special-fees/{fee}/"],
        "clerk": ["/w/clerk/", f"/aftersales/{request}/"],
        "finance": [f"/w/finance/?office={office}", f"/special-fees/{fee}/"],
    }


def test_r16_no_payload_is_rendered_raw_and_each_is_shown_escaped(planted):
    raw: list[str] = []
    escaped: set[str] = set()
    pages = 0
    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
        for who, urls in _pages(planted).items():
            client = Client()
            client.force_login(planted["people"][who])
            client.cookies["django_language"] = "zh-hans"
            for url in urls:
                response = client.get(url)
                assert response.status_code == 200, (who, url, response.status_code)
                html = response.content.decode()
                pages += 1
                for field, text in PLANTED.items():
                    if text in html or "<img src=x onerror" in html:
                        raw.append(f"{who} {url}: {field}")
                    if escape(text) in html:
                        escaped.add(field)
    print(f"r16 xss: {pages} pages x {len(PLANTED)} payloads, raw {len(raw)}")
    assert raw == []
    assert set(PLANTED) - escaped == set(), f"never shown: {set(PLANTED) - escaped}"


def test_r16_json_gives_the_text_verbatim(planted):
    """The API returns what was typed as JSON strings (not HTML-escaped, not HTML)."""
    checks = [
        ("sp", f"/api/v1/after-sales/{planted['request'].pk}/", "request problem"),
        ("sp", "/api/v1/complaints/", "complaint text"),
        ("sp", "/api/v1/expense-budgets/", "budget purpose"),
        ("sp", f"/api/v1/special-fees/{planted['fee'].pk}/", "fee purpose"),
        ("sp", "/api/v1/penalties/", "penalty reason"),
        ("manager", "/api/v1/escalations/", "escalation reason"),
    ]
    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
        for who, url, field in checks:
            client = Client()
            client.force_login(planted["people"][who])
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["Content-Type"].startswith("application/json"), url
            assert response["X-Content-Type-Options"] == "nosniff"
            assert any(PLANTED[field] in text for text in strings(response.json())), (url, field)


def strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []
