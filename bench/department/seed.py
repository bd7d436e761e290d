"""Seed the sales department (issue 21) into a migrated database, with COPY.

The rows respect the models' constraints and the invariants the services keep, so that the
pages and services measured work on them as on real data:

- branches, their people (a manager, a clerk, a warehouse keeper, finance and salespeople;
  the director and the executive over them), a warehouse each, products with a price;
- accounts split evenly over the branches; the first `contracts / branches` of each have a
  signed contract of `lines_per_contract` lines;
- each contract: a demand request issued as an outbound order shipped in full (a shipment,
  its lines and the stock moves); then open outbound orders of 10 lines: `race_orders` in
  branch 1 on 20 products (the shipping race), `open_orders` in the other branches;
- stock: an opening move per warehouse and product, the shipments' moves, balances equal to
  the sum of the moves; branch 1 holds twice what its open orders ask of 19 race products and
  enough of the first one for 10 orders (the race's orders that ask for it then get 409s);
- money, per account in date order (bench.department.money): invoices (each with its issued
  invoice request and line) within the value shipped, receipts allocated oldest due first,
  small write-offs of what is open, refunds of the unallocated credit; a ledger line for
  each; so balance = open invoices − unallocated credit, allocations within invoices;
- `pending` invoice requests waiting for their branch manager (an approval step each): 12%
  in branch 1, 2% in the last branch, the rest evenly (inboxes of two sizes);
- counters (common.numbering) continuing after the seeded numbers.

The big tables are written with triggers off (session_replication_role = replica) and their
plain indexes dropped and built again after the COPY; then VACUUM ANALYZE.
"""

import datetime
import random
import secrets
import time
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from rest_framework.authtoken.models import Token

from accounts.models import Account
from approvals.models import Approval, ApprovalEvent
from catalog.models import Product, ProductPrice
from common.models import DocumentCounter
from contracts.models import ContractLine, SalesContract
from receivables.models import InvoiceRequest, InvoiceRequestLine
from shipping.models import (
    DemandLine,
    DemandRequest,
    OutboundLine,
    OutboundOrder,
    Shipment,
    ShipmentLine,
)
from staff.choices import Role
from staff.models import Office, User
from stock.models import StockBalance, StockMove, Warehouse

from ..scales import DepartmentScale
from ..seed import PASSWORD, TZ, TZ_OFFSET, Copier
from . import money
from .copying import NULL, Rows

DAY = 86400
RACE_PRODUCTS = 20
RACE_QUANTITY = 2  # per line of a race order
OPEN_QUANTITY = 100
SHIPPED_QUANTITY = 400
CONTRACT_QUANTITY = 1000
STOCK = 100_000
SCARCE = 1  # the race product held short: enough for SCARCE_ORDERS orders, then 409s
SCARCE_ORDERS = 10


def cents(value: int) -> str:
    return f"{'-' if value < 0 else ''}{abs(value) // 100}.{abs(value) % 100:02d}"


def ts(epoch: float) -> str:
    return datetime.datetime.fromtimestamp(epoch, datetime.UTC).isoformat()


def local_date(epoch: float) -> datetime.date:
    return datetime.datetime.fromtimestamp(epoch + TZ_OFFSET, datetime.UTC).date()


def tax_of(amount: int) -> int:
    """The VAT (13%) in a tax-inclusive amount, in cents (quotes.money rounds the same way)."""
    return (amount * 13 + 56) // 113


class Numbers:
    """Document numbers per (office, prefix, year), and the counters to store after."""

    def __init__(self):
        self.last: dict[tuple[int, str, int], int] = {}

    def next(self, office: int, prefix: str, year: int) -> tuple[int, str]:
        key = (office, prefix, year)
        n = self.last.get(key, 0) + 1
        self.last[key] = n
        return n, f"{prefix}-{year}-{n:04d}"


