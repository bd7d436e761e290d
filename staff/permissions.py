"""The one place that answers "may this user do X (on this object)?".

Every page and endpoint asks here; later issues add their actions to `RULES`.
Data is scoped to the user's offices; a director sees all offices (RULES.md, roles).
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet
from django.db.models.constants import LOOKUP_SEP

from .choices import Role
from .models import Office


def office_ids_of(user) -> set[int]:
    """The offices whose data this user may see (all of them for a director)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if not hasattr(user, "_office_ids_cache"):
        if user.has_role(Role.DIRECTOR):
            ids = Office.objects.values_list("pk", flat=True)
        else:
            ids = user.member_office_ids
        user._office_ids_cache = set(ids)
    return user._office_ids_cache


def _single_valued(model, field: str) -> bool:
    """Does every step of the path `field` follow a foreign key (one office per row)?"""
    opts = model._meta
    for name in field.split(LOOKUP_SEP):
        step = opts.get_field(name)
        if step.many_to_many or step.one_to_many:
            return False
        if step.is_relation:
            opts = step.related_model._meta
    return True


def restrict_to_offices(qs: QuerySet, user, field: str = "office") -> QuerySet:
    """Restrict any queryset to the user's offices; `field` is the path to the office.

    A path of foreign keys is filtered on directly (`office_id IN (…)`), which PostgreSQL
    serves from the office's index (issue 8: a `pk IN (subquery)` over a million rows hashed
    the whole office per request). For a many-to-many path (a user's `offices`) rows are
    de-duplicated with a subquery, so the result can still be ordered and paginated freely.
    """
    ids = office_ids_of(user)
    if field == "pk":
        return qs.filter(pk__in=ids)
    if _single_valued(qs.model, field):
        return qs.filter(**{f"{field}__in": ids})
    matching = qs.model._default_manager.filter(**{f"{field}__in": ids}).values("pk")
    return qs.filter(pk__in=matching)


def is_member(user, office: Office) -> bool:
    return office.pk in office_ids_of(user)


def manages(user, office: Office) -> bool:
    """A manager of this office, or a director (who oversees every office)."""
    if user.has_role(Role.DIRECTOR):
        return True
    return user.has_role(Role.MANAGER) and is_member(user, office)


def _may_create_staff(user, obj: dict[str, Any] | None) -> bool:
    # obj: {"offices": [Office], "roles": [str]}; a manager hires into offices they manage,
    # and only a director can create another director.
    if user.has_role(Role.DIRECTOR):
        return True
    if not user.has_role(Role.MANAGER):
        return False
    if obj is None:
        return True
    offices: Iterable[Office] = obj.get("offices", [])
    if Role.DIRECTOR in obj.get("roles", []):
        return False
    return all(manages(user, o) for o in offices)


def _has_role_in(user, office: Office, *roles: str) -> bool:
    """The user holds one of `roles` and belongs to `office` (a director belongs everywhere)."""
    return office is not None and user.has_role(*roles) and is_member(user, office)


def _may_set_duty_status(user, obj) -> bool:
    # obj: (office, salesperson): the manager, the secretary, or the salesperson themself
    office, salesperson = obj
    if _has_role_in(user, office, Role.MANAGER, Role.SECRETARY) or user.has_role(Role.DIRECTOR):
        return True
    return (
        salesperson is not None
        and salesperson.pk == user.pk
        and _has_role_in(user, office, Role.SALESPERSON)
    )


def _holds_or_manages(user, obj) -> bool:
    # obj: (office, claim): a manager of the office (the director), or the owner of the claim
    # that carries the household now (attribution.selectors.claim_held; None when nobody holds)
    office, claim = obj
    if office is None:
        return False
    if manages(user, office):
        return True
    return claim is not None and claim.owner_id == user.pk and is_member(user, office)


