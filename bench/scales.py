"""The sizes the suite seeds and how long it loads each endpoint."""

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    offices: int
    salespeople: int
    customers: int
    visits: int
    claims: int
    followups: int
    units: int
    calls: int
    duration: float  # seconds of wrk per endpoint (--duration overrides)
    warmup: float  # seconds of wrk before each measured run (not counted)
    serial_requests: int  # then requests one at a time, on one connection
    big_office_share: float = 0.5  # office 1 has this share of salespeople and records

    def as_dict(self) -> dict:
        return asdict(self)


SCALES = {
    # the default: 10 offices, 200 salespeople, 1M customers, visits and claims
    # (about 20% past protection), 2M follow-ups, 50k units
    "full": Scale(
        "full",
        offices=10,
        salespeople=200,
        customers=1_000_000,
        visits=1_000_000,
        claims=1_000_000,
        followups=2_000_000,
        units=50_000,
        calls=100_000,
        duration=15,
        warmup=3,
        serial_requests=200,  # a p99 that is not the single slowest request
    ),
    # for development: the same shape, 1/20 of the rows; the whole run in under two minutes
    "small": Scale(
        "small",
        offices=10,
        salespeople=200,
        customers=50_000,
        visits=50_000,
        claims=50_000,
        followups=100_000,
        units=5_000,
        calls=5_000,
        duration=3,
        warmup=2,
        serial_requests=20,
    ),
    # the CI smoke check (tests/bench): that every figure is produced, in seconds
    "tiny": Scale(
        "tiny",
        offices=2,
        salespeople=10,
        customers=1_000,
        visits=1_000,
        claims=1_000,
        followups=2_000,
        units=200,
        calls=100,
        duration=1,
        warmup=0,
        serial_requests=3,
    ),
}


@dataclass(frozen=True)
class DepartmentScale:
    """The sales department at scale (issue 21): `python -m bench --part department`."""

    name: str
    branches: int
    salespeople: int
    accounts: int  # split evenly over the branches (10,000 a branch at full scale)
    contracts: int  # one per contract account, the first accounts of each branch
    lines_per_contract: int
    race_orders: int  # open outbound orders of 10 lines in branch 1, shipped by the race
    open_orders: int  # other open outbound orders, over the other branches
    invoices: int
    receipts: int
    ledger_lines: int  # invoices and receipts post theirs; refunds and write-offs the rest
    pending: int  # pending approval steps (invoice requests waiting for their manager)
    ledger_account_lines: int  # the one account whose ledger page is read
    products: int
    duration: float  # seconds of wrk for the shipping race and its control
    warmup: float
    serial_requests: int  # requests one at a time for the 1-connection figures
    report_repeats: int = 3  # timed runs of each report (the median), after a warm-up

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def demand_requests(self) -> int:
        return self.contracts + self.race_orders + self.open_orders


DEPARTMENT_SCALES = {
    # the department: 10 branches, 200 salespeople, 100,000 accounts, 20,000
    # contracts, 1,000,000 document lines (250,000 demand-request, 250,000 outbound-order,
    # 500,000 invoice-request lines), 500,000 invoices, 400,000 receipts, 2,000,000 ledger
    # lines, 5,000 pending approvals
    "full": DepartmentScale(
        "full",
        branches=10,
        salespeople=200,
        accounts=100_000,
        contracts=20_000,
        lines_per_contract=10,
        race_orders=2_500,
        open_orders=2_500,
        invoices=500_000,
        receipts=400_000,
        ledger_lines=2_000_000,
        pending=5_000,
        ledger_account_lines=2_000,
        products=200,
        duration=15,
        warmup=3,
        serial_requests=100,
        report_repeats=1,
    ),
    # development: 1/20 of the rows (the ledger page's account keeps its 2,000 lines)
    "small": DepartmentScale(
        "small",
        branches=10,
        salespeople=200,
        accounts=5_000,
        contracts=1_000,
        lines_per_contract=10,
        race_orders=600,
        open_orders=125,
        invoices=25_000,
        receipts=20_000,
        ledger_lines=100_000,
        pending=250,
        ledger_account_lines=2_000,
        products=200,
        duration=3,
        warmup=1,
        serial_requests=20,
    ),
    # the CI smoke check (tests/bench/test_department_smoke.py)
    "tiny": DepartmentScale(
        "tiny",
        branches=2,
        salespeople=6,
        accounts=200,
        contracts=40,
        lines_per_contract=10,
        race_orders=60,
        open_orders=10,
        invoices=400,
        receipts=300,
        ledger_lines=1_200,
        pending=30,
        ledger_account_lines=250,
        products=30,
        duration=1,
        warmup=0,
        serial_requests=3,
        report_repeats=1,
    ),
}