class Staff:
    """The branches and their people: user ids by branch index."""

    def __init__(self, scale: DepartmentScale, now: datetime.datetime):
        self.offices = Office.objects.bulk_create(
            Office(name=f"销售分部 {n + 1:02d}", code=f"dept-{n + 1:02d}", timezone=TZ,
                   region="华东" if n % 2 == 0 else "华南")
            for n in range(scale.branches)
        )  # fmt: skip
        self.office_ids = [o.pk for o in self.offices]
        groups = {r: Group.objects.get_or_create(name=r)[0] for r in Role.values}
        password = make_password(PASSWORD)
        planned: list[tuple[User, str, int | None]] = []

        def add(username: str, display: str, role: str, branch: int | None) -> None:
            planned.append(
                (
                    User(username=username, display_name=display, password=password,
                         is_active=True, date_joined=now),
                    role,
                    branch,
                )
            )  # fmt: skip

        add("dept-director", "销售部经理", Role.DIRECTOR, None)
        add("dept-executive", "公司领导", Role.EXECUTIVE, None)
        per = [scale.salespeople // scale.branches] * scale.branches
        for k in range(scale.salespeople % scale.branches):
            per[k] += 1
        for b in range(scale.branches):
            tag = f"{b + 1:02d}"
            add(f"dept-manager-{tag}", f"分部经理{tag}", Role.MANAGER, b)
            add(f"dept-clerk-{tag}", f"业务员{tag}", Role.CLERK, b)
            add(f"dept-keeper-{tag}", f"库管{tag}", Role.WAREHOUSE, b)
            add(f"dept-finance-{tag}", f"财务{tag}", Role.FINANCE, b)
            for k in range(per[b]):
                add(f"dept-sales-{tag}-{k + 1:03d}", f"销售员{tag}-{k + 1:03d}",
                    Role.SALESPERSON, b)  # fmt: skip
        created = User.objects.bulk_create(u for u, _r, _b in planned)
        self.manager, self.clerk, self.keeper, self.finance = {}, {}, {}, {}
        self.sales: list[list[int]] = [[] for _ in self.offices]
        memberships, seats = [], []
        for user, (_u, role, branch) in zip(created, planned, strict=True):
            memberships.append(User.groups.through(user_id=user.pk, group_id=groups[role].pk))
            if branch is None:
                if role == Role.DIRECTOR:
                    self.director = user.pk
                else:
                    self.executive = user.pk
                continue
            seats.append(User.offices.through(user_id=user.pk, office_id=self.office_ids[branch]))
            if role == Role.SALESPERSON:
                self.sales[branch].append(user.pk)
            else:
                {
                    Role.MANAGER: self.manager,
                    Role.CLERK: self.clerk,
                    Role.WAREHOUSE: self.keeper,
                    Role.FINANCE: self.finance,
                }[role][branch] = user.pk
        User.groups.through.objects.bulk_create(memberships)
        User.offices.through.objects.bulk_create(seats)
        Token.objects.bulk_create(
            Token(key=secrets.token_hex(20), user_id=u.pk, created=now) for u in created
        )
        self.warehouses = Warehouse.objects.bulk_create(
            Warehouse(office_id=o, code="WH01", name="成品库", keeper_id=self.keeper[b])
            for b, o in enumerate(self.office_ids)
        )


BIG_MODELS = [
    Account, SalesContract, ContractLine, DemandRequest, DemandLine, OutboundOrder,
    OutboundLine, Shipment, ShipmentLine, StockMove, StockBalance, InvoiceRequest,
    InvoiceRequestLine, Approval, ApprovalEvent, *money.MODELS,
]  # fmt: skip


def _drop_indexes(cursor) -> list[str]:
    """The big tables' indexes that back no constraint (built again after the COPY)."""
    tables = [m._meta.db_table for m in BIG_MODELS]
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
          FROM pg_index i
         WHERE i.indrelid = ANY(%s::regclass[])
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        [tables],
    )
    rows = cursor.fetchall()
    for name, _definition in rows:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in rows]


