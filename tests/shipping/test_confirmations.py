"""Customer confirmations through their services (R-13.4): the clerk records who signed, the day
(never ahead, never before the order), the quantities received (at most what shipped and is not
confirmed yet), with a scan or photo filed once; a refusal saves nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.exceptions import PermissionDenied, ValidationError

from common.errors import DomainError
from contracts.factories import NOW
from shipping import progress, selectors, services
from shipping.factories import approved_request, issued_order, row_counts, ship_order
from shipping.models import Confirmation
from shipping.services import LineInput
from staff.choices import Role
from staff.factories import UserFactory

from .conftest import receive

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)  # NOW in Shanghai
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def order(contract, salesperson, approvers, clerk, warehouse, depot, product, cable):
    """10 motors and 100 metres of cable issued; 6 motors and the cable shipped."""
    request = approved_request(
        contract, now=NOW, requester=salesperson, people=[*approvers, clerk, warehouse]
    )
    order = issued_order(request, now=NOW, warehouse=depot, clerk=clerk)
    receive(depot, product, "6", warehouse)
    receive(depot, cable, "100", warehouse)
    services.order_ship(
        actor=warehouse,
        order=order,
        lines=[
            LineInput(product=product, quantity=Decimal("6")),
            LineInput(product=cable, quantity=Decimal("100")),
        ],
        now=NOW,
    )
    return order


def confirm(order, actor, *lines, signed_on=TODAY, signed_by="王经理", **extra):
    return services.confirmation_record(
        actor=actor,
        order=order,
        signed_by=signed_by,
        signed_on=signed_on,
        lines=[LineInput(product=p, quantity=Decimal(q)) for p, q in lines],
        now=NOW,
        **extra,
    )


def confirmed(contract) -> dict[str, Decimal]:
    return {p.line.product.code: p.confirmed for p in progress.contract_progress(contract)}


def test_the_clerk_records_what_the_customer_received(order, clerk, contract, product, cable):
    made = confirm(order, clerk, (product, "5"), (cable, "0"), note="包装完好")
    assert (made.signed_by, made.signed_on, made.recorded_by, made.recorded_at) == (
        "王经理",
        TODAY,
        clerk,
        NOW,
    )
    assert (made.office, made.note, bool(made.scan)) == (order.office, "包装完好", False)
    assert confirmed(contract) == {"DJ-100": Decimal("5"), "DL-200": Decimal("0")}
    figures = {line.product: line.confirmed for line in selectors.order_figures(order)}
    assert figures == {product: Decimal("5.000"), cable: 0}
    confirm(order, clerk, (product, "1"), (cable, "100"))  # the rest, on a second form
    assert confirmed(contract) == {"DJ-100": Decimal("6"), "DL-200": Decimal("100")}


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([("product", "6.001")], "quantity"),  # over what shipped
        ([("product", "-1")], "quantity"),
        ([("product", "0.0001")], "quantity"),
        ([("product", "1"), ("product", "1")], "product"),
        ([("stranger", "1")], "product"),
    ],
)
def test_a_confirmation_over_what_shipped_saves_nothing(
    order, clerk, product, manager, lines, field
):
    from contracts.factories import make_product

    products = {"product": product, "stranger": make_product(manager, "QT-3")}
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        confirm(order, clerk, *[(products[k], q) for k, q in lines])
    assert any(field in e for e in refused.value.detail["lines"])
    assert row_counts() == before


def test_what_is_confirmed_already_counts(order, clerk, product):
    confirm(order, clerk, (product, "4"))
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        confirm(order, clerk, (product, "3"))
    (message,) = refused.value.detail["lines"][0]["quantity"]
    assert "2" in str(message)
    assert row_counts() == before


def test_nothing_received_is_not_a_confirmation(order, clerk, product, cable):
    with pytest.raises(ValidationError) as refused:
        confirm(order, clerk, (product, "0"), (cable, "0"))
    assert "lines" in refused.value.detail
    with pytest.raises(ValidationError):
        services.confirmation_record(
            actor=clerk, order=order, signed_by="王", signed_on=TODAY, lines=[], now=NOW
        )
    assert Confirmation.objects.count() == 0


@pytest.mark.parametrize(
    ("signed_on", "signed_by", "field"),
    [
        (TODAY + datetime.timedelta(days=1), "王经理", "signed_on"),  # in the future
        (TODAY - datetime.timedelta(days=1), "王经理", "signed_on"),  # before the order
        (TODAY, "   ", "signed_by"),
        (TODAY, "王" * 101, "signed_by"),
    ],
)
def test_a_day_ahead_or_no_signer_saves_nothing(order, clerk, product, signed_on, signed_by, field):
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        confirm(order, clerk, (product, "1"), signed_on=signed_on, signed_by=signed_by)
    assert field in refused.value.detail
    assert row_counts() == before


def test_today_late_in_the_evening_is_today_in_the_office(order, clerk, product):
    """The day is the office's (Shanghai): 23:30 there is still 10 March."""
    late = datetime.datetime(2026, 3, 10, 15, 30, tzinfo=datetime.UTC)
    made = services.confirmation_record(
        actor=clerk,
        order=order,
        signed_by="王",
        signed_on=TODAY,
        lines=[LineInput(product=product, quantity=Decimal("1"))],
        now=late,
    )
    assert made.signed_on == TODAY


