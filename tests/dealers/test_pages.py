"""The dealers' pages (R-17.5): the list and the dealer's page with purchases against last
year, stock checks, receivable and disputes; who sees which dealer; text escaped."""

import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from dealers import selectors, services

from .conftest import NOW

pytestmark = pytest.mark.django_db


def _page(client, user, dealer):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse("dealers:detail", args=[dealer.pk]))


def test_purchases_against_last_year_by_month_and_product(world, dealer, salesperson, client):
    with time_machine.travel(NOW, tick=False):
        rows = selectors.purchases_by_month(dealer, year=2026, until=NOW.date())
    got = {(r["month"].month, r["name"]): r for r in rows}
    assert set(got) == {(3, "DJ-100 电机"), (3, "DL-200 电缆")}
    motor, cable = got[(3, "DJ-100 电机")], got[(3, "DL-200 电缆")]
    assert (motor["signed"], motor["signed_last"]) == (Decimal("1500.00"), Decimal("1000.00"))
    assert (motor["shipped"], motor["shipped_last"]) == (Decimal("1500.00"), Decimal("1000.00"))
    assert motor["change"] == Decimal("0.5000")
    assert (cable["signed"], cable["signed_last"], cable["change"]) == (
        Decimal("500.00"),
        Decimal("0.00"),
        None,
    )
    page = _page(client, salesperson, dealer)
    assert page.status_code == 200
    html = page.content.decode()
    totals = re.search(r'id="purchase-totals">(.*?)</tr>', html, re.S).group(1)
    assert "2,000.00" in totals and "1,000.00" in totals and "100%" in totals
    assert 'id="receivable-open">2,700.00<' in html
    assert 'id="receivable-overdue">700.00<' in html
    assert "断货，下周补" in html and "库存偏低，已催发货" in html


def test_list_shows_each_dealers_figures(
    world, dealer, dealer2, colleague_dealer, salesperson, manager, client
):
    with time_machine.travel(NOW, tick=False):
        rows = {
            r["dealer"].pk: r
            for r in selectors.dealer_list(salesperson, today=NOW.date(), limit=50)
        }
    assert set(rows) == {dealer.pk, dealer2.pk}  # not the colleague's
    mine = rows[dealer.pk]
    assert mine["signed"] == Decimal("2000.00") and mine["shipped"] == Decimal("2000.00")
    assert (mine["open"], mine["overdue"]) == (Decimal("2700.00"), Decimal("700.00"))
    assert str(mine["last_check"]) == "2026-03-09" and mine["open_disputes"] == 1
    client.force_login(manager)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("dealers:list"))
    assert page.status_code == 200
    for d in (dealer, dealer2, colleague_dealer):
        assert f'id="dealer-{d.pk}"' in page.content.decode()


def test_who_sees_which_dealer(
    dealer,
    far_dealer,
    salesperson,
    other_salesperson,
    manager,
    other_manager,
    director,
    executive,
    client,
    clerk,
):
    assert _page(client, salesperson, dealer).status_code == 200
    assert _page(client, other_salesperson, dealer).status_code == 404
    assert _page(client, manager, dealer).status_code == 200
    assert _page(client, other_manager, dealer).status_code == 404
    assert _page(client, director, dealer).status_code == 200
    assert _page(client, executive, far_dealer).status_code == 200
    assert _page(client, clerk, dealer).status_code == 403
    client.force_login(other_manager)
    listed = client.get(reverse("dealers:list")).content.decode()
    assert f'id="dealer-{far_dealer.pk}"' in listed and f'id="dealer-{dealer.pk}"' not in listed


def test_page_flow_and_escaped_text(dealer, salesperson, manager, client):
    evil = '<script>alert("x")</script>'
    client.force_login(salesperson)
    r = client.post(reverse("dealers:dispute_new", args=[dealer.pk]), {"description": evil})
    assert r.status_code == 302
    dispute = dealer.dealer_disputes.get()
    r = client.post(
        reverse("dealers:dispute_help", args=[dispute.pk]), {f"h{dispute.pk}-note": evil}
    )
    assert r.status_code == 302
    html = client.get(reverse("dealers:detail", args=[dealer.pk])).content.decode()
    assert evil not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    # the manager sees no help button, the salesperson may settle or escalate
    assert f'action="/dealers/disputes/{dispute.pk}/escalate/"' in html
    r = client.post(
        reverse("dealers:dispute_escalate", args=[dispute.pk]), {f"e{dispute.pk}-reason": ""}
    )
    assert r.status_code == 400
    client.force_login(manager)
    r = client.post(
        reverse("dealers:dispute_help", args=[dispute.pk]), {f"h{dispute.pk}-note": "x"}
    )
    assert r.status_code == 403
    services.dispute_settle(dispute=dispute, actor=salesperson, resolution="和解", now=NOW)
    r = client.post(
        reverse("dealers:dispute_settle", args=[dispute.pk]), {f"s{dispute.pk}-resolution": "x"}
    )
    assert r.status_code == 409
