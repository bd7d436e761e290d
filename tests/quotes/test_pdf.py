"""R-11.3: only an approved quote is printed, numbered, with the company's header, its lines,
totals, validity and terms; Chinese in an embedded font."""

import datetime
from io import BytesIO

import pytest
from pypdf import PdfReader

from approvals.services import approval_decide
from common.pdf_fonts import cjk_font_path
from quotes import services

from .conftest import NOW, TODAY, line

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def approved(make_quote, product, product2, salesperson, manager):
    quote = make_quote(
        line(product, "200", "100.00"),
        line(product2, "1.5", "2499.99"),
        delivery_terms="合同签订后15日内送货到厂",
        payment_terms="货到验收后30天内付清",
        discount_reason="年度采购",
        valid_until=TODAY + datetime.timedelta(days=30),
    )
    services.quote_submit(quote=quote, actor=salesperson, now=NOW)
    step = quote.approvals().get(state="pending")
    approval_decide(approval=step, actor=manager, decision="approve", comment="", now=NOW)
    quote.refresh_from_db()
    return quote


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def test_the_approved_quote_prints_with_its_number_and_money(client, approved, salesperson):
    client.force_login(salesperson)
    r = client.get(f"/quotes/{approved.pk}/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"] == 'attachment; filename="BJ-2026-0001.pdf"'
    text = _text(r.content)
    for expected in (
        "报价单",
        "BJ-2026-0001",
        "华东机械",
        "DJ-100",
        "电机",
        "变频器",
        "20,000.00",  # 200 × 100.00
        "3,749.99",  # 1.5 × 2,499.99 = 3,749.985 half-up
        "23,749.99",  # the total
        "2,732.29",  # the tax in it: 2,300.88 + 431.41
        "2026-07-10",  # valid until
        "合同签订后15日内送货到厂",
        "货到验收后30天内付清",
    ):
        assert expected in text, expected
    assert "60.00" not in text  # never the cost


def test_chinese_is_drawn_with_an_embedded_font(approved):
    from quotes.pdf import quote_pdf

    if cjk_font_path() is None:
        pytest.skip("no TrueType CJK font installed (apt-get install fonts-wqy-microhei)")
    reader = PdfReader(BytesIO(quote_pdf(approved)))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    embedded = []
    for ref in fonts.values():
        font = ref.get_object()
        for descendant in font.get("/DescendantFonts", [font]):
            descriptor = descendant.get_object().get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                embedded.append(font["/BaseFont"])
    assert embedded, "the CJK font is not embedded"


def test_a_draft_is_not_printed(client, make_quote, product, salesperson):
    quote = make_quote(line(product))
    client.force_login(salesperson)
    r = client.get(f"/quotes/{quote.pk}/pdf/")
    assert r.status_code == 409
    assert "只有已批准的报价单" in r.content.decode()


def test_someone_elses_quote_is_not_there(client, approved, other_salesperson, other_manager):
    for user in (other_salesperson, other_manager):
        client.force_login(user)
        assert client.get(f"/quotes/{approved.pk}/pdf/").status_code == 404


def test_anonymous_goes_to_the_login(client, approved):
    r = client.get(f"/quotes/{approved.pk}/pdf/")
    assert r.status_code == 302 and "/login/" in r["Location"]
