"""Sales contracts' free text for tests/security/test_xss.py (R-12): planted through the API by
the salesperson a and the branch's manager."""

from decimal import Decimal

from accounts.factories import AccountFactory
from approvals.models import Approval
from catalog.services import product_create

# what the salesperson and the manager read back on the contract pages, the list, the
# pipelines and the inbox
CONTRACT_TEXT = {
    "contract delivery place",
    "contract cancel reason",
    "contract rejection comment",
    "contract account name",
}


def plant_contracts(world, api, ok, payload, now) -> None:
    u = world["users"]
    a, manager = u["a"], u["manager"]
    account = AccountFactory(
        office=world["sunny"],
        author=a,
        status="approved",
        name=payload("contract account name", 200),
        credit_limit=Decimal("10000000.00"),
    )
    product = product_create(
        actor=manager, now=now, code="XSS-HT", name="减速机", unit="台",
        list_price=Decimal("100.00"), floor_price=Decimal("80.00"), cost=Decimal("50.00"),
    )  # fmt: skip

    def contract(**text):
        body = {
            "account": account.pk,
            "lines": [{"product": product.pk, "quantity": "2", "unit_price": "90.00"}],
            **text,
        }
        made = ok(api(a).post("/api/v1/sales-contracts/", body, format="json"))
        ok(api(a).post(f"/api/v1/sales-contracts/{made['id']}/submit/"))
        return made

    def step_of(made):
        return Approval.objects.get(
            document_type="sales_contract", document_id=made["id"], state="pending", void=False
        )

    placed = contract(delivery_place=payload("contract delivery place", 200))
    ok(
        api(manager).post(
            f"/api/v1/approvals/{step_of(placed).pk}/decide/", {"decision": "approve"}
        )
    )
    ok(
        api(manager).post(
            f"/api/v1/sales-contracts/{placed['id']}/cancel/",
            {"reason": payload("contract cancel reason", 2000)},
            format="json",
        )
    )
    rejected = contract()
    ok(
        api(manager).post(
            f"/api/v1/approvals/{step_of(rejected).pk}/decide/",
            {"decision": "reject", "comment": payload("contract rejection comment")},
            format="json",
        )
    )
