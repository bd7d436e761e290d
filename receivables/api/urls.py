from django.urls import path
from rest_framework.routers import SimpleRouter

from .ledger import AgingView, LedgerView
from .money import CollectionRequestViewSet, HandoverViewSet, ReceiptViewSet, WriteOffViewSet
from .statements import StatementViewSet
from .views import InvoiceRequestViewSet, InvoiceViewSet

router = SimpleRouter()
router.register("invoice-requests", InvoiceRequestViewSet, basename="invoice-request")
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("receipts", ReceiptViewSet, basename="receipt")
router.register("collection-requests", CollectionRequestViewSet, basename="collection-request")
router.register("write-offs", WriteOffViewSet, basename="write-off")
router.register("handovers", HandoverViewSet, basename="handover")
router.register("statements", StatementViewSet, basename="statement")

urlpatterns = [
    path("accounts/<int:pk>/ledger/", LedgerView.as_view(), name="account-ledger"),
    path("receivables/aging/", AgingView.as_view(), name="receivables-aging"),
    *router.urls,
]
