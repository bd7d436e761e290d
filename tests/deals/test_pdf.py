"""The internal subscription agreement as a PDF (R-6.3): served inline to the office's members,
its text readable back by pypdf."""

import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from attribution.services import customer_register_own
from deals import services
from deals.models import Project, Unit
from deals.pdf import agreement_pdf
from leads.factories import channel

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 28, 23, 30, tzinfo=SH)  # 15:30 UTC: the local date counts


@pytest.fixture
def subscription(office, salesperson):
    project = Project.objects.create(office=office, name="阳光花园一期")
    unit = Unit.objects.create(
        office=office,
        project=project,
        building="1",
        number="101",
        floor=1,
        layout="3室2厅",
        area="89.50",
        list_price="1500000.00",
    )
    customer, _claim = customer_register_own(
        office=office,
        salesperson=salesperson,
        phone="13800000001",
        name="周女士",
        source_channel=channel("passing"),
        now=NOW - datetime.timedelta(days=1),
    )
    return services.subscription_create(
        unit=unit, customer=customer, deposit="20000.00", actor=salesperson, now=NOW
    )


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def test_the_pdf_is_served_inline_with_the_agreement(client, subscription, secretary):
    client.force_login(secretary)
    response = client.get(f"/deals/subscriptions/{subscription.pk}/agreement.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{subscription.number}.pdf"'
    assert response.content.startswith(b"%PDF")
    text = _text(response.content)
    assert subscription.number in text
    assert "20000.00" in text
    assert "1500000.00" in text and "13800000001" in text
    assert "2026-11-28" in text  # the office's date, not UTC's


def test_the_pdf_draws_chinese_with_the_cid_font(subscription):
    content = agreement_pdf(subscription)
    assert b"/STSong-Light" in content
    text = _text(content)
    assert "内部认购协议" in text
    assert "周女士" in text and "阳光花园一期" in text


def test_the_printable_agreement_links_to_the_pdf(client, subscription, secretary):
    client.force_login(secretary)
    html = client.get(f"/deals/subscriptions/{subscription.pk}/agreement/").content.decode()
    assert f'href="/deals/subscriptions/{subscription.pk}/agreement.pdf"' in html


def test_other_office_is_404(client, subscription, other_manager):
    client.force_login(other_manager)
    response = client.get(f"/deals/subscriptions/{subscription.pk}/agreement.pdf")
    assert response.status_code == 404


def test_anonymous_goes_to_login(client, subscription):
    response = client.get(f"/deals/subscriptions/{subscription.pk}/agreement.pdf")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
