"""The return pages (R-13.5): the salesperson's form against the contract, the return's page
with its approval chain, the technician's inspection, the return certificate and its PDF, the
clerk's red outbound order, the inbox card; each refused to the wrong role, the other branch
and the other salesperson."""

import re
from decimal import Decimal

import pytest
import time_machine

from approvals.services import approval_decide
from contracts.factories import NOW
from shipping import services
from shipping.models import OutboundOrder, ReturnRequest
from shipping.services import LineInput
from staff.choices import Role
from staff.factories import UserFactory
from stock.services import warehouse_create

from .conftest import receive

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _decide(document, people, *, until_role=None):
    """Approve the pending steps in turn, stopping before the step of `until_role`."""
    document.refresh_from_db()
    while document.status == "pending":
        step = document.approvals().get(state="pending")
        if step.role == until_role:
            return document
        who = next(u for u in people if u.has_role(step.role))
        document = approval_decide(
            approval=step, actor=who, decision="approve", comment="", now=NOW
        )
    return document


@pytest.fixture
def shipped(contract, salesperson, clerk, warehouse, depot, product, cable, approvers):
    """The contract with 10 motors and 40 metres of cable shipped."""
    receive(depot, product, "20", warehouse)
    receive(depot, cable, "500", warehouse)
    request = services.request_create(
        actor=salesperson,
        contract=contract,
        lines=[
            LineInput(product=product, quantity=Decimal("10")),
            LineInput(product=cable, quantity=Decimal("40")),
        ],
        now=NOW,
    )
    services.request_submit(request=request, actor=salesperson, now=NOW)
    request = _decide(request, approvers)
    order = services.order_issue(actor=clerk, demand_request=request, warehouse=depot, now=NOW)
    services.order_ship(
        actor=warehouse,
        order=order,
        lines=[
            LineInput(product=product, quantity=Decimal("10")),
            LineInput(product=cable, quantity=Decimal("40")),
        ],
        now=NOW,
    )
    return contract


@pytest.fixture
def draft_return(shipped, salesperson, product):
    return services.return_create(
        actor=salesperson,
        contract=shipped,
        kind="return",
        reason="外壳破损",
        lines=[LineInput(product=product, quantity=Decimal("2"))],
        now=NOW,
    )


@pytest.fixture
def pending_return(draft_return, salesperson):
    return services.return_submit(ret=draft_return, actor=salesperson, now=NOW)


@pytest.fixture
def at_inspection(pending_return, approvers):
    return _decide(pending_return, approvers, until_role=Role.TECHNICIAN)


@pytest.fixture
def approved_return(pending_return, approvers):
    ret = _decide(pending_return, approvers)
    assert ret.status == "approved"
    return ret


@pytest.fixture
def stranger_salesperson(other_office):
    return UserFactory(username="sales-riverside", roles=[Role.SALESPERSON], offices=[other_office])


@pytest.fixture
def other_technician(other_office):
    return UserFactory(username="tech-riverside", roles=[Role.TECHNICIAN], offices=[other_office])


def _form(contract, rows, *, kind="return", reason="电机异响"):
    data = {
        "contract": contract.pk,
        "kind": kind,
        "reason": reason,
        "lines-TOTAL_FORMS": str(len(rows)),
        "lines-INITIAL_FORMS": "0",
    }
    for i, (line, quantity, specification) in enumerate(rows):
        data[f"lines-{i}-contract_line"] = line.pk
        data[f"lines-{i}-quantity"] = quantity
        data[f"lines-{i}-specification"] = specification
    return data


# ---------------------------------------------------------------- the form


def test_the_salesperson_chooses_the_contract_and_sees_what_may_be_returned(
    client, shipped, salesperson, product
):
    type(product).objects.filter(pk=product.pk).update(specification="Y2-100L 3kW")
    client.force_login(salesperson)
    page = _text(client.get("/shipping/returns/new/"))
    assert shipped.number in page and f"?contract={shipped.pk}" in page
    page = client.get(f"/shipping/returns/new/?contract={shipped.pk}")
    assert page.status_code == 200
    text = _text(page)
    assert "退货" in text and "换货" in text
    left = re.findall(r'class="left-to-return">([^<]+)<', text)
    assert left == ["10", "40"]  # shipped − returning, per line
    assert 'value="Y2-100L 3kW"' in text  # the specification prefilled from the product


