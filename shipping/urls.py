"""Pages of shipping and returns (R-13). Demand requests, outbound orders, the warehouse's
queue, confirmations and the follow-up lists are views_orders; returns are views_returns."""

from django.urls import path

from . import views_orders as o
from . import views_returns as r

app_name = "shipping"

urlpatterns = [
    # demand requests
    path("requests/", o.request_list, name="requests"),
    path("requests/new/", o.request_new, name="request_new"),
    path("requests/<int:pk>/", o.request_detail, name="request"),
    path("requests/<int:pk>/submit/", o.request_submit, name="request_submit"),
    path("requests/<int:pk>/cancel/", o.request_cancel, name="request_cancel"),
    path("requests/<int:pk>/issue/", o.request_issue, name="request_issue"),
    # outbound orders, shipping, confirmations
    path("orders/", o.order_list, name="orders"),
    path("orders/<int:pk>/", o.order_detail, name="order"),
    path("orders/<int:pk>/ship/", o.order_ship, name="order_ship"),
    path("orders/<int:pk>/confirm/", o.order_confirm, name="order_confirm"),
    path("orders/<int:pk>/pdf/", o.order_pdf, name="order_pdf"),
    path("confirmations/<int:pk>/scan/", o.confirmation_scan, name="confirmation_scan"),
    path("confirmations/<int:pk>/attach/", o.confirmation_attach, name="confirmation_attach"),
    path("queue/", o.queue_page, name="queue"),
    path("backorders/", o.backorders_page, name="backorders"),
    path("late/", o.late_page, name="late"),
    path("late/<int:pk>/reason/", o.late_reason, name="late_reason"),
    path("unconfirmed/", o.unconfirmed_page, name="unconfirmed"),
    # returns and exchanges
    path("returns/", r.return_list, name="returns"),
    path("returns/new/", r.return_new, name="return_new"),
    path("returns/<int:pk>/", r.return_detail, name="return"),
    path("returns/<int:pk>/submit/", r.return_submit, name="return_submit"),
    path("returns/<int:pk>/cancel/", r.return_cancel, name="return_cancel"),
    path("returns/<int:pk>/inspect/", r.return_inspect, name="return_inspect"),
    path("returns/<int:pk>/certificate/", r.return_certificate, name="return_certificate"),
    path(
        "returns/<int:pk>/certificate/pdf/",
        r.return_certificate_pdf,
        name="return_certificate_pdf",
    ),
    path("returns/<int:pk>/red-order/", r.return_red_order, name="return_red_order"),
]
