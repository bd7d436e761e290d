"""Demo data: the 售楼处 and a branch of the sales department, their users (every role) with
fresh passwords printed each run, today's duty roster, and once a day a morning at the front
desk, registered through the services as the secretary would (so that every rule of R-2 shows
once); the sales department's accounts, products and stock (workspace.demo_sales), and its
contracts on their way to the customer (workspace.demo_shipping), invoiced and collected
(workspace.demo_receivables); its after-sales, complaints, expenses, special fees and penalties
(workspace.demo_r16); its targets, work plans, market information and dealer disputes
(workspace.demo_r17)."""

import datetime
import json
import random
import secrets
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from attribution.services import (
    ClaimedError,
    customer_register_own,
    dispute_open,
    followup_log,
)
from deals import services as deal_services
from deals.models import Hold, Project, Unit
from leads.models import Customer, SourceChannel
from reception import services as desk
from reception.choices import CallKind, DutyStatus
from reception.models import Call, Roster, Visit
from reports import meetings
from reports import services as report_services
from reports.models import WorkDiary
from reports.periodic import report_submit
from reports.periods import week_of
from staff.choices import Role
from staff.models import Office, User
from staff.services import staff_set_roles
from workspace import demo_r16, demo_r17, demo_receivables, demo_sales, demo_shipping

DEMO_OFFICE = {"code": "demo", "name": "阳光花园售楼处"}
# username, display name, role, offices: "demo" the 售楼处 of the first part, "branch" the
# sales department's branch (workspace.demo_sales.DEMO_BRANCH) of the second part
DEMO_USERS = [
    ("secretary", "王秘书", Role.SECRETARY, ("demo",)),
    ("sales1", "李置业", Role.SALESPERSON, ("demo",)),
    ("sales2", "张置业", Role.SALESPERSON, ("demo",)),
    ("sales3", "黄置业", Role.SALESPERSON, ("demo",)),
    ("sales4", "林置业", Role.SALESPERSON, ("demo",)),
    ("manager", "陈经理", Role.MANAGER, ("demo",)),
    ("director", "赵总监", Role.DIRECTOR, ("demo", "branch")),
    ("assistant", "刘助理", Role.ASSISTANT, ("demo",)),
    ("finance", "周财务", Role.FINANCE, ("demo", "branch")),
    ("clerk", "吴内勤", Role.CLERK, ("branch",)),
    ("warehouse", "郑库管", Role.WAREHOUSE, ("branch",)),
    ("bmanager", "钱经理", Role.MANAGER, ("branch",)),
    ("rep1", "孙销售", Role.SALESPERSON, ("branch",)),
    ("rep2", "何销售", Role.SALESPERSON, ("branch",)),
    ("rep3", "马销售", Role.SALESPERSON, ("branch",)),
    ("executive", "冯总", Role.EXECUTIVE, ("branch",)),
    ("technician", "许工", Role.TECHNICIAN, ("branch",)),
    ("purchasing", "蒋采购", Role.PURCHASING, ("branch",)),
]
ROTATION = ["sales1", "sales2", "sales3", "sales4"]  # today's roster, in order

DEMO_PROJECT = "阳光花园一期"
# 2 buildings × 6 floors × 4 units; per column on a floor: layout, area (m²), base price
DEMO_COLUMNS = [
    ("2室2厅1卫", Decimal("89.00"), Decimal("1200000.00")),
    ("3室2厅1卫", Decimal("108.00"), Decimal("1460000.00")),
    ("3室2厅2卫", Decimal("126.00"), Decimal("1720000.00")),
    ("4室2厅2卫", Decimal("143.00"), Decimal("2000000.00")),
]
DEMO_FLOORS = 6
FLOOR_PREMIUM = Decimal("80000.00")  # each floor up adds this to the list price (max 2.4M)
HOLD_UNIT = ("1", "601")  # held for 周女士 (sales1's customer, R-6.2)
SUBSCRIBED_UNIT = ("2", "502")  # subscribed by the returning customer 李秀英

MORNING_START = datetime.time(9, 0)
MORNING = datetime.timedelta(hours=2, minutes=30)  # 09:00–11:30
MOBILE_PREFIXES = ["138", "139", "135", "137", "150", "158", "159", "186", "187", "188", "189"]


