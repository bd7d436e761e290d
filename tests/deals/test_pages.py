"""The availability board (R-6.1), the unit panel's holds and subscriptions (R-6.2, R-6.3,
R-5.5, R-5.7) and the printable agreement, through Django's test client."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from attribution.services import customer_register_own
from deals import services
from deals.models import Hold, Project, Refund, Subscription, Unit
from leads.factories import channel

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=SH)
HTMX = {"HTTP_HX_REQUEST": "true"}
BOARD = "/deals/board/"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


def make_project(office, buildings=1, floors=2, per_floor=4, name="阳光花园一期") -> Project:
    project = Project.objects.create(office=office, name=name)
    for b in range(1, buildings + 1):
        for floor in range(1, floors + 1):
            for n in range(1, per_floor + 1):
                Unit.objects.create(
                    office=office,
                    project=project,
                    building=str(b),
                    number=f"{floor}{n:02d}",
                    floor=floor,
                    layout="3室2厅",
                    area=Decimal("89.50"),
                    list_price=Decimal("1500000.00"),
                )
    return project


def claimed(office, salesperson, phone, name):
    customer, _claim = customer_register_own(
        office=office,
        salesperson=salesperson,
        phone=phone,
        name=name,
        source_channel=channel("passing"),
        now=NOW - datetime.timedelta(days=1),
    )
    return customer


def unit(project, number="101"):
    return Unit.objects.get(project=project, building="1", number=number)


@pytest.fixture
def project(office):
    return make_project(office)


@pytest.fixture
def zhou(office, salesperson):
    return claimed(office, salesperson, "13800000001", "周女士")


@pytest.fixture
def li(office, other_salesperson):
    return claimed(office, other_salesperson, "13900000002", "李秀英")


def test_board_shows_the_grid_with_statuses_and_hours_left(
    client, office, project, salesperson, zhou, li
):
    services.hold_create(unit=unit(project, "201"), customer=zhou, actor=salesperson, now=NOW)
    services.subscription_create(
        unit=unit(project, "102"), customer=li, deposit="20000", actor=salesperson, now=NOW
    )
    client.force_login(salesperson)
    html = client.get(BOARD).content.decode()
    assert "阳光花园一期" in html
    assert 'id="grid"' in html and 'hx-trigger="every 15s, deals-changed from:body"' in html
    assert html.index(">201<") < html.index(">101<")  # top floor first
    assert f'id="unit-{unit(project, "201").pk}" class="unit-cell s-held"' in html
    assert f'id="unit-{unit(project, "102").pk}" class="unit-cell s-subscribed"' in html
    assert f'id="unit-{unit(project, "101").pk}" class="unit-cell s-available"' in html
    assert "剩余 72 小时" in html
    assert "150.00" in html  # 1,500,000 in 万


def test_an_expired_hold_shows_available(client, office, project, salesperson, zhou, clock):
    services.hold_create(unit=unit(project), customer=zhou, actor=salesperson, now=NOW)
    clock.shift(datetime.timedelta(hours=73))
    client.force_login(salesperson)
    html = client.get(BOARD).content.decode()
    assert f'id="unit-{unit(project).pk}" class="unit-cell s-available"' in html


@pytest.mark.parametrize("per_floor", [4, 24])
def test_board_query_count_does_not_grow_with_units(
    client, office, salesperson, zhou, django_assert_max_num_queries, per_floor
):
    project = make_project(office, floors=2, per_floor=per_floor)  # 8 vs 48 units
    services.hold_create(unit=unit(project), customer=zhou, actor=salesperson, now=NOW)
    client.force_login(salesperson)
    with django_assert_max_num_queries(12):
        response = client.get(f"{BOARD}?project={project.pk}")
    assert response.content.decode().count('class="unit-cell') == 2 * per_floor
    with django_assert_max_num_queries(12):
        client.get(f"{BOARD}?project={project.pk}&part=grid", **HTMX)


def test_grid_fragment_for_polling(client, project, salesperson):
    client.force_login(salesperson)
    response = client.get(f"{BOARD}?project={project.pk}&part=grid", **HTMX)
    html = response.content.decode()
    assert html.startswith('<div id="grid"') and "<html" not in html


def test_customer_search_finds_own_customers_by_part_of_the_phone(
    client, office, salesperson, zhou, li
):
    """R-1.4: a salesperson's fragment search covers the customers they hold, in full."""
    client.force_login(salesperson)
    html = client.get("/deals/customers/", {"q": "1380000", "field": "hold-customer"}).content
    html = html.decode()
    assert "周女士" in html and f'value="{zhou.pk}"' in html and 'name="hold-customer"' in html
    assert "13800000001" in html
    others = client.get("/deals/customers/", {"q": "1390000", "field": "hold-customer"})
    assert f'value="{li.pk}"' not in others.content.decode()  # a colleague's: not by a part


