"""Writes of offices and staff: one transaction each; history is captured by triggers."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from rest_framework.authtoken.models import Token

from . import rules
from .choices import Role
from .models import Office, TokenUse, User


@transaction.atomic
def office_create(*, name: str, code: str, timezone: str = "Asia/Shanghai", **settings) -> Office:
    office = Office(name=name, code=code, timezone=timezone, **settings)
    office.full_clean()
    office.save()
    return office


@transaction.atomic
def staff_create(
    *,
    username: str,
    password: str,
    display_name: str = "",
    roles: Iterable[str],
    offices: Iterable[Office],
) -> User:
    user = User(username=username, display_name=display_name)
    user.set_password(password)
    user.save()
    staff_set_roles(user=user, roles=roles)
    user.offices.set(offices)
    return user


def staff_set_roles(*, user: User, roles: Iterable[str]) -> None:
    roles = set(roles)
    unknown = roles - set(Role.values)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    groups = [Group.objects.get_or_create(name=r)[0] for r in sorted(roles)]
    user.groups.set(groups)
    user.__dict__.pop("_roles_cache", None)


# ---------------------------------------------------------------- API tokens (issue 13)


def token_last_used(token: Token) -> datetime.datetime:
    """Its last recorded use; a token never used since uses were recorded, its creation."""
    use = getattr(token, "use", None)  # the reverse one-to-one raises when there is none
    return use.last_used_at if use is not None else token.created


def token_is_idle(token: Token, *, now: datetime.datetime) -> bool:
    return rules.token_is_idle(
        last_used_at=token_last_used(token), now=now, idle_days=settings.API_TOKEN_IDLE_DAYS
    )


def token_use_record(*, token: Token, now: datetime.datetime) -> None:
    """One upsert. A token deleted meanwhile (a logout, a password change) has no use left
    to record: its next request is refused anyway."""
    try:
        with transaction.atomic():
            TokenUse.objects.bulk_create(
                [TokenUse(token_id=token.pk, last_used_at=now)],
                update_conflicts=True,
                unique_fields=["token"],
                update_fields=["last_used_at"],
            )
    except IntegrityError:
        pass


@transaction.atomic
def token_issue(*, user: User, now: datetime.datetime) -> Token:
    """POST /auth/token/: the user's token (one per user, as DRF's), a new one in place of a
    token left idle too long; the login is its use."""
    token, created = Token.objects.select_related("use").get_or_create(user=user)
    if not created and token_is_idle(token, now=now):
        token.delete()
        token = Token.objects.create(user=user)
    token_use_record(token=token, now=now)
    return token


def token_revoke(*, token: Token) -> None:
    """POST /auth/logout/: the token presented no longer authenticates."""
    Token.objects.filter(pk=token.pk).delete()


def tokens_revoke(*, user: User) -> int:
    """Every API token of the user (a password change: staff.signals)."""
    deleted, _rows = Token.objects.filter(user=user).delete()
    return deleted