@dataclass(frozen=True)
class Step:
    """One event of the morning, `minute` minutes after its start (of 150)."""

    minute: int
    kind: str  # visit, call, non_customer_call, away
    name: str = ""
    channel: str = ""
    party_size: int = 1
    one_household: bool = True
    names: str = ""  # username of the salesperson the customer names
    who: str = ""  # username, for `away`
    content: str = ""


# With the roster sales1..sales4 and the pointer on sales1, each rule of R-2 shows once.
MORNING_STEPS = [
    Step(5, "visit", "王建国", "online"),  # rotation → sales1
    Step(20, "visit", "李秀英", "newspaper"),  # returning, claimed by sales2 → owner
    Step(35, "call", "赵女士", "newspaper", content="询问三居室价格和首付比例，已邀请周末来访"),
    Step(50, "visit", "张伟", "billboard"),  # rotation → sales2
    Step(65, "visit", "陈静", "referral"),  # pre-registered by 周强 (sales3's) → referral
    Step(75, "away", who="sales3"),  # 因公外出: skipped from now on, owed a turn
    Step(85, "visit", "刘洋", "passing"),  # rotation: sales3 skipped → sales4
    Step(100, "visit", "黄磊", "phone", names="sales2"),  # named, no turn used
    Step(115, "visit", "吴先生", "other", party_size=6, one_household=False),  # → manager
    Step(125, "non_customer_call", "华美装饰 小刘", content="推销装修服务，已婉拒"),
    Step(140, "visit", "孙丽", "online"),  # rotation → sales1
]
RETURNING = "李秀英"  # registered by sales2 three days before
REFERRER = ("周强", "sales3")  # registered by sales3 five days before
REFERRED = "陈静"  # pre-registered by 周强 at the desk the day before


def demo_phone(day: datetime.date, index: int) -> str:
    """A mainland mobile, the same for the same day and person, different from day to day."""
    rng = random.Random(f"{day.isoformat()}-{index}")
    prefix = MOBILE_PREFIXES[index % len(MOBILE_PREFIXES)]
    return f"{prefix}{day.toordinal() % 10000:04d}{index:02d}{rng.randrange(100):02d}"


def morning_window(office: Office, now: datetime.datetime):
    """09:00–11:30 today; before 11:30, the same length of time just before now (not before
    midnight): never in the future."""
    tz = office.tzinfo
    day = timezone.localtime(now, tz).date()
    midnight = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    start = datetime.datetime.combine(day, MORNING_START, tzinfo=tz)
    end = start + MORNING
    if now < end:
        end = max(now - datetime.timedelta(minutes=5), midnight)
        start = max(end - MORNING, midnight)
    return day, start, end