def _may_release_hold(user, obj) -> bool:
    # obj: (hold, claim that carries the hold's customer now — attribution.selectors.
    # claim_held — or None): the office's manager (the director); else a salesperson of the
    # office who placed the hold or who holds the customer. Any other salesperson may not end
    # a colleague's customer's priority purchase right; the desk places holds but does not
    # end them (API.md: POST /holds/{id}/release/ is for a salesperson or the manager).
    hold, claim = obj
    if hold is None:
        return False
    office = hold.office
    if manages(user, office):
        return True
    if not _has_role_in(user, office, Role.SALESPERSON):
        return False
    return hold.created_by_id == user.pk or (claim is not None and claim.owner_id == user.pk)


def _may_record_visit(user, account) -> bool:
    # the account's owner or deputy (a salesperson of its branch) records the
    # visits they make; the branch's manager (the director) may record one too, e.g. a visit
    # made with or instead of the salesperson. A colleague may not: a record resets the
    # account's visit clock, which is the owner's to keep.
    if account is None:
        return False
    if manages(user, account.office):
        return True
    return user.pk in {account.owner_id, account.deputy_id} and _has_role_in(
        user, account.office, Role.SALESPERSON
    )


_OWNERSHIP_READERS = (Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR)
# API.md gives an office's customers (masked as visibility says), its duty roster and its units
# to the office's members: the staff who hold a role in it. An account without any role (made
# but not yet given a job) sees none of them.
_STAFF = tuple(Role.values)