@pytest.mark.parametrize("who", ["salesperson", "warehouse", "manager", "other_clerk"])
def test_only_the_branchs_clerk_records_confirmations(request, order, product, other_office, who):
    if who == "other_clerk":
        actor = UserFactory(username="clerk-riverside", roles=[Role.CLERK], offices=[other_office])
    else:
        actor = request.getfixturevalue(who)
    before = row_counts()
    with pytest.raises(PermissionDenied):
        confirm(order, actor, (product, "1"))
    assert row_counts() == before


def test_the_scan_is_filed_with_the_confirmation_or_after_once(order, clerk, product):
    with_scan = confirm(
        order,
        clerk,
        (product, "1"),
        upload=SimpleUploadedFile("签收单.pdf", PDF, content_type="application/pdf"),
    )
    assert with_scan.scan and with_scan.scan_type == "application/pdf"
    assert with_scan.scan.name.startswith(f"shipping/confirmations/{order.office_id}/")
    later = confirm(order, clerk, (product, "1"))
    photo = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\nrest", content_type="image/png")
    filed = services.confirmation_attach_scan(actor=clerk, confirmation=later, upload=photo)
    assert filed.scan_type == "image/png"
    again = SimpleUploadedFile("again.pdf", PDF, content_type="application/pdf")
    with pytest.raises(DomainError) as refused:
        services.confirmation_attach_scan(actor=clerk, confirmation=later, upload=again)
    assert refused.value.code == "already_filed"


def test_a_file_that_is_not_a_scan_saves_nothing(order, clerk, product):
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00", content_type="application/pdf")
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        confirm(order, clerk, (product, "1"), upload=fake)
    assert "scan" in refused.value.detail
    assert row_counts() == before
    made = confirm(order, clerk, (product, "1"))
    fake.seek(0)
    with pytest.raises(ValidationError):
        services.confirmation_attach_scan(actor=clerk, confirmation=made, upload=fake)
    made.refresh_from_db()
    assert not made.scan


def test_a_salesperson_does_not_file_the_scan(order, clerk, salesperson, product):
    made = confirm(order, clerk, (product, "1"))
    photo = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\nrest", content_type="image/png")
    with pytest.raises(PermissionDenied):
        services.confirmation_attach_scan(actor=salesperson, confirmation=made, upload=photo)


def test_a_red_order_has_nothing_to_confirm(order, clerk, salesperson, approvers, depot, product):
    from shipping.factories import decide_all

    ret = services.return_create(
        actor=salesperson,
        contract=order.contract,
        reason="损坏",
        lines=[LineInput(product=product, quantity=Decimal("1"))],
        now=NOW,
    )
    services.return_submit(ret=ret, actor=salesperson, now=NOW)
    decide_all(ret, approvers, now=NOW)
    red = services.red_order_issue(actor=clerk, return_request=ret, warehouse=depot, now=NOW)
    ship_order(red, now=NOW)
    with pytest.raises(DomainError) as refused:
        confirm(red, clerk, (product, "1"))
    assert refused.value.code == "red_order"
