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
        serial_requests=100,
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