RULES: dict[str, Callable[[Any, Any], bool]] = {
    "office.view": lambda u, o: o is None or is_member(u, o),
    "office.create": lambda u, o: u.has_role(Role.DIRECTOR),
    "office.change": lambda u, o: o is not None and manages(u, o),
    "staff.list": lambda u, o: u.has_role(Role.MANAGER, Role.DIRECTOR),
    "staff.view": lambda u, o: (
        o is not None and (o.pk == u.pk or any(manages(u, off) for off in o.offices.all()))
    ),
    "staff.create": _may_create_staff,
    # reception: obj is the office unless said otherwise
    "reception.desk": lambda u, o: _has_role_in(u, o, Role.SECRETARY),
    "reception.register_visit": lambda u, o: _has_role_in(u, o, Role.SECRETARY),
    "reception.log_call": lambda u, o: _has_role_in(u, o, Role.SECRETARY),
    "reception.register_referral": lambda u, o: _has_role_in(u, o, Role.SECRETARY),
    "reception.view_roster": lambda u, o: _has_role_in(u, o, *_STAFF),
    "reception.set_roster": lambda u, o: o is not None and manages(u, o),
    "reception.set_duty_status": _may_set_duty_status,
    "reception.view_unassigned": lambda u, o: (
        o is not None and (manages(u, o) or _has_role_in(u, o, Role.SECRETARY))
    ),
    # the desk or the manager records who received a customer for the absent owner
    "reception.receive_on_behalf": lambda u, o: (
        o is not None and (manages(u, o) or _has_role_in(u, o, Role.SECRETARY))
    ),
    "reception.assign_visit": lambda u, o: o is not None and manages(u, o),  # obj: office
    # every visit of the office (others see only the visits they received)
    "reception.view_visits": lambda u, o: (
        o is not None and (manages(u, o) or _has_role_in(u, o, Role.SECRETARY))
    ),
    "reception.research_step": lambda u, o: (
        o is not None
        and is_member(u, o)
        and u.has_role(Role.SALESPERSON, Role.SECRETARY, Role.DIRECTOR)
    ),
    # customers: obj is the office
    # obj None: the API's list of every customer of the user's offices
    "leads.view_customers": lambda u, o: (
        u.has_role(*_STAFF) if o is None else _has_role_in(u, o, *_STAFF)
    ),
    "leads.register_own": lambda u, o: _has_role_in(u, o, Role.SALESPERSON),
    # ownership: obj is the office unless said otherwise
    "attribution.log_followup": lambda u, o: _has_role_in(u, o, Role.SALESPERSON),
    "attribution.void_followup": lambda u, o: o is not None and manages(u, o),
    # a salesperson reads their own claims, a manager the office's
    "attribution.view_claims": lambda u, o: _has_role_in(u, o, *_OWNERSHIP_READERS),
    # the manager's claim pages: every claim of the office, the released list, the collisions
    "attribution.manage_claims": lambda u, o: o is not None and manages(u, o),
    "attribution.reassign_released": lambda u, o: o is not None and manages(u, o),
    "attribution.view_timeline": _holds_or_manages,  # obj: (office, claim held or None)
    "attribution.link_household": _holds_or_manages,  # obj: (office, claim held or None)
    "attribution.open_dispute": lambda u, o: _has_role_in(u, o, Role.SALESPERSON),
    # a salesperson reads the disputes they are part of, a manager the office's
    "attribution.view_disputes": lambda u, o: _has_role_in(u, o, *_OWNERSHIP_READERS),
    "attribution.rule_dispute": lambda u, o: o is not None and manages(u, o),
    # units, holds and deposits: obj is the office
    "deals.view_units": lambda u, o: _has_role_in(u, o, *_STAFF),
    "deals.manage_units": lambda u, o: o is not None and manages(u, o),
    "deals.hold": lambda u, o: _has_role_in(u, o, Role.SALESPERSON, Role.SECRETARY),
    "deals.release_hold": _may_release_hold,  # obj: (hold, claim held or None)
    "deals.subscribe": lambda u, o: _has_role_in(u, o, Role.SALESPERSON, Role.FINANCE),
    "deals.withdraw": lambda u, o: o is not None and manages(u, o),
    "deals.view_refunds": lambda u, o: (
        o is not None and (manages(u, o) or _has_role_in(u, o, Role.FINANCE))
    ),
    "deals.pay_refund": lambda u, o: (
        o is not None and (manages(u, o) or _has_role_in(u, o, Role.FINANCE))
    ),
    # contracts and payments: obj is the office
    "deals.contract": lambda u, o: (
        o is not None and (manages(u, o) or _has_role_in(u, o, Role.FINANCE))
    ),
    "deals.record_payment": lambda u, o: _has_role_in(u, o, Role.FINANCE),
    "deals.view_chase": lambda u, o: _has_role_in(u, o, Role.SALESPERSON),
    # the work diary and its fines: obj is the office
    "reports.write_diary": lambda u, o: _has_role_in(u, o, Role.SALESPERSON),
    "reports.view_diaries": lambda u, o: o is not None and manages(u, o),
    "reports.view_fines": lambda u, o: (
        o is not None and (manages(u, o) or _has_role_in(u, o, Role.SALESPERSON))
    ),
    "reports.waive_fine": lambda u, o: o is not None and manages(u, o),
    "reports.manage_days_off": lambda u, o: o is not None and manages(u, o),
    # the daily meeting: the secretary keeps the minutes, a manager may too; the
    # director works the escalated problems of every office until they are closed
    "reports.keep_minutes": lambda u, o: (
        o is not None and (manages(u, o) or _has_role_in(u, o, Role.SECRETARY))
    ),
    "reports.view_escalations": lambda u, o: o is not None and manages(u, o),
    # weekly and monthly reports: a salesperson writes and reads their own;
    # the office's compiled reports are read by its managers, the sales assistant and the
    # director; the manager writes the team's weekly report, which the director reads
    "reports.write_report": lambda u, o: _has_role_in(u, o, Role.SALESPERSON),
    "reports.view_office_reports": lambda u, o: (
        o is not None and (manages(u, o) or _has_role_in(u, o, Role.ASSISTANT))
    ),
    "reports.write_team_report": lambda u, o: _has_role_in(u, o, Role.MANAGER),
    "reports.read_team_reports": lambda u, o: o is not None and manages(u, o),
    # the front desk's daily counts and the channel evaluation
    "reports.view_channels": lambda u, o: (
        o is not None and (manages(u, o) or _has_role_in(u, o, Role.ASSISTANT))
    ),
    "reports.view_dashboard": lambda u, o: o is not None and manages(u, o),
    # accounts of the sales department: obj is the branch
    "accounts.view": lambda u, o: _has_role_in(u, o, Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR),
    "accounts.create": lambda u, o: _has_role_in(u, o, Role.SALESPERSON, Role.MANAGER),
    # the branch's manager (the director: any branch) assigns and reassigns accounts
    "accounts.assign": lambda u, o: o is not None and manages(u, o),
    # the credit limit and the yearly credit review are the branch's manager's
    "accounts.manage_credit": lambda u, o: o is not None and manages(u, o),
    # a visit record on an account (obj): its owner or deputy, or the branch's manager
    "visits.record": _may_record_visit,
    # products and prices: the company's, not an office's; obj unused
    "catalog.view": lambda u, o: u.has_role(*_STAFF),
    "catalog.manage": lambda u, o: u.has_role(Role.MANAGER),
    # warehouses and stock: obj is the office
    "stock.view": lambda u, o: (
        o is not None and (manages(u, o) or _has_role_in(u, o, Role.WAREHOUSE, Role.CLERK))
    ),
    "stock.adjust": lambda u, o: _has_role_in(u, o, Role.WAREHOUSE),
    "stock.import": lambda u, o: o is not None and manages(u, o),
    # a new warehouse of a branch: who API.md lets POST /warehouses/ (the warehouse keeper,
    # the clerk, the manager; the director) — setting up where stock is kept is their work,
    # and it grants nothing (stock.adjust follows the role, not the warehouse's keeper)
    "stock.create_warehouse": lambda u, o: (
        o is not None and (manages(u, o) or _has_role_in(u, o, Role.WAREHOUSE, Role.CLERK))
    ),
    # weekly visit plans: obj is the branch; a salesperson plans their own weeks, the
    # branch's manager (the director: every branch) reads the branch's plans, and the branch's
    # manager changes and confirms them (never their own: visits.plans)
    "visits.plan": lambda u, o: _has_role_in(u, o, Role.SALESPERSON),
    "visits.view_plans": lambda u, o: o is not None and manages(u, o),
    "visits.confirm_plan": lambda u, o: _has_role_in(u, o, Role.MANAGER),
    # enquiries and quotes: obj is the branch; which ones a user sees and edits is
    # quotes.selectors / quotes.permissions (the account's people, the branch's manager);
    # leadership reads every branch's and decides major ones
    "quotes.view": lambda u, o: (
        u.has_role(Role.EXECUTIVE)
        or _has_role_in(u, o, Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR)
    ),
    "quotes.create": lambda u, o: _has_role_in(u, o, Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR),
    # the technician and purchasing read the enquiries that ask them, and answer
    "quotes.view_enquiries": lambda u, o: (
        u.has_role(Role.EXECUTIVE)
        or _has_role_in(
            u, o, Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR, Role.TECHNICIAN, Role.PURCHASING
        )
    ),
    "quotes.answer": lambda u, o: _has_role_in(u, o, Role.TECHNICIAN, Role.PURCHASING),
    # sales contracts and phone/fax orders: obj is the branch. Who sees which contract
    # is contracts.selectors.contracts_visible_to; these are the role checks.
    "contracts.view": lambda u, o: (
        u.has_role(Role.DIRECTOR, Role.EXECUTIVE)
        or _has_role_in(u, o, Role.SALESPERSON, Role.MANAGER, Role.CLERK, Role.FINANCE)
    ),
    "contracts.create": lambda u, o: _has_role_in(u, o, Role.SALESPERSON),
    "contracts.cancel": lambda u, o: o is not None and manages(u, o),
    "contracts.file": lambda u, o: _has_role_in(u, o, Role.CLERK),
    # the filing queue and the register, for the clerk and the manager
    "contracts.filing": lambda u, o: (
        o is not None and (manages(u, o) or _has_role_in(u, o, Role.CLERK))
    ),
    "contracts.close_register": lambda u, o: _has_role_in(u, o, Role.CLERK),
    "contracts.pipeline": lambda u, o: _has_role_in(u, o, Role.SALESPERSON),
    "contracts.branch_pipeline": lambda u, o: o is not None and manages(u, o),
    # shipping and returns: obj is the branch. Which documents a user sees is
    # shipping.selectors; these are the role checks.
    # the contract's salesperson or the branch's clerk fills a demand request
    "shipping.request": lambda u, o: _has_role_in(u, o, Role.SALESPERSON, Role.CLERK),
    # the clerk issues outbound orders and red outbound orders
    "shipping.issue": lambda u, o: _has_role_in(u, o, Role.CLERK),
    # the warehouse keeper ships and receives returned goods
    "shipping.ship": lambda u, o: _has_role_in(u, o, Role.WAREHOUSE),
    # the clerk records and files the customer's confirmation
    "shipping.confirm": lambda u, o: _has_role_in(u, o, Role.CLERK),
    # the lists of late first orders, backorders and unconfirmed
    # shipments, for the clerk and the manager (the director: any branch)
    "shipping.follow": lambda u, o: (
        o is not None and (manages(u, o) or _has_role_in(u, o, Role.CLERK))
    ),
    "shipping.late": lambda u, o: (
        o is not None and (manages(u, o) or _has_role_in(u, o, Role.CLERK))
    ),
    # the contract's salesperson records a return or exchange
    "shipping.return": lambda u, o: _has_role_in(u, o, Role.SALESPERSON),
    # the technical department inspects returned goods of the branch
    "shipping.inspect": lambda u, o: _has_role_in(u, o, Role.TECHNICIAN),
    # the warehouse keeper's queue of orders to pick and goods to receive back
    "shipping.queue": lambda u, o: _has_role_in(u, o, Role.WAREHOUSE),
    # invoicing and receivables: obj is the branch. Which invoices, receipts,
    # ledgers and statements a user sees is receivables.selectors; these are the role checks.
    # the salesperson asks for an invoice; finance issues it (and red-letter ones)
    "receivables.request_invoice": lambda u, o: _has_role_in(u, o, Role.SALESPERSON),
    "receivables.issue": lambda u, o: _has_role_in(u, o, Role.FINANCE),
    # finance records receipts, allocates, reverses and refunds
    "receivables.receipt": lambda u, o: _has_role_in(u, o, Role.FINANCE),
    # the salesperson files collection requests
    "receivables.collect": lambda u, o: _has_role_in(u, o, Role.SALESPERSON),
    # a cheque, bill or cash received by a clerk or salesperson; finance signs for it
    "receivables.handover": lambda u, o: _has_role_in(u, o, Role.SALESPERSON, Role.CLERK),
    "receivables.sign_handover": lambda u, o: _has_role_in(u, o, Role.FINANCE),
    # finance or the branch manager proposes a write-off (director, executive decide)
    "receivables.write_off": lambda u, o: (
        o is not None and (manages(u, o) or _has_role_in(u, o, Role.FINANCE))
    ),
    # invoices, receipts and ledgers of the accounts the user may see
    "receivables.view": lambda u, o: (
        u.has_role(Role.DIRECTOR, Role.EXECUTIVE)
        or _has_role_in(u, o, Role.SALESPERSON, Role.MANAGER, Role.FINANCE, Role.CLERK)
    ),
    # the office's aging and collection figures: managers and finance, not salespeople
    "receivables.office": lambda u, o: (
        u.has_role(Role.DIRECTOR, Role.EXECUTIVE)
        or (o is not None and (manages(u, o) or _has_role_in(u, o, Role.FINANCE)))
    ),
    # the clerk's daily check with finance
    "receivables.daily_check": lambda u, o: (
        o is not None and (manages(u, o) or _has_role_in(u, o, Role.CLERK, Role.FINANCE))
    ),
    # finance makes an office's statements; the account's salesperson sends them and
    # records the answer; finance or the manager resolves a difference
    "receivables.make_statements": lambda u, o: _has_role_in(u, o, Role.FINANCE),
    "receivables.answer_statement": lambda u, o: _has_role_in(u, o, Role.SALESPERSON),
    "receivables.resolve_statement": lambda u, o: (
        o is not None and (manages(u, o) or _has_role_in(u, o, Role.FINANCE))
    ),
    # the salesperson submits the unpaid report; finance checks it
    "receivables.submit_unpaid": lambda u, o: _has_role_in(u, o, Role.SALESPERSON),
    "receivables.check_unpaid": lambda u, o: _has_role_in(u, o, Role.FINANCE),
    # ---- R-16 (issue 19): each block is edited only by the helper that owns it
    # escalations: BEGIN escalations
    # obj is the office; leadership (director, executive) follows every office's and closes
    # them, the branch's manager follows the branch's
    "escalations.view": lambda u, o: (
        u.has_role(Role.DIRECTOR, Role.EXECUTIVE) or _has_role_in(u, o, Role.MANAGER)
    ),
    "escalations.close": lambda u, o: u.has_role(Role.DIRECTOR, Role.EXECUTIVE),
    # END escalations
    # after-sales and complaints: BEGIN aftersales
    # obj is the branch; which requests and complaints a user sees is aftersales.selectors.
    # Leadership (director, executive) reads every branch's; finance, the warehouse and
    # purchasing none.
    "aftersales.view": lambda u, o: (
        u.has_role(Role.DIRECTOR, Role.EXECUTIVE)
        or _has_role_in(u, o, Role.SALESPERSON, Role.MANAGER, Role.CLERK, Role.TECHNICIAN)
    ),
    # who takes the customer's call: the account's salesperson, the manager, the clerk
    "aftersales.report": lambda u, o: _has_role_in(
        u, o, Role.SALESPERSON, Role.MANAGER, Role.CLERK
    ),
    "aftersales.confirm": lambda u, o: o is not None and manages(u, o),
    "aftersales.file": lambda u, o: _has_role_in(u, o, Role.CLERK),
    "aftersales.work": lambda u, o: _has_role_in(u, o, Role.TECHNICIAN),
    "aftersales.close": lambda u, o: _has_role_in(u, o, Role.CLERK),
    "aftersales.escalate": lambda u, o: o is not None and manages(u, o),
    # leadership's instruction on an escalated request
    "aftersales.instruct": lambda u, o: u.has_role(Role.DIRECTOR, Role.EXECUTIVE),
    # the customer's rating of the technician, recorded by the clerk or the manager
    "aftersales.rate": lambda u, o: (
        o is not None and (manages(u, o) or _has_role_in(u, o, Role.CLERK))
    ),
    # response and resolution times, ratings per technician: managers and leadership (a
    # technician reads their own ratings: aftersales.selectors)
    "aftersales.times": lambda u, o: (
        u.has_role(Role.DIRECTOR, Role.EXECUTIVE) or _has_role_in(u, o, Role.MANAGER)
    ),
    "aftersales.ratings": lambda u, o: (
        u.has_role(Role.DIRECTOR, Role.EXECUTIVE)
        or _has_role_in(u, o, Role.MANAGER, Role.TECHNICIAN)
    ),
    # complaints and suggestions (not the technician's)
    "aftersales.view_complaints": lambda u, o: (
        u.has_role(Role.DIRECTOR, Role.EXECUTIVE)
        or _has_role_in(u, o, Role.SALESPERSON, Role.MANAGER, Role.CLERK)
    ),
    "aftersales.record_complaint": lambda u, o: _has_role_in(
        u, o, Role.SALESPERSON, Role.MANAGER, Role.CLERK
    ),
    "aftersales.assign_complaint": lambda u, o: o is not None and manages(u, o),
    # END aftersales
    # expenses: BEGIN expenses
    # a salesperson, manager or clerk of the office spends (budgets and claims of their own)
    "expenses.spend": lambda u, o: _has_role_in(u, o, Role.SALESPERSON, Role.MANAGER, Role.CLERK),
    # the branch manager (the director) sees the branch's and sets the ranks
    "expenses.manage": lambda u, o: o is not None and manages(u, o),
    # finance of the office pays approved claims
    "expenses.pay": lambda u, o: _has_role_in(u, o, Role.FINANCE),
    # END expenses
    # special customer fees and penalties: BEGIN specialfees
    # obj is the account's branch; the account's own salesperson or the manager asks
    "specialfees.create": lambda u, o: (
        o is not None and (manages(u, o) or _has_role_in(u, o, Role.SALESPERSON))
    ),
    "specialfees.pay": lambda u, o: _has_role_in(u, o, Role.FINANCE),
    # a manager of the office (the director) records and withdraws penalties; anyone
    # of the office reads their own on the fines page
    "reports.record_penalty": lambda u, o: o is not None and manages(u, o),
    "reports.view_own_penalties": lambda u, o: _has_role_in(u, o, *_STAFF),
    # END specialfees
    # ---- R-17 (issue 20): each block is edited only by the helper that owns it
    # department reports: obj is the office; a salesperson reads their own figures,
    # the manager the branch's, leadership (director, executive) every office's
    "deptreports.view": lambda u, o: (
        u.has_role(Role.DIRECTOR, Role.EXECUTIVE)
        or _has_role_in(u, o, Role.SALESPERSON, Role.MANAGER)
    ),
    # BEGIN targets
    # obj is the branch (None for the company's levels). Leadership (director,
    # executive) reads every branch's targets and actuals, the manager the branch's, a
    # salesperson their own row (targets.selectors)
    "targets.view": lambda u, o: (
        u.has_role(Role.DIRECTOR, Role.EXECUTIVE)
        or _has_role_in(u, o, Role.SALESPERSON, Role.MANAGER)
    ),
    # the director sets the department's, regions', branches' year and month targets
    "targets.set_company": lambda u, o: u.has_role(Role.DIRECTOR),
    # the branch's manager (the director) splits a branch month by salesperson
    "targets.set_branch": lambda u, o: o is not None and manages(u, o),
    # the branch's manager (the director) explains a variance
    "targets.explain": lambda u, o: o is not None and manages(u, o),
    # END targets
    # BEGIN workplans
    # obj is the branch; a salesperson of the branch makes their own work plans; the
    # branch's manager reads (and approves, through the approval engine) the branch's;
    # leadership (director, executive) reads every branch's
    "workplans.author": lambda u, o: _has_role_in(u, o, Role.SALESPERSON),
    "workplans.view": lambda u, o: (
        u.has_role(Role.DIRECTOR, Role.EXECUTIVE)
        or _has_role_in(u, o, Role.SALESPERSON, Role.MANAGER)
    ),
    # END workplans
    # BEGIN dealers
    # obj is the dealer's branch; which dealers a user sees is dealers.selectors (a
    # salesperson their own and deputised, the manager the branch's, leadership every one)
    "dealers.view": lambda u, o: (
        u.has_role(Role.DIRECTOR, Role.EXECUTIVE)
        or _has_role_in(u, o, Role.SALESPERSON, Role.MANAGER)
    ),
    # the dealer's salesperson or the branch's manager records a dispute; the salesperson helps
    # or escalates, the manager settles an escalated one (dealers.services)
    "dealers.record_dispute": lambda u, o: (
        o is not None and (manages(u, o) or _has_role_in(u, o, Role.SALESPERSON))
    ),
    # END dealers
    # one work page per role (workspace)
    **{f"workspace.{r}": (lambda role: lambda u, o: u.has_role(role))(r) for r in Role.values},
}


def may(user, action: str, obj: Any = None) -> bool:
    """True when `user` may perform `action` (on `obj`). Unknown actions are refused."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    rule = RULES.get(action)
    return bool(rule and rule(user, obj))


def offices_of(user) -> list[Office]:
    """The offices whose data this user may see, as objects: read once per user object,
    like `office_ids_of`."""
    if not hasattr(user, "_offices_cache"):
        user._offices_cache = list(Office.objects.filter(pk__in=office_ids_of(user)))
    return user._offices_cache


def may_in_any_office(user, action: str) -> bool:
    """Whether the user may do `action` in at least one of their offices: a role check made
    before a request's body is read, so that a wrong role gets 403 whatever it sent."""
    return any(may(user, action, office) for office in offices_of(user))
