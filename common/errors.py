"""One exception type for business-state conflicts, mapped to HTTP 409 in one place (API.md)."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule refused the operation: `code` is stable for clients, `detail` is shown."""

    status_code = 409
    default_code = "conflict"
    default_detail = _("The request conflicts with the current state.")

    def __init__(self, detail=None, *, code: str | None = None, extra: dict | None = None):
        self.detail = detail if detail is not None else self.default_detail
        self.code = code or self.default_code
        self.extra = extra or {}
        super().__init__(str(self.detail))


def conflict_response(*codes: str):
    """The schema of a 409 (DomainError) naming the codes an operation can give."""
    from drf_spectacular.utils import OpenApiResponse

    return OpenApiResponse(description=", ".join(f"`{code}`" for code in codes))