def test_a_return_is_recorded_through_the_form(client, shipped, salesperson, product, cable):
    motor, wire = shipped.lines.order_by("pk")
    client.force_login(salesperson)
    r = client.post(
        "/shipping/returns/new/",
        _form(shipped, [(motor, "2", "Y2-100L 3kW"), (wire, "", "")], kind="exchange"),
    )
    assert r.status_code == 302, _text(r)
    ret = ReturnRequest.objects.get()
    assert r["Location"] == f"/shipping/returns/{ret.pk}/"
    assert (ret.kind, ret.reason, ret.status, ret.owner_id) == (
        "exchange",
        "电机异响",
        "draft",
        salesperson.pk,
    )
    line = ret.lines.get()
    assert (line.contract_line_id, line.quantity, line.specification) == (
        motor.pk,
        Decimal("2"),
        "Y2-100L 3kW",
    )
    page = _text(client.get(r["Location"]))
    assert ret.number in page and "退货详单" in page and "-2 " in page and "red-qty" in page
    assert "换货" in page and 'id="submit-return"' in page


def test_over_return_shows_the_error_on_its_row_and_saves_nothing(client, shipped, salesperson):
    motor, wire = shipped.lines.order_by("pk")
    client.force_login(salesperson)
    r = client.post(
        "/shipping/returns/new/",
        _form(shipped, [(motor, "1", ""), (wire, "41", "铜芯")], reason="规格不符"),
    )
    assert r.status_code == 422
    assert not ReturnRequest.objects.exists()
    text = _text(r)
    row = text[text.index('id="line-1"') :]
    row = row[: row.index("</fieldset>")]
    assert "field-error" in row and "此行只有 40 米可退回" in row
    first = text[text.index('id="line-0"') : text.index('id="line-1"')]
    assert "field-error" not in first  # the error is on the right row
    # nothing typed is lost
    assert "规格不符" in text and 'value="41"' in text and 'value="铜芯"' in text


def test_an_empty_form_says_what_is_missing(client, shipped, salesperson):
    motor, wire = shipped.lines.order_by("pk")
    client.force_login(salesperson)
    r = client.post(
        "/shipping/returns/new/", _form(shipped, [(motor, "", ""), (wire, "", "")], reason="")
    )
    assert r.status_code == 422 and not ReturnRequest.objects.exists()
    text = _text(r)
    assert "field-error" in text and 'class="error"' in text


