"""Writes of enquiries and quotes: one transaction each (R-8, R-10.2, R-11)."""

from .enquiries import (
    enquiry_approved,
    enquiry_log,
    enquiry_rejected,
    enquiry_submit,
    enquiry_update,
    question_answer,
    question_ask,
)
from .quotes import (
    quote_approved,
    quote_create,
    quote_outcome,
    quote_preview,
    quote_submit,
    quote_update,
    quotes_expire,
)

__all__ = [
    "enquiry_approved",
    "enquiry_log",
    "enquiry_rejected",
    "enquiry_submit",
    "enquiry_update",
    "question_answer",
    "question_ask",
    "quote_approved",
    "quote_create",
    "quote_outcome",
    "quote_preview",
    "quote_submit",
    "quote_update",
    "quotes_expire",
]
