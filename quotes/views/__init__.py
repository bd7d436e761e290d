"""The pages of enquiries and quotes (R-10.2, R-11)."""

from .editor import quote_edit, quote_new, quote_preview
from .enquiries import (
    enquiry_ask,
    enquiry_detail,
    enquiry_list,
    enquiry_new,
    enquiry_submit,
    question_answer,
    question_queue,
)
from .printing import quote_pdf_download
from .quotes import quote_detail, quote_list, quote_outcome, quote_submit

__all__ = [
    "enquiry_ask",
    "enquiry_detail",
    "enquiry_list",
    "enquiry_new",
    "enquiry_submit",
    "question_answer",
    "question_queue",
    "quote_detail",
    "quote_edit",
    "quote_list",
    "quote_new",
    "quote_outcome",
    "quote_pdf_download",
    "quote_preview",
    "quote_submit",
]
