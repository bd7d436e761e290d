"""Shipping and returns' free text for tests/security/test_xss.py (R-13): planted through the
API by the salesperson a, the branch's clerk, keeper, manager, director and the technician, on
a's contract of tests/shipping/exposure_fixtures.py; the reason of a late first order through
the service, on a contract of a's signed ten days ago without an outbound order."""

import datetime
from decimal import Decimal

from django.utils import timezone

from approvals.models import Approval
from contracts.factories import line, signed
from shipping import services

from . import exposure_fixtures

# what the salesperson reads back on the request, order and return pages and lists
SHIPPING_TEXT = {
    "demand request note",
    "outbound order note",
    "confirmation signer",
    "confirmation note",
    "return reason",
    "return specification",
    "inspection note",
    "return certificate reason",
}
# the manager: the request and the return (and the inbox), the late first orders
MANAGER_SHIPPING_TEXT = {"demand request note", "return reason", "late order reason"}
# the warehouse keeper: the outbound order of the branch, with its confirmations
WAREHOUSE_SHIPPING_TEXT = {"outbound order note", "confirmation signer"}


def plant_shipping(world, api, ok, payload, now) -> None:
    u = world["users"]
    s = exposure_fixtures.shipping_world(office=world["sunny"], users=u, now=now)
    a, clerk, keeper = u["a"], u["clerk"], u["warehouse"]
    manager, director, technician = u["manager"], u["director"], u["technician"]
    product = s["product"].pk
    one = [{"product": product, "quantity": "1"}]
    today = timezone.localtime(now, world["sunny"].tzinfo).date().isoformat()

    def decide(document_type, document_id, decider):
        step = Approval.objects.get(
            document_type=document_type, document_id=document_id, state="pending", void=False
        )
        ok(api(decider).post(f"/api/v1/approvals/{step.pk}/decide/", {"decision": "approve"}))

    made = ok(
        api(a).post(
            "/api/v1/demand-requests/",
            {
                "contract": s["contract"].pk,
                "lines": one,
                "note": payload("demand request note", 2000),
            },
            format="json",
        )
    )
    ok(api(a).post(f"/api/v1/demand-requests/{made['id']}/submit/"))
    decide("demand_request", made["id"], manager)
    decide("demand_request", made["id"], director)
    order = ok(
        api(clerk).post(
            "/api/v1/outbound-orders/",
            {
                "demand_request": made["id"],
                "warehouse": s["store"].pk,
                "note": payload("outbound order note", 2000),
            },
            format="json",
        )
    )
    ship = f"/api/v1/outbound-orders/{order['id']}/ship/"
    ok(api(keeper).post(ship, {"lines": one}, format="json"))
    ok(
        api(clerk).post(
            f"/api/v1/outbound-orders/{order['id']}/confirmation/",
            {
                "signed_by": payload("confirmation signer", 100),
                "signed_on": today,
                "lines": one,
                "note": payload("confirmation note", 2000),
            },
            format="json",
        )
    )
    ret = ok(
        api(a).post(
            "/api/v1/returns/",
            {
                "contract": s["contract"].pk,
                "reason": payload("return reason", 2000),
                "lines": [{**one[0], "specification": payload("return specification", 200)}],
            },
            format="json",
        )
    )
    ok(
        api(a).post(
            f"/api/v1/returns/{ret['id']}/certificate/",
            {"reason": payload("return certificate reason", 2000)},
            format="json",
        )
    )
    ok(api(a).post(f"/api/v1/returns/{ret['id']}/submit/"))
    decide("return", ret["id"], manager)
    ok(
        api(technician).post(
            f"/api/v1/returns/{ret['id']}/inspection/",
            {"genuine": True, "note": payload("inspection note", 2000)},
            format="json",
        )
    )
    # signed ten days ago, no outbound order yet: on the late list with its reason
    late = signed(
        s["contract"].account,
        a,
        [line(s["product"], "2", "100.00")],
        [manager, director],
        now=now - datetime.timedelta(days=10),
    )
    assert late.status == "signed" and late.lines.get().quantity == Decimal("2")
    services.first_order_delay_explain(
        actor=clerk, contract=late, reason=payload("late order reason", 2000), now=now
    )
