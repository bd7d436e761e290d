"""The scheduled jobs of ownership: expiry (R-3.3) and the morning warning (R-3.5)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from attribution import tasks
from attribution.choices import ClaimEventKind, ClaimStatus
from attribution.models import Claim, ClaimEvent, ClaimHistory
from attribution.services import claim_start, claims_expire_stale, claims_warn_expiring
from leads.factories import CustomerFactory
from leads.models import Household
from notifications.messages import render
from notifications.models import Notification
from salesoffice.celery import app
from staff.choices import Role
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 10, 0, 0, tzinfo=SH)  # on the hour, as beat runs it
TICK = datetime.timedelta(microseconds=1)


def claim_until(office, owner, protected_until, *, status=ClaimStatus.ACTIVE) -> Claim:
    """A claim with the given protection end, made by the service and then aged in place."""
    customer = CustomerFactory(office=office, registered_by=owner)
    claim = claim_start(
        household=customer.household,
        owner=owner,
        now=protected_until - datetime.timedelta(days=8),
        actor=owner,
        detail={},
    )
    Claim.objects.filter(pk=claim.pk).update(protected_until=protected_until, status=status)
    claim.refresh_from_db()
    return claim


def bulk_stale_claims(office, owner, n: int, protected_until) -> list[Claim]:
    """n stale active claims without n× the service's queries: for the query-count test."""
    households = Household.objects.bulk_create(
        Household(office=office, created_at=protected_until) for _ in range(n)
    )
    return Claim.objects.bulk_create(
        Claim(
            office=office,
            household=household,
            owner=owner,
            started_at=protected_until - datetime.timedelta(days=8),
            last_contact_at=protected_until - datetime.timedelta(days=8),
            protected_until=protected_until,
        )
        for household in households
    )


def released_events(claim_ids=None):
    qs = ClaimEvent.objects.filter(kind=ClaimEventKind.RELEASED)
    return qs.filter(claim__in=claim_ids) if claim_ids is not None else qs


# ---------------------------------------------------------------- expiry


class TestExpireStale:
    @pytest.fixture
    def claims(self, office, salesperson):
        return {
            "ended at now": claim_until(office, salesperson, NOW),
            "ended an hour ago": claim_until(
                office, salesperson, NOW - datetime.timedelta(hours=1)
            ),
            "ended a month ago": claim_until(
                office, salesperson, NOW - datetime.timedelta(days=30)
            ),
            "protected one tick more": claim_until(office, salesperson, NOW + TICK),
            "protected a week more": claim_until(office, salesperson, NOW + datetime.timedelta(7)),
            "deal (R-3.7)": claim_until(
                office, salesperson, NOW - datetime.timedelta(days=3), status=ClaimStatus.DEAL
            ),
            "merged (R-4.2)": claim_until(
                office, salesperson, NOW - datetime.timedelta(days=3), status=ClaimStatus.MERGED
            ),
        }

    STALE = {"ended at now", "ended an hour ago", "ended a month ago"}

    def test_r_3_3_releases_exactly_the_stale_active_claims_with_one_event_each(self, claims):
        untouched = {
            name: (c.status, c.ended_at, c.timeline.count())
            for name, c in claims.items()
            if name not in self.STALE
        }

        assert claims_expire_stale(now=NOW) == len(self.STALE)

        for name in self.STALE:
            claim = claims[name]
            claim.refresh_from_db()
            assert claim.status == ClaimStatus.RELEASED, name
            assert claim.ended_at == claim.protected_until, name
            [event] = released_events([claim.pk])
            assert event.at == NOW and event.owner_id == claim.owner_id, name
            assert event.actor is None, name
            assert event.detail["reason"] == "protection_ended", name
            assert datetime.datetime.fromisoformat(event.detail["protected_until"]) == (
                claim.protected_until
            ), name
        for name, before in untouched.items():
            claim = claims[name]
            claim.refresh_from_db()
            assert (claim.status, claim.ended_at, claim.timeline.count()) == before, name
        assert released_events().count() == len(self.STALE)

    def test_r_3_3_a_second_run_changes_nothing(self, claims):
        assert claims_expire_stale(now=NOW) == len(self.STALE)
        state = list(Claim.objects.order_by("pk").values_list("pk", "status", "ended_at"))
        event_count = ClaimEvent.objects.count()

        assert claims_expire_stale(now=NOW) == 0

        assert list(Claim.objects.order_by("pk").values_list("pk", "status", "ended_at")) == state
        assert ClaimEvent.objects.count() == event_count

    def test_r_3_3_one_set_based_statement_whatever_the_number_of_claims(self, office, salesperson):
        def run(n: int) -> list[str]:
            stale = bulk_stale_claims(office, salesperson, n, NOW - datetime.timedelta(hours=1))
            with CaptureQueriesContext(connection) as captured:
                assert claims_expire_stale(now=NOW) == n
            assert released_events([c.pk for c in stale]).count() == n
            return [q["sql"] for q in captured.captured_queries]

        few, many = run(3), run(300)

        assert len(few) == len(many), many
        writes = [sql for sql in many if "UPDATE" in sql.upper() or "INSERT" in sql.upper()]
        assert len(writes) == 1, writes  # the UPDATE … RETURNING and its INSERT … SELECT

    def test_r_3_3_history_names_the_job(self, claims):
        claims_expire_stale(now=NOW)

        for name, claim in claims.items():
            rows = ClaimHistory.objects.filter(pgh_obj=claim, status=ClaimStatus.RELEASED)
            if name not in self.STALE:
                assert not rows.exists(), name
                continue
            [row] = rows
            assert row.pgh_label == "update", name
            assert row.pgh_context is not None, name
            assert row.pgh_context.metadata["job"] == "claims.expire_stale", name

    def test_the_task_is_registered_and_takes_now_as_an_iso_string(self, claims):
        app.loader.import_default_modules()
        assert "claims.expire_stale" in app.tasks  # what a worker started by beat knows
        assert tasks.expire_stale.name == "claims.expire_stale"

        assert tasks.expire_stale("2026-03-09T23:59:59.999999+08:00") == 2  # not "ended at now"
        assert tasks.expire_stale("2026-03-10T00:00:00+08:00") == 1
        assert tasks.expire_stale("2026-03-10T00:00:00+08:00") == 0
        assert released_events().count() == len(self.STALE)

    def test_the_task_refuses_a_time_without_offset(self, claims):
        with pytest.raises(ValueError, match="offset"):
            tasks.expire_stale("2026-03-10T00:00:00")
        assert released_events().count() == 0


