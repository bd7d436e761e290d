"""Finance's page and its actions."""

from django.urls import path

from . import views

app_name = "finance"

urlpatterns = [
    path("", views.finance_page, name="page"),
    path("refunds/<int:pk>/pay/", views.refund_pay, name="refund_pay"),
    path("contracts/<int:pk>/payments/", views.payment_record, name="payment_record"),
]
