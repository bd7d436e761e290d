"""R-16.1 through the API: the request from the customer's call to the salesperson being
told, with the right person at each step and the wrong one refused."""

import datetime

import pytest
from django.utils import timezone

from aftersales.models import ServiceRequest
from notifications.models import Notification

BASE = "/api/v1/after-sales/"


def post(api, user, path, data=None, **kwargs):
    api.force_authenticate(user)
    return api.post(path, data or {}, format=kwargs.pop("format", "json"), **kwargs)


def get(api, user, path):
    api.force_authenticate(user)
    return api.get(path)


def kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def just_now() -> str:
    return timezone.now().isoformat()


@pytest.mark.django_db
def test_r16_1_the_whole_flow_right_person_each_step_wrong_one_refused(
    api,
    account,
    contract,
    product,
    salesperson,
    other_salesperson,
    manager,
    clerk,
    technician,
    technician2,
    director,
    executive,
    finance,
):
    made = post(
        api,
        salesperson,
        BASE,
        {"account": account.pk, "contract": contract.pk, "product": product.pk, "problem": "异响"},
    )
    assert made.status_code == 201, made.data
    pk = made.data["id"]
    assert made.data["number"].startswith("AS-")
    assert made.data["state"] == "new"
    assert "aftersales_new" in kinds(manager)
    url = f"{BASE}{pk}/"

    # confirm: the manager only (the salesperson and the clerk see it but may not)
    assert post(api, salesperson, url + "confirm/", {"approve": True}).status_code == 403
    assert post(api, clerk, url + "confirm/", {"approve": True}).status_code == 403
    ok = post(api, manager, url + "confirm/", {"approve": True})
    assert ok.status_code == 200 and ok.data["state"] == "confirmed"
    assert "aftersales_confirmed" in kinds(clerk)
    assert post(api, manager, url + "confirm/", {"approve": True}).status_code == 409

    # file: the clerk only; the technician does not see it before it is filed
    assert get(api, technician, url).status_code == 404
    assert post(api, manager, url + "file/", {}).status_code == 403
    ok = post(api, clerk, url + "file/", {})
    assert ok.status_code == 200 and ok.data["state"] == "filed"
    assert ok.data["technician"] is None
    assert "aftersales_filed" in kinds(technician) and "aftersales_filed" in kinds(technician2)

    # any technician of the office may take it; then the other one no longer sees it
    assert post(api, clerk, url + "take/").status_code == 403
    ok = post(api, technician, url + "take/")
    assert ok.status_code == 200 and ok.data["technician"] == technician.pk
    assert get(api, technician2, url).status_code == 404

    # contact: the technician whose it is
    body = {"contacted_at": just_now(), "method": "phone", "note": "约好明天上门"}
    assert post(api, clerk, url + "contact/", body).status_code == 403
    assert post(api, technician, url + "contact/", {**body, "method": "fax"}).status_code == 400
    ok = post(api, technician, url + "contact/", body)
    assert ok.status_code == 200 and ok.data["state"] == "contacted"
    assert ok.data["response_seconds"] is not None and ok.data["response_seconds"] >= 0

    # result: without one, "resolved" is 400 and nothing changes
    bad = post(api, technician, url + "result/", {"result": "  ", "resolved": True})
    assert bad.status_code == 400 and "result" in bad.data
    assert ServiceRequest.objects.get(pk=pk).state == "contacted"
    progress = post(api, technician, url + "result/", {"status": "待配件", "resolved": False})
    assert progress.status_code == 200 and progress.data["state"] == "contacted"
    assert post(api, manager, url + "result/", {"result": "好了"}).status_code == 403
    ok = post(api, technician, url + "result/", {"result": "更换轴承，运转正常", "resolved": True})
    assert ok.status_code == 200 and ok.data["state"] == "resolved"
    assert ok.data["resolution_seconds"] is not None
    assert "aftersales_resolved" in kinds(manager) and "aftersales_resolved" in kinds(clerk)

    # close: the clerk tells the salesperson
    assert post(api, technician, url + "close/").status_code == 403
    assert post(api, manager, url + "close/").status_code == 403
    ok = post(api, clerk, url + "close/")
    assert ok.status_code == 200 and ok.data["state"] == "closed"
    assert "aftersales_closed" in kinds(salesperson)
    assert post(api, clerk, url + "close/").status_code == 409

    history = [e["kind"] for e in get(api, director, url).data["events"]]
    assert history == [
        "received",
        "confirmed",
        "filed",
        "taken",
        "contacted",
        "progress",
        "resolved",
        "closed",
    ]
    # leadership reads it; finance does not see it
    assert get(api, executive, url).status_code == 200
    assert get(api, finance, url).status_code == 404
    assert get(api, other_salesperson, url).status_code == 404


