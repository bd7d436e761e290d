"""Escalations for the tests, raised through the service (R-7.3, R-16.1, R-16.2)."""

import datetime
import itertools

from .choices import Source
from .models import Escalation
from .services import escalation_raise

_subjects = itertools.count(90_001)


def escalation(
    office,
    *,
    by,
    now: datetime.datetime,
    source: str = Source.AFTER_SALES,
    subject_id: int | None = None,
    title: str = "客户设备无法开机",
    text: str = "分部多次上门未解决",
    url: str = "/aftersales/1/",
) -> Escalation:
    """An escalation of a subject that need not exist (its source's records are not read)."""
    return escalation_raise(
        office=office,
        source=source,
        subject_id=subject_id if subject_id is not None else next(_subjects),
        title=title,
        text=text,
        url=url,
        by=by,
        now=now,
    )
