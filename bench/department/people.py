"""Who the department's measurements act as, and what they ask for: read back from the
seeded database (users by their seeded names, API tokens, session cookies)."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.test import Client

from staff.models import User


@dataclass
class People:
    users: dict[str, User]
    tokens: dict[int, str]
    sessions: dict[int, str] = field(default_factory=dict)

    def __getitem__(self, username: str) -> User:
        return self.users[username]

    def auth(self, user: User) -> dict[str, str]:
        return {"Authorization": f"Token {self.tokens[user.pk]}"}

    def cookie(self, user: User) -> dict[str, str]:
        if user.pk not in self.sessions:
            client = Client()
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            self.sessions[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
        return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={self.sessions[user.pk]}"}


def load(figures: dict) -> People:
    users = {
        u.username: u
        for u in User.objects.filter(username__startswith="dept-").select_related("auth_token")
    }
    return People(users, {u.pk: u.auth_token.key for u in users.values()})


class Plan:
    """The people and rows each measurement uses."""

    def __init__(self, people: People, figures: dict, today: datetime.date):
        self.people, self.figures, self.today = people, figures, today
        branches = figures["branches"]
        pending = {int(k): v for k, v in figures["pending_by_branch"].items()}
        self.big_branch = max(branches, key=lambda b: (pending.get(b, 0), -b))
        self.small_branch = min(branches, key=lambda b: (pending.get(b, 0), b))
        index = {b: n + 1 for n, b in enumerate(branches)}
        self.big_manager = people[f"dept-manager-{index[self.big_branch]:02d}"]
        self.small_manager = people[f"dept-manager-{index[self.small_branch]:02d}"]
        self.director = people["dept-director"]
        self.keeper = people["dept-keeper-01"]
        self.finance = people["dept-finance-01"]
        self.statement_branch = figures["statement_branch"]
        self.ledger_account = figures["ledger_account"]
        self.race_orders = figures["race_orders"]
        self.race_warehouse = figures["race_warehouse"]
