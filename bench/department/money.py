"""The department's receivables, account by account in date order, as the services would have
written them (R-14, R-15): an invoice (with its issued invoice request and line) debits the
ledger; a receipt credits it and is allocated to the open invoices oldest due first, keeping
a part unallocated (a credit); a write-off credits a small remainder of the oldest open
invoice; a refund debits part of the credit. So, for every account: balance = Σ open amounts
of its invoices − its unallocated credit, every allocation within its invoice, every refund
within the credit, and its contract invoiced within the value shipped (R-14.2).

Accounts with a contract get its invoices, receipts, write-offs and refunds; the others a
prepayment (a receipt with nothing to allocate) and refunds of it. Invoices and receipts come
to the scale's counts; write-offs and refunds make up the ledger lines to `ledger_lines`
(one ledger line per document, as posted). One account (`ledger_account`) gets
`ledger_account_lines` lines for the ledger page.
"""

import datetime

from receivables.models import (
    Allocation,
    Invoice,
    InvoiceRequest,
    InvoiceRequestLine,
    LedgerLine,
    Receipt,
    Refund,
    WriteOff,
)

from .copying import NULL, Rows

MODELS = [Invoice, InvoiceRequest, InvoiceRequestLine, LedgerLine, Receipt, Refund, WriteOff,
          Allocation]  # fmt: skip
DAY = 86400
OVERPAY = 100_000  # cents each receipt leaves unallocated (contract accounts)
PREPAY = 2_000_000  # cents of a prepayment


def spread(total: int, n: int) -> list[int]:
    if n <= 0:
        return []
    base, extra = divmod(max(total, 0), n)
    return [base + (1 if k < extra else 0) for k in range(n)]


def _cents(value: int) -> str:
    return f"{value // 100}.{value % 100:02d}"


def _tax(amount: int) -> int:
    return (amount * 13 + 56) // 113


