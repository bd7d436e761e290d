"""Sales contracts for tests/security/test_field_exposure.py (R-12), made once per test: user
a's approved account with a draft contract, a contract waiting for approval and three signed
ones (one to cancel, one to file, one to fulfil: its goods shipped), a fulfilled one (shipped in
full), and the requests that write them (mass assignment)."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.factories import AccountFactory
from accounts.models import Account
from catalog.models import Product
from catalog.services import product_create
from contracts import services
from contracts.factories import approve_all, line
from contracts.models import SalesContract
from shipping.factories import ship_everything

PDF = b"%PDF-1.4\n%%EOF\n"
TAGS = ("草稿", "待审", "待取消", "待归档", "待履行", "已履行")


def contract_world(*, office, a, manager, now) -> dict:
    """The objects, found by their delivery place when made already."""
    product = Product.objects.filter(code="HT-FX").first() or product_create(
        actor=manager, now=now, code="HT-FX", name="变频器", unit="台",
        list_price=Decimal("200.00"), floor_price=Decimal("150.00"), cost=Decimal("90.00"),
    )  # fmt: skip
    account = Account.objects.filter(name="合同测试客户").first() or AccountFactory(
        office=office,
        author=a,
        status="approved",
        name="合同测试客户",
        credit_limit=Decimal("10000000.00"),
    )

    def contract(tag):
        found = SalesContract.objects.filter(account=account, delivery_place=tag).first()
        if found is not None:
            return found
        made = services.contract_create(
            actor=a, account=account, lines=[line(product, "2", "200.00")], now=now,
            delivery_place=tag,
        )  # fmt: skip
        if tag != "草稿":
            services.contract_submit(contract=made, actor=a, now=now)
        if tag not in ("草稿", "待审"):
            made = approve_all(made, [manager], now=now)
        if tag in ("待履行", "已履行"):  # its goods ship, which fulfils it
            ship_everything(made, now=now, people=[manager])
            made.refresh_from_db()
        if tag == "待履行":
            # the manager's own "fulfilled" is for a contract whose goods all left
            # outside the services (shipping fulfils the others itself): one such contract
            SalesContract.objects.filter(pk=made.pk).update(status="signed", fulfilled_at=None)
            made.refresh_from_db()
        return made

    return {"product": product, "account": account, **{tag: contract(tag) for tag in TAGS}}


def _scan():
    return {"scan": SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")}


def api_specs(c: dict) -> list[dict]:
    product, account = c["product"].pk, c["account"].pk
    return [
        {
            "name": "sales-contract-list",
            "user": "a",
            "path": "/api/v1/sales-contracts/",
            "body": {
                "account": account,
                "kind": "phone_order",
                "lines": [{"product": product, "quantity": "3", "unit_price": "190.00"}],
                "payment_terms_days": 60,
            },
        },
        {
            "name": "sales-contract-detail",
            "user": "a",
            "method": "PATCH",
            "path": f"/api/v1/sales-contracts/{c['草稿'].pk}/",
            "body": {"payment_terms_days": 45, "invoice_before_delivery": True},
        },
        {
            "name": "sales-contract-submit",
            "user": "a",
            "path": f"/api/v1/sales-contracts/{c['草稿'].pk}/submit/",
            "body": {},
        },
        {
            "name": "sales-contract-cancel",
            "user": "manager",
            "path": f"/api/v1/sales-contracts/{c['待取消'].pk}/cancel/",
            "body": {"reason": "客户取消订单"},
        },
        {
            "name": "sales-contract-file",
            "user": "clerk",
            "path": f"/api/v1/sales-contracts/{c['待归档'].pk}/file/",
            "body": {},
            "files": _scan,
        },
    ]


def page_specs(c: dict, *, office) -> list[dict]:
    product, account = c["product"].pk, c["account"].pk
    terms = {
        "kind": "contract",
        "delivery_place": "客户仓库",
        "advance_percent": "10",
        "payment_basis": "after_delivery",
        "payment_terms_days": "20",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-product": product,
        "lines-0-quantity": "4",
        "lines-0-unit_price": "180.00",
    }
    return [
        {
            "name": "contracts:new",
            "user": "a",
            "path": "/contracts/new/",
            "body": {"account": account, **terms},
        },
        {
            "name": "contracts:edit",
            "user": "a",
            "path": f"/contracts/{c['草稿'].pk}/edit/",
            "body": terms,
        },
        {
            "name": "contracts:submit",
            "user": "a",
            "path": f"/contracts/{c['草稿'].pk}/submit/",
            "body": {},
        },
        {
            "name": "contracts:cancel",
            "user": "manager",
            "path": f"/contracts/{c['待取消'].pk}/cancel/",
            "body": {"reason": "客户取消订单"},
        },
        {
            "name": "contracts:fulfil",
            "user": "manager",
            "path": f"/contracts/{c['待履行'].pk}/fulfil/",
            "body": {},
        },
        {
            "name": "contracts:close",
            "user": "manager",
            "path": f"/contracts/{c['已履行'].pk}/close/",
            "body": {},
        },
        {
            "name": "contracts:file",
            "user": "clerk",
            "path": f"/contracts/{c['待归档'].pk}/file/",
            "body": {"office": office.pk},
            "files": _scan,
        },
        {
            "name": "contracts:register_close",
            "user": "clerk",
            "path": "/contracts/register/close/",
            "body": {"office": office.pk, "month": "2026-02"},
        },
    ]


def readable_urls(c: dict) -> list[str]:
    return [f"/contracts/{c[tag].pk}/" for tag in TAGS]
