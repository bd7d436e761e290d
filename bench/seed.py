"""Seed a migrated database at a scale, with COPY (psycopg 3's `cursor.copy`).

The rows respect the models' constraints: one customer per phone per office with 11-digit
mainland mobiles, one active claim per household, protection ends computed as
attribution.rules.protection_end does (every office in Asia/Shanghai), a unit subscribed
once, follow-ups with a note by the claim's owner. Small tables (offices, staff, groups,
tokens, projects, today's rosters) go through the ORM; the large ones through COPY with the
history and foreign-key triggers off (`session_replication_role = replica`): the history
tables start empty, which no measured read depends on.

The shape (every figure scales with the Scale):
- office 1 is the big one: half the salespeople (100 at full scale) and half the records;
- a year of registrations, one household, one claim and one first visit per customer;
- claims: ~20% active past protection (what claims.expire_stale releases), ~10% active and
  protected, ~1% deals (each with a subscription on a unit of its office), the rest released;
- follow-ups: about two per claim, by its owner, the last one at the claim's last contact;
- calls put through to the owner; today's roster with every salesperson available.
"""

import datetime
import json
import random
import secrets
import time
from collections.abc import Callable, Iterable

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from rest_framework.authtoken.models import Token

from deals.models import Project
from leads.models import SourceChannel
from reception.models import DutyState, Roster, RosterEntry
from staff.choices import Role
from staff.models import Office, User

from .scales import Scale

PASSWORD = "bench-password-not-secret"  # noqa: S105 (a throwaway database's users)
TZ = "Asia/Shanghai"
TZ_OFFSET = 8 * 3600  # Asia/Shanghai has no daylight saving time
DAY = 86400
SPAN_DAYS = 365
PROTECTION_DAYS = 7
LOAD_PREFIX = "199"  # phones the load registers; no seeded phone starts with it

# 30 mainland mobile prefixes (3 digits) + 8 digits: 11-digit phones, unique by construction
PREFIXES = [
    str(p)
    for p in (*range(130, 140), *range(150, 154), *range(155, 160), *range(180, 190), 170, 173)
]
SCRAMBLE = 387_420_489  # 3**18: coprime with 10**8, so i -> i*SCRAMBLE mod 10**8 is a bijection
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志刚海燕"
NOTES = [
    "电话回访，客户对三室户型感兴趣",
    "发送了最新价格单",
    "客户周末带家人来看房",
    "询问贷款政策，已解答",
    "客户比较了竞品楼盘",
    "微信沟通，约下周到访",
    "客户关心学区，已发送资料",
    "Called back: wants a south-facing unit",
    "复访，看了样板间",
    "客户预算有变化，继续跟进",
]
LAYOUTS = ["两室一厅", "三室两厅", "四室两厅", "三室一厅"]
ORIENTATIONS = ["南", "东南", "南北通透", "东"]


def phone_of(i: int) -> str:
    """The seeded phone of customer index i (0-based)."""
    return PREFIXES[i % len(PREFIXES)] + f"{(i * SCRAMBLE) % 10**8:08d}"


def protection_end(epoch: float) -> float:
    """attribution.rules.protection_end for Asia/Shanghai and 7 days, on epoch seconds."""
    local_day = (int(epoch) + TZ_OFFSET) // DAY
    return (local_day + PROTECTION_DAYS + 1) * DAY - TZ_OFFSET


_UTC = datetime.UTC


def ts(epoch: float) -> str:
    return datetime.datetime.fromtimestamp(epoch, _UTC).isoformat()


class Copier:
    """COPY rows (tuples of already formatted text) into a table in chunks."""

    CHUNK = 20_000

    def __init__(self, cursor, counts: dict):
        self.cursor, self.counts = cursor, counts

    def copy(self, table: str, columns: str, rows: Iterable[str]) -> int:
        n = 0
        buffer: list[str] = []
        with self.cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FREEZE)") as copy:
            for line in rows:
                buffer.append(line)
                if len(buffer) >= self.CHUNK:
                    copy.write("".join(buffer))
                    n += len(buffer)
                    buffer.clear()
            if buffer:
                copy.write("".join(buffer))
                n += len(buffer)
        self.counts[table] = self.counts.get(table, 0) + n
        return n