def test_the_form_is_refused_to_the_wrong_people(
    client, shipped, manager, clerk, warehouse, other_salesperson, stranger_salesperson
):
    url = f"/shipping/returns/new/?contract={shipped.pk}"
    for user, status in (
        (manager, 403),  # sees the contract, is not its salesperson
        (clerk, 403),
        (warehouse, 403),
        (other_salesperson, 404),  # another salesperson's contract is not theirs to see
        (stranger_salesperson, 404),  # another branch
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user
        assert client.post("/shipping/returns/new/", {"contract": shipped.pk}).status_code == status
    assert not ReturnRequest.objects.exists()
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


# ---------------------------------------------------------------- list and page


def test_the_list_shows_each_user_the_returns_they_see(
    client,
    draft_return,
    salesperson,
    other_salesperson,
    manager,
    other_manager,
    director,
    clerk,
    warehouse,
):
    for user, sees in (
        (salesperson, True),
        (manager, True),
        (director, True),
        (clerk, True),
        (other_salesperson, False),
        (other_manager, False),
    ):
        client.force_login(user)
        r = client.get("/shipping/returns/")
        assert r.status_code == 200
        assert (draft_return.number in r.content.decode()) is sees, user
    client.force_login(warehouse)
    assert client.get("/shipping/returns/").status_code == 403
    client.force_login(salesperson)
    assert (
        draft_return.number not in client.get("/shipping/returns/?status=pending").content.decode()
    )
    assert draft_return.number in client.get("/shipping/returns/?status=draft").content.decode()
    assert (
        draft_return.number not in client.get("/shipping/returns/?kind=exchange").content.decode()
    )
    assert draft_return.number in client.get("/shipping/returns/?kind=return").content.decode()


def test_the_return_page_is_refused_to_the_other_salesperson_branch_and_roles(
    client,
    draft_return,
    other_salesperson,
    other_manager,
    warehouse,
    technician,
    stranger_salesperson,
):
    url = f"/shipping/returns/{draft_return.pk}/"
    for user in (other_salesperson, other_manager, warehouse, technician, stranger_salesperson):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
        assert client.post(f"{url}submit/").status_code == 404, user
        assert client.post(f"{url}certificate/", {"reason": "丢失"}).status_code == 404, user


def test_submit_and_withdraw_are_the_salespersons(
    client, draft_return, salesperson, manager, clerk
):
    url = f"/shipping/returns/{draft_return.pk}/"
    for user in (manager, clerk):
        client.force_login(user)
        page = _text(client.get(url))
        assert 'id="submit-return"' not in page and 'id="cancel-return"' not in page
        assert client.post(f"{url}submit/").status_code == 403
        assert client.get(f"{url}cancel/").status_code == 403
        assert client.post(f"{url}cancel/").status_code == 403
    draft_return.refresh_from_db()
    assert draft_return.status == "draft"
    client.force_login(salesperson)
    confirm = client.get(f"{url}cancel/")
    assert confirm.status_code == 200 and 'id="confirm-cancel"' in confirm.content.decode()
    draft_return.refresh_from_db()
    assert draft_return.status == "draft"  # the confirmation page changes nothing
    assert client.post(f"{url}cancel/").status_code == 302
    draft_return.refresh_from_db()
    assert draft_return.status == "cancelled"


def test_the_salesperson_submits_and_sees_the_chain(client, draft_return, salesperson):
    client.force_login(salesperson)
    url = f"/shipping/returns/{draft_return.pk}/"
    page = _text(client.get(url))
    assert "此单需要" in page and "技术部" in page
    assert client.post(f"{url}submit/").status_code == 302
    draft_return.refresh_from_db()
    assert draft_return.status == "pending"
    page = _text(client.get(url))
    assert 'id="submit-return"' not in page and 'id="cancel-return"' not in page


# ---------------------------------------------------------------- the technician


def test_the_technician_finds_the_goods_genuine_from_the_page(
    client, at_inspection, technician, manager, director
):
    url = f"/shipping/returns/{at_inspection.pk}/"
    client.force_login(manager)
    assert 'id="inspect-form"' not in client.get(url).content.decode()
    assert client.post(f"{url}inspect/", {"genuine": "yes"}).status_code == 403
    client.force_login(technician)
    page = _text(client.get(url))
    assert 'id="inspect-form"' in page and "是否正品" in page
    r = client.post(f"{url}inspect/", {"genuine": "yes", "note": ""})
    assert r.status_code == 302
    at_inspection.refresh_from_db()
    assert at_inspection.genuine is True and at_inspection.inspected_by == technician
    assert at_inspection.status == "pending"
    assert at_inspection.approvals().get(state="pending").role == Role.DIRECTOR
    page = _text(client.get(url))  # inspected by them: still theirs to see, no form
    assert 'id="inspect-form"' not in page and "正品" in page


def test_the_technicians_menu_leads_to_the_returns_to_inspect(
    client, at_inspection, technician, salesperson
):
    """R-13.5: a technician finds the returns waiting for them from the menu, not only from
    the approvals inbox; a salesperson's menu has no such entry."""
    client.force_login(technician)
    menu = {i["label"]: i["url"] for i in client.get("/shipping/returns/").context["nav_items"]}
    assert menu.get("待质检退货") == "/shipping/returns/"
    assert at_inspection.number in _text(client.get("/shipping/returns/"))
    client.force_login(salesperson)
    labels = {i["label"] for i in client.get("/shipping/returns/").context["nav_items"]}
    assert "待质检退货" not in labels


def test_not_genuine_needs_a_note_and_refuses_the_return_for_good(
    client, at_inspection, technician, salesperson
):
    url = f"/shipping/returns/{at_inspection.pk}/"
    client.force_login(technician)
    r = client.post(f"{url}inspect/", {"genuine": "no", "note": "  "})
    assert r.status_code == 422 and "field-error" in r.content.decode()
    at_inspection.refresh_from_db()
    assert at_inspection.genuine is None
    r = client.post(f"{url}inspect/", {"genuine": "no", "note": "序列号不符，非本公司产品"})
    assert r.status_code == 302
    at_inspection.refresh_from_db()
    assert (at_inspection.genuine, at_inspection.status) == (False, "rejected")
    client.force_login(salesperson)
    page = _text(client.get(url))
    assert "序列号不符" in page and "非正品" in page
    assert 'id="submit-return"' not in page and 'id="cancel-return"' not in page
    r = client.post(f"{url}submit/", follow=True)
    assert r.status_code == 200
    at_inspection.refresh_from_db()
    assert at_inspection.status == "rejected"


def test_the_inspection_is_refused_to_another_branchs_technician(
    client, at_inspection, other_technician
):
    client.force_login(other_technician)
    url = f"/shipping/returns/{at_inspection.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(f"{url}inspect/", {"genuine": "yes"}).status_code == 404
    at_inspection.refresh_from_db()
    assert at_inspection.genuine is None


def test_the_inbox_shows_the_return_card_to_the_technician(client, at_inspection, technician):
    client.force_login(technician)
    page = _text(client.get("/approvals/inbox/"))
    assert at_inspection.number in page and "华东机械有限公司" in page
    assert "外壳破损" in page and "-2" in page
    assert "正品" in page and "inspection-hint" in page


def test_deciding_from_the_inbox_records_the_inspection(client, at_inspection, technician):
    step = at_inspection.approvals().get(state="pending")
    client.force_login(technician)
    r = client.post(f"/approvals/{step.pk}/decide/", {"decision": "reject", "comment": "仿冒品"})
    assert r.status_code == 302
    at_inspection.refresh_from_db()
    assert (at_inspection.genuine, at_inspection.inspection_note) == (False, "仿冒品")


# ---------------------------------------------------------------- the clerk's red order


def test_the_clerk_issues_the_red_order_from_the_page(
    client, approved_return, clerk, salesperson, depot, other_office
):
    url = f"/shipping/returns/{approved_return.pk}/"
    client.force_login(salesperson)
    page = _text(client.get(url))
    assert 'id="red-order-form"' not in page
    assert client.post(f"{url}red-order/", {"warehouse": depot.pk}).status_code == 403
    far = warehouse_create(office=other_office, code="W9", name="江畔仓库", keeper=None)
    client.force_login(clerk)
    page = _text(client.get(url))
    assert 'id="red-order-form"' in page and "一号仓库" in page and "江畔仓库" not in page
    r = client.post(f"{url}red-order/", {"warehouse": far.pk})
    assert r.status_code == 422 and not OutboundOrder.objects.filter(red=True).exists()
    r = client.post(f"{url}red-order/", {"warehouse": depot.pk})
    order = OutboundOrder.objects.get(red=True)
    assert r.status_code == 302 and r["Location"] == f"/shipping/orders/{order.pk}/"
    assert (order.return_request_id, order.warehouse_id) == (approved_return.pk, depot.pk)
    approved_return.refresh_from_db()
    assert approved_return.status == "issued"
    page = _text(client.get(url))
    assert order.number in page and 'id="red-order-form"' not in page
    r = client.post(f"{url}red-order/", {"warehouse": depot.pk})  # a second one: refused
    assert r.status_code == 302 and OutboundOrder.objects.filter(red=True).count() == 1


def test_an_exchange_links_its_demand_request(client, shipped, salesperson, product, approvers):
    ret = services.return_create(
        actor=salesperson,
        contract=shipped,
        kind="exchange",
        reason="换新",
        lines=[LineInput(product=product, quantity=Decimal("1"))],
        now=NOW,
    )
    services.return_submit(ret=ret, actor=salesperson, now=NOW)
    _decide(ret, approvers)
    request = ret.exchange_requests.get()
    client.force_login(salesperson)
    page = _text(client.get(f"/shipping/returns/{ret.pk}/"))
    assert f'href="/shipping/requests/{request.pk}/"' in page and request.number in page


# ---------------------------------------------------------------- the certificate


def test_the_certificate_form_and_its_pdf(client, draft_return, salesperson, manager, director):
    url = f"/shipping/returns/{draft_return.pk}/"
    client.force_login(salesperson)
    assert client.get(f"{url}certificate/pdf/").status_code == 404  # not filled yet
    r = client.post(f"{url}certificate/", {"reason": " "})
    assert r.status_code == 422 and "field-error" in r.content.decode()
    r = client.post(f"{url}certificate/", {"reason": "客户发票遗失，无法追回"})
    assert r.status_code == 302
    draft_return.refresh_from_db()
    assert draft_return.certificate_reason == "客户发票遗失，无法追回"
    page = _text(client.get(url))
    assert "销售退货证明单" in page and f"{url}certificate/pdf/" in page
    for user in (salesperson, manager, director):
        client.force_login(user)
        pdf = client.get(f"{url}certificate/pdf/")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
    client.force_login(manager)
    assert client.post(f"{url}certificate/", {"reason": "改"}).status_code == 403


def test_the_certificate_pdf_is_refused_to_who_does_not_see_the_return(
    client, draft_return, salesperson, other_salesperson, other_manager, warehouse
):
    services.return_certificate(ret=draft_return, actor=salesperson, reason="遗失", now=NOW)
    for user in (other_salesperson, other_manager, warehouse):
        client.force_login(user)
        assert (
            client.get(f"/shipping/returns/{draft_return.pk}/certificate/pdf/").status_code == 404
        )


def test_the_list_page_does_not_query_per_return(
    client, shipped, salesperson, product, django_assert_max_num_queries
):
    for reason in ("一", "二", "三", "四"):
        services.return_create(
            actor=salesperson,
            contract=shipped,
            reason=reason,
            lines=[LineInput(product=product, quantity=Decimal("1"))],
            now=NOW,
        )
    client.force_login(salesperson)
    with django_assert_max_num_queries(12):
        r = client.get("/shipping/returns/")
    assert r.status_code == 200 and r.content.decode().count('class="visit-row"') == 4