def seed(
    scale: DepartmentScale, *, now: datetime.datetime, log: Callable[[str], None] = print
) -> dict:
    """Fill the (migrated, otherwise unused) database of `connection`. Returns the counts, the
    seconds taken, and what the measurements need (ids of the special rows)."""
    started = time.perf_counter()
    counts: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute(
            "TRUNCATE staff_office, staff_user, auth_group, catalog_product "
            "RESTART IDENTITY CASCADE"
        )
        staff = Staff(scale, now)
        indexes = _drop_indexes(cursor)
        copier = Copier(cursor.cursor, counts)
        facts = _rows(scale, staff, now.timestamp(), copier, log)
        copied = time.perf_counter() - started
        log(f"department seed: {sum(counts.values()):,} rows by COPY in {copied:.1f} s; "
            f"{len(indexes)} indexes …")  # fmt: skip
        for definition in indexes:
            cursor.execute(definition)
        for table in counts:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
    seeded = time.perf_counter() - started
    log(f"department seed: done in {seeded:.1f} s; VACUUM ANALYZE …")
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
        "today": local_date(now.timestamp()).isoformat(),
        **facts,
    }


def _rows(scale, staff: Staff, now: float, copier, log) -> dict:  # noqa: C901, PLR0915
    rng = random.Random(21)  # noqa: S311 (reproducible data, not security)
    B, P, L = scale.branches, scale.products, scale.lines_per_contract
    numbers = Numbers()
    today = local_date(now)

    # products and their prices (a few hundred rows: the ORM)
    price = {p: 100 + (p * 37) % 900 for p in range(1, P + 1)}  # yuan, tax included
    long_ago = datetime.datetime.fromtimestamp(now - 900 * DAY, datetime.UTC)
    Product.objects.bulk_create(
        Product(code=f"P{p:04d}", name=f"产品{p:04d}", specification=f"规格{p % 7 + 1}",
                unit="件", created_at=long_ago)
        for p in range(1, P + 1)
    )  # fmt: skip
    ProductPrice.objects.bulk_create(
        ProductPrice(product_id=p, effective_from=today - datetime.timedelta(days=900),
                     list_price=price[p], floor_price=price[p] * 8 // 10,
                     cost=price[p] * 6 // 10, created_by_id=staff.director,
                     created_at=long_ago)
        for p in range(1, P + 1)
    )  # fmt: skip

    # accounts
    per = scale.accounts // B
    contracts_per = scale.contracts // B
    accounts = Rows(Account, ["id", "office_id", "name", "credit_code", "kind", "region",
                              "credit_limit", "author_id", "owner_id", "grade", "created_at",
                              "status"])  # fmt: skip
    owner_of: dict[int, int] = {}
    office_of: dict[int, int] = {}
    for b in range(B):
        people = staff.sales[b]
        for i in range(per):
            a = b * per + i + 1
            owner = people[i % len(people)]
            owner_of[a], office_of[a] = owner, b
            created = ts(now - (800 + i % 60) * DAY)
            accounts.add(a, staff.office_ids[b], f"客户{b + 1:02d}-{i + 1:05d}有限公司",
                         f"9131{a:014d}", "customer", "上海", "1000000.00", owner, owner,
                         "ABC"[a % 3], created, "approved")  # fmt: skip
    accounts.copy(copier)
    log(f"department seed: {scale.accounts:,} accounts")

    # contracts and their lines
    contracts = Rows(SalesContract, ["id", "status", "office_id", "account_id", "kind", "number",
                                     "sequence", "year", "total", "tax_total", "signed_at",
                                     "filed_at", "filed_by_id", "scan", "scan_type", "author_id",
                                     "owner_id", "created_at", "delivery_date"])  # fmt: skip
    contract_lines = Rows(ContractLine, ["id", "contract_id", "product_id", "quantity",
                                         "unit_price", "tax_rate", "amount", "tax"])  # fmt: skip
    contract_of_account: dict[int, dict] = {}
    for b in range(B):
        for i in range(contracts_per):
            c = b * contracts_per + i + 1
            a = b * per + i + 1
            signed = now - (30 + (c * 7919) % 500) * DAY - (c % 7) * 3600
            if b == 0:
                products = [(i + 3 * j) % RACE_PRODUCTS + 1 for j in range(L)]
            else:
                products = [(c * 7 + 13 * j) % P + 1 for j in range(L)]
            total = tax = 0
            line_ids = []
            for j, p in enumerate(products):
                line = (c - 1) * L + j + 1
                amount = CONTRACT_QUANTITY * price[p] * 100
                t = tax_of(amount)
                total, tax = total + amount, tax + t
                line_ids.append((line, p))
                contract_lines.add(line, c, p, f"{CONTRACT_QUANTITY}.000", f"{price[p]}.00",
                                   "0.1300", cents(amount), cents(t))  # fmt: skip
            year = local_date(signed).year
            seq, number = numbers.next(staff.office_ids[b], "HT", year)
            contracts.add(c, "signed", staff.office_ids[b], a, "contract", number, seq, year,
                          cents(total), cents(tax), ts(signed), ts(signed + 3600),
                          staff.clerk[b], f"contracts/scans/{c}.pdf", "application/pdf",
                          owner_of[a], owner_of[a], ts(signed - 2 * DAY),
                          local_date(signed + 10 * DAY))  # fmt: skip
            contract_of_account[a] = {"id": c, "branch": b, "lines": line_ids, "signed": signed}
    contracts.copy(copier)
    contract_lines.copy(copier)
    log(f"department seed: {scale.contracts:,} contracts")

    # demand requests, outbound orders, shipments, stock
    requests = Rows(DemandRequest, ["id", "number", "sequence", "year", "status", "office_id",
                                    "contract_id", "author_id", "owner_id", "created_at",
                                    "approved_at"])  # fmt: skip
    demand_lines = Rows(DemandLine, ["id", "request_id", "contract_line_id", "product_id",
                                     "quantity"])  # fmt: skip
    orders = Rows(OutboundOrder, ["id", "number", "sequence", "year", "office_id", "contract_id",
                                  "demand_request_id", "red", "warehouse_id", "status",
                                  "issued_by_id", "issued_at"])  # fmt: skip
    order_lines = Rows(OutboundLine, ["id", "order_id", "contract_line_id", "product_id",
                                      "quantity", "shipped"])  # fmt: skip
    shipments = Rows(Shipment, ["id", "order_id", "shipped_by_id", "shipped_at"])
    shipment_lines = Rows(ShipmentLine, ["id", "shipment_id", "order_line_id", "quantity"])
    moves_of: dict[tuple[int, int], list[tuple[float, int, int, str]]] = {}
    race_demand: dict[int, int] = {}
    race: list[int] = []
    race_lines: dict[str, list] = {}
    line_id = 0
    request_id = 0

    def order(contract: dict, quantity: int, created: float, *, shipped: bool) -> dict:
        nonlocal line_id, request_id
        request_id += 1
        r = request_id
        b = contract["branch"]
        office = staff.office_ids[b]
        owner = owner_of[b * per + (contract["id"] - 1) % contracts_per + 1]
        year = local_date(created).year
        seq, number = numbers.next(office, "XQ", year)
        requests.add(r, number, seq, year, "issued", office, contract["id"], owner, owner,
                     ts(created), ts(created + 2 * 3600))  # fmt: skip
        seq, number = numbers.next(office, "CK", year)
        issued = created + 4 * 3600
        orders.add(r, number, seq, year, office, contract["id"], r, "f",
                   staff.warehouses[b].pk, "done" if shipped else "open", staff.clerk[b],
                   ts(issued))  # fmt: skip
        if shipped:
            shipments.add(r, r, staff.keeper[b], ts(issued + DAY))
        lines = []
        for contract_line, p in contract["lines"]:
            line_id += 1
            q = f"{quantity}.000"
            demand_lines.add(line_id, r, contract_line, p, q)
            order_lines.add(line_id, r, contract_line, p, q, q if shipped else "0.000")
            if shipped:
                shipment_lines.add(line_id, r, line_id, q)
                moves_of.setdefault((b, p), []).append((issued + DAY, -quantity, r, number))
            lines.append({"product": p, "quantity": q})
        return {"id": r, "number": number, "lines": lines}

    for contract in contract_of_account.values():
        order(contract, SHIPPED_QUANTITY, contract["signed"] + DAY, shipped=True)
    branch_contracts = [
        [contract_of_account[b * per + i + 1] for i in range(contracts_per)] for b in range(B)
    ]
    for k in range(scale.race_orders):
        contract = branch_contracts[0][k % contracts_per]
        made = order(contract, RACE_QUANTITY, now - 2 * DAY + k, shipped=False)
        race.append(made["id"])
        race_lines[str(made["id"])] = made["lines"]
        for _line, p in contract["lines"]:
            race_demand[p] = race_demand.get(p, 0) + RACE_QUANTITY
    others = list(range(1, B)) or [0]
    for k in range(scale.open_orders):
        b = others[k % len(others)]
        contract = branch_contracts[b][(k // len(others)) % contracts_per]
        order(contract, OPEN_QUANTITY, now - 3 * DAY + k, shipped=False)
    for table in (requests, demand_lines, orders, order_lines, shipments, shipment_lines):
        table.copy(copier)

    moves = Rows(StockMove, ["id", "warehouse_id", "product_id", "quantity", "balance_after",
                             "kind", "document_type", "document_id", "reason", "actor_id",
                             "at"])  # fmt: skip
    balances = Rows(StockBalance, ["id", "warehouse_id", "product_id", "on_hand"])
    move_id = balance_id = 0
    opened = ts(now - 850 * DAY)
    stock_after: dict[int, int] = {}
    for b in range(B):
        warehouse = staff.warehouses[b].pk
        for p in range(1, P + 1):
            shipped = moves_of.get((b, p), [])
            final = STOCK
            if b == 0 and p in race_demand:
                final = race_demand[p] * 2 if p != SCARCE else SCARCE_ORDERS * RACE_QUANTITY
                stock_after[p] = final
            on_hand = final + sum(-q for _t, q, _r, _n in shipped)
            move_id += 1
            moves.add(move_id, warehouse, p, f"{on_hand}.000", f"{on_hand}.000", "opening", "",
                      NULL, "期初库存", staff.keeper[b], opened)  # fmt: skip
            for at, q, r, number in sorted(shipped):
                on_hand += q
                move_id += 1
                moves.add(move_id, warehouse, p, f"{q}.000", f"{on_hand}.000", "outbound",
                          "shipping.outboundorder", r, number, staff.keeper[b], ts(at))  # fmt: skip
            balance_id += 1
            balances.add(balance_id, warehouse, p, f"{on_hand}.000")
    moves.copy(copier)
    balances.copy(copier)
    log(f"department seed: {request_id:,} demand requests and outbound orders, stock")

    # money: invoices, receipts, allocations, write-offs, refunds, the ledger
    ledger_account = 1  # branch 1's first account: its ledger has ledger_account_lines
    facts = money.seed(
        scale=scale, staff=staff, now=now, rng=rng, numbers=numbers, copier=copier,
        accounts=list(range(1, per * B + 1)), office_of=office_of, owner_of=owner_of,
        contracts=contract_of_account, price=price, ledger_account=ledger_account,
    )  # fmt: skip
    log(f"department seed: money, {facts['ledger_lines']:,} ledger lines")

    # invoice requests waiting for their branch manager
    pending = _pending(scale, staff, now, numbers, copier, branch_contracts, price, owner_of,
                       per, contracts_per, facts["invoice_requests"])  # fmt: skip

    counters = Rows(DocumentCounter, ["office_id", "prefix", "year", "last"])
    for (office, prefix, year), last in numbers.last.items():
        counters.add(office, prefix, year, last)
    counters.copy(copier)
    return {
        "branches": staff.office_ids,
        "statement_branch": staff.office_ids[0],
        "statement_branch_accounts": per,
        "ledger_account": ledger_account,
        "race_orders": race,
        "race_lines": race_lines,
        "race_warehouse": staff.warehouses[0].pk,
        "race_stock_after_seed": {str(p): q for p, q in sorted(stock_after.items())},
        "scarce_product": SCARCE,
        "pending_by_branch": pending,
        "invoices": facts["invoices"],
        "receipts": facts["receipts"],
        "refunds": facts["refunds"],
        "write_offs": facts["write_offs"],
        "ledger_lines": facts["ledger_lines"],
        "document_lines": len_lines(line_id, facts["invoice_requests"], sum(pending.values())),
    }


def len_lines(order_lines: int, invoice_request_lines: int, pending: int) -> dict:
    return {
        "demand_request_lines": order_lines,
        "outbound_order_lines": order_lines,
        "invoice_request_lines": invoice_request_lines + pending,
        "total": 2 * order_lines + invoice_request_lines + pending,
    }


def _pending(scale, staff, now, numbers, copier, branch_contracts, price, owner_of, per,
             contracts_per, first_id) -> dict[int, int]:  # fmt: skip
    """`pending` invoice requests over the branches (12% in branch 1, 2% in the last, the
    rest evenly): each with its line, its pending manager step and its submission event."""
    B = scale.branches
    share = [0] * B
    share[0] = round(scale.pending * 0.12) if B > 1 else scale.pending
    if B > 2:
        share[-1] = round(scale.pending * 0.02)
    middle = list(range(1, B - 1)) or list(range(1, B))
    for k in range(scale.pending - sum(share)):
        share[middle[k % len(middle)]] += 1
    requests = Rows(InvoiceRequest, ["id", "number", "sequence", "year", "status", "office_id",
                                     "contract_id", "account_id", "invoice_type", "buyer_name",
                                     "buyer_tax_number", "amount", "tax", "author_id",
                                     "owner_id", "created_at"])  # fmt: skip
    lines = Rows(InvoiceRequestLine, ["id", "request_id", "contract_line_id", "product_id",
                                      "quantity", "amount", "tax"])  # fmt: skip
    steps = Rows(Approval, ["id", "document_type", "document_id", "office_id", "step", "role",
                            "state", "waiting_since", "void", "created_at"])  # fmt: skip
    events = Rows(ApprovalEvent, ["id", "document_type", "document_id", "office_id", "kind",
                                  "actor_id", "at"])  # fmt: skip
    r = first_id
    n = 0
    for b in range(B):
        office = staff.office_ids[b]
        for k in range(share[b]):
            r += 1
            n += 1
            contract = branch_contracts[b][k % contracts_per]
            a = b * per + (contract["id"] - 1) % contracts_per + 1
            owner = owner_of[a]
            at = now - (k % 240) * 3600 - 600
            year = local_date(at).year
            seq, number = numbers.next(office, "KP", year)
            line, p = contract["lines"][0]
            amount = price[p] * 100
            requests.add(r, number, seq, year, "pending", office, contract["id"], a, "ordinary",
                         f"客户{b + 1:02d}", f"9131{a:014d}", cents(amount),
                         cents(tax_of(amount)), owner, owner, ts(at))  # fmt: skip
            lines.add(r, r, line, p, "1.000", cents(amount), cents(tax_of(amount)))
            steps.add(n, "invoice_request", r, office, 0, "manager", "pending", ts(at), "f",
                      ts(at))  # fmt: skip
            events.add(n, "invoice_request", r, office, "submitted", owner, ts(at))
    for table in (requests, lines, steps, events):
        table.copy(copier)
    return {staff.office_ids[b]: share[b] for b in range(B)}
