"""The expense pages for each role, in Chinese and in English: what each shows and offers,
what it refuses, bounded queries on the lists, and the forms that keep what was typed."""

import re

import pytest
from django.utils import translation

from expenses.models import ClaimLine, ClaimPhoto, ExpenseBudget, ExpenseClaim
from staff.choices import Role
from staff.factories import UserFactory

from .conftest import NOW, budget, claim, png_upload, receipt_line

pytestmark = pytest.mark.django_db


def get(client, user, url, lang="zh-hans"):
    client.force_login(user)
    return client.get(url, HTTP_ACCEPT_LANGUAGE=lang)


def no_english(html: str) -> list[str]:
    """English words left on a Chinese page's visible text (tags, scripts, and the user's data
    aside)."""
    found = re.search(r"(?s)<main\b.*?</main>", html)
    body = found.group(0) if found else html
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", "", body)
    body = re.sub(r"(?s)<[^>]+>", " ", body)
    words = re.findall(r"[A-Za-z]{4,}", body)
    return [w for w in words if w not in {"sunny", "riverside"} and not w.startswith("sales")]


@pytest.fixture
def world(office, salesperson, manager, finance, director):
    mine = budget(salesperson, people=[manager])
    made = claim(salesperson, mine)
    from shipping.factories import decide_all

    decide_all(made, [manager], now=NOW)
    return {"budget": mine, "claim": made}


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_every_page_renders_for_each_role(
    client, world, salesperson, manager, finance, director, lang
):
    b, c = world["budget"].pk, world["claim"].pk
    pages = {
        salesperson: [
            "/expenses/",
            "/expenses/budgets/new/",
            f"/expenses/budgets/{b}/",
            "/expenses/claims/new/",
            f"/expenses/claims/new/?budget={b}",
            f"/expenses/claims/{c}/",
            "/expenses/month/",
        ],
        manager: [
            "/expenses/",
            f"/expenses/budgets/{b}/",
            f"/expenses/claims/{c}/",
            "/expenses/month/",
            "/expenses/ranks/",
        ],
        finance: ["/expenses/", f"/expenses/claims/{c}/"],
        director: ["/expenses/", f"/expenses/claims/{c}/", "/expenses/ranks/"],
    }
    for user, urls in pages.items():
        for url in urls:
            answer = get(client, user, url, lang)
            assert answer.status_code == 200, (user, url, answer.status_code)
            html = answer.content.decode()
            if lang == "zh-hans":
                assert not no_english(html), (user, url, no_english(html)[:10])
                assert "R-16" not in html


def test_finance_sees_the_pay_button_with_a_confirmation(client, world, finance, salesperson):
    html = get(client, finance, f"/expenses/claims/{world['claim'].pk}/").content.decode()
    assert 'id="pay-form"' in html and "data-confirm" in html
    html = get(client, salesperson, f"/expenses/claims/{world['claim'].pk}/").content.decode()
    assert 'id="pay-form"' not in html


def test_finance_pays_from_the_page_once(client, world, finance):
    client.force_login(finance)
    url = f"/expenses/claims/{world['claim'].pk}/pay/"
    assert client.post(url, {"reference": "网银 001"}).status_code == 302
    answer = client.post(url, {"reference": "again"}, follow=True)
    assert "已付款" in answer.content.decode() or "paid" in answer.content.decode()
    made = ExpenseClaim.objects.get(pk=world["claim"].pk)
    assert (made.status, made.reference) == ("paid", "网银 001")


def test_a_salesperson_cannot_pay_from_the_page(client, world, salesperson):
    client.force_login(salesperson)
    assert client.post(f"/expenses/claims/{world['claim'].pk}/pay/").status_code == 403


@pytest.mark.parametrize("role", [Role.SECRETARY, Role.WAREHOUSE])
def test_other_roles_get_403_on_the_pages(client, office, role):
    outsider = UserFactory(username=f"p-{role}", roles=[role], offices=[office])
    client.force_login(outsider)
    for url in ("/expenses/", "/expenses/month/", "/expenses/claims/new/", "/expenses/ranks/"):
        assert client.get(url).status_code == 403, url


def test_the_ranks_page_is_the_managers(client, office, salesperson, manager):
    client.force_login(salesperson)
    assert client.get("/expenses/ranks/").status_code == 403
    assert (
        client.post("/expenses/ranks/", {"user": salesperson.pk, "rank": "manager"}).status_code
        == 403
    )
    client.force_login(manager)
    answer = client.post(
        "/expenses/ranks/", {"office": office.pk, "user": salesperson.pk, "rank": "deputy"}
    )
    assert answer.status_code == 302
    from expenses.selectors import cap_of

    assert str(cap_of(salesperson, office)) == "2000.00"


def test_a_budget_made_and_submitted_from_the_page(client, salesperson, manager):
    client.force_login(salesperson)
    answer = client.post(
        "/expenses/budgets/new/",
        {
            "month": "2026-03",
            "category": "travel",
            "amount": "450.00",
            "purpose": "去上海拜访",
            "office": salesperson.offices.first().pk,
            "submit": "1",
        },
    )
    assert answer.status_code == 302
    made = ExpenseBudget.objects.get()
    assert (made.status, made.amount, str(made.month)) == ("pending", 450, "2026-03-01")


