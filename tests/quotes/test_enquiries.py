"""Enquiries and tender notices (R-11.1) and the questions on them (R-11.2)."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.exceptions import PermissionDenied, ValidationError

from approvals.choices import DocumentStatus
from approvals.services import approval_decide
from common.errors import DomainError
from notifications.models import Notification
from quotes import services
from quotes.models import Enquiry, EnquiryQuestion

from .conftest import NOW, TODAY, line

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def log(account, salesperson, product):
    def make(**extra):
        values = {
            "actor": salesperson,
            "account": account,
            "lines": [{"product": product, "quantity": D("20")}],
            "source": "客户来电",
            "received_on": TODAY,
            "deadline": TODAY + datetime.timedelta(days=14),
            "estimated_amount": D("20000.00"),
            "kind": "tender",
            "now": NOW,
        }
        values.update(extra)
        return services.enquiry_log(**values)

    return make


def test_an_enquiry_logged_the_day_it_arrives(log, salesperson):
    enquiry = log()
    assert enquiry.status == DocumentStatus.DRAFT and not enquiry.logged_late
    assert enquiry.owner == salesperson and enquiry.lines.get().quantity == D("20")


def test_an_enquiry_logged_later_is_kept_and_flagged(log):
    """R-11.1: logged the day it arrives; a late log is not refused but flagged."""
    assert log(received_on=TODAY - datetime.timedelta(days=2)).logged_late


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("received_on", TODAY + datetime.timedelta(days=1)),  # arrives in the future
        ("deadline", TODAY - datetime.timedelta(days=1)),  # deadline passed
        ("estimated_amount", D("-1.00")),
        ("estimated_amount", D("1.001")),
        ("source", "   "),
        ("kind", "rumour"),
    ],
)
def test_bad_enquiries_are_refused_and_nothing_saved(log, field, value):
    with pytest.raises(ValidationError) as exc:
        log(**{field: value})
    assert field in exc.value.detail
    assert not Enquiry.objects.exists()


def test_bad_enquiry_lines_are_refused(log, product, inactive_product):
    with pytest.raises(ValidationError):
        log(lines=[{"product": product, "quantity": D("0")}])
    with pytest.raises(ValidationError):
        log(lines=[{"product": inactive_product, "quantity": D("1")}])
    with pytest.raises(ValidationError):
        log(lines=[])
    assert not Enquiry.objects.exists()


def test_no_enquiry_on_a_colleagues_account(log, peer_account):
    with pytest.raises(PermissionDenied):
        log(account=peer_account)
    assert not Enquiry.objects.exists()


def test_bid_decision_approved_is_bid_rejected_is_no_bid(log, salesperson, manager):
    """R-11.1: the manager decides; approved = bid, rejected (with a reason) = no bid; the
    salesperson is told either way."""
    bid, no_bid = log(), log()
    for enquiry, decision, comment in ((bid, "approve", ""), (no_bid, "reject", "交期做不到")):
        services.enquiry_submit(enquiry=enquiry, actor=salesperson, now=NOW)
        step = enquiry.approvals().get(state="pending")
        approval_decide(approval=step, actor=manager, decision=decision, comment=comment, now=NOW)
        enquiry.refresh_from_db()
    assert (bid.bid_decision, no_bid.bid_decision) == ("bid", "no_bid")
    assert sorted(
        Notification.objects.filter(recipient=salesperson).values_list("kind", flat=True)
    ) == [
        "enquiry_bid",
        "enquiry_no_bid",
    ]


def test_a_quote_from_an_enquiry_needs_the_decision_to_bid(
    log, make_quote, product, salesperson, manager
):
    enquiry = log()
    with pytest.raises(DomainError) as exc:
        make_quote(line(product), enquiry=enquiry)
    assert exc.value.code == "no_bid_decision"
    services.enquiry_submit(enquiry=enquiry, actor=salesperson, now=NOW)
    step = enquiry.approvals().get(state="pending")
    approval_decide(approval=step, actor=manager, decision="approve", comment="", now=NOW)
    enquiry.refresh_from_db()
    assert make_quote(line(product), enquiry=enquiry, kind="bid").enquiry == enquiry


def test_a_pending_enquiry_is_not_edited(log, salesperson):
    enquiry = log()
    services.enquiry_submit(enquiry=enquiry, actor=salesperson, now=NOW)
    with pytest.raises(DomainError) as exc:
        services.enquiry_update(enquiry=enquiry, actor=salesperson, now=NOW, source="改")
    assert exc.value.code == "not_editable"


def test_questions_go_to_the_department_and_answers_stay(
    log, salesperson, technician, purchasing, other_office
):
    """R-11.2: the technician answers what was asked of the technical department, once; the
    asker is told; purchasing and another branch's technician may not answer it."""
    from staff.factories import UserFactory

    elsewhere = UserFactory(username="tech-far", roles=["technician"], offices=[other_office])
    enquiry = log()
    question = services.question_ask(
        enquiry=enquiry,
        actor=salesperson,
        to="technician",
        question="额定功率与防护等级？",
        now=NOW,
    )
    assert Notification.objects.filter(recipient=technician, kind="enquiry_question").exists()
    assert not Notification.objects.filter(recipient__in=[purchasing, elsewhere]).exists()
    for wrong in (purchasing, elsewhere, salesperson):
        with pytest.raises(PermissionDenied):
            services.question_answer(question=question, actor=wrong, answer="x", now=NOW)
    with pytest.raises(ValidationError):
        services.question_answer(question=question, actor=technician, answer="  ", now=NOW)
    services.question_answer(question=question, actor=technician, answer="7.5kW，IP55", now=NOW)
    question.refresh_from_db()
    assert (question.answer, question.answered_by) == ("7.5kW，IP55", technician)
    assert Notification.objects.filter(recipient=salesperson, kind="enquiry_answer").exists()
    with pytest.raises(DomainError) as exc:
        services.question_answer(question=question, actor=technician, answer="改口", now=NOW)
    assert exc.value.code == "already_answered"


