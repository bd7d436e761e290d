"""R-12.2: filing the same day, the queue of contracts not filed, and the monthly register:
every number in order, gaps and unfiled contracts flagged, closed by the 5th, as a PDF and an
Excel workbook with the same rows."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from openpyxl import load_workbook
from pypdf import PdfReader

from common.errors import DomainError
from common.models import DocumentCounter
from contracts import register as registers
from contracts import services
from contracts.factories import approved_account, line, signed
from contracts.models import ContractRegister
from contracts.selectors import filing_queue

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
MARCH = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)  # 10:00 Shanghai
NEXT_DAY = datetime.datetime(2026, 3, 11, 1, 0, tzinfo=datetime.UTC)


def _scan():
    return SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")


@pytest.fixture
def march(office, salesperson, product, manager, clerk):
    """HT-2026-0001 signed in February, never filed; in March 0002 (filed the same day),
    0003 (filed the next day), then 0004 lost by hand in the counter, which the register
    must show as a gap, then 0005 and 0006, never filed."""
    account = approved_account(office, salesperson)
    feb = datetime.datetime(2026, 2, 27, 2, 0, tzinfo=datetime.UTC)
    made = {"feb": signed(account, salesperson, [line(product)], [manager], now=feb)}
    for key in ("a", "b"):
        made[key] = signed(account, salesperson, [line(product)], [manager], now=MARCH)
    DocumentCounter.objects.filter(office=office, prefix="HT").update(last=F("last") + 1)
    for key in ("c", "d"):
        made[key] = signed(account, salesperson, [line(product)], [manager], now=MARCH)
    services.contract_file(contract=made["a"], actor=clerk, upload=_scan(), now=MARCH)
    services.contract_file(contract=made["b"], actor=clerk, upload=_scan(), now=NEXT_DAY)
    return made


def test_the_register_lists_every_number_and_flags_gaps_and_unfiled(office, march):
    register = registers.register_of(office, 2026, 3, now=NEXT_DAY)
    rows = [(r.number, r.gap, r.unfiled, r.filed_late) for r in register.rows]
    assert rows == [
        ("HT-2026-0002", False, False, False),
        ("HT-2026-0003", False, False, True),
        ("HT-2026-0004", True, False, False),
        ("HT-2026-0005", False, True, False),
        ("HT-2026-0006", False, True, False),
    ]
    assert (register.numbers, register.gaps, register.unfiled) == (4, 1, 2)
    feb = registers.register_of(office, 2026, 2, now=NEXT_DAY)
    assert [r.number for r in feb.rows] == ["HT-2026-0001"]
    assert feb.unfiled == 1


def test_the_register_as_pdf_and_excel(client, office, march, clerk):
    client.force_login(clerk)
    with time_machine.travel(NEXT_DAY, tick=False):
        pdf = client.get("/contracts/register/pdf/", {"office": office.pk, "month": "2026-03"})
        xlsx = client.get(
            "/contracts/register/", {"office": office.pk, "month": "2026-03", "format": "xlsx"}
        )
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for number in ("HT-2026-0002", "HT-2026-0003", "HT-2026-0004", "HT-2026-0006"):
        assert number in text
    assert "合同登记簿" in text and "缺号" in text and "未归档" in text and "逾期归档" in text
    assert "4 份合同，缺号 1 个，未归档 2 份" in text

    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][:5] == ("编号", "签订日期", "客户", "类型", "合计")
    body = rows[3:]
    assert [r[0] for r in body] == [
        "HT-2026-0002",
        "HT-2026-0003",
        "HT-2026-0004",
        "HT-2026-0005",
        "HT-2026-0006",
    ]
    assert body[2][8] == "缺号" and body[3][8] == "未归档" and body[1][8] == "逾期归档"
    assert body[0][4] == 1000 and body[0][1] == datetime.datetime(2026, 3, 10)
    assert sheet.cell(row=4, column=3).data_type == "s"


def test_the_filing_queue_lists_what_is_not_filed_and_what_is_late(office, march, clerk, manager):
    """R-12.2: signed and not filed, for the clerk and the manager; not filed by the end of
    its signing day is overdue."""
    same_day = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)  # 20:00 Shanghai
    queue = filing_queue(clerk, office, now=same_day)
    assert [(c.number, c.overdue) for c in queue] == [
        ("HT-2026-0001", True),
        ("HT-2026-0005", False),
        ("HT-2026-0006", False),
    ]
    queue = filing_queue(manager, office, now=NEXT_DAY)
    assert [(c.number, c.overdue) for c in queue] == [
        ("HT-2026-0001", True),
        ("HT-2026-0005", True),
        ("HT-2026-0006", True),
    ]


def test_the_clerk_closes_last_months_register_by_the_5th(office, march, clerk, salesperson):
    with pytest.raises(DomainError) as refused:  # March is still running
        registers.register_close(office=office, year=2026, month=3, actor=clerk, now=NEXT_DAY)
    assert refused.value.code == "month_not_over"
    from rest_framework.exceptions import PermissionDenied

    april_3 = datetime.datetime(2026, 4, 3, 2, 0, tzinfo=datetime.UTC)
    with pytest.raises(PermissionDenied):
        registers.register_close(office=office, year=2026, month=3, actor=salesperson, now=april_3)
    closed = registers.register_close(office=office, year=2026, month=3, actor=clerk, now=april_3)
    assert (closed.numbers, closed.gaps, closed.unfiled) == (4, 1, 2)
    register = registers.register_of(office, 2026, 3, now=april_3)
    assert register.closed == closed and not register.late
    with pytest.raises(DomainError) as refused:
        registers.register_close(office=office, year=2026, month=3, actor=clerk, now=april_3)
    assert refused.value.code == "already_closed"
    # February closed on 3 April: after the 5th of March, so late
    feb = registers.register_close(office=office, year=2026, month=2, actor=clerk, now=april_3)
    assert registers.register_of(office, 2026, 2, now=april_3).late
    assert ContractRegister.objects.count() == 2 and feb.unfiled == 1


def test_an_open_register_after_the_5th_is_late(office, march):
    april_6 = datetime.datetime(2026, 4, 6, 2, 0, tzinfo=datetime.UTC)
    assert registers.register_of(office, 2026, 3, now=april_6).late
    april_5 = datetime.datetime(2026, 4, 5, 2, 0, tzinfo=datetime.UTC)
    assert not registers.register_of(office, 2026, 3, now=april_5).late


def test_the_register_page_and_closing_it(client, office, march, clerk, manager, salesperson):
    april_2 = datetime.datetime(2026, 4, 2, 2, 0, tzinfo=datetime.UTC)
    with time_machine.travel(april_2, tick=False):
        client.force_login(manager)
        page = client.get("/contracts/register/", {"office": office.pk}).content.decode()
        assert "HT-2026-0004" in page and "缺号" in page and "2026-03" in page
        assert 'id="register-close"' not in page  # the clerk closes it
        client.force_login(salesperson)
        assert client.get("/contracts/register/").status_code == 403
        client.force_login(clerk)
        page = client.get("/contracts/register/").content.decode()
        assert 'id="register-close"' in page
        r = client.post("/contracts/register/close/", {"office": office.pk, "month": "2026-03"})
        assert r.status_code == 302
        page = client.get(r["Location"]).content.decode()
    assert ContractRegister.objects.get().closed_by == clerk
    assert f"已于 2026-04-02 由 {clerk} 关账。" in page
    assert 'id="register-close"' not in page


def test_the_pdf_prints_markup_as_text(office, salesperson, product, manager):
    """Names are printed as written, never read as reportlab's markup."""
    account = approved_account(office, salesperson, name='<b>华东</b> & "<img onerror=x>"')
    signed(account, salesperson, [line(product)], [manager], now=MARCH)
    register = registers.register_of(office, 2026, 3, now=NEXT_DAY)
    text = PdfReader(io.BytesIO(registers.register_pdf(register))).pages[0].extract_text()
    assert "<b>华东</b> &" in text
