"""The data migration that moved the first part's escalated meeting problems (R-7.3) onto the
one escalation list: escalations/migrations/0002_meeting_problems. A function of the model
classes it is given, so the migration passes its historical models and the tests the real ones.
"""

from urllib.parse import urlencode

from django.urls import reverse

from .rules import subject_title

MEETING_PROBLEM = "meeting_problem"  # choices.Source.MEETING_PROBLEM, frozen for the migration


def meeting_problem_url(*, office_id: int, date, pk: int) -> str:
    """The problem on its meeting's page."""
    query = urlencode({"office": office_id, "date": date.isoformat()})
    return f"{reverse('reports:meeting')}?{query}#problem-{pk}"


def copy_meeting_problems(meeting_problem_model, escalation_model) -> int:
    """One escalation per escalated meeting problem that has none yet, closed with the
    problem's resolution when the problem is closed. Re-running it adds nothing."""
    done = set(
        escalation_model.objects.filter(source=MEETING_PROBLEM).values_list("subject_id", flat=True)
    )
    problems = (
        meeting_problem_model.objects.filter(escalated_at__isnull=False)
        .exclude(pk__in=done)
        .select_related("meeting")
        .order_by("pk")
    )
    rows = [
        escalation_model(
            office_id=p.office_id,
            source=MEETING_PROBLEM,
            subject_id=p.pk,
            title=subject_title(p.text),
            text=p.text,
            url=meeting_problem_url(office_id=p.office_id, date=p.meeting.date, pk=p.pk),
            escalated_at=p.escalated_at,
            escalated_by_id=p.escalated_by_id or p.created_by_id,
            closed_at=p.closed_at,
            closed_by_id=p.closed_by_id,
            resolution=p.resolution if p.closed_at else "",
        )
        for p in problems
    ]
    escalation_model.objects.bulk_create(rows, batch_size=500)
    return len(rows)
