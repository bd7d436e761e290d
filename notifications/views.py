"""In-app notifications: the header's badge (polled by htmx every 5 s), the list, mark-read."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from .messages import render as message_of
from .models import Notification
from .selectors import customer_names, notifications_of
from .services import notifications_mark_read

BADGE_LIMIT = 8
LIST_LIMIT = 50
CHANGED = "notifications-changed"  # pages listen to it to refresh what a notification announces


def _state(user) -> str:
    """What the badge last showed: unread count and newest id (one aggregate query)."""
    row = Notification.objects.filter(recipient=user).aggregate(
        unread=Count("pk", filter=Q(read_at__isnull=True)), latest=Max("pk")
    )
    return f"{row['unread']}-{row['latest'] or 0}"


def _items(user, limit: int) -> list[dict]:
    """The latest notifications, each customer named as the reader may see them now."""
    notifications = list(notifications_of(user)[:limit])
    names = customer_names(user, notifications, now=timezone.now())
    return [{"n": n, "text": message_of(n, names)} for n in notifications]


def _badge(request: HttpRequest, state: str, status: int = 200) -> HttpResponse:
    context = {
        "state": state,
        "unread": int(state.split("-")[0]),
        "items": _items(request.user, BADGE_LIMIT),
    }
    return render(request, "notifications/partials/badge.html", context, status=status)


@login_required
@require_GET
def badge(request: HttpRequest) -> HttpResponse:
    """The header's badge. Nothing new since `seen` → 204 (htmx leaves the page alone, so an
    open dropdown stays open); something new → the badge, and an event pages refresh on."""
    state = _state(request.user)
    seen = request.GET.get("seen") or None  # the page's first poll sends an empty one
    if seen == state:
        return HttpResponse(status=204)
    response = _badge(request, state)
    if seen is not None:
        response["HX-Trigger"] = CHANGED
    return response


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    template = "notifications/partials/list.html" if request.htmx else "notifications/list.html"
    return render(request, template, {"items": _items(request.user, LIST_LIMIT)})


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_read(recipient=request.user, now=timezone.now())
    if request.htmx:
        return _badge(request, _state(request.user))
    return redirect("notifications:list")


@login_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link; opening it marks it read."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications_mark_read(recipient=request.user, now=timezone.now(), ids=[notification.pk])
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = reverse("notifications:list")
    return redirect(target)