class Command(BaseCommand):
    help = (
        "Create the demo office and sales branch, their users (new passwords each run, "
        "printed), today's duty roster and, if the office has no visits yet today, a morning "
        "at the front desk; the branch's accounts, products and stock once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--credentials-file",
            type=Path,
            help="Also write the usernames and passwords as JSON to this file.",
        )

    @transaction.atomic
    def handle(self, *args, credentials_file=None, **options):
        now = timezone.now()
        # opened a while ago: the demo writes last week's report and yesterday's diaries
        opened_on = timezone.localdate(now) - datetime.timedelta(days=90)
        office, _ = Office.objects.get_or_create(
            code=DEMO_OFFICE["code"], defaults={"name": DEMO_OFFICE["name"], "opened_on": opened_on}
        )
        branch, _ = Office.objects.get_or_create(
            code=demo_sales.DEMO_BRANCH["code"],
            defaults={"name": demo_sales.DEMO_BRANCH["name"], "opened_on": opened_on},
        )
        users, credentials = self.staff({"demo": office, "branch": branch})
        day, start, end = morning_window(office, now)
        roster_note = self.roster(office, day, users)
        morning_note = self.morning(office, users, day, start, end)
        units_note = self.units(office)
        deals_note = self.deals(office, users, start, end)
        reports_note = self.reports(office, users, day)
        sales_note = "; ".join(
            [
                demo_sales.accounts(branch, users, now),
                demo_sales.products(users, now),
                demo_sales.stock(branch, users, now),
                demo_shipping.shipping_demo(branch, users, now),
                demo_receivables.receivables_demo(branch, users, now),
                demo_r16.r16_demo(branch, users, now),
                demo_r17.r17_demo(branch, users, now),
            ]
        )

        self.stdout.write(self.style.SUCCESS(f"Demo office: {office.name} ({office.code})"))
        self.stdout.write("Demo users (passwords are new each run):")
        for username, entry in credentials.items():
            self.stdout.write(f"  {entry['role']:<12} {username:<10} {entry['password']}")
        if credentials_file:
            credentials_file.parent.mkdir(parents=True, exist_ok=True)
            credentials_file.write_text(json.dumps(credentials, indent=2))
            credentials_file.chmod(0o600)
        self.stdout.write(f"Demo {day}: {roster_note}; {morning_note}")
        self.stdout.write(f"Demo units: {units_note}; {deals_note}")
        self.stdout.write(f"Demo reports: {reports_note}")
        self.stdout.write(f"Demo sales department ({branch.name}): {sales_note}")

    def staff(self, offices):
        users, credentials = {}, {}
        for username, display_name, role, places in DEMO_USERS:
            user, _ = User.objects.get_or_create(
                username=username, defaults={"display_name": display_name}
            )
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            # the manager and director edit office settings in the admin
            user.is_staff = role in (Role.MANAGER, Role.DIRECTOR)
            user.is_superuser = role == Role.DIRECTOR
            user.save()
            staff_set_roles(user=user, roles=[role])
            user.offices.set([offices[place] for place in places])
            users[username] = user
            credentials[username] = {"password": password, "role": str(role)}
        return users, credentials

    def roster(self, office, day, users) -> str:
        """Today's roster with the four salespeople; a roster that has them all is kept."""
        salespeople = [users[u] for u in ROTATION]
        roster = Roster.objects.filter(office=office, date=day).first()
        on_it = set(roster.entries.values_list("salesperson", flat=True)) if roster else set()
        if {u.pk for u in salespeople} <= on_it:
            return f"roster kept ({len(on_it)} salespeople)"
        desk.roster_set(office=office, date=day, salespeople=salespeople, actor=users["manager"])
        return f"roster set ({', '.join(str(u) for u in salespeople)})"

    def morning(self, office, users, day, start, end) -> str:
        tz = office.tzinfo
        midnight = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
        today = Visit.objects.filter(
            office=office, at__gte=midnight, at__lt=midnight + datetime.timedelta(days=1)
        )
        if today.exists():
            return f"the office already has {today.count()} visits today, none added"
        channels = {c.code: c for c in SourceChannel.objects.all()}
        phones = {step.name: demo_phone(day, i) for i, step in enumerate(MORNING_STEPS)}
        phones[REFERRER[0]] = demo_phone(day, len(MORNING_STEPS))
        self.earlier_customers(office, users, channels, phones, start)
        self.ownership_week(office, users, channels, phones, day, start)
        secretary = users["secretary"]
        for name in ROTATION:  # everyone reports for duty (statuses persist from other days)
            desk.duty_status_set(
                office=office, salesperson=users[name], status=DutyStatus.AVAILABLE, now=start
            )
        rules = Counter()
        for step in MORNING_STEPS:
            at = start + (end - start) * step.minute / (MORNING / datetime.timedelta(minutes=1))
            if step.kind == "away":
                desk.duty_status_set(
                    office=office,
                    salesperson=users[step.who],
                    status=DutyStatus.AWAY_BUSINESS,
                    now=at,
                )
            elif step.kind == "visit":
                visit, _ = desk.visit_register(
                    office=office,
                    actor=secretary,
                    phone=phones[step.name],
                    name=step.name,
                    source_channel=channels[step.channel],
                    party_size=step.party_size,
                    one_household=step.one_household,
                    named_salesperson=users[step.names] if step.names else None,
                    now=at,
                )
                rules[visit.rule] += 1
            else:
                customer_call = step.kind == "call"
                desk.call_register(
                    office=office,
                    actor=secretary,
                    kind=CallKind.CUSTOMER if customer_call else CallKind.NON_CUSTOMER,
                    content=step.content,
                    phone=phones[step.name] if customer_call else "",
                    name=step.name if customer_call else "",
                    caller="" if customer_call else step.name,
                    source_channel=channels[step.channel] if customer_call else None,
                    now=at,
                )
        calls = Call.objects.filter(office=office, at__gte=start, at__lte=end).count()
        summary = ", ".join(f"{rule} {n}" for rule, n in sorted(rules.items()))
        return f"{sum(rules.values())} visits ({summary}), {calls} calls, 1 referral"

    def earlier_customers(self, office, users, channels, phones, start) -> None:
        """The returning customer and the referrer, each claimed by a salesperson's own
        registration days before (R-1.3), and the referral pre-registered the day before."""
        referrer_name, referrer_owner = REFERRER
        customer_register_own(
            office=office,
            salesperson=users["sales2"],
            phone=phones[RETURNING],
            name=RETURNING,
            source_channel=channels["newspaper"],
            now=start - datetime.timedelta(days=3),
        )
        referrer, _claim = customer_register_own(
            office=office,
            salesperson=users[referrer_owner],
            phone=phones[referrer_name],
            name=referrer_name,
            source_channel=channels["online"],
            now=start - datetime.timedelta(days=5),
        )
        desk.referral_register(
            office=office,
            actor=users["secretary"],
            referrer=referrer,
            phone=phones[REFERRED],
            name=REFERRED,
            now=start - datetime.timedelta(days=1),
        )

    def ownership_week(self, office, users, channels, phones, day, start) -> None:
        """A salesperson's week (R-3): a claim kept alive by follow-ups and ending soon (the
        morning warning), one left to lapse (released), and a collision turned dispute (R-5)."""
        base = len(MORNING_STEPS) + 1
        soon, _ = customer_register_own(
            office=office,
            salesperson=users["sales1"],
            phone=demo_phone(day, base),
            name="周女士",
            source_channel=channels["billboard"],
            now=start - datetime.timedelta(days=7, hours=1),
        )
        followup_log(
            customer=soon,
            author=users["sales1"],
            kind="call",
            note="电话回访，客户在比较两个楼盘，周末可能再来。",
            next_step="周六邀约看样板间",
            now=start - datetime.timedelta(days=6),
        )
        customer_register_own(  # never followed up: past its protection, released
            office=office,
            salesperson=users["sales1"],
            phone=demo_phone(day, base + 1),
            name="吴先生",
            source_channel=channels["passing"],
            now=start - datetime.timedelta(days=10),
        )
        returning = Customer.objects.get(office=office, phone=phones[RETURNING])
        followup_log(
            customer=returning,
            author=users["sales2"],
            kind="message",
            note="微信发送了户型图和价格表。",
            next_step="约客户来访",
            now=start - datetime.timedelta(days=1),
        )
        try:  # another salesperson met the same customer: refused, recorded
            customer_register_own(
                office=office,
                salesperson=users["sales3"],
                phone=returning.phone,
                name=RETURNING,
                source_channel=channels["phone"],
                now=start - datetime.timedelta(hours=20),
            )
        except ClaimedError:
            dispute_open(
                customer=returning,
                opener=users["sales3"],
                reason="客户说上个月在展会上是我先接待并留了电话。",
                now=start - datetime.timedelta(hours=19),
            )

    def units(self, office) -> str:
        """The project's units (R-6.1), created once."""
        project, created = Project.objects.get_or_create(office=office, name=DEMO_PROJECT)
        if not created and project.units.exists():
            return f"{DEMO_PROJECT} kept ({project.units.count()} units)"
        Unit.objects.bulk_create(
            Unit(
                office=office,
                project=project,
                building=str(building),
                number=f"{floor}{column:02d}",
                floor=floor,
                layout=layout,
                area=area,
                orientation="南北" if column in (2, 3) else "南",
                list_price=base + FLOOR_PREMIUM * (floor - 1),
            )
            for building in (1, 2)
            for floor in range(1, DEMO_FLOORS + 1)
            for column, (layout, area, base) in enumerate(DEMO_COLUMNS, start=1)
        )
        return f"{DEMO_PROJECT} created ({project.units.count()} units)"

    def deals(self, office, users, start, end) -> str:
        """Once per office: a hold for sales1's 周女士 (R-6.2) and a subscription by the
        returning 李秀英, credited to sales2 (R-6.3, R-5.2), in the morning window."""
        if Hold.objects.filter(office=office).exists():
            return "the office already has holds, no deal added"
        zhou = Customer.objects.filter(office=office, name="周女士").order_by("-pk").first()
        li = Customer.objects.filter(office=office, name=RETURNING).order_by("-pk").first()
        if zhou is None or li is None:
            return "no demo customers to hold or subscribe for"
        project = Project.objects.get(office=office, name=DEMO_PROJECT)
        held = project.units.get(building=HOLD_UNIT[0], number=HOLD_UNIT[1])
        subscribed = project.units.get(building=SUBSCRIBED_UNIT[0], number=SUBSCRIBED_UNIT[1])
        deal_services.hold_create(
            unit=held,
            customer=zhou,
            actor=users["sales1"],
            now=end - datetime.timedelta(minutes=20),
        )
        subscription = deal_services.subscription_create(
            unit=subscribed,
            customer=li,
            deposit=Decimal("20000.00"),
            actor=users["sales2"],
            now=end - datetime.timedelta(minutes=10),
        )
        return f"1 hold ({held}), 1 subscription ({subscription.number})"

    def reports(self, office, users, day) -> str:
        """Once per office, yesterday's 17:00 diaries and 18:00 meeting (R-7.1–R-7.3): sales1
        on time with the manager's reply, sales2 late, sales3 on leave, sales4 missing — so the
        fines job fines sales2 and sales4 — a problem escalated to the director, and sales1's
        weekly report of last week (R-7.4)."""
        if WorkDiary.objects.filter(office=office).exists():
            return "the office already has diaries, none added"
        tz, yesterday = office.tzinfo, day - datetime.timedelta(days=1)

        def at(date, hour, minute=0):
            return datetime.datetime.combine(date, datetime.time(hour, minute), tzinfo=tz)

        manager = users["manager"]
        report_services.day_off_set(
            office=office,
            salesperson=users["sales3"],
            date=yesterday,
            kind="leave",
            by=manager,
            now=at(yesterday, 9),
        )
        on_time = report_services.diary_submit(
            salesperson=users["sales1"],
            office=office,
            date=yesterday,
            feedback="周女士看了1-601，嫌总价高，想等优惠。",
            problems="样板间空调坏了，客户体验差。",
            now=at(yesterday, 16, 30),
        )
        report_services.diary_submit(
            salesperson=users["sales2"],
            office=office,
            date=yesterday,
            feedback="李秀英准备交认购金。",
            problems="",
            now=at(yesterday, 18, 10),
        )
        report_services.diary_reply(
            diary=on_time,
            manager=manager,
            reply="空调已报修，明天上午修好。",
            now=at(yesterday, 18, 30),
        )
        fines = report_services.fines_assess(office=office, day=yesterday, now=at(day, 0, 1))
        meetings.meeting_record(
            office=office,
            date=yesterday,
            minutes="1. 各置业顾问汇报当日接待情况。2. 样板间空调故障，需尽快维修。",
            by=users["secretary"],
            now=at(yesterday, 18, 40),
        )
        meetings.problem_raise(
            office=office,
            date=yesterday,
            text="样板间空调坏了三天，物业不处理，需公司协调。",
            raised_by=users["sales1"],
            escalate=True,
            by=users["secretary"],
            now=at(yesterday, 18, 45),
        )
        last_week = week_of(day, office).previous(office)
        report_submit(
            author=users["sales1"],
            office=office,
            kind="weekly",
            period=last_week,
            summary="本周接待12组，新客户8组，成交1套。",
            problems="周末客流大，接待人手紧张。",
            plan="重点跟进周女士和王先生。",
            now=at(last_week.end, 16),
        )
        return (
            f"yesterday's diaries ({fines} fines), the meeting with 1 escalated problem, "
            "1 weekly report"
        )
