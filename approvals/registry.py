"""Document types that go through approval register here (R-8): the model, how to show and
serialize a document, and what happens when it is approved or rejected."""

from collections.abc import Callable
from dataclasses import dataclass

from .chains import CHAINS


@dataclass(frozen=True)
class Registered:
    document_type: str
    model: type
    serialize: Callable  # (document) -> dict, the API's representation
    summary: Callable  # (document) -> str, one line for the inbox card
    url: Callable  # (document) -> str, the document's page
    on_approved: Callable | None = None  # (document, *, actor, now), in the transaction
    on_rejected: Callable | None = None
    # (document, approval, *, actor, now) after each step's decision, in the transaction,
    # before the document moves on (a return's inspection is its technician's step)
    on_step: Callable | None = None
    # the status a completed approval gives the document, and from which sends it back
    # to draft (a sales contract is then "signed", API.md)
    approved_status: str = "approved"
    # (documents) -> None: what a page of the inbox's cards reads of them, read at once
    prefetch: Callable | None = None

    @property
    def chain(self):
        return CHAINS[self.document_type]


REGISTRY: dict[str, Registered] = {}


def register(document_type: str, model: type, **kwargs) -> Registered:
    if document_type not in CHAINS:
        raise ValueError(f"no approval chain for {document_type}")
    entry = Registered(document_type, model, **kwargs)
    REGISTRY[document_type] = entry
    model.approval_document_type = document_type
    return entry


def entry_for(document) -> Registered:
    return REGISTRY[document.approval_document_type]


def party_ids(document) -> set[int]:
    """R-8.1: the people who may not decide the document's steps: its author and owner."""
    ids = {getattr(document, "author_id", None), getattr(document, "owner_id", None)}
    extra = getattr(document, "approval_party_ids", None)
    if callable(extra):
        ids |= set(extra())
    return {i for i in ids if i is not None}
