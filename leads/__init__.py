"""Customers, registration, visits, calls and the rotation queue (R-1, R-2). Arrives with the reception issue."""
