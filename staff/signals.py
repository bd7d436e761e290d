"""A deactivated user is logged out everywhere at once: their sessions are deleted. A changed
password ends the user's API tokens. A user object whose roles or offices change forgets what
it had read of them."""

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from rest_framework.authtoken.models import Token

from .models import User


def sessions_end(user: User, *, now) -> int:
    """Delete the user's live sessions and API token. Sessions are stored signed, so the
    live ones (a handful per office) are decoded to find the user's."""
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=now).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    Token.objects.filter(user=user).delete()
    return len(ended)


@receiver(pre_save, sender=get_user_model())
def end_sessions_of_deactivated(sender, instance: User, **kwargs) -> None:
    if instance.pk is None or instance.is_active:
        return
    was_active = sender.objects.filter(pk=instance.pk, is_active=True).exists()
    if was_active:
        sessions_end(instance, now=timezone.now())


@receiver(post_save, sender=get_user_model())
def end_tokens_on_password_change(sender, instance: User, created: bool, **kwargs) -> None:
    """Issue 13: a token outlived the password it was obtained with. Every way of setting a
    password goes through set_password (the admin's forms, changepassword, Django's password
    change and reset views), which marks the user until saved; a hash upgraded at login does
    not (its setter clears the mark), so logging in keeps the other devices' tokens."""
    if not created and getattr(instance, "_password", None) is not None:
        from .services import tokens_revoke

        tokens_revoke(user=instance)


ACCESS_CACHES = ("_roles_cache", "_member_office_ids", "_office_ids_cache", "_offices_cache")


def _forget_access(sender, instance, **kwargs) -> None:
    if isinstance(instance, User):
        for name in ACCESS_CACHES:
            instance.__dict__.pop(name, None)


m2m_changed.connect(_forget_access, sender=User.groups.through, dispatch_uid="staff-groups")
m2m_changed.connect(_forget_access, sender=User.offices.through, dispatch_uid="staff-offices")
