"""Writes of invoicing and receivables (R-14, R-15), one transaction each: invoices.py
(requests, issuing, red-letter invoices, signatures, questions), receipts.py (receipts,
allocations, reversals, refunds, write-offs), collection.py (collection requests, handovers
to finance). Locks are taken in one order: contract → account → document → invoices (by pk).
"""