def test_a_question_to_nobody_is_refused(log, salesperson, other_salesperson):
    enquiry = log()
    with pytest.raises(ValidationError):
        services.question_ask(
            enquiry=enquiry, actor=salesperson, to="finance", question="?", now=NOW
        )
    with pytest.raises(PermissionDenied):
        services.question_ask(
            enquiry=enquiry, actor=other_salesperson, to="technician", question="?", now=NOW
        )
    assert not EnquiryQuestion.objects.exists()


def test_a_draft_enquiry_is_corrected_and_its_late_flag_follows(log, salesperson):
    enquiry = log()
    enquiry = services.enquiry_update(
        enquiry=enquiry,
        actor=salesperson,
        now=NOW,
        received_on=TODAY - datetime.timedelta(days=1),
        lines=[{"product": enquiry.lines.get().product, "quantity": D("7.5")}],
    )
    assert enquiry.logged_late and enquiry.lines.get().quantity == D("7.5")
    with pytest.raises(ValidationError):
        services.enquiry_update(enquiry=enquiry, actor=salesperson, now=NOW, owner=1)


def test_the_notifications_read_in_chinese(log, salesperson, technician):
    """What the technician and the salesperson are told (R-11.1, R-11.2), in words."""
    from django.utils import translation

    from notifications.messages import render

    question = services.question_ask(
        enquiry=log(), actor=salesperson, to="technician", question="参数？", now=NOW
    )
    services.question_answer(question=question, actor=technician, answer="IP55", now=NOW)
    with translation.override("zh-hans"):
        asked = render(Notification.objects.get(recipient=technician))
        answered = render(Notification.objects.get(recipient=salesperson))
    assert "华东机械" in asked and "提问" in asked
    assert "已答复" in answered and "华东机械" in answered


def test_the_technician_sees_only_the_enquiries_that_ask_them(
    log, salesperson, technician, purchasing, client
):
    enquiry = log()
    services.question_ask(
        enquiry=enquiry, actor=salesperson, to="technician", question="?", now=NOW
    )
    client.force_login(purchasing)
    assert client.get(f"/quotes/enquiries/{enquiry.pk}/").status_code == 404
    client.force_login(technician)
    page = client.get(f"/quotes/enquiries/{enquiry.pk}/").content.decode()
    assert "发送答复" in page and "发送问题" not in page
