"""Field-level exposure and mass assignment (issue 7).

Exposure: the phone of a customer is shown in full only to whoever may see that customer in
full (API.md, visibility; attribution.visibility): the salesperson holding the household's
claim (active or deal), and the front desk, the managers, the director and finance of the
customer's office. Everyone else — another salesperson of the office, the former owner of a
released claim, the sales assistant, the clerk, the warehouse keeper, any member of another
office — sees `139****0001` at most. Money of contracts, payments and refunds (R-6.4) is for
finance and the managers only (the credited salesperson reads what is paid on the instalments
they chase). Every page, API response, export (Excel, PDF), search result and notification
reachable by URL is fetched as one user of each kind of sight and searched for what they must
not see.

Mass assignment: every create, update and action endpoint of the API and every page form is
sent, beside its legitimate input, fields that a client must never set (owner, registration
time, credited salesperson, claim, status, protection end, ids ...). The database after the
request must equal the database after the same request without them (or the request is
refused and nothing is written).

The data set is built once per module, through the services, inside a transaction rolled back
at the end of the module; each test runs in its own savepoint.
"""

import contextlib
import datetime
import io
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from attribution.models import Claim, Dispute, FollowUp
from attribution.services import (
    ClaimedError,
    customer_register_own,
    dispute_open,
    dispute_rule,
    followup_log,
    household_link,
)
from deals import contracts
from deals import services as deal_services
from deals.factories import UnitFactory
from deals.models import Hold, Refund, Subscription
from leads.factories import channels_restored
from leads.models import Customer, SourceChannel
from notifications.models import Notification
from reception import services as desk
from reception.models import Visit
from reports import meetings
from reports.forms import cell_name
from reports.models import Fine, MeetingProblem, PeriodReport, WorkDiary
from reports.services import diary_submit
from staff.factories import OfficeFactory, UserFactory
from tests.aftersales import exposure_fixtures as r16_fixtures  # seca
from tests.contracts import exposure_fixtures as contract_fixtures
from tests.quotes import exposure_fixtures as quote_fixtures
from tests.receivables import exposure_fixtures as receivables_fixtures
from tests.shipping import exposure_fixtures as shipping_fixtures
from tests.workplans import exposure_fixtures as r17_fixtures  # seca
from workspace.roles import WORK_PAGES

SHANGHAI = ZoneInfo("Asia/Shanghai")
T = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=SHANGHAI)  # a Wednesday morning
TODAY = T.date()

# ---------------------------------------------------------------- the data set

# Distinctive phones: a full one in a response is a leak, whatever the markup around it.
P = {
    "a1": "13955500001",  # A's own registration, no name; household with a6
    "a2": "13955500002",  # a walk-in who named A at the desk; called the hotline too
    "a3": "13955500003",  # A's deal: hold, subscription, contract, payment, agreement
    "a4": "13955500004",  # B collided on it, disputed it, the manager kept it with A
    "a5": "13955500005",  # C's customer once, released, now A's
    "a6": "13955500006",  # a1's spouse
    "a8": "13955500008",  # held by A, released early: a refund
    "b1": "13955500011",  # B's own customer
    "u1": "13955500031",  # a hotline caller nobody holds
    "ref": "13955500041",  # pre-registered as referred by a2
    "wait": "13955500051",  # a large party waiting for the manager
    "c9": "13955500009",  # C's customer once, released, nobody holds them now
    "r1": "13955500021",  # a customer of the other office
}
HELD_BY = {"a": {"a1", "a2", "a3", "a4", "a5", "a6", "a8"}, "b": {"b1"}}
SUNNY = set(P) - {"r1"}
# contract, payment and balance figures that only finance and the managers may read
TOTAL, DEPOSIT, PAID = Decimal("1357913.57"), Decimal("20000.00"), Decimal("24680.13")
BALANCE = TOTAL - DEPOSIT - PAID
MONEY = [TOTAL, PAID, BALANCE]

ROLE_OF = {
    "secretary": "secretary",
    "a": "salesperson",
    "b": "salesperson",
    "c": "salesperson",
    "manager": "manager",
    "director": "director",
    "assistant": "assistant",
    "finance": "finance",
    "clerk": "clerk",
    "warehouse": "warehouse",
}
RIVER_ROLE_OF = {"r_manager": "manager", "r_sales": "salesperson", "r_secretary": "secretary"}