def test_customer_search_finds_a_colleagues_customer_only_by_the_full_number_masked(
    client, office, salesperson, li
):
    client.force_login(salesperson)
    html = client.get("/deals/customers/", {"q": "13900000002"}).content.decode()
    assert f'value="{li.pk}"' in html
    assert "13900000002" not in html and "139****0002" in html  # masked
    assert "李秀英" not in html and "李*" in html


def test_hold_from_the_panel(client, office, project, salesperson, zhou):
    client.force_login(salesperson)
    target = unit(project)
    panel = client.get(f"/deals/units/{target.pk}/", **HTMX).content.decode()
    assert "hold-form" in panel and 'value="500.00"' in panel  # the office's holding fee
    response = client.post(
        f"/deals/units/{target.pk}/hold/", {"hold-customer": zhou.pk, "hold-fee": "500.00"}, **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "deals-changed"
    target.refresh_from_db()
    assert target.status == "held"
    hold = Hold.objects.get(unit=target)
    assert (hold.customer, hold.fee, hold.created_by) == (zhou, Decimal("500.00"), salesperson)
    assert "周女士" in response.content.decode() and "剩余 72 小时" in response.content.decode()


def test_hold_without_customer_is_422(client, project, salesperson):
    client.force_login(salesperson)
    target = unit(project)
    response = client.post(f"/deals/units/{target.pk}/hold/", {"hold-fee": "500.00"}, **HTMX)
    assert response.status_code == 422
    assert "搜索并选择客户。" in response.content.decode()
    target.refresh_from_db()
    assert target.status == "available"


def test_another_customer_subscribing_during_the_hold_is_refused(
    client, office, project, salesperson, other_salesperson, zhou, li
):
    target = unit(project)
    services.hold_create(unit=target, customer=zhou, actor=salesperson, now=NOW)
    client.force_login(other_salesperson)
    # the panel was opened before the hold: the subscribe form is posted anyway
    response = client.post(
        f"/deals/units/{target.pk}/subscribe/",
        {"sub-customer": li.pk, "sub-deposit": "20000.00"},
        **HTMX,
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "已为其他客户封号" in html
    assert "s-held" in html and response["HX-Trigger"] == "deals-changed"  # refreshed state
    target.refresh_from_db()
    assert target.status == "held"
    assert not Subscription.objects.exists()
    assert Hold.objects.get().status == "active"


def test_holder_converts_with_the_fee_credited(client, office, project, salesperson, zhou):
    target = unit(project)
    services.hold_create(unit=target, customer=zhou, actor=salesperson, now=NOW)
    client.force_login(salesperson)
    panel = client.get(f"/deals/units/{target.pk}/", **HTMX).content.decode()
    assert "convert-form" in panel and "周女士" in panel
    response = client.post(
        f"/deals/units/{target.pk}/convert/", {"conv-deposit": "20000.00"}, **HTMX
    )
    assert response.status_code == 200
    subscription = Subscription.objects.get()
    assert (subscription.customer, subscription.deposit, subscription.fee_credited) == (
        zhou,
        Decimal("20000.00"),
        Decimal("500.00"),
    )
    assert subscription.credited_salesperson == salesperson
    assert Hold.objects.get().status == "converted"
    html = response.content.decode()
    assert subscription.number in html and "20,000.00" in html
    assert f"/deals/subscriptions/{subscription.pk}/agreement/" in html


def test_deposit_below_the_minimum_is_422(client, project, salesperson, zhou):
    target = unit(project)
    client.force_login(salesperson)
    response = client.post(
        f"/deals/units/{target.pk}/subscribe/",
        {"sub-customer": zhou.pk, "sub-deposit": "4999.99"},
        **HTMX,
    )
    assert response.status_code == 422
    assert not Subscription.objects.exists()


@pytest.fixture
def subscription(project, salesperson, zhou):
    return services.subscription_create(
        unit=unit(project), customer=zhou, deposit="20000.00", actor=salesperson, now=NOW
    )


def test_withdraw_needs_the_manager_role(client, subscription, salesperson):
    client.force_login(salesperson)
    panel = client.get(f"/deals/units/{subscription.unit_id}/", **HTMX).content.decode()
    assert "withdraw-form" not in panel
    response = client.post(
        f"/deals/units/{subscription.unit_id}/withdraw/", {"wd-confirm": "on"}, **HTMX
    )
    assert response.status_code == 403
    subscription.refresh_from_db()
    assert subscription.status == "active"


def test_withdraw_needs_confirmation(client, subscription, manager):
    client.force_login(manager)
    url = f"/deals/units/{subscription.unit_id}/withdraw/"
    response = client.post(url, {}, **HTMX)
    assert response.status_code == 422
    assert "请勾选确认后再退定。" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == "active"

    response = client.post(url, {"wd-confirm": "on"}, **HTMX)
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == "withdrawn"
    assert Unit.objects.get(pk=subscription.unit_id).status == "available"
    assert Refund.objects.get().amount == Decimal("20000.00")


def test_release_early(client, project, salesperson, manager, zhou):
    target = unit(project)
    services.hold_create(unit=target, customer=zhou, actor=salesperson, now=NOW)
    client.force_login(manager)
    response = client.post(f"/deals/units/{target.pk}/release/", **HTMX)
    assert response.status_code == 200
    target.refresh_from_db()
    assert target.status == "available"
    assert Refund.objects.get().reason == "hold_released"


def test_only_who_may_release_the_hold_sees_the_button_and_releases(
    client, project, salesperson, other_salesperson, manager, zhou
):
    """R-6.2: the manager, or the salesperson who placed the hold or holds the customer; a
    colleague sees no release button and is refused (403), and the hold stays."""
    target = unit(project)
    hold = services.hold_create(unit=target, customer=zhou, actor=salesperson, now=NOW)
    panel = f"/deals/units/{target.pk}/"

    client.force_login(other_salesperson)
    html = client.get(panel, **HTMX).content.decode()
    assert "剩余 72 小时" in html  # the hold is shown
    assert 'id="release-form"' not in html
    response = client.post(f"/deals/units/{target.pk}/release/", **HTMX)
    assert response.status_code == 403
    hold.refresh_from_db()
    target.refresh_from_db()
    assert (hold.status, target.status) == ("active", "held")
    assert not Refund.objects.exists()

    for who in (salesperson, manager):
        client.force_login(who)
        assert 'id="release-form"' in client.get(panel, **HTMX).content.decode()


def test_the_customers_salesperson_releases_a_colleagues_hold_on_their_customer(
    client, project, salesperson, other_salesperson, zhou
):
    """R-6.2 with R-5.4: a colleague held the unit for the owner's customer; the owner (who
    holds the customer's claim) may end it from the panel."""
    target = unit(project)
    services.hold_create(unit=target, customer=zhou, actor=other_salesperson, now=NOW)
    client.force_login(salesperson)
    response = client.post(f"/deals/units/{target.pk}/release/", **HTMX)
    assert response.status_code == 200
    assert Hold.objects.get().status == "released"
    assert 'id="release-form"' not in response.content.decode()  # nothing left to release


def test_an_account_without_a_role_is_refused_the_units(client, office, project, subscription):
    """deals.view_units: an account of the office without any role gets 403 on the board, a
    unit, the customer picker and the agreement."""
    from staff.factories import UserFactory

    member = UserFactory(username="member", roles=[], offices=[office])
    client.force_login(member)
    urls = [
        BOARD,
        f"/deals/units/{unit(project).pk}/",
        "/deals/customers/?q=138",
        f"/deals/subscriptions/{subscription.pk}/agreement/",
        f"/deals/subscriptions/{subscription.pk}/agreement.pdf",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "13800000001" not in response.content.decode(errors="replace")


def test_agreement_shows_number_and_deposit(client, subscription, secretary):
    client.force_login(secretary)
    response = client.get(f"/deals/subscriptions/{subscription.pk}/agreement/")
    html = response.content.decode()
    assert response.status_code == 200
    assert subscription.number in html and "20,000.00" in html
    assert "周女士" in html and "13800000001" in html and "阳光花园一期" in html
    assert "@media print" not in html  # the print stylesheet lives in app.css


def test_other_office_is_404(client, subscription, other_manager):
    client.force_login(other_manager)
    unit_id = subscription.unit_id
    assert client.get(f"/deals/subscriptions/{subscription.pk}/agreement/").status_code == 404
    assert client.get(f"/deals/units/{unit_id}/", **HTMX).status_code == 404
    assert client.post(f"/deals/units/{unit_id}/withdraw/", {"wd-confirm": "on"}).status_code == 404
    assert client.get(f"{BOARD}?office={subscription.office_id}").status_code == 404


def test_other_office_project_is_404(client, project, other_office, other_manager):
    client.force_login(other_manager)
    assert client.get(f"{BOARD}?project={project.pk}").status_code == 404


def test_a_role_without_hold_rights_cannot_hold(client, project, finance, zhou):
    client.force_login(finance)
    target = unit(project)
    panel = client.get(f"/deals/units/{target.pk}/", **HTMX).content.decode()
    assert "hold-form" not in panel and "subscribe-form" in panel
    response = client.post(f"/deals/units/{target.pk}/hold/", {"hold-customer": zhou.pk})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "url",
    ["/deals/board/", "/deals/units/1/", "/deals/subscriptions/1/agreement/", "/deals/customers/"],
)
def test_anonymous_goes_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_nav_has_units_for_salesperson_not_warehouse(client, salesperson, warehouse):
    client.force_login(salesperson)
    assert 'href="/deals/board/"' in client.get(BOARD).content.decode()
    client.force_login(warehouse)
    assert 'href="/deals/board/"' not in client.get("/").content.decode()