class Writer:
    def __init__(self, staff, numbers, now: float):
        from .seed import local_date, ts

        self.local_date, self.ts = local_date, ts
        self.staff, self.numbers, self.now = staff, numbers, now
        self.requests = Rows(InvoiceRequest, ["id", "number", "sequence", "year", "status",
                                              "office_id", "contract_id", "account_id",
                                              "invoice_type", "buyer_name", "buyer_tax_number",
                                              "amount", "tax", "author_id", "owner_id",
                                              "created_at", "approved_at"])  # fmt: skip
        self.request_lines = Rows(InvoiceRequestLine, ["id", "request_id", "contract_line_id",
                                                       "product_id", "quantity", "amount",
                                                       "tax"])  # fmt: skip
        self.invoices = Rows(Invoice, ["id", "office_id", "account_id", "contract_id",
                                       "request_id", "invoice_type", "number", "date", "amount",
                                       "tax", "due_date", "issued_by_id", "issued_at"])  # fmt: skip
        self.receipts = Rows(Receipt, ["id", "number", "sequence", "year", "office_id",
                                       "account_id", "amount", "method", "date", "recorded_by_id",
                                       "recorded_at"])  # fmt: skip
        self.allocations = Rows(Allocation, ["id", "receipt_id", "invoice_id", "amount", "date",
                                             "created_by_id", "created_at"])  # fmt: skip
        self.write_offs = Rows(WriteOff, ["id", "number", "sequence", "year", "status",
                                          "office_id", "account_id", "invoice_id", "amount",
                                          "reason", "date", "author_id", "created_at",
                                          "approved_at"])  # fmt: skip
        self.refunds = Rows(Refund, ["id", "number", "sequence", "year", "office_id",
                                     "account_id", "amount", "method", "date", "recorded_by_id",
                                     "recorded_at"])  # fmt: skip
        self.ledger = Rows(LedgerLine, ["id", "office_id", "account_id", "date", "kind",
                                        "document", "debit", "credit", "invoice_id",
                                        "receipt_id", "refund_id", "write_off_id",
                                        "posted_by_id", "posted_at"])  # fmt: skip
        self.ids = {"invoice": 0, "receipt": 0, "allocation": 0, "write_off": 0, "refund": 0,
                    "ledger": 0}  # fmt: skip

    def _next(self, kind: str) -> int:
        self.ids[kind] += 1
        return self.ids[kind]

    def post(self, office, account, at, kind, document, debit, credit, **ids) -> None:
        n = self._next("ledger")
        self.ledger.add(n, office, account, self.local_date(at), kind, document,
                        _cents(debit), _cents(credit), ids.get("invoice", NULL),
                        ids.get("receipt", NULL), ids.get("refund", NULL),
                        ids.get("write_off", NULL), self.staff.finance[self.branch],
                        self.ts(at))  # fmt: skip

    def account(self, account: int, branch: int, owner: int, events: list, contract) -> None:
        """Write one account's documents, `events` = [(epoch, kind, amount or weight)]."""
        self.branch = branch
        office = self.staff.office_ids[branch]
        finance = self.staff.finance[branch]
        open_invoices: list[list] = []  # [id, open cents], oldest due first
        first_open = 0
        credit = 0
        for at, kind, amount in sorted(events):
            date = self.local_date(at)
            year = date.year
            if kind == "invoice":
                n = self._next("invoice")
                seq, number = self.numbers.next(office, "KP", year)
                tax = _tax(amount)
                self.requests.add(n, number, seq, year, "issued", office, contract["id"],
                                  account, "ordinary", f"客户{account}", f"9131{account:014d}",
                                  _cents(amount), _cents(tax), owner, owner,
                                  self.ts(at - DAY), self.ts(at - DAY / 2))  # fmt: skip
                line, product, unit = contract["lines"][0][0], contract["lines"][0][1], \
                    contract["price"]  # fmt: skip
                milli = max(1, amount * 1000 // unit)
                self.request_lines.add(n, n, line, product, f"{milli // 1000}.{milli % 1000:03d}",
                                       _cents(amount), _cents(tax))  # fmt: skip
                invoice_number = f"{44_000_000 + n:08d}"
                self.invoices.add(n, office, account, contract["id"], n, "ordinary",
                                  invoice_number, date, _cents(amount), _cents(tax),
                                  date + datetime.timedelta(days=30), finance,
                                  self.ts(at))  # fmt: skip
                self.post(office, account, at, "invoice", invoice_number, amount, 0, invoice=n)
                open_invoices.append([n, amount])
            elif kind == "receipt":
                n = self._next("receipt")
                seq, number = self.numbers.next(office, "SK", year)
                if contract is None:
                    paid, allocatable = amount, 0
                else:
                    owed = sum(o for _i, o in open_invoices[first_open:])
                    allocatable = owed * amount // 100  # amount: the share paid, in percent
                    paid = allocatable + OVERPAY
                self.receipts.add(n, number, seq, year, office, account, _cents(paid), "transfer",
                                  date, finance, self.ts(at))  # fmt: skip
                self.post(office, account, at, "receipt", number, 0, paid, receipt=n)
                left = allocatable
                while left > 0 and first_open < len(open_invoices):
                    entry = open_invoices[first_open]
                    take = min(left, entry[1])
                    if take > 0:
                        a = self._next("allocation")
                        self.allocations.add(a, n, entry[0], _cents(take), date, finance,
                                             self.ts(at))  # fmt: skip
                        entry[1] -= take
                        left -= take
                    if entry[1] == 0:
                        first_open += 1
                credit += paid - (allocatable - left)
            elif kind == "write_off":
                while first_open < len(open_invoices) and open_invoices[first_open][1] == 0:
                    first_open += 1
                if first_open >= len(open_invoices):
                    continue
                entry = open_invoices[first_open]
                take = min(entry[1], amount)
                n = self._next("write_off")
                seq, number = self.numbers.next(office, "HX", year)
                self.write_offs.add(n, number, seq, year, "approved", office, account, entry[0],
                                    _cents(take), "尾差核销", date, finance,
                                    self.ts(at - DAY), self.ts(at))  # fmt: skip
                self.post(office, account, at, "write_off", number, 0, take, write_off=n)
                entry[1] -= take
            elif kind == "refund":
                take = min(credit, amount)
                if take <= 0:
                    continue
                n = self._next("refund")
                seq, number = self.numbers.next(office, "TK", year)
                self.refunds.add(n, number, seq, year, office, account, _cents(take), "transfer",
                                 date, finance, self.ts(at))  # fmt: skip
                self.post(office, account, at, "refund", number, take, 0, refund=n)
                credit -= take

    def copy(self, copier) -> None:
        for table in (self.requests, self.request_lines, self.invoices, self.receipts,
                      self.allocations, self.write_offs, self.refunds, self.ledger):  # fmt: skip
            table.copy(copier)


def seed(*, scale, staff, now, rng, numbers, copier, accounts, office_of, owner_of, contracts,
         price, ledger_account) -> dict:  # fmt: skip
    writer = Writer(staff, numbers, now)
    with_contract = [a for a in accounts if a in contracts and a != ledger_account]
    without = [a for a in accounts if a not in contracts]
    special = scale.ledger_account_lines if ledger_account in contracts else 0
    s_inv, s_rec, s_wo = special * 2 // 5, special * 3 // 10, special * 3 // 20
    s_ref = special - s_inv - s_rec - s_wo
    nc_rec = min(len(without), scale.receipts // 4)
    c_rec = scale.receipts - nc_rec - s_rec
    c_inv = scale.invoices - s_inv
    rest = max(0, scale.ledger_lines - scale.invoices - scale.receipts - s_wo - s_ref)
    nc_ref = rest // 2 if nc_rec else 0
    c_wo = (rest - nc_ref) // 2
    c_ref = rest - nc_ref - c_wo
    end = now - DAY
    uniform = rng.uniform
    counts = zip(spread(c_inv, len(with_contract)), spread(c_rec, len(with_contract)),
                 spread(c_wo, len(with_contract)), spread(c_ref, len(with_contract)),
                 strict=True)  # fmt: skip
    plan = list(zip(with_contract, counts, strict=True))
    if special:
        plan.insert(0, (ledger_account, (s_inv, s_rec, s_wo, s_ref)))
    for account, (n_inv, n_rec, n_wo, n_ref) in plan:
        contract = contracts[account]
        lines = contract["lines"]
        contract["price"] = price[lines[0][1]] * 100
        shipped_value = sum(400 * price[p] * 100 for _l, p in lines)
        cap = shipped_value * 9 // 10
        start = contract["signed"] + 5 * DAY
        weights = [uniform(0.5, 1.5) for _ in range(n_inv)]
        total_w = sum(weights) or 1
        events = [(uniform(start, end), "invoice", int(cap * w / total_w)) for w in weights]
        events = [e for e in events if e[2] > 0]
        first = min((e[0] for e in events), default=start)
        receipts = [(uniform(first + DAY, end), "receipt", rng.randint(30, 90))
                    for _ in range(n_rec)]  # fmt: skip
        first_receipt = min((e[0] for e in receipts), default=end)
        events += receipts
        events += [(uniform(first + DAY, end), "write_off", rng.randint(100, 5000))
                   for _ in range(n_wo)]  # fmt: skip
        events += [(uniform(first_receipt + 1, end + 1), "refund", rng.randint(5_000, 30_000))
                   for _ in range(n_ref)]  # fmt: skip
        writer.account(account, office_of[account], owner_of[account], events, contract)
    chosen = without[:nc_rec] if nc_rec else []
    for account, n_ref in zip(chosen, spread(nc_ref, len(chosen)), strict=True):
        paid_at = uniform(now - 500 * DAY, now - 200 * DAY)
        events = [(paid_at, "receipt", PREPAY)]
        events += [(uniform(paid_at + DAY, end), "refund", rng.randint(10_000, 30_000))
                   for _ in range(n_ref)]  # fmt: skip
        writer.account(account, office_of[account], owner_of[account], events, None)
    writer.copy(copier)
    ids = writer.ids
    return {
        "invoices": ids["invoice"],
        "invoice_requests": ids["invoice"],
        "receipts": ids["receipt"],
        "allocations": ids["allocation"],
        "write_offs": ids["write_off"],
        "refunds": ids["refund"],
        "ledger_lines": ids["ledger"],
    }
