"""The demo's shipping and returns (workspace.demo_shipping, R-13): in the branch, a contract
whose approved demand request waits for its outbound order, an order shipped in part in the
warehouse keeper's queue, one shipped in full awaiting the customer's confirmation, and a return
waiting for the technician's inspection; each in the inbox or list of who acts next, made
through the services, and once."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from approvals.selectors import inbox_for
from contracts.models import SalesContract
from shipping import selectors
from shipping.models import DemandRequest, OutboundOrder, ReturnRequest, Shipment
from staff.models import Office, User
from stock.reconcile import stock_mismatches
from workspace.demo_sales import DEMO_BRANCH
from workspace.demo_shipping import CONTRACTS

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
AFTERNOON = datetime.datetime(2026, 11, 27, 14, 0, tzinfo=SH)  # a Friday
# this module's contracts (the receivables demo adds contracts shipped and invoiced long ago)
PLACES = [c.delivery_place for c in CONTRACTS]


def demo_data() -> str:
    out = StringIO()
    with time_machine.travel(AFTERNOON, tick=False):
        call_command("demo_data", stdout=out)
    return out.getvalue()


def test_contracts_at_each_step_from_request_to_return_once():
    out = demo_data()
    counts = [SalesContract.objects.count(), DemandRequest.objects.count()]
    counts += [m.objects.count() for m in (OutboundOrder, Shipment, ReturnRequest)]
    again = demo_data()
    assert "3 contracts shipping" in out and "shipping kept" in again
    assert counts == [SalesContract.objects.count(), DemandRequest.objects.count()] + [
        m.objects.count() for m in (OutboundOrder, Shipment, ReturnRequest)
    ]
    mine = {"contract__delivery_place__in": PLACES}
    assert [
        SalesContract.objects.filter(delivery_place__in=PLACES).count(),
        DemandRequest.objects.filter(**mine).count(),
        OutboundOrder.objects.filter(**mine).count(),
        Shipment.objects.filter(order__contract__delivery_place__in=PLACES).count(),
        ReturnRequest.objects.filter(**mine).count(),
    ] == [3, 3, 2, 2, 1]

    branch = Office.objects.get(code=DEMO_BRANCH["code"])
    users = {u.username: u for u in User.objects.all()}
    # approved by the branch manager and the director, waiting for the clerk
    waiting = DemandRequest.objects.get(status="approved", **mine)
    assert waiting.office == branch and not hasattr(waiting, "outbound_order")
    assert [(a.role, a.state) for a in waiting.approvals()] == [
        ("manager", "approved"),
        ("director", "approved"),
    ]
    # shipped in part: in the keeper's queue and on the backorders, stock lowered
    with time_machine.travel(AFTERNOON, tick=False):
        queue = selectors.queue(users["warehouse"], branch)
        backorders = selectors.backorders(users["bmanager"], branch)
        unconfirmed = selectors.unconfirmed(users["clerk"], branch, now=AFTERNOON)
    partial = OutboundOrder.objects.get(status="partial")
    assert [o.pk for o in queue] == [partial.pk] and [o.pk for o in backorders] == [partial.pk]
    assert [(ln.product.code, ln.remaining) for ln in partial.lines.order_by("pk")] == [
        ("SB-QW50", 3),
        ("FM-D71X50", 0),
    ]
    # shipped in full eight days ago, no confirmation: the clerk's unconfirmed list
    done = OutboundOrder.objects.get(status="done", **mine)
    assert [row.order.pk for row in unconfirmed] == [done.pk]
    assert done.contract.status == "fulfilled" and not done.confirmations.exists()
    # the branch manager confirmed the return; the technician inspects next
    ret = ReturnRequest.objects.get(**mine)
    assert ret.contract == done.contract and ret.status == "pending" and ret.genuine is None
    assert [(a.role, a.state) for a in ret.approvals()] == [
        ("manager", "approved"),
        ("technician", "pending"),
        ("director", "waiting"),
    ]
    with time_machine.travel(AFTERNOON, tick=False):
        inbox = inbox_for(users["technician"], now=AFTERNOON)
    assert [(i["approval"].document_type, i["document"].pk) for i in inbox] == [("return", ret.pk)]
    assert ret in selectors.returns_visible_to(users["technician"])
    assert stock_mismatches() == []
