"""Holding fees, deposits, refunds and receivables (R-6). Arrives with the deals issue."""
