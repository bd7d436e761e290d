"""Whose figures a department report covers (R-17.4): leadership every branch, a manager their
branch, a salesperson only their own; `?office=` and `?region=` narrow within that and never
widen it."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from deptreports.scope import scope_from
from staff.choices import Role
from staff.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def branches(office, other_office):
    office.region = "华东"
    office.save(update_fields=["region"])
    other_office.region = "华南"
    other_office.save(update_fields=["region"])
    third = OfficeFactory(name="苏州分部", code="suzhou", region="华东")
    return office, other_office, third


def names(scope):
    return sorted(o.name for o in scope.offices)


def test_leadership_reads_every_branch_and_narrows_by_region_or_branch(branches, director):
    office, other, third = branches
    executive = UserFactory(username="exec", roles=[Role.EXECUTIVE], offices=[office])
    for reader in (director, executive):
        scope, form = scope_from(QueryDict(""), reader)
        assert names(scope) == sorted([office.name, other.name, third.name])
        assert scope.salesperson is None
        scope, _form = scope_from(QueryDict("region=华东"), reader)
        assert names(scope) == sorted([office.name, third.name])
        assert scope.label == "华东"
        scope, _form = scope_from(QueryDict(f"office={other.pk}"), reader)
        assert names(scope) == [other.name]


def test_a_manager_cannot_reach_another_branch(branches, manager):
    office, other, _third = branches
    scope, form = scope_from(QueryDict(f"office={other.pk}"), manager)
    assert not form.is_valid()  # the page answers 422 with the manager's own branch
    assert names(scope) == [office.name]
    scope, form = scope_from(QueryDict("region=华南"), manager)
    assert not form.is_valid()
    assert names(scope) == [office.name]


def test_a_salesperson_reads_only_their_own(branches, salesperson):
    scope, _form = scope_from(QueryDict(""), salesperson)
    assert scope.salesperson == salesperson
    assert list(scope.people()) == [salesperson]


def test_a_branch_and_a_region_together_are_refused(branches, director):
    office, _other, _third = branches
    scope, form = scope_from(QueryDict(f"office={office.pk}&region=华东"), director)
    assert not form.is_valid()
    assert len(scope.offices) == 3


def test_the_page_refuses_roles_without_reports_and_unknown_reports(client, secretary, director):
    client.force_login(secretary)
    assert client.get(reverse("deptreports:report", args=["regional-sales"])).status_code == 403
    client.force_login(director)
    assert client.get(reverse("deptreports:report", args=["no-such-report"])).status_code == 404