@contextlib.contextmanager
def rolled_back(django_db_blocker):
    """Everything written inside is undone at the end: the test database stays clean."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def build_world() -> dict:
    """Two offices and the records of one morning, created through the services at T."""
    now = T
    channels_restored()  # a transactional test before this one may have flushed them
    channel = SourceChannel.objects.get(code="passing")
    sunny = OfficeFactory(name="阳光花园售楼处", code="sunny")
    river = OfficeFactory(name="江畔售楼处", code="riverside")
    u = {
        key: UserFactory(username=f"s2-{key}", roles=[role], offices=[sunny])
        for key, role in ROLE_OF.items()
    }
    u |= {
        key: UserFactory(username=f"s2-{key}", roles=[role], offices=[river])
        for key, role in RIVER_ROLE_OF.items()
    }
    a, b, c, manager, secretary = u["a"], u["b"], u["c"], u["manager"], u["secretary"]
    desk.roster_set(office=sunny, date=TODAY, salespeople=[a, b, c], actor=manager)

    def own(who, key, at=now, office=sunny):
        return customer_register_own(
            office=office, salesperson=who, phone=P[key], name="", source_channel=channel, now=at
        )

    own(c, "a5", at=now - datetime.timedelta(days=10))  # released on 2026-03-03 00:00
    own(c, "c9", at=now - datetime.timedelta(days=10))
    for key in ("a1", "a3", "a4", "a5", "a6", "a8"):
        own(a, key)
    own(b, "b1")
    with contextlib.suppress(ClaimedError):  # refused, kept as a collision
        own(b, "a4")
    own(u["r_sales"], "r1", office=river)
    customers = {
        key: Customer.objects.get(phone=P[key])
        for key in ("a1", "a3", "a4", "a5", "a6", "a8", "b1", "c9", "r1")
    }

    visit, _new = desk.visit_register(
        office=sunny, actor=secretary, phone=P["a2"], source_channel=channel, now=now,
        named_salesperson=a,
    )  # fmt: skip
    customers["a2"] = visit.customer
    desk.visit_register(
        office=sunny, actor=secretary, phone=P["wait"], source_channel=channel, now=now,
        party_size=6, one_household=False,
    )  # fmt: skip
    customers["wait"] = Customer.objects.get(phone=P["wait"])
    desk.call_register(
        office=sunny, actor=secretary, kind="customer", content="问价格", phone=P["a2"], now=now
    )
    desk.call_register(
        office=sunny, actor=secretary, kind="customer", content="想看房", phone=P["u1"], now=now,
        source_channel=channel,
    )  # fmt: skip
    customers["u1"] = Customer.objects.get(phone=P["u1"])
    desk.referral_register(
        office=sunny, actor=secretary, referrer=customers["a2"], phone=P["ref"], name="", now=now
    )
    household_link(
        customer=customers["a1"], member=customers["a6"], relation="spouse", actor=a, now=now
    )
    followup_log(customer=customers["a1"], author=a, kind="call", note="回访", now=now)

    units = [UnitFactory(office=sunny, number=f"{n}01", floor=n) for n in (5, 6, 7, 8, 9)]
    deal_services.hold_create(unit=units[0], customer=customers["a3"], actor=a, now=now)
    subscription = deal_services.subscription_create(
        unit=units[0], customer=customers["a3"], deposit=DEPOSIT, actor=a, now=now
    )
    down = Decimal("300000.00")
    contract = contracts.contract_create(
        subscription=subscription,
        total_price=TOTAL,
        schedule=[
            {"kind": "down_payment", "due_date": TODAY + datetime.timedelta(3), "amount": down},
            {
                "kind": "loan",
                "due_date": TODAY + datetime.timedelta(60),
                "amount": TOTAL - DEPOSIT - down,
            },
        ],
        actor=manager,
        now=now,
    )
    contracts.payment_record(
        contract=contract,
        amount=PAID,
        instalment=contract.instalments.order_by("due_date").first(),
        actor=u["finance"],
        now=now,
    )
    hold = deal_services.hold_create(unit=units[1], customer=customers["a8"], actor=a, now=now)
    deal_services.hold_release(hold=hold, actor=manager, now=now)

    # units[2] stays free; units[3] is held for a1; units[4] is subscribed by a8, no contract
    deal_services.hold_create(unit=units[3], customer=customers["a1"], actor=a, now=now)
    deal_services.subscription_create(
        unit=units[4], customer=customers["a8"], deposit=DEPOSIT, actor=a, now=now
    )

    dispute = dispute_open(customer=customers["a4"], opener=b, reason="我先接待的", now=now)
    dispute_rule(dispute=dispute, actor=manager, decision="keep", reason="登记在先", now=now)
    dispute_open(customer=customers["a5"], opener=c, reason="我登记过", now=now)  # open
    diary_submit(
        salesperson=b, office=sunny, date=TODAY, feedback="客户关心学区", problems="", now=now
    )
    Fine.objects.create(
        office=sunny,
        salesperson=b,
        date=TODAY - datetime.timedelta(1),
        kind="missing",
        offence_number=1,
        amount=Decimal("10.00"),
    )
    meetings.meeting_record(office=sunny, date=TODAY, minutes="晨会", by=secretary, now=now)
    for escalate in (True, False):
        meetings.problem_raise(
            office=sunny, date=TODAY, text="车位不足", raised_by=b, escalate=escalate,
            by=secretary, now=now,
        )  # fmt: skip
    return {
        "sunny": sunny,
        "river": river,
        "users": u,
        "customers": customers,
        "units": units,
        "subscription": subscription,
        "contract": contract,
        "dispute": dispute,
        "visit": visit,
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with time_machine.travel(T, tick=False), rolled_back(django_db_blocker):
        yield build_world()


# ---------------------------------------------------------------- every URL of the project

SKIPPED_NAMES = {"api-schema", "api-docs", "api-root", "health", "logout", "set_language"}


def url_patterns() -> list[tuple[str, list[str]]]:
    """(name, keyword arguments) of every named URL pattern, the admin and the format-suffix
    duplicates left out."""

    def walk(resolver, namespace):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                inner = ":".join(filter(None, [namespace, p.namespace]))
                if p.namespace == "admin":
                    continue
                yield from walk(p, inner or None)
            elif p.name:
                name = f"{namespace}:{p.name}" if namespace else p.name
                yield name, list(p.pattern.regex.groupindex)

    seen, found = set(), []
    for name, kwargs in walk(get_resolver(), None):
        if "format" in kwargs or name in SKIPPED_NAMES or (name, tuple(kwargs)) in seen:
            continue
        seen.add((name, tuple(kwargs)))
        found.append((name, kwargs))
    return found


def object_ids(world) -> dict[str, list]:
    """For each URL name with an object in its path, the objects to put there."""
    from accounts.models import Account
    from approvals.models import Approval
    from catalog.models import Product
    from contracts.models import SalesContract
    from quotes.models import Enquiry, EnquiryQuestion, Quote
    from shipping.models import Confirmation, DemandRequest, OutboundOrder, ReturnRequest
    from visits.models import PlannedVisit, VisitPlan

    def ids(model):
        return list(model.objects.order_by("pk").values_list("pk", flat=True))

    def children(model, parent: str, kwarg: str):
        rows = model.objects.order_by("pk").values_list(f"{parent}_id", "pk")
        return [{"pk": owner, kwarg: pk} for owner, pk in rows]

    sunny, river = world["sunny"], world["river"]
    offices = [sunny.pk, river.pk]
    customers = [c.pk for c in world["customers"].values()]
    units = [unit.pk for unit in world["units"]]
    subscriptions = ids(Subscription)
    contract = [world["contract"].pk]
    disputes = ids(Dispute)
    visits = ids(Visit)
    claims = ids(Claim)
    return {
        "workspace:office": offices,
        "workspace:page": [{"slug": page.slug} for page in WORK_PAGES],
        "roster": [{"office_id": o, "date": TODAY.isoformat()} for o in offices],
        "duty-status": [{"office_id": o} for o in offices],
        "diary-detail": [{"date": TODAY.isoformat()}],
        "reception:visit_assign": visits,
        "reception:visit_research": visits,
        "reception:visit_on_behalf": visits,
        "attribution:followup": claims,
        "attribution:reassign": claims,
        "attribution:customer": customers,
        "attribution:household_link": customers[:1],
        "attribution:dispute_open": customers[:1],
        "attribution:dispute": disputes,
        "attribution:dispute_rule": disputes,
        "notifications:open": ids(Notification),
        "deals:unit_panel": units,
        "deals:unit_hold": units[:1],
        "deals:unit_subscribe": units[:1],
        "deals:hold_convert": units[:1],
        "deals:hold_release": units[:1],
        "deals:subscription_withdraw": units[:1],
        "deals:agreement": subscriptions,
        "deals:agreement_pdf": subscriptions,
        "finance:refund_pay": ids(Refund),
        "finance:payment_record": contract,
        "reports:diary_reply": ids(WorkDiary),
        "reports:fine_waive": ids(Fine),
        "reports:meeting_problem_escalate": ids(MeetingProblem),
        "reports:escalation_close": ids(MeetingProblem),
        "reports:period_report": ids(PeriodReport),
        "office-detail": offices,
        "staff-detail": [u.pk for u in world["users"].values()][:4],
        "customer-detail": customers,
        "customer-household": customers[:1],
        "customer-timeline": customers,
        "visit-detail": visits,
        "visit-market-research": visits[:1],
        "visit-on-behalf": visits[:1],
        "visit-reassign": visits[:1],
        "followup-void": ids(FollowUp),
        "dispute-detail": disputes,
        "dispute-rule": disputes,
        "hold-release": ids(Hold),
        "subscription-withdraw": subscriptions,
        "refund-pay": ids(Refund),
        "contract-detail": contract,
        "contract-payments": contract,
        "fine-waive": ids(Fine),
        # the sales department (issue 15): none in this world of the first part, but mapped
        "accounts:card": ids(Account),
        "account-detail": ids(Account),
        "account-grade": ids(Account),
        "account-submit": ids(Account),
        "account-reassign": ids(Account),
        **{
            f"accounts:{name}": ids(Account)
            for name in ("edit", "grade", "submit", "reassign", "credit_reviewed")
        },
        "approvals:decide": ids(Approval),
        "approval-decide": ids(Approval),
        "catalog:card": ids(Product),
        "catalog:deactivate": ids(Product),
        "catalog:reactivate": ids(Product),
        # weekly visit plans: the plans and lines the page specs make, when made
        **{name: ids(VisitPlan) for name in PLAN_URLS},
        **{name: ids(PlannedVisit) for name in PLAN_LINE_URLS},
        # enquiries and quotes: the ones the specs make, when made
        **{name: ids(Quote) for name in QUOTE_URLS},
        **{name: ids(Enquiry) for name in ENQUIRY_URLS},
        **{name: ids(EnquiryQuestion) for name in ("quotes:answer", "enquiry-question-answer")},
        # sales contracts: the ones the specs make, when made
        **{name: ids(SalesContract) for name in CONTRACT_URLS},
        # shipping and returns: the ones the specs make, when made
        **{
            name: ids(model)
            for model in (DemandRequest, OutboundOrder, Confirmation, ReturnRequest, SalesContract)
            for name in SHIPPING_URLS[model.__name__]
        },
        # invoicing and receivables: the ones the specs make, when made
        **{
            name: ids(apps.get_model(label))
            for label, names in RECEIVABLES_URLS.items()
            for name in names
        },
        # R-16 (issue 19): whatever this data set holds; the R-16 world of the permission
        # matrix (tests/security/matrix_r16_world.py) reads each of them as every persona
        **{name: ids(apps.get_model(label)) for label, names in R16_URLS.items() for name in names},
        **{
            name: children(apps.get_model(label), parent, kwarg)
            for label, (parent, kwarg, names) in R16_CHILD_URLS.items()
            for name in names
        },
        # BEGIN r17
        **r17_object_ids(ids, children),
        # END r17
    }


def concrete_urls(world) -> list[tuple[str, str]]:
    """(name, path) of every URL of the project with the data set's objects in it. A URL name
    with arguments that is not mapped above fails the test: a new URL must be covered."""
    sources = object_ids(world)
    urls, unmapped = [], []
    for name, kwargs in url_patterns():
        if not kwargs:
            urls.append((name, reverse(name)))
            continue
        values = sources.get(name)
        if values is None:
            unmapped.append(name)
            continue
        for value in values:
            arguments = value if isinstance(value, dict) else {kwargs[0]: value}
            urls.append((name, reverse(name, kwargs=arguments)))
    assert not unmapped, f"URLs without objects to try: {unmapped}"
    return urls


# ---------------------------------------------------------------- reading any response


def text_of(response) -> str:
    """What a user gets from a response: the page, the JSON, the cells of an Excel file or the
    text of a PDF, and the headers (a file name is read too)."""
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    if "spreadsheetml" in kind:
        book = load_workbook(io.BytesIO(body), read_only=True)
        cells = [
            str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
            for v in row if v is not None
        ]  # fmt: skip
        return headers + "\n" + "\n".join(cells)
    if "pdf" in kind:
        reader = PdfReader(io.BytesIO(body))
        return headers + "\n" + "\n".join(page.extract_text() for page in reader.pages)
    return headers + "\n" + body.decode("utf-8", errors="replace")


# ---------------------------------------------------------------- exposure: who may see what

FULL_VIEW = {"secretary", "manager", "director", "finance"}  # of their own office's customers
MONEY_READERS = {"manager", "director", "finance"}  # of their own office's contracts
SEARCH = "?q=1395550"


def dashed(key: str) -> str:
    """A phone as typed with dashes (R-1.1): searched by it, a page that echoes the query (the
    language switcher's `next`) does not echo the digits in one piece."""
    phone = P[key]
    return f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"


REPORT_FORMATS = ["", "?format=json", "?format=xlsx"]
HTMX = {"HTTP_HX_REQUEST": "true"}
VARIANTS = {
    "attribution:my": ["?tab=active", "?tab=released", "?tab=deal"],
    "attribution:claims": ["?tab=claims&status=all", "?tab=released", "?tab=collisions"],
    "reports:fines": REPORT_FORMATS,
    "reports:dashboard": REPORT_FORMATS,
    "reports:my_report": REPORT_FORMATS,
    "reports:team": REPORT_FORMATS,
    "reports:team_report": REPORT_FORMATS,
    "reports:front_desk": REPORT_FORMATS,
    "reports:channels": REPORT_FORMATS,
    "reports:period_report": REPORT_FORMATS,
    "reports:diary": ["", f"?date={TODAY}"],
    "reports:diaries": ["", f"?date={TODAY}"],
    "deals:customer_options": [SEARCH, f"?q={dashed('a1')}&field=sub-customer"],
    "deals:board": ["", ("?part=grid", HTMX)],
    "reception:lookup": [SEARCH, f"?phone={dashed('a4')}"],
    "reception:referrer_options": ["?referrer_q=1395550"],
    "reception:unassigned": ["", ("", HTMX)],
    "notifications:list": ["", ("", HTMX)],
    "notifications:badge": ["", "?seen=0-0"],
    "workspace:offices": ["", ("?q=s", HTMX)],
    "visits:plan": ["", "?week=this"],
    "visits:plans": ["", "?week=this"],
    "customer-list": ["", SEARCH, f"?phone={dashed('a1')}", f"?q={dashed('u1')}"],
    "claim-list": ["", "?status=released", "?status=active"],
    "visit-list": ["", f"?date={TODAY}"],
    "refund-list": ["", "?paid=0"],
    "diary-list": ["", f"?date={TODAY}"],
    "fine-list": ["", "?month=2026-03"],
    "notification-list": ["", "?unread=1"],
}


def forbidden_for(key: str) -> dict[str, str]:
    """What `key` must never read, each with its label: the full phones of the customers they
    may not see in full, and the contract's money unless they are finance or a manager of it."""
    if key in RIVER_ROLE_OF:
        phones = SUNNY  # another office: nothing of it
    elif key in FULL_VIEW:
        phones = {"r1"}
    else:
        phones = (SUNNY - HELD_BY.get(key, set())) | {"r1"}
    found = {P[p]: f"phone {p}" for p in phones}
    if key not in MONEY_READERS:
        # the credited salesperson chases the instalments: what was paid on each is theirs
        for amount in [TOTAL, BALANCE] if key == "a" else MONEY:
            found[f"{amount:.2f}"] = f"money {amount}"
            found[f"{amount:,.2f}"] = f"money {amount}"
    return found


def requests_of(world) -> list[tuple[str, str, dict]]:
    """(name, url, extra headers) of every GET this sweep makes."""
    found = []
    for name, path in concrete_urls(world):
        for variant in VARIANTS.get(name, [""]):
            query, headers = variant if isinstance(variant, tuple) else (variant, {})
            found.append((name, path + query, headers))
    return found


POST_ONLY: set[str] = set()  # URL names answering GET with 405, whoever asks


def get_all(client: Client, requests):
    """(url, response) of each GET, the POST-only URLs (the mass-assignment test's) left out
    once one of them has answered 405: the method is checked before the role."""
    for name, url, headers in requests:
        if name in POST_ONLY:
            continue
        response = client.get(url, **headers)
        if response.status_code == 405:
            POST_ONLY.add(name)
            continue
        yield url, response


def sweep(client: Client, requests, forbidden: dict[str, str]):
    """GET each URL; returns (responses read, leaks as (url, what))."""
    read, leaks = 0, []
    for url, response in get_all(client, requests):
        assert response.status_code < 500, (url, response.status_code)
        read += 1
        text = text_of(response)
        leaks += [(url, what) for value, what in forbidden.items() if value in text]
    return read, leaks


# one user of each kind of sight: the owner, another salesperson, a former owner, a role without
# customers (the assistant; the clerk, as the warehouse keeper), the desk and a manager (who see
# their office in full, not the other), another office's manager and salesperson
SWEPT = ["a", "b", "c", "assistant", "clerk", "secretary", "manager", "r_manager", "r_sales"]


@pytest.mark.parametrize("key", SWEPT)
def test_nobody_reads_what_they_may_not_see(world, db, key):
    """Every page, API response, export and search result, as each user: no full phone of a
    customer they may not see in full, no contract money unless finance or a manager."""
    client = Client()
    client.force_login(world["users"][key])
    with time_machine.travel(T + datetime.timedelta(minutes=5), tick=False):
        read, leaks = sweep(client, requests_of(world), forbidden_for(key))
    figure = f"{key}: responses read {read}, forbidden fields leaked: {len(leaks)}"
    print(figure)
    assert read > 40
    assert not leaks, f"{figure}: {leaks}"


def test_the_masked_form_is_shown_where_the_customer_is_listed(world, db):
    """Of a customer held by A, B sees `139****0001` (API.md) — in the API's search by the full
    number, on the
    customer's page, in the board's customer picker; the former owner C on the released tab;
    the claimant of a ruled dispute in the dispute list, on its page and in the notification;
    another salesperson on the printable agreement and its PDF. And whoever may see in full
    does."""
    u, c = world["users"], world["customers"]
    masked = {key: f"{phone[:3]}****{phone[-4:]}" for key, phone in P.items()}
    subscription = world["subscription"].pk
    expect = [
        # another's customer is found by the full number only, masked
        ("b", f"/api/v1/customers/?q={P['a1']}", [masked["a1"]]),
        ("b", f"/attribution/customers/{c['a1'].pk}/", [masked["a1"]]),
        ("b", f"/deals/customers/?q={dashed('a1')}", [masked["a1"]]),
        ("c", "/attribution/my/?tab=released", [masked["a5"], masked["c9"]]),
        ("b", "/attribution/disputes/", [masked["a4"]]),
        ("b", f"/attribution/disputes/{world['dispute'].pk}/", [masked["a4"]]),
        ("b", "/notifications/", [masked["a4"]]),
        ("b", "/api/v1/notifications/", [masked["a4"]]),
        ("b", "/reports/diary/", [masked["a4"]]),  # the collision of the day
        # (the clerk no longer opens it: deals.view_units is for the roles that sell units)
        ("b", f"/deals/subscriptions/{subscription}/agreement/", [masked["a3"]]),
        ("b", f"/deals/subscriptions/{subscription}/agreement.pdf", [masked["a3"]]),
        # in full: the holder, the desk, finance (and the PDF's text is read at all)
        ("a", f"/attribution/customers/{c['a1'].pk}/", [P["a1"], P["a6"]]),
        ("a", "/attribution/my/", [P["a1"], P["a4"]]),
        ("secretary", "/reception/lookup/?q=1395550", [P["a1"], P["u1"]]),
        ("finance", f"/deals/subscriptions/{subscription}/agreement.pdf", [P["a3"]]),
        ("a", f"/deals/subscriptions/{subscription}/agreement/", [P["a3"]]),
        ("manager", f"/api/v1/contracts/{world['contract'].pk}/", [f"{TOTAL:.2f}"]),
    ]
    missing = []
    with time_machine.travel(T + datetime.timedelta(minutes=5), tick=False):
        for key, url, shown in expect:
            client = Client()
            client.force_login(u[key])
            response = client.get(url)
            assert response.status_code == 200, (key, url, response.status_code)
            text = text_of(response)
            missing += [(key, url, value) for value in shown if value not in text]
    print(f"listings checked {len(expect)}, masked or full form missing: {len(missing)}")
    assert not missing


def test_contract_money_is_for_finance_and_managers(world, db, api):
    """R-6.4: a contract's price, balance and instalments are read by a manager or finance of
    the office; anyone else of the office gets 403, another office 404 (API.md)."""
    path = f"/api/v1/contracts/{world['contract'].pk}/"
    expected = {"finance": 200, "manager": 200, "director": 200, "r_manager": 404}
    expected |= {k: 403 for k in ("a", "b", "secretary", "assistant", "clerk", "warehouse")}
    with time_machine.travel(T + datetime.timedelta(minutes=5), tick=False):
        got = {}
        for key in expected:
            api.force_authenticate(world["users"][key])
            response = api.get(path)
            got[key] = response.status_code
            if response.status_code != 200:
                assert not {"total_price", "balance", "instalments"} & set(response.json())
    assert got == expected


# ---------------------------------------------------------------- mass assignment

HOSTILE_ID = 987654
LONG_AGO, FAR_AHEAD = "2001-02-03T04:05:06+08:00", "2099-01-01T00:00:00+08:00"
AT = T + datetime.timedelta(hours=1)  # every attempt at the same frozen instant
APPS = {"staff", "leads", "attribution", "reception", "deals", "reports", "notifications"}
APPS |= {"catalog", "stock"}  # products and stock
APPS |= {"accounts", "approvals"}  # accounts and their approvals
APPS |= {"visits"}  # visit plans and records
APPS |= {"quotes"}  # enquiries and quotes
APPS |= {"contracts"}  # sales contracts
APPS |= {"shipping"}  # shipping and returns
APPS |= {"receivables"}  # invoicing and receivables
APPS |= {"aftersales", "escalations", "expenses", "specialfees"}  # seca
APPS |= {"targets", "workplans", "dealers"}  # seca: R-17
UNTRACKED_COLUMNS = ("password",)  # salted anew by each request that sets one
UNTRACKED_COLUMNS += ("scan",)  # an uploaded file's stored name: random for each upload
UNTRACKED_COLUMNS += ("file", "image")  # seca: R-16's photos' stored names, the same


def hostile_fields(world) -> dict:
    """Fields a client never sets, each with a value that would do harm if it were taken: the
    ids are real (another salesperson of the office, B's customer and claim, another office)."""
    u, c = world["users"], world["customers"]
    other = u["c"].pk
    return {
        "id": HOSTILE_ID,
        "pk": HOSTILE_ID,
        "owner": other,
        "registered_at": LONG_AGO,
        "registered_by": other,
        "credited_salesperson": other,
        "claim": Claim.objects.filter(owner=u["b"]).values_list("pk", flat=True).first(),
        "status": "deal",
        "protected_until": FAR_AHEAD,
        "commission": "99999.00",
        "office": world["river"].pk,
        "assigned_to": other,
        "author": other,
        "created_by": other,
        "recorded_by": other,
        "signed_by": other,
        "opened_by": other,
        "claimant": other,
        "ruled_by": other,
        "paid_by": other,
        "paid_at": LONG_AGO,
        "household": c["b1"].household_id,
        "customer": c["b1"].pk,
        "unit": world["units"][2].pk,
        "rule": "manager",
        "is_new_customer": False,
        "research_status": "approved",
        "owed_turn_used": True,
        "expires_at": FAR_AHEAD,
        "fee": "1.00",
        "fee_credited": "99999.00",
        "deposit": "1.00",
        "amount": "1.00",
        "total_price": "1.00",
        "number": "HACK-1",
        "waived": True,
        "waived_at": LONG_AGO,
        "waived_by": other,
        "manager_reply": "hacked",
        "replied_by": other,
        "submitted_at": LONG_AGO,
        "late": False,
        "escalated": True,
        "escalated_at": LONG_AGO,
        "resolution": "hacked",
        "closed_at": LONG_AGO,
        "read_at": LONG_AGO,
        "recipient": other,
        "is_superuser": True,
        "is_staff": True,
        "is_active": False,
        "put_through_to": other,
        "started_at": LONG_AGO,
        "last_contact_at": LONG_AGO,
        "ended_at": LONG_AGO,
        "voided_at": LONG_AGO,
        "decision": "move",
        "new_owner": other,
        "salesperson": other,
        "receiver": other,
        "named_salesperson": other,
        "offence_number": 99,
        "period_start": "2001-01-01",
        "started_claim": True,
        # the credit limit and review are the manager's: the deputy the owner's
        "credit_limit": "99999999.00",
        "last_credit_review": "2001-02-03",
        "deputy": other,
        "merged_into": c["b1"].household_id,
        # what only the services set — the technician's finding, what shipped, the
        # colour of an order, who issued, shipped, inspected or approved, and when
        "genuine": False,
        "shipped": "999.000",
        "red": True,
        "approvals": [{"role": "manager", "state": "approved"}],
        "approved_at": LONG_AGO,
        "issued_by": other,
        "issued_at": LONG_AGO,
        "shipped_by": other,
        "shipped_at": LONG_AGO,
        "inspected_by": other,
        "inspected_at": LONG_AGO,
        "certificate_at": LONG_AGO,
        "cancelled_at": LONG_AGO,
        "recorded_at": LONG_AGO,
        # what only the services set — an invoice's due date and what is open of
        # it, a receipt's allocations and credit, the ledger's figures, the reversal or red
        # invoice a document is, who signed, sent, answered, checked, and when
        "due_date": "2001-02-03",
        "open_amount": "0.00",
        "allocated": "99999.00",
        "unallocated": "0.00",
        "allocations": [{"invoice": HOSTILE_ID, "amount": "1.00"}],
        "balance": "0.00",
        "opening": "99999.00",
        "closing": "0.00",
        "debit": "99999.00",
        "credit": "99999.00",
        "red_of": HOSTILE_ID,
        "reversal_of": HOSTILE_ID,
        "ledger": [{"debit": "99999.00"}],
        "signed_at": LONG_AGO,
        "sent_at": LONG_AGO,
        "answered_at": LONG_AGO,
        "resolved_at": LONG_AGO,
        "checked_at": LONG_AGO,
        "checked_by": other,
        "received_by": other,
        "customer_told_at": LONG_AGO,
        "open_total": "0.00",
        "overdue_total": "0.00",
        # BEGIN seca: R-16 — the step of a request, who works or handles it, the executive's
        # form of payment, the promise, a document's total and its escalation (issue 21)
        "state": "closed",
        "technician": other,
        "handler": other,
        "payment_form": "cash",
        "promised_at": LONG_AGO,
        "promised_by": other,
        "total": "99999.00",
        "paid_reference": "HACK",
        "escalated_by": other,
        "withdrawn_at": LONG_AGO,
        # END seca
    }


def tracked_tables() -> list[tuple[str, str]]:
    """(label, table) of every model of the project's apps, with the many-to-many tables; the
    history tables of django-pghistory (written with a fresh context id each time) left out."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        names = {f.name for f in model._meta.concrete_fields}
        if model._meta.app_label in APPS and "pgh_obj" not in names and "pgh_label" not in names:
            found.append((model._meta.label, model._meta.db_table, model._meta.pk.column))
    return sorted(found)


def snapshot(tables) -> dict[str, dict]:
    """Every row of every tracked table, in one query."""
    drop = " - ".join(f"'{c}'" for c in UNTRACKED_COLUMNS)
    parts = [
        f"SELECT '{label}', (SELECT coalesce(jsonb_agg(to_jsonb(t) - {drop} ORDER BY t.{pk}), "
        f"'[]') FROM {table} t)"
        for label, table, pk in tables
    ]
    pks = dict((label, pk) for label, _table, pk in tables)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        rows = cursor.fetchall()
    decoded = {label: json.loads(data) if isinstance(data, str) else data for label, data in rows}
    return {label: {row[pks[label]]: row for row in data} for label, data in decoded.items()}


def differences(a: dict, b: dict) -> list[str]:
    found = []
    for label in sorted(a.keys() | b.keys()):
        rows_a, rows_b = a.get(label, {}), b.get(label, {})
        for pk in sorted(rows_a.keys() | rows_b.keys()):
            x, y = rows_a.get(pk), rows_b.get(pk)
            if x is None or y is None:
                found.append(f"{label} #{pk} {'only with' if x is None else 'only without'}")
                continue
            found += [f"{label} #{pk} {f}: {x[f]!r} -> {y[f]!r}" for f in x if x[f] != y.get(f)]
    return found


def sequences() -> list[tuple[str, int | None]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value "
            "FROM pg_sequences WHERE schemaname = current_schema()"
        )
        return cursor.fetchall()


def rewind(saved) -> None:
    """Sequences are not transactional: put them back, so that a request made again from the
    same rolled-back state gives its new rows the same ids."""
    calls = ", ".join("setval(%s, %s, %s)" for _ in saved)
    params = [p for name, value in saved for p in (name, value or 1, value is not None)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {calls}", params)


def send(client: Client, spec: dict, body: dict):
    files = spec.get("files", lambda: {})()
    if spec["path"].startswith("/api/") and not files:  # an upload goes as multipart
        return client.generic(
            spec.get("method", "POST"),
            spec["path"],
            json.dumps(body, default=str),
            content_type="application/json",
        )
    return client.post(spec["path"], {**body, **files})


def with_extras(body: dict, hostile: dict, legit=()) -> dict:
    """The body with every hostile field it does not legitimately carry; on a page form also
    under the form's prefix (`c12-owner`)."""
    extras = {k: v for k, v in hostile.items() if k not in body and k not in legit}
    prefixes = {k.split("-")[0] + "-" for k in body if "-" in k}
    prefixed = {p + k: v for p in prefixes for k, v in extras.items() if p + k not in body}
    return {**body, **extras, **prefixed}


def attempt(client, spec, body, tables, saved):
    """The request from the state of the test's start, rolled back; returns its status and the
    database it leaves."""
    with time_machine.travel(AT, tick=False):
        point = transaction.savepoint()
        try:
            rewind(saved)
            response = send(client, spec, body)
            after = snapshot(tables)
        finally:
            transaction.savepoint_rollback(point)
    return response.status_code, after


def check_mass_assignment(world, specs) -> tuple[int, list[str]]:
    """Each spec with and without the hostile fields; returns (fields sent, fields written)."""
    hostile = hostile_fields(world)
    tables = tracked_tables()
    sent, written = 0, []
    for spec in specs:
        client = Client()
        client.force_login(world["users"][spec["user"]])
        saved = sequences()
        before = snapshot(tables)
        status, baseline = attempt(client, spec, spec["body"], tables, saved)
        label = f"{spec['path']} as {spec['user']}"
        assert status < 400, f"{label}: the plain request fails ({status})"
        assert differences(before, baseline), f"{label}: the plain request writes nothing"
        body = with_extras(spec["body"], hostile, spec.get("legit", ()))
        sent += len(body) - len(spec["body"])
        hostile_status, after = attempt(client, spec, body, tables, saved)
        rogue = {f"{label}: a row #{HOSTILE_ID}" for rows in after.values() if HOSTILE_ID in rows}
        if after != before:  # not refused: it must write what the plain request writes
            rogue |= {f"{label} ({hostile_status}): {d}" for d in differences(baseline, after)}
        written += sorted(rogue)
    return sent, written


def _objects(world) -> dict:
    """The data set's records the writing requests act on."""
    u, c, units = world["users"], world["customers"], world["units"]
    return {
        "passing": SourceChannel.objects.get(code="passing"),
        "visit": world["visit"],
        "waiting": Visit.objects.get(customer=c["wait"]),
        "followup": FollowUp.objects.filter(author=u["a"]).first(),
        "a4_claim": Claim.objects.get(household=c["a4"].household, status="active"),
        "released": Claim.objects.get(household=c["c9"].household),
        "open_dispute": Dispute.objects.get(status="open"),
        "hold": Hold.objects.get(unit=units[3], status="active"),
        "sub2": Subscription.objects.get(unit=units[4]),
        "refund": Refund.objects.get(),
        "instalment": world["contract"].instalments.order_by("due_date").first(),
        "fine": Fine.objects.get(salesperson=u["b"]),
        "diary": WorkDiary.objects.get(salesperson=u["b"]),
        "to_escalate": MeetingProblem.objects.get(escalated_at__isnull=True),
        "escalated": MeetingProblem.objects.get(escalated_at__isnull=False),
        "b_notification": Notification.objects.filter(recipient=u["b"]).first(),
    }


def _stock_objects(world):
    """A product and a warehouse of the sunny office (R-10), made once."""
    from catalog.models import Product
    from catalog.services import product_create
    from stock.models import Warehouse

    product = Product.objects.filter(code="DJ-1").first() or product_create(
        actor=world["users"]["manager"], now=T, code="DJ-1", name="电机", unit="台",
        list_price=Decimal("100.00"), floor_price=Decimal("80.00"), cost=Decimal("60.00"),
    )  # fmt: skip
    store, _created = Warehouse.objects.get_or_create(
        office=world["sunny"], code="WH-A", defaults={"name": "一号仓库"}
    )
    return store, product


def _inactive_product(world):
    """A product no longer sold (R-10.1), to sell again; made once."""
    from catalog.models import Product
    from catalog.services import product_create, product_set_active

    product = Product.objects.filter(code="DJ-OLD").first() or product_create(
        actor=world["users"]["manager"], now=T, code="DJ-OLD", name="旧电机", unit="台",
        list_price=Decimal("100.00"), floor_price=Decimal("80.00"), cost=Decimal("60.00"),
    )  # fmt: skip
    return product_set_active(product=product, active=False, actor=world["users"]["manager"], now=T)


def credit_code(n: int) -> str:
    """A valid unified social credit code (GB 32100, its organisation code GB 11714)."""
    from accounts.rules import org_check_char, uscc_check_char

    org = f"{n:08d}"
    body = "91350100" + org + org_check_char(org)
    return body + uscc_check_char(body)


def _account_objects(world) -> dict:
    """User a's accounts (R-9.1), made once: one approved, one rejected (to submit again), one
    pending (its approval to decide)."""
    from accounts.models import Account
    from accounts.services import account_create
    from approvals.services import approval_decide

    a, manager = world["users"]["a"], world["users"]["manager"]
    made = {account.name: account for account in Account.objects.filter(author=a)}
    for n, name in enumerate(("approved", "rejected", "pending"), start=1):
        if name not in made:
            made[name] = account_create(
                actor=a, office=world["sunny"], now=T, name=name, credit_code=credit_code(n)
            )
    for name, decision in (("approved", "approve"), ("rejected", "reject")):
        pending = made[name].approvals().filter(state="pending").first()
        if pending is not None:
            approval_decide(
                approval=pending, actor=manager, decision=decision, comment="核实", now=T
            )
    return {name: Account.objects.get(pk=account.pk) for name, account in made.items()}


def _account_page_specs(world) -> list[dict]:
    """The account pages' forms (R-9.1, R-9.3, R-9.4, R-9.5) and the inbox's decision (R-8)."""
    u, sunny = world["users"], world["sunny"].pk
    accounts = _account_objects(world)
    approved, rejected = accounts["approved"].pk, accounts["rejected"].pk
    decide = accounts["pending"].approvals().get(state="pending")
    management = {
        f"contacts-{k}": v
        for k, v in (("TOTAL_FORMS", 1), ("INITIAL_FORMS", 0), ("MAX_NUM_FORMS", 1000))
    }
    return [
        {
            "name": "accounts:edit",
            "user": "a",
            "path": f"/accounts/{approved}/edit/",
            "body": {
                "name": "approved",
                "kind": "dealer",
                "address": "福州市鼓楼区",
                "deputy": "",
                **management,
                "contacts-0-name": "张经理",
                "contacts-0-phone": "0591-88888888",
                "contacts-0-primary": "on",
            },
        },
        {
            "name": "accounts:grade",
            "user": "a",
            "path": f"/accounts/{approved}/grade/",
            "body": {"grade": "A", "reason": "需求大且急"},
        },
        {
            "name": "accounts:submit",
            "user": "a",
            "path": f"/accounts/{rejected}/submit/",
            "body": {},
        },
        {
            "name": "accounts:reassign",
            "user": "manager",
            "path": f"/accounts/{approved}/reassign/",
            "body": {
                "office": sunny,
                f"a{approved}-owner": u["b"].pk,
                f"a{approved}-deputy": "",
                f"a{approved}-reason": "均衡负担",
            },
        },
        {
            "name": "accounts:credit_reviewed",
            "user": "manager",
            "path": f"/accounts/{approved}/credit-reviewed/",
            "body": {},
        },
        {
            "name": "approvals:decide",
            "user": "manager",
            "path": f"/approvals/{decide.pk}/decide/",
            "body": {"decision": "approve", "comment": "同意"},
        },
    ]


def api_specs(world) -> list[dict]:
    """Every create, update and action endpoint of the API (salesoffice/urls.py, the routers),
    each with a body that succeeds, sent by a user who may."""
    u, c, units, o = world["users"], world["customers"], world["units"], _objects(world)
    sunny, today = world["sunny"].pk, TODAY.isoformat()
    store, product = _stock_objects(world)
    accounts = _account_objects(world)
    decide = accounts["pending"].approvals().get(state="pending")
    return [
        *_quote_specs(world, quote_fixtures.api_specs),
        *contract_fixtures.api_specs(_contract_objects(world)),
        *shipping_fixtures.api_specs(_shipping_objects(world), TODAY),
        *receivables_fixtures.api_specs(_receivables_objects(world), TODAY),
        # BEGIN seca: R-16's writing endpoints (issue 21)
        *r16_fixtures.api_specs(_r16_objects(world), TODAY, world["users"]),
        *r17_fixtures.api_specs(_r17_objects(world), TODAY, world["users"], world["sunny"]),
        # END seca
        *_record_specs(world, "api"),
        {
            "name": "account-list",
            "user": "a",
            "path": "/api/v1/accounts/",
            "body": {
                "office": sunny,
                "name": "宏达建材",
                "credit_code": credit_code(9),
                "deputy": None,
            },
        },
        {
            "name": "account-detail",
            "user": "a",
            "method": "PATCH",
            "path": f"/api/v1/accounts/{accounts['approved'].pk}/",
            "body": {"address": "福州市鼓楼区", "deputy": None},
        },
        {
            "name": "account-reassign",
            "user": "manager",
            "path": f"/api/v1/accounts/{accounts['approved'].pk}/reassign/",
            "body": {"owner": u["b"].pk, "deputy": None, "reason": "均衡负担"},
        },
        {
            "name": "account-grade",
            "user": "a",
            "path": f"/api/v1/accounts/{accounts['approved'].pk}/grade/",
            "body": {"grade": "A", "reason": "需求大且急"},
        },
        {
            "name": "account-submit",
            "user": "a",
            "path": f"/api/v1/accounts/{accounts['rejected'].pk}/submit/",
            "body": {},
        },
        {
            "name": "approval-decide",
            "user": "manager",
            "path": f"/api/v1/approvals/{decide.pk}/decide/",
            "body": {"decision": "approve", "comment": "同意"},
        },
        {
            "name": "product-list",
            "user": "manager",
            "path": "/api/v1/products/",
            "body": {
                "code": "MA-1",
                "name": "水泵",
                "unit": "台",
                "list_price": "10.00",
                "floor_price": "8.00",
                "cost": "5.00",
            },
        },
        {
            "name": "warehouse-list",
            "user": "manager",
            "path": "/api/v1/warehouses/",
            "body": {"office": sunny, "code": "WH-M", "name": "二号仓库"},
        },
        {
            "name": "stock-adjustment-list",
            "user": "warehouse",
            "path": "/api/v1/stock/adjustments/",
            "body": {
                "warehouse": store.pk,
                "product": product.pk,
                "quantity": "5",
                "reason": "到货",
            },
        },
        {
            "name": "customer-list",
            "user": "b",
            "path": "/api/v1/customers/",
            "body": {"office": sunny, "phone": "13955509001", "source_channel": "passing"},
        },
        {
            "name": "customer-household",
            "user": "a",
            "path": f"/api/v1/customers/{c['a1'].pk}/household/",
            "body": {"member": c["a5"].pk, "relation": "child"},
        },
        {
            "name": "visit-list",
            "user": "secretary",
            "path": "/api/v1/visits/",
            "body": {
                "office": sunny,
                "phone": "13955509002",
                "source_channel": "passing",
                "named_salesperson": u["a"].pk,
            },
        },
        {
            "name": "visit-reassign",
            "user": "manager",
            "path": f"/api/v1/visits/{o['waiting'].pk}/reassign/",
            "body": {"salesperson": u["b"].pk, "reason": "大客户"},
        },
        {
            "name": "visit-market-research",
            "user": "a",
            "path": f"/api/v1/visits/{o['visit'].pk}/market-research/",
            "body": {"step": "flag"},
        },
        {
            "name": "visit-on-behalf",
            "user": "secretary",
            "path": f"/api/v1/visits/{o['visit'].pk}/on-behalf/",
            "body": {"receiver": u["b"].pk},
        },
        {
            "name": "call-list",
            "user": "secretary",
            "path": "/api/v1/calls/",
            "body": {"office": sunny, "kind": "customer", "phone": P["a2"], "content": "再问"},
        },
        {
            "name": "referral-list",
            "user": "secretary",
            "path": "/api/v1/referrals/",
            "body": {"office": sunny, "referrer": c["a2"].pk, "phone": "13955509003"},
        },
        {
            "name": "followup-list",
            "user": "a",
            "path": "/api/v1/followups/",
            "body": {"customer": c["a4"].pk, "kind": "call", "note": "回访"},
            "legit": ("at", "next_step"),
        },
        {
            "name": "followup-void",
            "user": "manager",
            "path": f"/api/v1/followups/{o['followup'].pk}/void/",
            "body": {"reason": "重复"},
        },
        {
            "name": "dispute-list",
            "user": "b",
            "path": "/api/v1/disputes/",
            "body": {"customer": c["a4"].pk, "reason": "再申诉"},
        },
        {
            "name": "dispute-rule",
            "user": "manager",
            "path": f"/api/v1/disputes/{o['open_dispute'].pk}/rule/",
            "body": {"decision": "keep", "reason": "维持"},
        },
        {
            "name": "unit-list",
            "user": "manager",
            "path": "/api/v1/units/",
            "body": {
                "office": sunny,
                "project": "二期",
                "building": "2",
                "number": "301",
                "floor": 3,
                "area": "88.00",
                "list_price": "900000.00",
            },
            "legit": ("layout", "orientation"),
        },
        {
            "name": "hold-list",
            "user": "a",
            "path": "/api/v1/holds/",
            "body": {"unit": units[2].pk, "customer": c["a4"].pk},
            "legit": ("fee",),
        },
        {
            "name": "hold-release",
            "user": "a",
            "path": f"/api/v1/holds/{o['hold'].pk}/release/",
            "body": {},
        },
        {
            "name": "subscription-list",
            "user": "a",
            "path": "/api/v1/subscriptions/",
            "body": {"unit": units[2].pk, "customer": c["a4"].pk, "deposit": "6000.00"},
        },
        {
            "name": "subscription-withdraw",
            "user": "manager",
            "path": f"/api/v1/subscriptions/{o['sub2'].pk}/withdraw/",
            "body": {},
        },
        {
            "name": "refund-pay",
            "user": "finance",
            "path": f"/api/v1/refunds/{o['refund'].pk}/pay/",
            "body": {},
        },
        {
            "name": "contract-list",
            "user": "manager",
            "path": "/api/v1/contracts/",
            "body": {
                "subscription": o["sub2"].pk,
                "total_price": "1000000.00",
                "schedule": [
                    {
                        "kind": "down_payment",
                        "due_date": (TODAY + datetime.timedelta(10)).isoformat(),
                        "amount": "980000.00",
                    }
                ],
            },
        },
        {
            "name": "contract-payments",
            "user": "finance",
            "path": f"/api/v1/contracts/{world['contract'].pk}/payments/",
            "body": {"amount": "1000.00", "instalment": o["instalment"].pk},
        },
        {
            "name": "notification-read",
            "user": "b",
            "path": "/api/v1/notifications/read/",
            "body": {"ids": [o["b_notification"].pk]},
        },
        {
            "name": "diary-detail",
            "user": "b",
            "method": "PUT",
            "path": f"/api/v1/diaries/{today}/",
            "body": {"feedback": "客户多", "problems": "车位"},
            "legit": ("office",),
        },
        {
            "name": "fine-waive",
            "user": "manager",
            "path": f"/api/v1/fines/{o['fine'].pk}/waive/",
            "body": {"reason": "请假"},
        },
        {
            "name": "roster",
            "user": "manager",
            "method": "PUT",
            "path": f"/api/v1/offices/{sunny}/roster/{(TODAY + datetime.timedelta(1))}/",
            "body": {"salespeople": [u["b"].pk, u["a"].pk]},
        },
        {
            "name": "duty-status",
            "user": "manager",
            "path": f"/api/v1/offices/{sunny}/duty-status/",
            "body": {"salesperson": u["b"].pk, "status": "busy"},
        },
        {
            "name": "staff-list",
            "user": "manager",
            "path": "/api/v1/staff/",
            "body": {
                "username": "s2-new",
                "password": "Quite-long-pass-2026",
                "display_name": "新人",
                "roles": ["salesperson"],
                "offices": [sunny],
            },
        },
        {
            "name": "office-list",
            "user": "director",
            "path": "/api/v1/offices/",
            "body": {"name": "新售楼处", "code": "s2-new-office", "timezone": "Asia/Shanghai"},
        },
    ]


def _import_file():
    book = Workbook()
    sheet = book.active
    sheet.append(["项目", "楼栋", "房号", "楼层", "面积", "表价"])
    sheet.append(["三期", "3", "1201", 12, 99.5, 1500000])
    content = io.BytesIO()
    book.save(content)
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return {"file": SimpleUploadedFile("units.xlsx", content.getvalue(), content_type=kind)}


def _catalog_file():
    """Products and opening stock (R-10): one product, no stock."""
    book = Workbook()
    book.active.append(["编码", "名称", "规格", "单位", "税率", "表价", "底价", "成本"])
    book.active.append(["SB-9", "水泵", "", "台", "13%", 3200, 2900, 2100])
    book.create_sheet().append(["仓库编码", "产品编码", "数量"])
    content = io.BytesIO()
    book.save(content)
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return {"file": SimpleUploadedFile("products.xlsx", content.getvalue(), content_type=kind)}


PLAN_URLS = ("visits:plan_review", "visits:plan_line_add", "visits:plan_submit")
PLAN_URLS += ("visits:plan_confirm",)
PLAN_LINE_URLS = ("visits:plan_line", "visits:plan_line_remove", "visits:plan_line_outcome")


QUOTE_URLS = ("quotes:detail", "quotes:edit", "quotes:edit_preview", "quotes:submit")
QUOTE_URLS += ("quotes:outcome", "quotes:pdf", "quote-detail", "quote-submit", "quote-outcome")
ENQUIRY_URLS = ("quotes:enquiry", "quotes:enquiry_submit", "quotes:enquiry_ask")
ENQUIRY_URLS += ("enquiry-detail", "enquiry-submit", "enquiry-questions")


def _quote_objects(world) -> dict:
    """a's enquiry, question and quotes (tests/quotes/exposure_fixtures.py), made once; the
    technician who answers joins the users."""
    u = world["users"]
    account = _account_objects(world)["approved"]
    q = quote_fixtures.quote_world(
        office=world["sunny"], a=u["a"], manager=u["manager"], account=account, now=T
    )
    u["technician"] = q["technician"]
    return q | {"account": account}


CONTRACT_URLS = ("contracts:detail", "contracts:edit", "contracts:submit", "contracts:cancel")
CONTRACT_URLS += ("contracts:fulfil", "contracts:close", "contracts:scan", "contracts:file")
CONTRACT_URLS += ("sales-contract-detail", "sales-contract-submit", "sales-contract-cancel")
CONTRACT_URLS += ("sales-contract-file",)


def _contract_objects(world) -> dict:
    """a's contracts in each state (tests/contracts/exposure_fixtures.py), made once."""
    u = world["users"]
    return contract_fixtures.contract_world(
        office=world["sunny"], a=u["a"], manager=u["manager"], now=T
    )


def _shipping_objects(world) -> dict:
    """a's contract with its demand requests, orders and returns
    (tests/shipping/exposure_fixtures.py), made once; the technician joins the users."""
    return shipping_fixtures.shipping_world(office=world["sunny"], users=world["users"], now=T)


SHIPPING_URLS = {
    "DemandRequest": (
        "shipping:request",
        "shipping:request_submit",
        "shipping:request_cancel",
        "shipping:request_issue",
        "demand-request-detail",
        "demand-request-submit",
        "demand-request-cancel",
    ),
    "OutboundOrder": (
        "shipping:order",
        "shipping:order_ship",
        "shipping:order_confirm",
        "shipping:order_pdf",
        "outbound-order-detail",
        "outbound-order-ship",
        "outbound-order-confirmation",
    ),
    "Confirmation": (
        "shipping:confirmation_scan",
        "shipping:confirmation_attach",
        "confirmation-detail",
        "confirmation-scan",
    ),
    "ReturnRequest": (
        "shipping:return",
        "shipping:return_submit",
        "shipping:return_cancel",
        "shipping:return_inspect",
        "shipping:return_certificate",
        "shipping:return_certificate_pdf",
        "shipping:return_red_order",
        "return-detail",
        "return-submit",
        "return-inspection",
        "return-cancel",
        "return-certificate",
    ),
    "SalesContract": ("shipping:late_reason",),
}


# R-16 (issue 19): after-sales, complaints, expenses, special fees, penalties, escalations
R16_URLS = {
    "reports.Penalty": ("reports:penalty_withdraw", "penalty-withdraw"),
    "escalations.Escalation": ("escalations:close", "escalation-detail", "escalation-close"),
    "aftersales.ServiceRequest": (
        *(
            f"aftersales:{n}"
            for n in [
                "detail",
                "confirm",
                "file",
                "take",
                "contact",
                "result",
                "close",
                "escalate",
                "instruct",
                "rate",
                "photo_add",
            ]
        ),
        *(
            f"after-sales-{n}"
            for n in [
                "detail",
                "close",
                "confirm",
                "contact",
                "escalate",
                "file-",
                "instruct",
                "photos",
                "result",
                "take",
            ]
        ),
    ),
    "aftersales.Complaint": (
        "aftersales:complaint",
        "aftersales:complaint_assign",
        "aftersales:complaint_reply",
        "complaint-detail",
        "complaint-assign",
        "complaint-reply",
    ),
    "expenses.ExpenseBudget": (
        "expenses:budget",
        "expenses:budget_submit",
        "expenses:budget_close",
        "expense-budget-detail",
        "expense-budget-close",
        "expense-budget-submit",
    ),
    "expenses.ExpenseClaim": (
        "expenses:claim",
        "expenses:claim_line_add",
        "expenses:claim_photo_add",
        "expenses:claim_submit",
        "expenses:claim_pay",
        "expense-claim-detail",
        "expense-claim-pay",
        "expense-claim-photos",
        "expense-claim-submit",
    ),
    "specialfees.SpecialFee": (
        *(f"specialfees:{n}" for n in ["detail", "submit", "cancel", "promise", "decide", "pay"]),
        *(f"special-fee-{n}" for n in ["detail", "pay", "payment-form", "promise", "submit"]),
    ),
}
# the URLs of a document's child rows: (model, (parent field, URL argument, URL names))
R16_CHILD_URLS = {
    "aftersales.ServiceRequestPhoto": ("request", "photo_pk", ("aftersales:photo",)),
    "expenses.ClaimLine": ("claim", "line_pk", ("expenses:claim_line_remove",)),
    "expenses.ClaimPhoto": (
        "claim",
        "photo_pk",
        ("expenses:photo", "expenses:claim_photo_remove"),
    ),
}


# BEGIN r17: targets, work plans, dealers, the department's reports (R-17, issue 20)
R17_URLS = {
    "workplans.WorkPlan": (
        *(f"workplans:{n}" for n in ["detail", "edit", "line_add", "refresh", "submit", "cancel"]),
        *(f"work-plan-{n}" for n in ["detail", "submit", "cancel", "refresh", "lines"]),
    ),
    "dealers.DealerDispute": (
        *(f"dealers:dispute_{n}" for n in ["help", "escalate", "settle"]),
        *(f"dealer-dispute-{n}" for n in ["detail", "help", "escalate", "settle"]),
    ),
}
R17_DEALER_URLS = ("dealers:detail", "dealers:dispute_new")  # an account of kind dealer
R17_CHILD_URLS = {"workplans.WorkPlanVisit": ("plan", "line", ("workplans:line_remove",))}
# their writing endpoints are tried for mass assignment by tests/security/test_r17_abuse.py
R17_API_PREFIXES = ("work-plan-", "dealer-dispute-", "sales-target-", "target-explanation-")
R17_VARIANTS = {
    "deptreports:report": REPORT_FORMATS,
    "deptreports:dashboard": ["", "?format=json"],
    "targets:actuals": REPORT_FORMATS,
    "targets:branch": ["", "?format=xlsx"],
}
VARIANTS.update(R17_VARIANTS)


def r17_object_ids(ids, children) -> dict[str, list]:
    """The R-17 URLs' objects: whatever this data set holds (the permission matrix's R-17 world,
    tests/security/matrix_r17_world.py, reads each of them as every persona), and every report
    of the department's registry."""
    from accounts.models import Account
    from deptreports.registry import REPORTS

    dealers = list(
        Account.objects.filter(kind="dealer").order_by("pk").values_list("pk", flat=True)
    )
    found = {
        name: ids(apps.get_model(label)) for label, names in R17_URLS.items() for name in names
    }
    found |= {name: dealers for name in R17_DEALER_URLS}
    found |= {
        name: children(apps.get_model(label), parent, kwarg)
        for label, (parent, kwarg, names) in R17_CHILD_URLS.items()
        for name in names
    }
    found["deptreports:report"] = [{"key": key} for key in sorted(REPORTS)]
    return found


# END r17


RECEIVABLES_URLS = {
    "receivables.InvoiceRequest": (
        "receivables:request",
        "receivables:request_submit",
        "receivables:request_cancel",
        "receivables:invoice_issue",
        "invoice-request-detail",
        "invoice-request-submit",
        "invoice-request-cancel",
    ),
    "receivables.Invoice": (
        "receivables:invoice",
        "receivables:invoice_red",
        "receivables:invoice_sign",
        "receivables:invoice_query",
        "receivables:invoice_answer",
        "invoice-detail",
        "invoice-red",
        "invoice-signature",
    ),
    "receivables.WriteOff": (
        "receivables:write_off",
        "receivables:write_off_submit",
        "receivables:write_off_cancel",
        "write-off-detail",
        "write-off-submit",
    ),
    "receivables.Receipt": (
        "receivables:receipt",
        "receivables:receipt_allocate",
        "receivables:receipt_reverse",
        "receipt-detail",
        "receipt-allocate",
        "receipt-reverse",
    ),
    "accounts.Account": ("receivables:ledger", "account-ledger"),
    "receivables.CollectionRequest": (
        "receivables:collection",
        "receivables:collection_submit",
        "receivables:collection_cancel",
        "receivables:collection_told",
        "collection-request-detail",
        "collection-request-submit",
        "collection-request-cancel",
    ),
    "receivables.Handover": ("receivables:handover_sign", "handover-detail", "handover-sign"),
    "receivables.CollectionNotice": ("receivables:notice", "receivables:notice_sign"),
    "receivables.StatementRun": ("receivables:statement_run",),
    "receivables.Statement": (
        "receivables:statement",
        "receivables:statement_pdf",
        "receivables:statement_send",
        "receivables:statement_answer",
        "statement-detail",
        "statement-send",
        "statement-answer",
    ),
    "receivables.StatementDifference": ("receivables:difference_resolve",),
    "receivables.UnpaidReport": ("receivables:unpaid", "receivables:unpaid_check"),
}


def _receivables_objects(world) -> dict:
    """a's invoices, receipts, requests, statements … on the shipping contract
    (tests/receivables/exposure_fixtures.py), made once."""
    return receivables_fixtures.receivables_world(
        office=world["sunny"], users=world["users"], now=T
    )


# BEGIN seca
def _r16_objects(world) -> dict:
    """After-sales, complaints, expenses, special fees and a penalty of a's office, a
    technician and an executive (tests/aftersales/exposure_fixtures.py), made once."""
    return r16_fixtures.r16_world(office=world["sunny"], users=world["users"], now=T)


def _r17_objects(world) -> dict:
    """a's dealers, a dispute and a's monthly work plan (tests/workplans/exposure_fixtures.py)."""
    return r17_fixtures.r17_world(office=world["sunny"], users=world["users"], now=T)


# END seca
def _quote_specs(world, specs) -> list[dict]:
    q = _quote_objects(world)
    return specs(q, q["account"], TODAY)


def test_the_cost_of_quoted_products_is_for_managers(world, db):
    """R-10.1: a quote's products' cost is read on its page by the manager; never by the
    salesperson, another salesperson or another office, on any page, PDF or API response."""
    q = _quote_objects(world)
    cost = f"{quote_fixtures.COST:.2f}"
    seen = {}
    with time_machine.travel(T + datetime.timedelta(minutes=5), tick=False):
        for key in ("a", "b", "manager", "r_manager"):
            client = Client()
            client.force_login(world["users"][key])
            texts = []
            for url in quote_fixtures.readable_urls(q):
                response = client.get(url)
                assert response.status_code < 500, url
                texts.append(text_of(response))
            seen[key] = any(cost in text for text in texts)
    assert seen == {"a": False, "b": False, "manager": True, "r_manager": False}


def _record_specs(world, kind: str) -> list[dict]:
    """A visit record (R-9.7) on a's approved account, through the API or the page form: the
    record is a's, in the account's branch, dated as sent, whatever else the body says."""
    account = _account_objects(world)["approved"]
    body = {"account": account.pk, "date": TODAY.isoformat(), "kind": "first", "demand": "扩产"}
    if kind == "api":
        return [
            {"name": "visit-record-list", "user": "a", "path": "/api/v1/visit-records/",
             "body": body, "legit": ("date",)},
        ]  # fmt: skip
    return [
        {"name": "visits:new", "user": "a", "path": "/visits/new/",
         "body": {**body, "next": "/accounts/overdue/"}, "legit": ("date",)},
    ]  # fmt: skip


def _plan_specs(world) -> list[dict]:
    """The visit-plan forms (R-9.6, R-9.7): a's draft of next week, b's submitted plan, a's
    plan of this week (tests/visits/plan_fixtures.py)."""
    from tests.visits.plan_fixtures import plan_world

    u = world["users"]
    p = plan_world(office=world["sunny"], a=u["a"], b=u["b"], manager=u["manager"], now=T)
    line, current = p["draft_line"].pk, p["current_line"].pk
    return [
        {
            "name": "visits:plan_add",
            "user": "a",
            "path": "/visits/plan/lines/",
            "body": {
                "office": world["sunny"].pk,
                "account": p["a_spare"].pk,
                "day": "2026-03-10",
                "purpose": "介绍新品",
            },
        },
        {
            "name": "visits:plan_line_add",
            "user": "manager",
            "path": f"/visits/plans/{p['submitted'].pk}/lines/",
            "body": {"account": p["b_spare"].pk, "day": "2026-03-11", "purpose": "催款"},
        },
        {
            "name": "visits:plan_line",
            "user": "a",
            "path": f"/visits/plan-lines/{line}/",
            "body": {f"l{line}-day": "2026-03-12", f"l{line}-purpose": "改期"},
        },
        {
            "name": "visits:plan_line_remove",
            "user": "a",
            "path": f"/visits/plan-lines/{line}/remove/",
            "body": {},
        },
        {
            "name": "visits:plan_submit",
            "user": "a",
            "path": f"/visits/plans/{p['draft'].pk}/submit/",
            "body": {},
        },
        {
            "name": "visits:plan_confirm",
            "user": "manager",
            "path": f"/visits/plans/{p['submitted'].pk}/confirm/",
            "body": {},
        },
        {
            "name": "visits:plan_line_outcome",
            "user": "a",
            "path": f"/visits/plan-lines/{current}/outcome/",
            "body": {f"o{current}-outcome": "missed", f"o{current}-reason": "客户出差"},
        },
    ]


def page_specs(world) -> list[dict]:
    """Every page form that writes (the URL patterns whose views accept POST)."""
    u, c, units, o = world["users"], world["customers"], world["units"], _objects(world)
    passing, today = o["passing"].pk, TODAY.isoformat()
    claim, released, waiting = o["a4_claim"].pk, o["released"].pk, o["waiting"].pk
    diary, fine, escalated = o["diary"].pk, o["fine"].pk, o["escalated"].pk
    store, product = _stock_objects(world)
    # seca: R-16's and R-17's objects exist, so that test_csrf.py posts to their pages too
    r16, r17 = _r16_objects(world), _r17_objects(world)
    return [
        *r16_fixtures.page_specs(r16, TODAY, u),  # seca: R-16's page forms
        *r17_fixtures.page_specs(r17, TODAY),  # seca: R-17's (work plans, dealers)
        *_plan_specs(world),
        *_account_page_specs(world),
        *_record_specs(world, "pages"),
        *_quote_specs(world, quote_fixtures.page_specs),
        *contract_fixtures.page_specs(_contract_objects(world), office=world["sunny"]),
        *shipping_fixtures.page_specs(_shipping_objects(world), TODAY),
        *receivables_fixtures.page_specs(_receivables_objects(world), TODAY, office=world["sunny"]),
        {
            "name": "accounts:new",
            "user": "a",
            "path": "/accounts/new/",
            "body": {
                "office": world["sunny"].pk,
                "name": "宏达建材",
                "credit_code": credit_code(19),
                "kind": "dealer",
                "credit_limit": "0",
            },
        },
        {
            "name": "stock:adjust",
            "user": "warehouse",
            "path": f"/stock/adjust/?office={world['sunny'].pk}",
            "body": {
                "warehouse": store.pk,
                "product": product.pk,
                "quantity": "5",
                "reason": "到货",
            },
        },
        {
            "name": "catalog:card",
            "user": "manager",
            "path": f"/products/{product.pk}/",
            "body": {
                "effective_from": (TODAY + datetime.timedelta(days=7)).isoformat(),
                "list_price": "110.00",
                "floor_price": "90.00",
                "cost": "60.00",
            },
        },
        {
            "name": "catalog:new",
            "user": "manager",
            "path": "/products/new/",
            "body": {
                "code": "MA-NEW",
                "name": "水泵",
                "unit": "台",
                "tax_rate": "0.13",
                "list_price": "10.00",
                "floor_price": "8.00",
                "cost": "5.00",
                "effective_from": TODAY.isoformat(),
            },
        },
        {
            "name": "catalog:deactivate",
            "user": "manager",
            "path": f"/products/{product.pk}/deactivate/",
            "body": {},
        },
        {
            "name": "catalog:reactivate",
            "user": "manager",
            "path": f"/products/{_inactive_product(world).pk}/reactivate/",
            "body": {},
        },
        {
            "name": "stock:receive",
            "user": "warehouse",
            "path": f"/stock/receive/?office={world['sunny'].pk}",
            "body": {
                "warehouse": store.pk,
                "product": product.pk,
                "quantity": "5",
                "supplier": "华东电机厂",
                "reference": "SH-1",
            },
        },
        {
            "name": "stock:warehouse_new",
            "user": "manager",
            "path": f"/stock/warehouses/new/?office={world['sunny'].pk}",
            "body": {"code": "WH-N", "name": "新仓库", "keeper": world["users"]["warehouse"].pk},
        },
        {
            "name": "stock:import",
            "user": "manager",
            "path": f"/stock/import/?office={world['sunny'].pk}",
            "body": {},
            "files": _catalog_file,
        },
        {
            "name": "attribution:register",
            "user": "b",
            "path": "/attribution/my/register/",
            "body": {"phone": "13955509004", "name": "", "source_channel": passing},
        },
        {
            "name": "attribution:followup",
            "user": "a",
            "path": f"/attribution/claims/{claim}/followups/",
            "body": {f"c{claim}-kind": "call", f"c{claim}-note": "回访"},
        },
        {
            "name": "attribution:reassign",
            "user": "manager",
            "path": f"/attribution/claims/{released}/reassign/",
            "body": {f"r{released}-salesperson": u["b"].pk, f"r{released}-reason": "重新分配"},
        },
        {
            "name": "attribution:household_link",
            "user": "a",
            "path": f"/attribution/customers/{c['a1'].pk}/household/",
            "body": {"phone": P["a5"], "relation": "child"},
        },
        {
            "name": "attribution:dispute_open",
            "user": "b",
            "path": f"/attribution/customers/{c['a4'].pk}/disputes/",
            "body": {"reason": "再申诉"},
        },
        {
            "name": "attribution:dispute_rule",
            "user": "manager",
            "path": f"/attribution/disputes/{o['open_dispute'].pk}/rule/",
            "body": {"decision": "keep", "reason": "维持"},
        },
        {
            "name": "reception:visit_register",
            "user": "secretary",
            "path": "/reception/visits/",
            "body": {
                "phone": "13955509005",
                "party_size": 1,
                "source_channel": passing,
                "one_household": "on",
                "idempotency_key": "s2-key",
                "named_salesperson": u["a"].pk,
            },
        },
        {
            "name": "reception:call_register",
            "user": "secretary",
            "path": "/reception/calls/",
            "body": {"kind": "customer", "phone": P["a2"], "content": "再问"},
        },
        {
            "name": "reception:referral_register",
            "user": "secretary",
            "path": "/reception/referrals/",
            "body": {"referrer": c["a2"].pk, "phone": "13955509006"},
        },
        {
            "name": "reception:duty_status",
            "user": "secretary",
            "path": "/reception/duty-status/",
            "body": {"salesperson": u["b"].pk, "status": "busy"},
        },
        {
            "name": "reception:visit_assign",
            "user": "manager",
            "path": f"/reception/visits/{waiting}/assign/",
            "body": {f"v{waiting}-salesperson": u["b"].pk, f"v{waiting}-reason": "大客户"},
        },
        {
            "name": "reception:visit_research",
            "user": "a",
            "path": f"/reception/visits/{o['visit'].pk}/research/",
            "body": {"step": "flag"},
        },
        {
            "name": "reception:visit_on_behalf",
            "user": "secretary",
            "path": f"/reception/visits/{o['visit'].pk}/on-behalf/",
            "body": {"receiver": u["b"].pk},
        },
        {
            "name": "reception:roster",
            "user": "manager",
            "path": "/reception/roster/",
            "body": {
                "date": (TODAY + datetime.timedelta(1)).isoformat(),
                f"pos_{u['b'].pk}": 1,
                f"pos_{u['a'].pk}": 2,
            },
        },
        {
            "name": "deals:unit_hold",
            "user": "a",
            "path": f"/deals/units/{units[2].pk}/hold/",
            "body": {"hold-customer": c["a4"].pk, "hold-fee": "500.00"},
        },
        {
            "name": "deals:unit_subscribe",
            "user": "a",
            "path": f"/deals/units/{units[2].pk}/subscribe/",
            "body": {"sub-customer": c["a4"].pk, "sub-deposit": "6000.00"},
        },
        {
            "name": "deals:hold_convert",
            "user": "a",
            "path": f"/deals/units/{units[3].pk}/convert/",
            "body": {"conv-deposit": "6000.00"},
        },
        {
            "name": "deals:hold_release",
            "user": "a",
            "path": f"/deals/units/{units[3].pk}/release/",
            "body": {},
        },
        {
            "name": "deals:subscription_withdraw",
            "user": "manager",
            "path": f"/deals/units/{units[4].pk}/withdraw/",
            "body": {"wd-confirm": "on"},
        },
        {
            "name": "deals:units_import",
            "user": "manager",
            "path": "/deals/import/",
            "body": {},
            "files": _import_file,
        },
        {
            "name": "finance:refund_pay",
            "user": "finance",
            "path": f"/finance/refunds/{o['refund'].pk}/pay/",
            "body": {},
        },
        {
            "name": "finance:payment_record",
            "user": "finance",
            "path": f"/finance/contracts/{world['contract'].pk}/payments/",
            "body": {"amount": "1000.00", "instalment": o["instalment"].pk},
        },
        {
            "name": "reports:diary",
            "user": "b",
            "path": "/reports/diary/",
            "body": {"date": today, "feedback": "客户多", "problems": "车位"},
        },
        {
            "name": "reports:diary_reply",
            "user": "manager",
            "path": f"/reports/diaries/{diary}/reply/",
            "body": {f"d{diary}-manager_reply": "明天再议"},
        },
        {
            "name": "reports:fine_waive",
            "user": "manager",
            "path": f"/reports/fines/{fine}/waive/",
            "body": {f"f{fine}-reason": "请假"},
        },
        {
            "name": "reports:days_off",
            "user": "manager",
            "path": "/reports/days-off/",
            "body": {
                "month": "2026-03",
                cell_name(u["b"].pk, TODAY + datetime.timedelta(2)): "leave",
            },
        },
        {
            "name": "reports:meeting_minutes",
            "user": "secretary",
            "path": "/reports/meeting/minutes/",
            "body": {"date": today, "minutes": "晨会纪要"},
        },
        {
            "name": "reports:meeting_problem_add",
            "user": "secretary",
            "path": "/reports/meeting/problems/",
            "body": {"date": today, "text": "样板间漏水", "raised_by": u["b"].pk},
        },
        {
            "name": "reports:meeting_problem_escalate",
            "user": "secretary",
            "path": f"/reports/meeting/problems/{o['to_escalate'].pk}/escalate/",
            "body": {},
        },
        {
            "name": "reports:escalation_close",
            "user": "director",
            "path": f"/reports/escalations/{escalated}/close/",
            "body": {f"p{escalated}-resolution": "已解决"},
        },
        {
            "name": "reports:my_report",
            "user": "b",
            "path": "/reports/my-report/",
            "body": {"kind": "weekly", "date": today, "summary": "本周接待五组"},
        },
        {
            "name": "reports:team_report",
            "user": "manager",
            "path": "/reports/team-report/",
            "body": {"date": today, "summary": "团队本周"},
        },
        {
            "name": "notifications:read",
            "user": "b",
            "path": "/notifications/read/",
            "body": {},
        },
    ]


@pytest.mark.parametrize("kind", ["api", "pages"])
def test_no_client_sets_a_field_it_does_not_own(world, db, kind):
    """Mass assignment: with hostile extra fields, each request leaves the database exactly as
    the same request without them (or is refused and writes nothing)."""
    specs = api_specs(world) if kind == "api" else page_specs(world)
    with time_machine.travel(AT, tick=False):
        sent, written = check_mass_assignment(world, specs)
    figure = f"{kind}: endpoints {len(specs)}, hostile fields sent {sent}, "
    figure += f"forbidden fields written: {len(written)}"
    print(figure)
    assert not written, f"{figure}: {written}"


WRITES = {"post", "put", "patch", "delete"}


def writing_api_names() -> set[str]:
    """The API's URL names whose view takes a write method (the routers' actions, APIViews)."""

    def walk(resolver):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                yield from walk(p)
            elif p.name and str(p.pattern).startswith("^") or p.name in {"roster", "duty-status"}:
                yield p.name, p.callback

    found = set()
    for name, callback in walk(get_resolver()):
        actions = getattr(callback, "actions", None)
        if actions is not None:
            methods = set(actions)
        else:
            methods = {m for m in WRITES if hasattr(getattr(callback, "cls", None), m)}
        if methods & WRITES:
            found.add(name)
    return found


def test_every_writing_endpoint_of_the_api_is_tried(world, db):
    """The list above covers the API: a new create/update/action endpoint must join it."""
    tried = {spec["name"] for spec in api_specs(world)}
    # seca: R-16's and R-17's writing endpoints are in the list too (issue 21)
    assert writing_api_names() - {"api-token"} == tried
