"""Writes of offices and staff: one transaction each; history is captured by triggers."""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction

from .choices import Role
from .models import Office, User


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
