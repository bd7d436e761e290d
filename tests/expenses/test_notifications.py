"""The notices of expenses (R-16.3) read in the reader's language: the author told of each
decision and of the payment, finance told of a claim to pay."""

import pytest
from django.utils import translation

from notifications.messages import render
from notifications.models import Notification
from shipping.factories import decide_all

from .conftest import NOW, budget, claim, receipt_line

pytestmark = pytest.mark.django_db


def test_each_step_tells_the_right_person_in_their_language(
    salesperson, manager, finance, director
):
    made = budget(salesperson, people=[manager])
    rejected = claim(salesperson, made, [receipt_line("50.00")])
    decide_all(rejected, [manager], now=NOW, decision="reject")
    approved = claim(salesperson, made, [receipt_line("60.00")])
    decide_all(approved, [manager], now=NOW)
    kinds = set(Notification.objects.values_list("kind", "recipient"))
    assert kinds == {
        ("expense_budget_approved", salesperson.pk),
        ("expense_claim_rejected", salesperson.pk),
        ("expense_claim_approved", salesperson.pk),
        ("expense_claim_to_pay", finance.pk),
    }
    to_pay = Notification.objects.get(kind="expense_claim_to_pay")
    with translation.override("zh-hans"):
        text = render(to_pay)
    assert approved.number in text and "60.00" in text and "等待付款" in text
    with translation.override("en"):
        assert "waits to be paid" in render(to_pay)
