from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def health(request):
    """Liveness for load balancers and the compose healthcheck: the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:  # any database failure means unhealthy, never a 500 page
        return JsonResponse({"status": "unavailable"}, status=503)


def run_and_report(request, action, *, success: str, back: str):
    """A page's one-button action: run the service; its refusals become messages on the page
    it returns to (`back`, a URL), a permission refusal a 403; success says `success`."""
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import redirect
    from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
    from rest_framework.exceptions import ValidationError

    from .errors import DomainError

    try:
        action()
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        detail = exc.detail if isinstance(exc.detail, dict) else {"": exc.detail}
        for errors in detail.values():
            for error in errors if isinstance(errors, list) else [errors]:
                messages.error(request, str(error))
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, success)
    return redirect(back)
