"""API tokens that expire when left unused (issue 13)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from .. import rules, services


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's `Authorization: Token <key>`, plus: a token unused for more than
    settings.API_TOKEN_IDLE_DAYS is refused (401) and deleted, and its last use is written at
    most once an hour (the token's row and its use are read in the one query DRF makes)."""

    def authenticate_credentials(self, key):
        try:
            token = Token.objects.select_related("user", "use").get(key=key)
        except Token.DoesNotExist:
            raise AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        now = timezone.now()
        if services.token_is_idle(token, now=now):
            services.token_revoke(token=token)
            raise AuthenticationFailed(_("This token has expired: log in again."))
        if rules.token_use_to_record(last_used_at=services.token_last_used(token), now=now):
            services.token_use_record(token=token, now=now)
        return (token.user, token)
