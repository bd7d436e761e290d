"""The expectations of the permission matrix (tests/security/test_permission_matrix.py): a
row per URL name and method, with the status each persona gets in each scope, and the helpers
that write the table's columns."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.security.matrix_data import PERSONAS, SECOND_PART_PERSONAS, World

OK = "ok"  # the request passes the permission check: not 401/403/404/405, never a 500


@dataclass(frozen=True)
class Redirect:
    """A 302 whose Location starts with `to`; `login` marks a refusal (a login page)."""

    to: str
    login: bool = False


LOGIN = Redirect("/accounts/login/?next=", login=True)
ADMIN_LOGIN = Redirect("/admin/login/?next=", login=True)
ADMIN_INDEX = Redirect("/admin/")  # logging out of the admin when not logged in to it

ROLES = "SE SP MA DI AS FI CL WH"  # the first part's roles (and the clerk, the keeper)
ALL = f"{ROLES} NR"  # every member of office A, the one without a role included
MANAGES = "MA DI"  # staff.permissions.manages: the office's manager, the director (every office)
# API.md's "office members" for the customers, the duty roster and the units: the staff with
# a role in the office (staff.permissions._STAFF); an account without any role (NR) is refused
STAFF = ROLES
FULL_VIEW = {"SE", "MA", "DI", "FI"}  # attribution.visibility.FULL_VIEW_ROLES


def who(allowed: str, ok: Any = 200, no: Any = 403, **special) -> dict[str, Any]:
    """One scope's column: the personas in `allowed` get `ok`, the others `no`, except
    `special` (persona code → expected)."""
    codes = allowed.split()
    column = {p: (ok if p in codes else no) for p in PERSONAS}
    column.update(special)
    return column


def elsewhere(own: dict[str, Any], no: Any = 404, **special) -> dict[str, Any]:
    """The other office: the director as in his own (he belongs to every office: RULES.md
    "a director can see all"); for everyone else the other office and its objects are not
    there (staff/places.py: another office's id is a 404)."""
    column = {p: no for p in PERSONAS}
    column["DI"] = own["DI"]
    column.update(special)
    return column


@dataclass(frozen=True)
class Row:
    """One URL name and method, with its expected status per scope and persona."""

    name: str
    method: str = "GET"
    own: dict[str, Any] | None = None
    peer: dict[str, Any] | None = None
    other: dict[str, Any] | None = None
    kind: str | None = None  # the World object kind whose pk fills the path
    kwargs: Callable[[World, str, str], dict] | None = None  # custom path parameters
    query: dict | Callable[[World, str, str], dict] | None = None
    body: dict | Callable[[World, str, str], dict] | None = None
    office_param: bool = False  # the office is named in the query (GET) or the body (POST)
    export: bool = False  # the same cells again with ?format=xlsx
    hidden: Callable[[World, str, str], list[str]] | None = None  # never in the response
    anonymous: Any = None  # what anonymous gets; None: the login page / 401 / admin login
    # who of the personas is tested: all; False: anonymous only (logging out would end the
    # persona's session); or some persona codes
    personas: bool | str = True
    # a row of the sales department's documents: the technician, leadership and purchasing
    # personas are tested on it too (SECOND_PART_PERSONAS: on the first part's rows, never)
    second_part: bool = False

    def tested_as(self, persona: str) -> bool:
        if persona in SECOND_PART_PERSONAS and not self.second_part:
            return False
        if isinstance(self.personas, str):
            return persona in self.personas.split()
        return self.personas

    def scopes(self) -> dict[str, dict[str, Any]]:
        return {
            s: column
            for s, column in (("own", self.own), ("peer", self.peer), ("other", self.other))
            if column is not None
        }


def page(name: str, allowed: str, *, method="GET", ok=None, no=403, **kw) -> Row:
    """A page of one office picked with ?office= (or the form's `office`): own office and the
    other office (404, the director as in his own)."""
    ok = ok if ok is not None else (200 if method == "GET" else OK)
    own = who(allowed, ok, no)
    kw.setdefault("other", elsewhere(own))
    return Row(name, method, own=own, office_param=True, **kw)


def on_object(name: str, kind: str, allowed: str, *, method="GET", ok=None, no=403, **kw) -> Row:
    """A URL naming an object: own and peer alike (an office-level rule) unless `peer` is
    given; the other office's object is not there (404, the director as in his own)."""
    ok = ok if ok is not None else (200 if method == "GET" else OK)
    own = kw.pop("own", None) or who(allowed, ok, no)
    kw.setdefault("peer", own)
    kw.setdefault("other", elsewhere(own))
    return Row(name, method, own=own, kind=kind, **kw)


def api_any(name: str, allowed: str, *, method="GET", ok=None, **kw) -> Row:
    """An API list or create: the role check in any of the user's offices comes first
    (`may_in_any_office`), so a wrong role gets 403 whatever it sent."""
    ok = ok if ok is not None else (200 if method == "GET" else OK)
    return Row(name, method, own=who(allowed, ok, 403), **kw)
