"""What is loaded, as whom, and with which requests: built from the seeded database.

Every scenario names its target (bench.targets). GET scenarios carry a few `count_paths`,
requested once in-process to count their queries: a full page and a small result, so that
"a fixed number of queries whatever the page size" is checked by comparing the two.
"""

import datetime
import random
from dataclasses import dataclass, field
from urllib.parse import quote

from django.conf import settings
from django.db.models import Count
from django.test import Client

from attribution.models import Claim
from leads.models import Customer
from staff.models import User

from .load import Scenario
from .scales import Scale

SAMPLE = 2000
LIST_PAGES = 20


@dataclass
class People:
    offices: list[int]
    big: int
    secretary: dict[int, User]
    manager: dict[int, User]
    salespeople: dict[int, list[User]]
    tokens: dict[int, str] = field(default_factory=dict)  # user id -> key
    sessions: dict[int, str] = field(default_factory=dict)  # user id -> session key

    def auth(self, user: User) -> dict[str, str]:
        return {"Authorization": f"Token {self.tokens[user.pk]}"}

    def cookie(self, user: User) -> dict[str, str]:
        if user.pk not in self.sessions:
            client = Client()
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            self.sessions[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
        return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={self.sessions[user.pk]}"}


def people() -> People:
    users = User.objects.prefetch_related("groups", "offices").select_related("auth_token")
    offices: set[int] = set()
    secretary, manager, sales = {}, {}, {}
    tokens = {}
    for user in users.filter(username__startswith="bench-"):
        tokens[user.pk] = user.auth_token.key
        for office in user.offices.all():
            offices.add(office.pk)
            if user.has_role("secretary"):
                secretary[office.pk] = user
            if user.has_role("manager"):
                manager[office.pk] = user
            if user.has_role("salesperson"):
                sales.setdefault(office.pk, []).append(user)
    ordered = sorted(offices)
    return People(ordered, ordered[0], secretary, manager, sales, tokens)


@dataclass
class Plan:
    scenarios: list[Scenario]
    count_paths: dict[str, list[tuple[str, str, dict]]]  # name -> (label, path, headers)
    samples: dict


def _sample(scale: Scale, rng: random.Random) -> list[dict]:
    ids = rng.sample(range(1, scale.customers + 1), min(SAMPLE, scale.customers))
    return list(Customer.objects.filter(pk__in=ids).values("pk", "phone", "name", "office_id"))


def _pages(office: int, today: datetime.date) -> dict[str, int]:
    """How many of the first LIST_PAGES pages of 50 each list has (the smoke scale has few)."""
    from deals.models import Unit

    now = datetime.datetime.now(datetime.UTC)
    counts = {
        "customers": Customer.objects.filter(office_id=office).count(),
        "claims": Claim.objects.filter(
            office_id=office, status="active", protected_until__gt=now
        ).count(),
        "units": Unit.objects.filter(office_id=office).count(),
    }
    return {k: max(1, min(LIST_PAGES, n // 50)) for k, n in counts.items()}


def _get(name: str, pairs: list[tuple[str, dict]], **kwargs) -> Scenario:
    """A GET scenario from (path, headers) pairs; identical headers are shared."""
    headers: list[dict] = []
    index: dict[tuple, int] = {}
    paths = []
    for path, h in pairs:
        path = quote(path, safe="/?=&")
        key = tuple(sorted(h.items()))
        if key not in index:
            index[key] = len(headers)
            headers.append(h)
        paths.append((path, index[key]))
    return Scenario(name=name, method="GET", paths=paths, headers=headers, **kwargs)


def plan(scale: Scale, p: People, *, today: datetime.date, seed: int = 8) -> Plan:  # noqa: PLR0915
    rng = random.Random(seed)  # noqa: S311 (sampling, not security)
    customers = _sample(scale, rng)
    named = [c for c in customers if len(c["name"]) >= 2]
    big, boss = p.big, p.manager[p.big]
    desk = {o: p.auth(p.secretary[o]) for o in p.offices}
    pages = _pages(big, today)

    posts = [
        ("/api/v1/visits/", desk[o]["Authorization"],
         {"office": o, "name": "", "party_size": 1, "source_channel": "passing"})
        for o in p.offices
    ]  # fmt: skip
    control_posts = [("/bench/control/insert/", "", body) for _path, _auth, body in posts]

    scenarios = [
        Scenario("control_insert", "POST", posts=control_posts,
                 note="bare view: one transaction of 5 INSERTs"),
        Scenario("visit_register", "POST", posts=posts,
                 note="POST /api/v1/visits/: a new walk-in per request, every office's desk"),
        _get("control_select", [(f"/bench/control/select/?id={c['pk']}", {}) for c in customers],
             note="bare view: one primary-key SELECT"),
        _get("customer_by_phone",
             [(f"/api/v1/customers/?phone={c['phone']}", desk[c["office_id"]]) for c in customers],
             note="GET /api/v1/customers/?phone= (exact), the office's desk"),
        _get("search_prefix",
             [(f"/api/v1/customers/?q={c['phone'][:7]}", desk[c["office_id"]]) for c in customers],
             note="GET /api/v1/customers/?q=<first 7 digits>"),
        _get("search_fragment",
             [(f"/api/v1/customers/?q={c['phone'][5:10]}", desk[c["office_id"]])
              for c in customers],
             note="GET /api/v1/customers/?q=<5 digits from the middle>"),
        _get("search_name",
             [(f"/api/v1/customers/?q={c['name']}", desk[c["office_id"]]) for c in named],
             note="GET /api/v1/customers/?q=<a full name, 2 or 3 characters>"),
        _get("list_customers",
             [(f"/api/v1/customers/?page={n}", p.auth(boss))
              for n in range(1, pages["customers"] + 1)],
             note="GET /api/v1/customers/?page=1..20, the big office's manager"),
        _get("list_claims",
             [(f"/api/v1/claims/?status=active&page={n}", p.auth(boss))
              for n in range(1, pages["claims"] + 1)],
             note="GET /api/v1/claims/?status=active&page=1..20, manager"),
        _get("list_visits",
             [(f"/api/v1/visits/?office={big}&date={today - datetime.timedelta(days=d)}",
               p.auth(boss)) for d in range(1, 31)],
             note="GET /api/v1/visits/?office&date= (one of the last 30 days), manager"),
        _get("list_units",
             [(f"/api/v1/units/?page={n}", p.auth(boss)) for n in range(1, pages["units"] + 1)],
             note="GET /api/v1/units/?page=1..20, manager"),
        _get("list_notifications",
             [("/api/v1/notifications/", p.auth(s)) for s in p.salespeople[big][:20]],
             note="GET /api/v1/notifications/, salespeople"),
        _get("claims_page",
             [(f"/attribution/claims/?office={big}&page={n}", p.cookie(boss))
              for n in range(1, pages["claims"] + 1)],
             note="the manager's claims page (HTML), 50 rows a page"),
        _get("desk_page",
             [(f"/w/desk/?office={o}", p.cookie(p.secretary[o])) for o in p.offices],
             note="the secretary's desk (HTML), every office"),
        _get("my_customers_page",
             [(f"/attribution/my/?office={big}", p.cookie(s)) for s in p.salespeople[big][:20]],
             note="the salesperson's 'my customers' (HTML), the big office"),
    ]  # fmt: skip

    one = customers[0]
    small = p.offices[-1]
    few_deals = (
        Claim.objects.filter(office_id=big, status="deal")
        .values("owner")
        .annotate(n=Count("pk"))
        .order_by("n", "owner")
        .first()
    )
    few = few_deals["owner"] if few_deals else p.salespeople[big][0].pk
    day = today - datetime.timedelta(days=1)
    boss_api = p.auth(boss)
    # lists: a full page against the last page (1 to 50 rows), same user, same filter
    counts = {
        "customer_by_phone": [
            ("found", f"/api/v1/customers/?phone={one['phone']}", desk[one["office_id"]]),
        ],
        "search_prefix": [
            ("4 digits", f"/api/v1/customers/?q={one['phone'][:4]}", desk[one["office_id"]]),
            ("7 digits", f"/api/v1/customers/?q={one['phone'][:7]}", desk[one["office_id"]]),
        ],
        "search_fragment": [
            ("3 digits", f"/api/v1/customers/?q={one['phone'][7:10]}", desk[one["office_id"]]),
            ("5 digits", f"/api/v1/customers/?q={one['phone'][5:10]}", desk[one["office_id"]]),
        ],
        "search_name": [
            ("surname", f"/api/v1/customers/?q={named[0]['name'][:1]}",
             desk[named[0]["office_id"]]),
            ("full name", f"/api/v1/customers/?q={named[0]['name']}",
             desk[named[0]["office_id"]]),
        ],
        "list_customers": [
            ("page", "/api/v1/customers/?page=2", boss_api),
            ("last", "/api/v1/customers/?page=last", boss_api),
        ],
        "list_claims": [
            ("page", "/api/v1/claims/?status=active&page=2", boss_api),
            ("last", "/api/v1/claims/?status=active&page=last", boss_api),
        ],
        "list_visits": [
            ("page", f"/api/v1/visits/?office={big}&date={day}", boss_api),
            ("last", f"/api/v1/visits/?office={big}&date={day}&page=last", boss_api),
        ],
        "list_units": [
            ("page", "/api/v1/units/?page=2", boss_api),
            ("last", "/api/v1/units/?page=last", boss_api),
        ],
        "list_notifications": [  # pages that name customers, shown as the reader may see them
            ("page", "/api/v1/notifications/?page=1", p.auth(p.salespeople[big][0])),
            ("last", "/api/v1/notifications/?page=last", p.auth(p.salespeople[big][0])),
        ],
        "claims_page": [  # the same filters (the owner picker checks its choice) on both
            ("page", f"/attribution/claims/?office={big}&status=released&owner={few}",
             p.cookie(boss)),
            ("few", f"/attribution/claims/?office={big}&status=deal&owner={few}",
             p.cookie(boss)),
        ],
        "desk_page": [
            ("big office", f"/w/desk/?office={big}", p.cookie(p.secretary[big])),
            ("small office", f"/w/desk/?office={small}", p.cookie(p.secretary[small])),
        ],
        "my_customers_page": [
            ("big office", f"/attribution/my/?office={big}", p.cookie(p.salespeople[big][0])),
            ("small office", f"/attribution/my/?office={small}",
             p.cookie(p.salespeople[small][0])),
        ],
    }  # fmt: skip
    counts = {
        name: [(label, quote(path, safe="/?=&"), h) for label, path, h in variants]
        for name, variants in counts.items()
    }
    samples = {
        "customers_sampled": len(customers),
        "names_sampled": len(named),
        "big_office": big,
        "offices": p.offices,
    }
    return Plan(scenarios, counts, samples)