# ---------------------------------------------------------------- the morning warning


MORNING = datetime.datetime(2026, 3, 10, 8, 0, tzinfo=SH)  # beat: daily 08:00


def midnight(days: int) -> datetime.datetime:
    """00:00 office time, `days` days after MORNING's day: a protection end."""
    return datetime.datetime.combine(
        MORNING.date() + datetime.timedelta(days=days), datetime.time(), tzinfo=SH
    )


class TestWarnExpiring:
    @pytest.fixture
    def people(self, office):
        with_mail = UserFactory(
            username="wang", email="wang@example.com", roles=[Role.SALESPERSON], offices=[office]
        )
        without_mail = UserFactory(
            username="li", email="", roles=[Role.SALESPERSON], offices=[office]
        )
        relaxed = UserFactory(
            username="zhao", email="zhao@example.com", roles=[Role.SALESPERSON], offices=[office]
        )
        # wang: ends tonight and the night after (within 2 days), and one in 3 days
        claim_until(office, with_mail, midnight(1))
        claim_until(office, with_mail, midnight(2))
        claim_until(office, with_mail, midnight(3))
        # li: one within 2 days, one already past (released on read: no warning for it)
        claim_until(office, without_mail, midnight(2))
        claim_until(office, without_mail, MORNING - datetime.timedelta(hours=1))
        # zhao: only in 3 days, and a deal ending tonight (deals never expire, R-3.7)
        claim_until(office, relaxed, midnight(3))
        claim_until(office, relaxed, midnight(1), status=ClaimStatus.DEAL)
        return with_mail, without_mail, relaxed

    def warned(self, user):
        return list(
            Notification.objects.filter(recipient=user, kind="claims_expiring").order_by("pk")
        )

    def test_r_3_5_one_notice_per_salesperson_and_one_mail_where_there_is_an_address(
        self, people, django_capture_on_commit_callbacks
    ):
        wang, li, zhao = people

        with django_capture_on_commit_callbacks(execute=True):
            assert claims_warn_expiring(now=MORNING) == 2

        [notice] = self.warned(wang)
        # one ends tonight (protected through today, 03-10), one tomorrow night
        assert notice.params == {
            "count": 2,
            "day": "2026-03-10",
            "today": 1,
            "through": "2026-03-10",
        }
        with translation.override("zh-hans"):
            assert render(notice) == (
                "您有 2 位客户的保护期即将结束，最早的保护至 3月10日（含），"
                "其中 1 位今天到期：请及时跟进。"
            )
        assert notice.created_at == MORNING
        [notice] = self.warned(li)
        assert notice.params["count"] == 1
        assert self.warned(zhao) == []
        [message] = mail.outbox
        assert message.to == ["wang@example.com"]
        assert "最早的保护至 3月10日（含）" in message.body

    def test_r_3_5_twice_the_same_day_sends_nothing_more_and_the_next_day_warns_again(
        self, people, django_capture_on_commit_callbacks
    ):
        wang, li, zhao = people
        with django_capture_on_commit_callbacks(execute=True):
            assert claims_warn_expiring(now=MORNING) == 2
        with django_capture_on_commit_callbacks(execute=True):
            assert claims_warn_expiring(now=MORNING + datetime.timedelta(hours=3)) == 0
        assert len(self.warned(wang)) == len(self.warned(li)) == 1
        assert len(mail.outbox) == 1

        tomorrow = MORNING + datetime.timedelta(days=1)
        with django_capture_on_commit_callbacks(execute=True):
            assert claims_warn_expiring(now=tomorrow) == 3

        # the next morning: wang's 03-12 and 03-13 ends, li's 03-12, zhao's 03-13 (now in 2 days)
        assert [n.params for n in self.warned(wang)] == [
            {"count": 2, "day": "2026-03-10", "today": 1, "through": "2026-03-10"},
            {"count": 2, "day": "2026-03-11", "today": 1, "through": "2026-03-11"},
        ]
        assert [n.params["count"] for n in self.warned(li)] == [1, 1]
        assert [n.params for n in self.warned(zhao)] == [
            {"count": 1, "day": "2026-03-11", "today": 0, "through": "2026-03-12"}
        ]
        assert sorted(m.to[0] for m in mail.outbox) == [
            "wang@example.com",
            "wang@example.com",
            "zhao@example.com",
        ]

    def test_the_task_is_registered_and_takes_now_as_an_iso_string(
        self, people, django_capture_on_commit_callbacks
    ):
        app.loader.import_default_modules()
        assert "claims.warn_expiring" in app.tasks
        assert tasks.warn_expiring.name == "claims.warn_expiring"
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.warn_expiring("2026-03-10T08:00:00+08:00") == 2
            assert tasks.warn_expiring("2026-03-10T08:00:00+08:00") == 0
        assert Notification.objects.filter(kind="claims_expiring").count() == 2