@pytest.mark.django_db
def test_r16_1_reject_needs_a_reason_and_tells_who_took_the_call(api, account, clerk, manager):
    pk = post(api, clerk, BASE, {"account": account.pk, "problem": "要求退货"}).data["id"]
    bad = post(api, manager, f"{BASE}{pk}/confirm/", {"approve": False, "reason": ""})
    assert bad.status_code == 400 and "reason" in bad.data
    ok = post(api, manager, f"{BASE}{pk}/confirm/", {"approve": False, "reason": "不在保修范围"})
    assert ok.data["state"] == "rejected"
    assert "aftersales_rejected" in kinds(clerk)
    assert post(api, clerk, f"{BASE}{pk}/file/", {}).status_code == 409


@pytest.mark.django_db
def test_r16_1_filed_to_a_named_technician_only_they_see_it(
    api, account, manager, clerk, technician, technician2, other_technician
):
    pk = post(api, clerk, BASE, {"account": account.pk, "problem": "漏油"}).data["id"]
    post(api, manager, f"{BASE}{pk}/confirm/", {"approve": True})
    # a technician of another office is not one of this branch's
    bad = post(api, clerk, f"{BASE}{pk}/file/", {"technician": other_technician.pk})
    assert bad.status_code == 400 and "technician" in bad.data
    ok = post(api, clerk, f"{BASE}{pk}/file/", {"technician": technician2.pk})
    assert ok.data["technician"] == technician2.pk
    assert kinds(technician2) == ["aftersales_filed"] and kinds(technician) == []
    assert get(api, technician, f"{BASE}{pk}/").status_code == 404
    assert post(api, technician, f"{BASE}{pk}/take/").status_code == 404


@pytest.mark.django_db
def test_r16_1_technician_of_another_office_neither_sees_nor_takes(
    api, account, manager, clerk, other_technician
):
    pk = post(api, clerk, BASE, {"account": account.pk, "problem": "漏油"}).data["id"]
    post(api, manager, f"{BASE}{pk}/confirm/", {"approve": True})
    post(api, clerk, f"{BASE}{pk}/file/", {})
    assert get(api, other_technician, f"{BASE}{pk}/").status_code == 404
    assert post(api, other_technician, f"{BASE}{pk}/take/").status_code == 404
    body = {"contacted_at": just_now(), "method": "phone"}
    assert post(api, other_technician, f"{BASE}{pk}/contact/", body).status_code == 404
    listed = get(api, other_technician, BASE)
    rows = listed.data["results"] if isinstance(listed.data, dict) else listed.data
    assert rows == []


@pytest.mark.django_db
def test_r16_1_contact_time_cannot_be_before_filing_or_in_the_future(
    api, account, manager, clerk, technician
):
    pk = post(api, clerk, BASE, {"account": account.pk, "problem": "漏油"}).data["id"]
    post(api, manager, f"{BASE}{pk}/confirm/", {"approve": True})
    post(api, clerk, f"{BASE}{pk}/file/", {})
    future = (timezone.now() + datetime.timedelta(hours=2)).isoformat()
    early = (timezone.now() - datetime.timedelta(hours=2)).isoformat()
    for when in (future, early):
        bad = post(
            api, technician, f"{BASE}{pk}/contact/", {"contacted_at": when, "method": "phone"}
        )
        assert bad.status_code == 400 and "contacted_at" in bad.data
    assert ServiceRequest.objects.get(pk=pk).state == "filed"