def test_a_bad_budget_form_keeps_what_was_typed(client, salesperson):
    client.force_login(salesperson)
    answer = client.post(
        "/expenses/budgets/new/",
        {
            "month": "2031-01",
            "category": "travel",
            "amount": "450.00",
            "purpose": "保留这段文字",
            "office": salesperson.offices.first().pk,
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert answer.status_code == 400
    assert "保留这段文字" in answer.content.decode()
    assert not ExpenseBudget.objects.exists()


def test_a_claim_made_on_the_phone_pages(client, salesperson, manager):
    made = budget(salesperson, people=[manager])
    client.force_login(salesperson)
    answer = client.post(
        f"/expenses/claims/new/?budget={made.pk}",
        {
            "budget": made.pk,
            "claim-date": "2026-03-09",
            "line-kind": "meal",
            "line-meals": "2",
            "line-amount": "999",
        },
    )
    assert answer.status_code == 400  # a meal line with an amount of the client's
    answer = client.post(
        f"/expenses/claims/new/?budget={made.pk}",
        {
            "budget": made.pk,
            "claim-date": "2026-03-09",
            "line-kind": "receipt",
            "line-amount": "88.00",
            "line-description": "停车费",
        },
    )
    assert answer.status_code == 302
    made_claim = ExpenseClaim.objects.get()
    page = client.get(f"/expenses/claims/{made_claim.pk}/").content.decode()
    assert 'capture="environment"' in page and 'accept="image/*"' in page
    line = ClaimLine.objects.get()
    answer = client.post(
        f"/expenses/claims/{made_claim.pk}/photos/", {"photo": png_upload(), "line": line.pk}
    )
    assert answer.status_code == 302
    assert ClaimPhoto.objects.count() == 1
    answer = client.post(
        f"/expenses/claims/{made_claim.pk}/lines/",
        {
            "line-kind": "fuel",
            "line-amount": "200",
            "line-trip_date_0": "2026-03-08",
            "line-trip_from_0": "公司",
            "line-trip_to_0": "工地",
            "line-trip_purpose_0": "送货",
            "line-trip_km_0": "42",
        },
    )
    assert answer.status_code == 302
    made_claim.refresh_from_db()
    assert made_claim.total == 288
    assert client.post(f"/expenses/claims/{made_claim.pk}/submit/").status_code == 302
    made_claim.refresh_from_db()
    assert made_claim.status == "pending"


def test_a_fuel_line_without_trips_from_the_page_is_a_400(client, salesperson, manager):
    made = claim(salesperson, budget(salesperson, people=[manager]), submit=False)
    client.force_login(salesperson)
    answer = client.post(
        f"/expenses/claims/{made.pk}/lines/",
        {"line-kind": "fuel", "line-amount": "200"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert answer.status_code == 400
    assert made.lines.count() == 1


def test_the_claim_page_says_which_cap_it_is_over(client, salesperson, manager, director):
    made = budget(salesperson, "300.00", people=[manager])
    over = claim(salesperson, made, [receipt_line("400.00")], submit=False)
    with translation.override("en"):
        client.force_login(salesperson)
        html = client.get(f"/expenses/claims/{over.pk}/", HTTP_ACCEPT_LANGUAGE="en").content
    html = html.decode()
    assert 'id="over-budget"' in html and 'id="over-month"' not in html
    assert "300.00" in html


def test_lists_have_bounded_queries(
    client, office, salesperson, manager, django_assert_max_num_queries
):
    made = budget(salesperson, "900.00", people=[manager])
    for _ in range(5):
        claim(salesperson, made, [receipt_line("10.00")])
    for user in (salesperson, manager):
        client.force_login(user)
        with django_assert_max_num_queries(25):
            assert client.get("/expenses/").status_code == 200
        with django_assert_max_num_queries(25):
            assert client.get(f"/expenses/month/?person={salesperson.pk}").status_code == 200


def test_the_manager_sees_the_branch_month_table_with_who_is_over(
    client, office, salesperson, manager, director
):
    made = budget(salesperson, "1500.00", people=[manager, director])
    claim(salesperson, made, [receipt_line("1200.00")])
    client.force_login(manager)
    html = client.get("/expenses/month/?month=2026-03", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'id="person-{salesperson.pk}" class="over"' in html
    client.force_login(salesperson)
    html = client.get("/expenses/month/?month=2026-03", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="office-month"' not in html and 'id="month-over"' in html


def test_a_decided_budget_shows_the_figures_it_was_submitted_with(
    client, salesperson, manager, director
):
    """A later budget does not make an approved one look over the cap after the fact."""
    first = budget(salesperson, "800.00", people=[manager])
    budget(salesperson, "600.00", people=[manager, director])
    client.force_login(salesperson)
    html = client.get(f"/expenses/budgets/{first.pk}/", HTTP_ACCEPT_LANGUAGE="en").content
    html = html.decode()
    assert 'id="budget-cap"' in html
    assert 'id="budget-over"' not in html


def test_a_submitted_claim_says_why_the_director_was_asked(client, salesperson, manager, director):
    made = budget(salesperson, "300.00", people=[manager])
    over = claim(salesperson, made, [receipt_line("400.00")])
    assert over.figures_at_submit["budget_claimed"] == "0.00"
    client.force_login(manager)
    html = client.get(f"/expenses/claims/{over.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="over-budget"' in html and 'id="over-month"' not in html
