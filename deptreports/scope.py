"""Whose figures a department report covers (R-17.4: "any office or region the reader may
see"): the branches, optionally one region of them, and for a salesperson only their own.

Leadership (director, executive) reads every branch; a manager the branches they manage; a
salesperson their own figures in their branches. `?office=` and `?region=` narrow the scope to
one branch or one region among those; anything else is refused by the form (the page then
shows the reader's whole scope with the error), so no parameter widens what a reader sees.
"""

from dataclasses import dataclass, field

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from staff.choices import Role
from staff.models import Office, User
from staff.permissions import may

LEADERSHIP = (Role.DIRECTOR, Role.EXECUTIVE)


@dataclass(frozen=True)
class Scope:
    """The branches a report covers; `salesperson` set when the reader sees only their own."""

    offices: tuple[Office, ...]
    region: str = ""
    salesperson: User | None = None
    # every branch the reader may see (the choosers' options), whatever is chosen now
    visible: tuple[Office, ...] = field(default=(), compare=False)

    @property
    def office_ids(self) -> list[int]:
        return [o.pk for o in self.offices]

    @property
    def label(self) -> str:
        if self.salesperson is not None:
            return str(self.salesperson)
        if len(self.offices) == 1:
            return self.offices[0].name
        if self.region:
            return self.region
        return gettext("All branches")

    def rows(self, qs: QuerySet, office: str = "office", person: str | None = None) -> QuerySet:
        """`qs` narrowed to the scope: rows of its branches (the lookup `office`) and, for a
        salesperson reading their own, rows whose `person` lookup is them. A report passes
        `person` for every table whose rows belong to a salesperson."""
        qs = qs.filter(**{f"{office}__in": self.office_ids})
        if self.salesperson is not None and person is not None:
            qs = qs.filter(**{person: self.salesperson.pk})
        return qs

    def people(self) -> QuerySet[User]:
        """The salespeople the report is about (who owes its plans and records): the scope's
        active salespeople, or the salesperson themselves."""
        if self.salesperson is not None:
            return User.objects.filter(pk=self.salesperson.pk)
        return (
            User.objects.filter(
                is_active=True,
                groups__name=Role.SALESPERSON,
                offices__in=self.office_ids,
            )
            .distinct()
            .order_by("display_name", "username", "pk")
        )

    @property
    def is_own(self) -> bool:
        return self.salesperson is not None


def readable_offices(user: User) -> list[Office]:
    """The branches whose department reports `user` may read (R-17.4)."""
    offices = Office.objects.order_by("name")
    if not user.has_role(*LEADERSHIP):
        offices = offices.filter(pk__in=user.member_office_ids)
    return [o for o in offices if may(user, "deptreports.view", o)]


def reads_own_only(user: User) -> bool:
    """A salesperson (not also a manager or leadership) reads only their own figures."""
    return not user.has_role(Role.MANAGER, *LEADERSHIP)


class ScopeForm(forms.Form):
    """`?office=` or `?region=`: one branch or one region of those the reader may see."""

    office = forms.TypedChoiceField(
        label=pgettext_lazy("department report", "Branch"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args, offices: list[Office], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [("", _("All branches"))] + [
            (o.pk, o.name) for o in offices
        ]
        regions = sorted({o.region for o in offices if o.region})
        self.fields["region"].choices = [("", _("All regions"))] + [(r, r) for r in regions]

    def clean(self):
        data = super().clean()
        if data.get("office") and data.get("region"):
            raise forms.ValidationError(_("Choose a branch or a region, not both."))
        return data


def scope_from(params, user: User) -> tuple[Scope | None, ScopeForm]:
    """The scope asked for, or the reader's whole scope when nothing (or something invalid)
    was asked; None when the reader may read no branch at all."""
    offices = readable_offices(user)
    bound = any(params.get(k) for k in ("office", "region"))
    form = ScopeForm(params if bound else None, offices=offices)
    if not offices:
        return None, form
    data = form.cleaned_data if bound and form.is_valid() else {}
    chosen = offices
    region = ""
    if data.get("office"):
        chosen = [o for o in offices if o.pk == data["office"]]
    elif data.get("region"):
        region = data["region"]
        chosen = [o for o in offices if o.region == region]
    person = user if reads_own_only(user) else None
    return Scope(tuple(chosen), region, person, tuple(offices)), form


def in_scope_q(scope: Scope, office: str = "office", person: str | None = None) -> Q:
    """The scope as a Q, for conditional aggregates (`filter=` of Sum/Count)."""
    q = Q(**{f"{office}__in": scope.office_ids})
    if scope.salesperson is not None and person is not None:
        q &= Q(**{person: scope.salesperson.pk})
    return q