@pytest.mark.django_db
def test_another_offices_account_is_400_and_nothing_saved(api, other_account, clerk, manager):
    for user in (clerk, manager):
        bad = post(api, user, BASE, {"account": other_account.pk, "problem": "异响"})
        assert bad.status_code == 400 and "account" in bad.data
    assert ServiceRequest.objects.count() == 0


@pytest.mark.django_db
def test_a_salesperson_cannot_report_nor_see_a_peers_account(
    api, account, peer_account, salesperson, other_salesperson, manager
):
    bad = post(api, salesperson, BASE, {"account": peer_account.pk, "problem": "异响"})
    assert bad.status_code == 400 and "account" in bad.data
    pk = post(api, other_salesperson, BASE, {"account": peer_account.pk, "problem": "异响"}).data[
        "id"
    ]
    assert get(api, salesperson, f"{BASE}{pk}/").status_code == 404
    listed = get(api, salesperson, BASE)
    rows = listed.data["results"] if isinstance(listed.data, dict) else listed.data
    assert [r["id"] for r in rows] == []
    assert get(api, manager, f"{BASE}{pk}/").status_code == 200


@pytest.mark.django_db
def test_a_contract_of_another_account_or_a_product_not_on_it_is_400(
    api, account, peer_account, contract, manager, clerk
):
    from contracts.factories import make_product

    bad = post(
        api, clerk, BASE, {"account": peer_account.pk, "contract": contract.pk, "problem": "x"}
    )
    assert bad.status_code == 400 and "contract" in bad.data
    cable = make_product(manager, "DL-200", price="12.50", name="电缆", unit="米")
    bad = post(
        api,
        clerk,
        BASE,
        {"account": account.pk, "contract": contract.pk, "product": cable.pk, "problem": "x"},
    )
    assert bad.status_code == 400 and "product" in bad.data
    assert ServiceRequest.objects.count() == 0


@pytest.mark.django_db
def test_an_unapproved_account_is_refused(api, office, clerk, salesperson):
    from accounts.factories import AccountFactory

    pending = AccountFactory(office=office, author=salesperson, status="pending")
    bad = post(api, clerk, BASE, {"account": pending.pk, "problem": "x"})
    assert bad.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["finance", "warehouse", "purchasing"])
def test_finance_warehouse_and_purchasing_get_403(api, role, request, account, clerk):
    user = request.getfixturevalue(role)
    assert get(api, user, BASE).status_code == 403
    assert post(api, user, BASE, {"account": account.pk, "problem": "x"}).status_code == 403
    assert get(api, user, "/api/v1/complaints/").status_code == 403


@pytest.mark.django_db
def test_anonymous_is_refused(api):
    assert api.get(BASE).status_code in (401, 403)


@pytest.mark.django_db
def test_list_filters_state_and_escalated(api, account, clerk, manager):
    first = post(api, clerk, BASE, {"account": account.pk, "problem": "一"}).data["id"]
    post(api, clerk, BASE, {"account": account.pk, "problem": "二"})
    post(api, manager, f"{BASE}{first}/confirm/", {"approve": True})
    post(api, manager, f"{BASE}{first}/escalate/", {"reason": "分部无法解决"})

    def ids(query):
        data = get(api, manager, BASE + query).data
        return [r["id"] for r in (data["results"] if isinstance(data, dict) else data)]

    assert ids("?state=confirmed") == [first]
    assert ids("?escalated=1") == [first]
    assert len(ids("")) == 2
    assert get(api, manager, BASE + "?state=bogus").status_code == 400
