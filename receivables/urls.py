"""Pages of invoicing and receivables (R-14, R-15). Invoice requests, invoices, red-letter
invoices and write-offs are views_invoices; receipts, refunds, ledgers, collection requests,
handovers, the daily check and finance's desk are views_money; statements and collection
notices are views_statements; the reports of R-15.7 are views_reports."""

from django.urls import path

from . import views_invoices as i
from . import views_money as m
from . import views_reports as rep
from . import views_statements as st

app_name = "receivables"

urlpatterns = [
    # R-14 invoicing
    path("requests/", i.request_list, name="requests"),
    path("requests/new/", i.request_new, name="request_new"),
    path("requests/<int:pk>/", i.request_detail, name="request"),
    path("requests/<int:pk>/submit/", i.request_submit, name="request_submit"),
    path("requests/<int:pk>/cancel/", i.request_cancel, name="request_cancel"),
    path("requests/<int:pk>/issue/", i.invoice_issue, name="invoice_issue"),
    path("invoices/", i.invoice_list, name="invoices"),
    path("invoices/<int:pk>/", i.invoice_detail, name="invoice"),
    path("invoices/<int:pk>/red/", i.invoice_red, name="invoice_red"),
    path("invoices/<int:pk>/sign/", i.invoice_sign, name="invoice_sign"),
    path("invoices/<int:pk>/query/", i.invoice_query, name="invoice_query"),
    path("invoices/<int:pk>/answer/", i.invoice_answer, name="invoice_answer"),
    path("to-credit/", i.to_credit_list, name="to_credit"),
    path("write-offs/", i.write_off_list, name="write_offs"),
    path("write-offs/new/", i.write_off_new, name="write_off_new"),
    path("write-offs/<int:pk>/", i.write_off_detail, name="write_off"),
    path("write-offs/<int:pk>/submit/", i.write_off_submit, name="write_off_submit"),
    path("write-offs/<int:pk>/cancel/", i.write_off_cancel, name="write_off_cancel"),
    # money in
    path("", m.desk, name="desk"),
    path("receipts/", m.receipt_list, name="receipts"),
    path("receipts/new/", m.receipt_new, name="receipt_new"),
    path("receipts/<int:pk>/", m.receipt_detail, name="receipt"),
    path("receipts/<int:pk>/allocate/", m.receipt_allocate, name="receipt_allocate"),
    path("receipts/<int:pk>/reverse/", m.receipt_reverse, name="receipt_reverse"),
    path("refunds/new/", m.refund_new, name="refund_new"),
    path("ledger/<int:pk>/", m.ledger_page, name="ledger"),
    path("collections/", m.collection_list, name="collections"),
    path("collections/new/", m.collection_new, name="collection_new"),
    path("collections/<int:pk>/", m.collection_detail, name="collection"),
    path("collections/<int:pk>/submit/", m.collection_submit, name="collection_submit"),
    path("collections/<int:pk>/cancel/", m.collection_cancel, name="collection_cancel"),
    path("collections/<int:pk>/told/", m.collection_told, name="collection_told"),
    path("handovers/", m.handover_list, name="handovers"),
    path("handovers/new/", m.handover_new, name="handover_new"),
    path("handovers/<int:pk>/sign/", m.handover_sign, name="handover_sign"),
    path("check/", m.daily_check, name="daily_check"),
    # collection notices, R-15.6 statements
    path("notices/", st.notice_list, name="notices"),
    path("notices/<int:pk>/", st.notice_detail, name="notice"),
    path("notices/<int:pk>/sign/", st.notice_sign, name="notice_sign"),
    path("statements/", st.statement_index, name="statements"),
    path("statements/generate/", st.statement_generate, name="statement_generate"),
    path("statements/runs/<int:pk>/", st.run_progress, name="statement_run"),
    path("statements/<int:pk>/", st.statement_detail, name="statement"),
    path("statements/<int:pk>/pdf/", st.statement_pdf, name="statement_pdf"),
    path("statements/<int:pk>/send/", st.statement_send, name="statement_send"),
    path("statements/<int:pk>/answer/", st.statement_answer, name="statement_answer"),
    path(
        "statements/differences/<int:pk>/resolve/",
        st.difference_resolve,
        name="difference_resolve",
    ),
    # reports
    path("reports/aging/", rep.aging, name="report_aging"),
    path("reports/journal/", rep.journal, name="report_journal"),
    path("reports/collections/", rep.daily_collection, name="report_collections"),
    path("reports/collection-rate/", rep.collection_rate, name="report_rate"),
    path("reports/unpaid/", rep.unpaid_list, name="report_unpaid"),
    path("reports/unpaid/submit/", rep.unpaid_submit, name="unpaid_submit"),
    path("reports/unpaid/<int:pk>/", rep.unpaid_detail, name="unpaid"),
    path("reports/unpaid/<int:pk>/check/", rep.unpaid_check, name="unpaid_check"),
]