def _reset() -> None:
    """Empty what the seed fills (the database is the benchmark's own), keep the schema."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE staff_office, staff_user, leads_sourcechannel, auth_group "
            "RESTART IDENTITY CASCADE"
        )


def _channels() -> list[int]:
    names = [
        ("newspaper", "报纸广告", "Newspaper"),
        ("online", "网络广告", "Online ad"),
        ("billboard", "户外广告牌", "Billboard"),
        ("referral", "老客户介绍", "Referral"),
        ("passing", "路过", "Passing by"),
        ("phone", "来电", "Phone"),
        ("other", "其他", "Other"),
    ]
    return [
        SourceChannel.objects.create(code=c, name=n, name_en=e, position=i).pk
        for i, (c, n, e) in enumerate(names)
    ]


class Staff:
    """The offices and their people: ids by office index."""

    def __init__(self, scale: Scale, now: datetime.datetime):
        self.offices: list[Office] = []
        self.sales: list[list[int]] = []
        self.secretary: list[int] = []
        self.manager: list[int] = []
        self.director = 0
        self._create(scale, now)

    def _create(self, scale: Scale, now: datetime.datetime) -> None:
        groups = {r: Group.objects.create(name=r) for r in Role.values}
        self.offices = Office.objects.bulk_create(
            Office(name=f"基准售楼处 {n + 1:02d}", code=f"bench-{n + 1:02d}", timezone=TZ)
            for n in range(scale.offices)
        )
        per_office = _split(scale.salespeople, scale.offices, scale.big_office_share)
        password = make_password(PASSWORD)
        users: list[tuple[User, str, list[Office]]] = []

        def add(username: str, display: str, role: str, offices: list[Office]) -> None:
            user = User(
                username=username,
                display_name=display,
                password=password,
                is_active=True,
                date_joined=now,
            )
            users.append((user, role, offices))

        add("bench-director", "总监", Role.DIRECTOR, [])
        for n, office in enumerate(self.offices):
            add(f"bench-manager-{n + 1:02d}", f"经理{n + 1:02d}", Role.MANAGER, [office])
            add(f"bench-desk-{n + 1:02d}", f"前台{n + 1:02d}", Role.SECRETARY, [office])
            for k in range(per_office[n]):
                name = f"bench-sales-{n + 1:02d}-{k + 1:03d}"
                add(name, f"置业顾问{n + 1:02d}-{k + 1:03d}", Role.SALESPERSON, [office])
        created = User.objects.bulk_create(u for u, _r, _o in users)
        memberships, seats = [], []
        self.sales = [[] for _ in self.offices]
        for user, (_u, role, offices) in zip(created, users, strict=True):
            memberships.append(User.groups.through(user_id=user.pk, group_id=groups[role].pk))
            for office in offices:
                seats.append(User.offices.through(user_id=user.pk, office_id=office.pk))
                index = self.offices.index(office)
                {
                    Role.MANAGER: self.manager,
                    Role.SECRETARY: self.secretary,
                    Role.SALESPERSON: self.sales[index],
                }[role].append(user.pk)
            if role == Role.DIRECTOR:
                self.director = user.pk
        User.groups.through.objects.bulk_create(memberships)
        User.offices.through.objects.bulk_create(seats)
        Token.objects.bulk_create(
            Token(key=secrets.token_hex(20), user_id=u.pk, created=now) for u in created
        )
        self.office_ids = [o.pk for o in self.offices]
        self.today = datetime.datetime.fromtimestamp(now.timestamp() + TZ_OFFSET, _UTC).date()
        rosters = Roster.objects.bulk_create(
            Roster(office=o, date=self.today, pointer=1, set_by_id=self.manager[n])
            for n, o in enumerate(self.offices)
        )
        RosterEntry.objects.bulk_create(
            RosterEntry(roster=roster, salesperson_id=sid, position=p + 1)
            for roster, ids in zip(rosters, self.sales, strict=True)
            for p, sid in enumerate(ids)
        )
        DutyState.objects.bulk_create(
            DutyState(office=o, salesperson_id=sid)
            for o, ids in zip(self.offices, self.sales, strict=True)
            for sid in ids
        )


def _split(total: int, parts: int, big_share: float) -> list[int]:
    """`total` over `parts`: the first gets `big_share`, the others the rest evenly."""
    if parts == 1:
        return [total]
    big = max(1, round(total * big_share))
    rest = total - big
    return [big] + [
        rest // (parts - 1) + (1 if k < rest % (parts - 1) else 0) for k in range(parts - 1)
    ]


BIG_TABLES = [
    "leads_household",
    "leads_customer",
    "attribution_claim",
    "attribution_claimevent",
    "attribution_followup",
    "reception_visit",
    "reception_call",
    "deals_unit",
    "deals_subscription",
    "notifications_notification",
]


def _drop_indexes(cursor) -> list[str]:
    """Drop the big tables' indexes that back no constraint; returns their definitions.
    Building an index once after the COPY is far cheaper than maintaining it row by row
    (the trigram GIN indexes above all)."""
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
          FROM pg_index i
         WHERE i.indrelid = ANY(%s::regclass[])
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        [BIG_TABLES],
    )
    rows = cursor.fetchall()
    for name, _definition in rows:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in rows]


def seed(scale: Scale, *, now: datetime.datetime, log: Callable[[str], None] = print) -> dict:
    """Fill the (migrated, otherwise unused) database of `connection`. Returns the counts,
    the seconds taken and the rows per second."""
    started = time.perf_counter()
    rng = random.Random(8)  # noqa: S311 (reproducible data, not security)
    counts: dict[str, int] = {}
    # one transaction: the tables are truncated in it, so COPY may write them frozen (no
    # later VACUUM to set the visibility map for index-only scans)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        _reset()
        channels = _channels()
        staff = Staff(scale, now)
        indexes = _drop_indexes(cursor)
        copier = Copier(cursor.cursor, counts)  # psycopg's own cursor, for COPY
        _seed_rows(scale, staff, channels, now.timestamp(), rng, copier, log)
        copied = time.perf_counter() - started
        log(f"seed: {sum(counts.values()):,} rows by COPY in {copied:.1f} s; "
            f"{len(indexes)} indexes …")  # fmt: skip
        for definition in indexes:
            cursor.execute(definition)
        for table in counts:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
    seeded = time.perf_counter() - started
    log(f"seed: done in {seeded:.1f} s; VACUUM ANALYZE …")
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    vacuumed = time.perf_counter() - t0
    rows = sum(counts.values())
    return {
        "rows": counts,
        "rows_total": rows,
        "copy_seconds": round(copied, 2),
        "seconds": round(seeded, 2),
        "vacuum_analyze_seconds": round(vacuumed, 2),
        "rows_per_second": round(rows / seeded) if seeded else None,
        "today": staff.today.isoformat(),
    }


def _seed_rows(scale, staff, channels, now_epoch, rng, copier, log) -> None:  # noqa: C901
    n_customers = scale.customers
    n_offices = len(staff.offices)
    office_ids = staff.office_ids
    secretaries = staff.secretary
    sales = staff.sales
    start = now_epoch - SPAN_DAYS * DAY
    step = SPAN_DAYS * DAY / n_customers
    p_big = scale.big_office_share if n_offices > 1 else 1.0

    # per customer: office index, registration instant, owner, claim category, last contact
    office_of = [0] * n_customers
    born = [0.0] * n_customers
    owner = [0] * n_customers
    category = [""] * n_customers  # stale, active, released, deal
    last = [0.0] * n_customers
    rand = rng.random
    randrange = rng.randrange
    p_stale, p_active, p_deal = 0.2 / 0.975, 0.075 / 0.975, 0.01 / 0.975
    units_left = _units_per_office(scale, n_offices)
    for i in range(n_customers):
        o = 0 if rand() < p_big else 1 + randrange(n_offices - 1)
        office_of[i] = o
        t = start + (i + rand()) * step
        born[i] = t
        people = sales[o]
        owner[i] = people[randrange(len(people))]
        age = now_epoch - t
        r = rand()
        if age < 9 * DAY or (r >= p_stale and r < p_stale + p_active):
            category[i] = "active"
            low = max(t, now_epoch - 6 * DAY)
            last[i] = low + rand() * max(0.0, now_epoch - 60 - low)
        else:
            if r < p_stale:
                category[i] = "stale"
            elif r < p_stale + p_active + p_deal and units_left[o] > 0:
                category[i] = "deal"
                units_left[o] -= 1
            else:
                category[i] = "released"
            high = min(t + 60 * DAY, now_epoch - 9 * DAY)
            last[i] = t + rand() * (high - t)
    log(f"seed: {n_customers:,} customers planned; COPY …")

    born_s = [ts(t) for t in born]

    def households():
        for i in range(n_customers):
            yield f"{i + 1}\t{born_s[i]}\t{office_ids[office_of[i]]}\t\\N\n"

    copier.copy("leads_household", "id, created_at, office_id, merged_into_id", households())

    n_chan = len(channels)
    names = [""] * n_customers
    for i in range(n_customers):
        r = rand()
        if r < 0.05:
            continue
        given = GIVEN[randrange(len(GIVEN))] + (GIVEN[randrange(len(GIVEN))] if r < 0.75 else "")
        names[i] = SURNAMES[randrange(len(SURNAMES))] + given
    channel_of = [channels[randrange(n_chan)] for _ in range(n_customers)]

    def customers():
        for i in range(n_customers):
            o = office_of[i]
            yield (
                f"{i + 1}\t{phone_of(i)}\t{names[i]}\t{born_s[i]}\t\\N\t\t{office_ids[o]}\t"
                f"{secretaries[o]}\t\\N\t{i + 1}\t{channel_of[i]}\n"
            )

    copier.copy(
        "leads_customer",
        "id, phone, name, registered_at, voided_at, void_reason, office_id, registered_by_id, "
        "voided_by_id, household_id, source_channel_id",
        customers(),
    )

    n_claims = min(scale.claims, n_customers)
    ends = [protection_end(last[i]) for i in range(n_claims)]

    def claims():
        for i in range(n_claims):
            cat = category[i]
            status = {"stale": "active", "active": "active"}.get(cat, cat)
            ended = ts(ends[i]) if cat == "released" else "\\N"
            yield (
                f"{i + 1}\t{status}\t{born_s[i]}\t{ts(last[i])}\t{ts(ends[i])}\t{ended}\t"
                f"{i + 1}\t{office_ids[office_of[i]]}\t{owner[i]}\n"
            )

    copier.copy(
        "attribution_claim",
        "id, status, started_at, last_contact_at, protected_until, ended_at, household_id, "
        "office_id, owner_id",
        claims(),
    )

    # units (and a subscription on one for every deal)
    units_of: list[list[int]] = [[] for _ in range(n_offices)]
    unit_rows = []
    unit_id = 0
    per_office = _units_per_office(scale, n_offices)
    projects = Project.objects.bulk_create(
        Project(office_id=office_ids[o], name=f"{phase}期")
        for o in range(n_offices)
        for phase in ("一", "二")
    )
    for o in range(n_offices):
        for k in range(per_office[o]):
            project = projects[2 * o + (k % 2)]
            index = k // 2
            building, rest = divmod(index, 120)
            floor, door = divmod(rest, 4)
            unit_id += 1
            units_of[o].append(unit_id)
            area = 89 + (k * 7) % 55
            price = area * (25000 + (k * 37) % 10000)
            unit_rows.append(
                [
                    unit_id,
                    f"{building + 1}栋",
                    f"{floor + 1:02d}{door + 1:02d}",
                    floor + 1,
                    LAYOUTS[k % 4],
                    f"{area}.00",
                    ORIENTATIONS[k % 4],
                    f"{price}.00",
                    "available",
                    office_ids[o],
                    project.pk,
                ]
            )
    deals = [i for i in range(n_claims) if category[i] == "deal"]
    subscription_rows = []
    taken = [0] * n_offices
    for n, i in enumerate(deals):
        o = office_of[i]
        unit = units_of[o][taken[o]]
        taken[o] += 1
        unit_rows[unit - 1][8] = "subscribed"
        subscription_rows.append(
            f"{n + 1}\tRG-{o + 1:02d}-{n + 1:07d}\t50000.00\t0.00\t{ts(last[i])}\tactive\t\\N\t"
            f"{i + 1}\t{owner[i]}\t{i + 1}\t\\N\t{office_ids[o]}\t{owner[i]}\t{unit}\n"
        )
    copier.copy(
        "deals_unit",
        "id, building, number, floor, layout, area, orientation, list_price, status, office_id, "
        "project_id",
        ("\t".join(str(v) for v in row) + "\n" for row in unit_rows),
    )
    copier.copy(
        "deals_subscription",
        "id, number, deposit, fee_credited, created_at, status, withdrawn_at, claim_id, "
        "credited_salesperson_id, customer_id, hold_id, office_id, signed_by_id, unit_id",
        iter(subscription_rows),
    )

    def events():
        n = 0
        for i in range(n_claims):
            o = office_of[i]
            n += 1
            yield (
                f'{n}\tstarted\t{born_s[i]}\t{{"rule": "rotation"}}\t{secretaries[o]}\t'
                f"{i + 1}\t{owner[i]}\n"
            )
            cat = category[i]
            if cat == "released":
                n += 1
                detail = json.dumps({"reason": "protection_ended", "protected_until": ts(ends[i])})
                yield f"{n}\treleased\t{ts(ends[i])}\t{detail}\t\\N\t{i + 1}\t{owner[i]}\n"
            elif cat == "deal":
                n += 1
                yield f"{n}\tdeal\t{ts(last[i])}\t{{}}\t{owner[i]}\t{i + 1}\t{owner[i]}\n"

    copier.copy(
        "attribution_claimevent", "id, kind, at, detail, actor_id, claim_id, owner_id", events()
    )

    mean = scale.followups / n_claims if n_claims else 0
    base, frac = int(mean), mean - int(mean)
    kinds = ["call"] * 10 + ["message"] * 5 + ["visit"] * 3 + ["meeting"] * 2

    def followups():
        n = 0
        for i in range(n_claims):
            k = base + (rand() < frac)
            if k >= 2 and rand() < 0.5:  # spread: 1 … 3 around 2, same mean
                k += 1 if rand() < 0.5 else -1
            t0, t1 = born[i], last[i]
            for j in range(k):
                at = t1 if j == k - 1 else t0 + rand() * (t1 - t0)
                n += 1
                yield (
                    f"{n}\t{kinds[randrange(20)]}\t{NOTES[randrange(len(NOTES))]}\t{ts(at)}\t\t"
                    f"\\N\t\t{owner[i]}\t{i + 1}\t{i + 1}\t\\N\n"
                )

    copier.copy(
        "attribution_followup",
        "id, kind, note, at, next_step, voided_at, void_reason, author_id, claim_id, "
        "customer_id, voided_by_id",
        followups(),
    )

    n_visits = scale.visits
    parties = [1, 1, 1, 2, 2, 2, 3, 4]

    def visits():
        for v in range(n_visits):
            i = v if v < n_customers else randrange(n_customers)
            first = v < n_customers
            o = office_of[i]
            at = born_s[i] if first else ts(born[i] + rand() * (now_epoch - 60 - born[i]))
            has_claim = i < n_claims
            named = first and rand() < 0.1
            rule = ("named" if named else "rotation") if first else "owner"
            claim = str(i + 1) if has_claim else "\\N"
            yield (
                f"{v + 1}\t{at}\t{'t' if first else 'f'}\t{parties[randrange(8)]}\tt\t{rule}\t\t"
                f"[]\tf\t{'t' if first else 'f'}\t\t\t{owner[i]}\t{claim}\t{i + 1}\t"
                f"{owner[i] if named else chr(92) + 'N'}\t{office_ids[o]}\t\\N\t{secretaries[o]}\t"
                f"{channel_of[i]}\t\\N\n"
            )

    copier.copy(
        "reception_visit",
        "id, at, is_new_customer, party_size, one_household, rule, unassigned_reason, skipped, "
        "owed_turn_used, started_claim, idempotency_key, research_status, assigned_to_id, "
        "claim_id, customer_id, named_salesperson_id, office_id, referrer_id, registered_by_id, "
        "source_channel_id, received_on_behalf_by_id",
        visits(),
    )

    def calls():
        for c in range(scale.calls):
            i = randrange(n_customers)
            o = office_of[i]
            at = ts(born[i] + rand() * (now_epoch - 60 - born[i]))
            yield (
                f"{c + 1}\tcustomer\t{at}\tf\t\t{NOTES[randrange(len(NOTES))]}\t{secretaries[o]}\t"
                f"{i + 1}\t{office_ids[o]}\t{owner[i]}\t\\N\n"
            )

    copier.copy(
        "reception_call",
        "id, kind, at, is_new_customer, caller, content, answered_by_id, customer_id, "
        "office_id, put_through_to_id, source_channel_id",
        calls(),
    )

    def notifications():
        n = 0
        for people in sales:
            for sid in people:
                for k in range(50):
                    n += 1
                    at = ts(now_epoch - k * 3600)
                    read = "\\N" if k < 10 else at
                    params = json.dumps(  # as stored by the app: the text, not \u escapes
                        {"customer": "客户", "party_size": 1, "rule": "rotation"},
                        ensure_ascii=False,
                    )
                    yield f"{n}\t{at}\tvisit_assigned\t{params}\t/w/my/\t{read}\t{sid}\n"

    copier.copy(
        "notifications_notification",
        "id, created_at, kind, params, url, read_at, recipient_id",
        notifications(),
    )


def _units_per_office(scale: Scale, n_offices: int) -> list[int]:
    return _split(scale.units, n_offices, scale.big_office_share)
