"""Writes of after-sales and complaints (R-16.1, R-16.2), one transaction each:
requests.py (the request's steps and its escalation), extras.py (photos, leadership's
instructions, the customer's rating of the technician), complaints.py. Each step locks its
row, checks the state against choices.TRANSITIONS, writes an event row and its notifications
in the same transaction."""
